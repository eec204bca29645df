"""Run a scenario's replications, sequentially or in a local process pool."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.simulation.run import run_summary

ProgressCallback = Callable[[RunSummary], None]


def default_workers(replications: int) -> int:
    """One worker per core, never more than there are replications."""
    return max(1, min(os.cpu_count() or 1, replications))


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
) -> list[RunSummary]:
    """Summaries of the given replications, sorted by replication.

    With ``workers > 1`` the replications run in a process pool; results do not depend on the
    number of workers, because every replication draws only from its own streams.
    ``on_start`` is called once the workers exist, so a progress display's thread is never forked.
    """
    indices = sorted(set(replications))
    results: list[RunSummary] = []
    if workers <= 1 or len(indices) <= 1:
        if on_start is not None:
            on_start()
        for replication in indices:
            summary = run_summary(scenario, replication, root_seed)
            results.append(summary)
            if on_done is not None:
                on_done(summary)
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            futures = [pool.submit(run_summary, scenario, r, root_seed) for r in indices]
            if on_start is not None:
                on_start()
            for future in as_completed(futures):
                summary = future.result()
                results.append(summary)
                if on_done is not None:
                    on_done(summary)
    return sorted(results, key=lambda s: s.replication)
