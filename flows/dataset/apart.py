"""Simulate a dataset's replication in a process of its own, so the build starts on a clean heap.

A million-order day leaves the process that simulated it holding a few hundred MB of freed but
fragmented heap besides its log (measured on the Double-11 day at 1,000,000 orders: 1,210 MB
resident for a 554 MB log and about 100 MB of case table, docs/dataset.md). The build then adds
its own arrays on top. Here the replication runs in a fresh process (``spawn``: nothing
inherited from the caller's threads), spills its log's columns to files, and hands back the
log, whose columns are read from those files when the build first asks for them. Same scenario
and seed, same log: the child runs the same code on the same streams. The scenario travels as
every replication's does, in a :class:`~clearsim.flows.execution.replications.Batch`.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from clearsim.flows.execution.replications import Batch
from clearsim.flows.execution.worker_guard import guard_worker
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
    batch = Batch.of(scenario, (replication,), seed)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=guard_worker) as pool:
        return pool.submit(_simulate_spilled, batch, directory).result()


def _simulate_spilled(batch: Batch, directory: Path) -> ApartRun:
    """The child's job: the batch's one replication, its log spilled to ``directory``."""
    scenario = Scenario.model_validate_json(batch.scenario_json)
    (replication,) = batch.replications
    log, _, _ = simulate(scenario, replication, batch.root_seed, batch.options)
    log.spill(directory)
    return ApartRun(log, peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (NaN where the platform does not say)."""
    if resource is None:
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB
