"""clearsim: simulate customs clearance, compare reforms, report WCO Time Release Study segments.

``import clearsim`` is cheap: the Python API (:mod:`clearsim.api`) is loaded on first use, so
``clearsim.load_scenario`` or ``clearsim.compare`` work at once, while importing a part such as
:mod:`clearsim.analysis` loads neither SimPy nor Prefect.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("clearsim")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0+unknown"

_API = (
    "Comparison",
    "Replications",
    "compare",
    "levers",
    "load_scenario",
    "run",
)

__all__ = [
    "Comparison",
    "Replications",
    "__version__",
    "compare",
    "levers",
    "load_scenario",
    "run",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module("clearsim.api"), name)
    raise AttributeError(f"module 'clearsim' has no attribute {name!r}")
