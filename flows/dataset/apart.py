"""Simulate a dataset's replication in a process of its own, so the build starts on a clean heap.

A million-order day leaves the process that simulated it holding a few hundred MB of freed but
fragmented heap besides its log (measured on the Double-11 day at 1,000,000 orders: 1,210 MB
resident for a 554 MB log and about 100 MB of case table, docs/dataset.md). The build then adds
its own arrays on top. Here the replication runs in a fresh process (``spawn``: nothing
inherited from the caller's threads), spills its log's columns to files, and hands back the
log, whose columns are read from those files when the build first asks for them. Same scenario
and seed, same log: the child runs the same code on the same streams.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from clearsim.models.scenario import Scenario
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.run import simulate

try:
    import resource
except ImportError:  # not on Unix
    resource = None  # type: ignore[assignment]


@dataclass(frozen=True)
class ApartRun:
    """The log of a replication simulated apart, and the simulating process's peak RSS (MB)."""

    log: EventLog
    peak_rss_mb: float


def simulate_apart(scenario: Scenario, replication: int, seed: int, directory: Path) -> ApartRun:
    """Replication ``replication`` of ``scenario``, simulated in a child process.

    The log's columns wait in ``directory`` (which must outlive the log) until first read.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_simulate_spilled, scenario, replication, seed, directory).result()


def _simulate_spilled(scenario: Scenario, replication: int, seed: int, directory: Path) -> ApartRun:
    log, _, _ = simulate(scenario, replication, seed)
    log.spill(directory)
    return ApartRun(log, peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (NaN where the platform does not say)."""
    if resource is None:
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB
