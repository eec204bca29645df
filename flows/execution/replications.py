"""The one replication executor: every command's replications run through :func:`simulate_batch`.

``clearsim run``, ``compare``, ``sweep``, ``dataset``, the calibration, the Prefect flows and the
Python API all simulate through this module. A batch of replications of one scenario travels
to a worker one way, as :class:`Batch`: the scenario's resolved JSON (which validates back to the
same scenario and hash, and which every task runner passes through untouched), the replication
numbers and the root seed, resolved once at the edge. :func:`run_replications` runs batches on a
local process pool; the Prefect flows map their tasks over the same batches, and each task's
body is :func:`simulate_batch`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from clearsim.flows.execution.worker_guard import guard_worker
from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.simulation.kernel.options import DEFAULT_OPTIONS, EngineOptions
from clearsim.simulation.run import run_summary

ProgressCallback = Callable[[RunSummary], None]
"""Called in the caller's process with each replication's summary as it finishes."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Replications of one scenario as they travel to a worker."""

    scenario_json: str
    """The resolved scenario (:meth:`Scenario.resolved_json`)."""
    replications: tuple[int, ...]
    root_seed: int
    options: EngineOptions = DEFAULT_OPTIONS

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        replications: Iterable[int],
        root_seed: int,
        options: EngineOptions = DEFAULT_OPTIONS,
    ) -> Batch:
        """The batch of ``replications`` of ``scenario`` from ``root_seed``."""
        return cls(scenario.resolved_json(), tuple(replications), root_seed, options)


def simulate_batch(batch: Batch) -> list[RunSummary]:
    """The summaries of a batch's replications, in the batch's order: every worker's job."""
    scenario = Scenario.model_validate_json(batch.scenario_json)
    return [run_summary(scenario, r, batch.root_seed, batch.options) for r in batch.replications]


def default_workers(replications: int, requested: int | None = None) -> int:
    """``requested`` workers (default one per core), never more than cores or replications.

    More processes than cores only compete for them, and a typo such as ``--workers 100000``
    must not fork a storm of processes.
    """
    cores = os.cpu_count() or 1
    return max(1, min(requested or cores, cores, replications))


def split(replications: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """Consecutive runs of at most ``size`` replication numbers, in the order given."""
    return [tuple(replications[i : i + size]) for i in range(0, len(replications), size)]


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork is cheapest (workers inherit the imported engine); elsewhere use the platform default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run_replications(
    scenario: Scenario,
    replications: Iterable[int],
    root_seed: int,
    workers: int = 1,
    on_done: ProgressCallback | None = None,
    on_start: Callable[[], None] | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> list[RunSummary]:
    """Summaries of the given replications, sorted by replication.

    With ``workers > 1`` the batches (one replication each, so progress counts every one) run
    in a process pool; results do not depend on the number of workers, because every
    replication draws only from its own streams. ``on_start`` is called once the workers exist,
    so a progress display's thread is never forked.
    """
    batches = [
        Batch.of(scenario, one, root_seed, options) for one in split(sorted(set(replications)), 1)
    ]
    results: list[RunSummary] = []

    def finished(summaries: list[RunSummary]) -> None:
        results.extend(summaries)
        if on_done is not None:
            for summary in summaries:
                on_done(summary)

    workers = default_workers(len(batches), workers)
    if workers <= 1 or len(batches) <= 1:
        if on_start is not None:
            on_start()
        for batch in batches:
            finished(simulate_batch(batch))
    else:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=_pool_context(), initializer=guard_worker
        ) as pool:
            futures = [pool.submit(simulate_batch, batch) for batch in batches]
            if on_start is not None:
                on_start()
            for future in as_completed(futures):
                finished(future.result())
    return sorted(results, key=lambda s: s.replication)
