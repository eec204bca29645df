"""How long does importing each layer of clearsim take, and what does it load?

Each import runs in a fresh Python process (``python -c "import X"``), the modules alternated
round by round so a busy machine slows them alike. Printed per module: the median wall time of
the process, the time against a bare ``python -c pass``, and whether SimPy, NetworkX, scipy.stats,
SQLAlchemy or Prefect were loaded. The statistics package (``clearsim.analysis``) must load none
of the engine (tests/test_layout.py holds that); this prints what it costs.

Usage::

    python benchmarks/imports.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from machine import print_machine

MODULES = (
    "clearsim",
    "clearsim.analysis.statistics",
    "clearsim.analysis.comparison",
    "clearsim.scenarios.load",
    "clearsim.simulation.run",
    "clearsim.api",
    "clearsim.flows.cli.main",
)
WATCHED = ("simpy", "networkx", "scipy.stats", "sqlalchemy", "prefect", "pandas")


def _time_import(statement: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - started


def _loaded(module: str) -> list[str]:
    watched = f"[m for m in {WATCHED!r} if m in sys.modules]"
    probe = f"import sys, json, {module}; print(json.dumps({watched}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="alternated rounds (default 7)")
    args = parser.parse_args()
    print_machine()
    times: dict[str, list[float]] = {"(bare python)": [], **{m: [] for m in MODULES}}
    for _ in range(args.rounds):
        times["(bare python)"].append(_time_import("pass"))
        for module in MODULES:
            times[module].append(_time_import(f"import {module}"))
    bare = statistics.median(times["(bare python)"])
    print(f"{'module':34} {'median s':>9} {'over bare s':>12}  loads")
    for module, values in times.items():
        median = statistics.median(values)
        loads = "" if module == "(bare python)" else ", ".join(_loaded(module)) or "-"
        print(f"{module:34} {median:9.2f} {median - bare:12.2f}  {loads}")


if __name__ == "__main__":
    main()
