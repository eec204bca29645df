"""The machine and library versions a benchmark prints beside its figures.

Importing this module puts the checkout it sits in first on ``sys.path``, so that a benchmark
run as ``python benchmarks/<name>.py`` measures the code beside it, not an installed copy.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIBRARIES = ("simpy", "numpy", "scipy", "networkx", "pydantic", "pyarrow", "prefect", "fastapi")


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (``unknown`` elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return "unknown"


def print_machine(libraries: tuple[str, ...] = LIBRARIES) -> None:
    """Cores, CPU model, load, OS, Python and the versions of ``libraries``."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, {platform.platform()}")
    print(f"load average at start: {load}")
    versions = []
    for name in libraries:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    print(f"python {platform.python_version()}; " + ", ".join(versions))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
