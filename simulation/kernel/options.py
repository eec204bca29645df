"""How the engine computes a replication: options that never change what it computes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Engine options of one replication, passed to ``run_replication``; none is a global.

    Every combination gives the same event log (``tests/test_fast_paths.py``); they differ in
    speed and memory only.
    """

    fast_path: bool = True
    """Plan runs of steps at once (:mod:`clearsim.simulation.fastpath.chains`), compute FIFO
    lines (:mod:`~clearsim.simulation.fastpath.computed_line`) and pass station flows from line
    to line by callbacks. ``False`` runs the reference model: every run of steps a SimPy
    process, every queue plain requests on the facility."""

    spill_rows: int = 2_000_000
    """A finished process group's log of at least this many rows (46 MB) waits on disk for
    the merge; ``0`` never spills."""


DEFAULT_OPTIONS = EngineOptions()
"""The options of every run that names none."""
