"""clearsim's engine: SimPy processes on a NetworkX graph; pure, seeded, no I/O.

The entry points are imported on first use, so importing one kernel module (streams, say)
does not load every process model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearsim.simulation.log.recorder import EventLog, check_event_log
    from clearsim.simulation.run import RunResult, run_replication, run_summary

_HOMES = {
    "EventLog": "clearsim.simulation.log.recorder",
    "check_event_log": "clearsim.simulation.log.recorder",
    "RunResult": "clearsim.simulation.run",
    "run_replication": "clearsim.simulation.run",
    "run_summary": "clearsim.simulation.run",
}

__all__ = ["EventLog", "RunResult", "check_event_log", "run_replication", "run_summary"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
