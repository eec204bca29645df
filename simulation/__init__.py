"""clearsim's engine: SimPy processes on a NetworkX graph; pure, seeded, no I/O."""

from simulation.recorder import EventLog, check_event_log
from simulation.run import RunResult, run_replication, run_summary

__all__ = ["EventLog", "RunResult", "check_event_log", "run_replication", "run_summary"]
