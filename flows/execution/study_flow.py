"""Prefect flows ``clearsim-compare`` and ``clearsim-sweep``: studies of scenarios in batches.

A study runs every scenario's replications from one root seed (common random numbers by
construction), one task per batch of replications of one scenario (a task costs ~120 ms of
orchestration: docs/architecture.md, measured costs). Each finished batch is stored in one
transaction as it arrives, so a study that is stopped half-way keeps what it finished, and running
it again simulates only the replications that are missing (the study is found by its key:
:meth:`clearsim.flows.execution.study_design.StudyPlan.key`). With a precision target, replications
are added in rounds until the headline intervals are narrow enough
(:mod:`clearsim.analysis.precision`).

The task runner is a local process pool by default; a Dask cluster by ``dask_address`` (the
CLI's ``--dask-address``) or ``CLEARSIM_DASK_ADDRESS`` for deployments. Only Prefect and
pydantic are imported at module level: pool workers re-import this module.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.futures import as_completed
from prefect.task_runners import TaskRunner
from pydantic import AfterValidator, Field, NonNegativeInt, PositiveInt
from pydantic.json_schema import SkipJsonSchema

from clearsim.flows.execution.prefect_adapter import EagerProcessPoolTaskRunner
from clearsim.flows.execution.run_flow import workers_share_api

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from clearsim.flows.execution.study_design import StudyPlan
    from clearsim.models.records import RunSummary

DASK_ADDRESS_ENV = "CLEARSIM_DASK_ADDRESS"
StudyProgress = Callable[[int, int], None]
"""Called with (replications finished, replications planned) as a study's batches finish."""


class ProcessLocal:
    """A callback of the process that made it; a copy pickled elsewhere does nothing.

    Prefect's process pool sends each task the flow run's context, parameters included, so a
    progress callback (a terminal's progress bar, say, with its locks) would have to pickle.
    Only the flow's own process calls it, so the copy needs nothing of it.
    """

    __slots__ = ("_callback",)

    def __init__(self, callback: StudyProgress | None) -> None:
        self._callback = callback

    def __call__(self, done: int, total: int) -> None:
        """Tell the callback, in the process that made it."""
        if self._callback is not None:
            self._callback(done, total)

    def __reduce__(self) -> tuple[type[ProcessLocal], tuple[None]]:
        return (ProcessLocal, (None,))


def _process_local(callback: StudyProgress | None) -> StudyProgress | None:
    return None if callback is None else ProcessLocal(callback)


ProgressParameter = SkipJsonSchema[Annotated[StudyProgress | None, AfterValidator(_process_local)]]
"""A flow's ``on_progress``: kept out of the deployment schema, wrapped as :class:`ProcessLocal`."""
BATCHES_PER_WORKER = 4
"""Batches per worker and round: few enough to amortise a task's cost, enough to even out."""


@task(name="simulate-study-batch", persist_result=False, retries=0)
def simulate_study_batch(
    scenario_json: str, replications: list[int], root_seed: int
) -> tuple[float, list[RunSummary]]:
    """The batch's start time and the summaries of its replications, in the order given.

    The start is ``time.monotonic()``: one clock for every process of a Linux host, so the
    caller can tell how long orchestration took before the first batch began. The scenario
    travels as its resolved JSON, which every task runner passes through untouched (a model
    would be walked field by field) and which validates back to the same scenario and hash.
    """
    import time

    from clearsim.models.scenario import Scenario
    from clearsim.simulation.run import run_summary

    started = time.monotonic()
    scenario = Scenario.model_validate_json(scenario_json)
    return started, [run_summary(scenario, r, root_seed) for r in replications]


def task_runner_for(dask_address: str | None = None) -> TaskRunner[Any]:
    """The task runner of a study's batches.

    A Dask cluster's for ``dask_address`` (or ``$CLEARSIM_DASK_ADDRESS``), else a local process
    pool with one worker per core.
    """
    address = dask_address or os.environ.get(DASK_ADDRESS_ENV)
    if address:
        try:
            from prefect_dask.task_runners import DaskTaskRunner
        except ImportError:
            raise RuntimeError(
                f"a Dask scheduler ({address}) needs prefect-dask: pip install 'clearsim[dask]'"
            ) from None
        return DaskTaskRunner(address=address)
    return EagerProcessPoolTaskRunner()


def plan_batches(
    pending: dict[int, list[int]], workers: int, batch_size: int | None = None
) -> list[tuple[int, list[int]]]:
    """Split each scenario's pending replications into batches: (scenario position, batch).

    Without ``batch_size`` the batches are sized so that every worker gets about
    ``BATCHES_PER_WORKER`` of them; the batching never changes a result.
    """
    total = sum(len(r) for r in pending.values())
    if total == 0:
        return []
    size = batch_size or max(1, math.ceil(total / (max(1, workers) * BATCHES_PER_WORKER)))
    return [
        (position, replications[i : i + size])
        for position, replications in sorted(pending.items())
        for i in range(0, len(replications), size)
    ]


def _run_round(
    plan: StudyPlan,
    engine: Engine,
    pending: dict[int, list[int]],
    batch_size: int | None,
    on_stored: Any,
) -> tuple[int, float | None]:
    """Simulate the pending replications in batches and store each batch as it finishes.

    Returns the replications simulated and when the first batch started (``time.monotonic``).
    """
    from clearsim.flows.storage.persistence import store_replications

    batches = plan_batches(pending, os.cpu_count() or 1, batch_size)
    simulated, first_start = 0, None
    with workers_share_api():
        futures = [
            simulate_study_batch.submit(
                plan.scenarios[position].resolved_json(), replications, plan.root_seed
            )
            for position, replications in batches
        ]
        for future in as_completed(futures):
            started, summaries = future.result()
            first_start = started if first_start is None else min(first_start, started)
            store_replications(engine, summaries)
            simulated += len(summaries)
            on_stored(len(summaries))
    return simulated, first_start


def execute_study(
    plan: StudyPlan,
    engine: Engine,
    batch_size: int | None = None,
    report_path: str | None = None,
    on_progress: StudyProgress | None = None,
) -> dict[str, Any]:
    """Run (or resume) the study of ``plan`` and return its JSON with what this call simulated.

    The study's HTML report is written at the end to ``report_path`` (default: beside the store,
    :func:`clearsim.flows.report.artifacts.default_report_path`) and linked as an artifact;
    ``on_progress`` is told (replications finished, replications planned) as batches finish.
    """
    from clearsim.analysis.aggregate import aggregate
    from clearsim.analysis.precision import headline_precision
    from clearsim.flows.execution.study_outputs import publish_study
    from clearsim.flows.report.files import check_report_path
    from clearsim.flows.report.study_report import study_json
    from clearsim.flows.storage.persistence import load_replications
    from clearsim.flows.storage.provenance import code_version
    from clearsim.flows.storage.studies import finish_study, open_study, set_study_replications

    logger = get_run_logger()
    if report_path is not None:
        check_report_path(report_path)  # fail before simulating
    opened = open_study(engine, plan)
    replications = max(opened.replications, plan.replications)
    stored = [set(s) for s in opened.stored]
    reused = sum(len({r for r in s if r < replications}) for s in stored)
    logger.info(
        "study %d (%s, %d scenarios): %s; %d replication(s) already stored",
        opened.study_id,
        plan.kind,
        len(plan.scenarios),
        "resumed" if opened.resumed else "new",
        reused,
    )
    # Called from a sync flow, so a UUID (Prefect types it as sync-or-async).
    progress_id = cast(
        UUID,
        create_progress_artifact(
            progress=0.0, description=f"Replications of study {opened.study_id} completed (%)"
        ),
    )
    simulated, first_task_started = 0, None
    limit = plan.max_replications or replications
    while True:
        total = replications * len(plan.scenarios)
        pending = {
            i: [r for r in range(replications) if r not in stored[i]]
            for i in range(len(plan.scenarios))
        }
        done = total - sum(len(p) for p in pending.values())

        def on_stored(count: int, _total: int = total) -> None:
            nonlocal done
            done += count
            if on_progress is not None:
                on_progress(done, _total)
            update_progress_artifact(progress_id, progress=100.0 * done / _total)

        if on_progress is not None:
            on_progress(done, total)
        count, started = _run_round(plan, engine, pending, batch_size, on_stored)
        simulated += count
        if first_task_started is None:
            first_task_started = started
        for i in range(len(plan.scenarios)):
            stored[i].update(pending[i])
        if plan.target_halfwidth is None or replications >= limit:
            break
        reports = [
            aggregate(
                spec.name,
                load_replications(
                    engine, spec.scenario_hash, plan.root_seed, replications, code_version()
                ),
                spec.monitoring,
                plan.confidence,
            )
            for spec in plan.scenarios
        ]
        precision = headline_precision(reports, plan.target_halfwidth)
        if precision.worst_relative_half_width <= plan.target_halfwidth:
            break
        replications = min(limit, max(replications + 1, precision.replications_needed))
        logger.info(
            "widest headline CI is ±%.1f%% of its mean (%s): %d replications next",
            100 * precision.worst_relative_half_width,
            precision.worst,
            replications,
        )
        set_study_replications(engine, opened.study_id, replications)
    finish_study(engine, opened.study_id)
    results, report_error = publish_study(engine, opened.study_id, plan, report_path)
    logger.info("study %d complete: %d replication(s) simulated", opened.study_id, simulated)
    document = study_json(results)
    if report_error is not None:
        document["report_error"] = report_error
    document.update(
        {
            "resumed": opened.resumed,
            "reused": reused,
            "simulated": simulated,
            "first_task_started_monotonic": first_task_started,
        }
    )
    return document


@flow(
    name="clearsim-compare",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def compare_scenarios(
    scenario_paths: Annotated[list[str], Field(min_length=2)],
    replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    target_halfwidth: Annotated[float, Field(gt=0, lt=1)] | None = None,
    max_replications: PositiveInt | None = None,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
    on_progress: ProgressParameter = None,
) -> dict[str, Any]:
    """Compare scenarios with the first under common random numbers; store and publish the study.

    Args:
        scenario_paths: Scenario YAML files; the first is the reference.
        replications: Replications of every scenario (default: the first file's).
        seed: Root seed of every scenario (default: the first file's).
        target_halfwidth: Add replications until every headline CI is within this fraction of
            its mean (e.g. 0.05), up to ``max_replications``.
        max_replications: Limit for the precision target (default 200).
        batch_size: Replications per task (default: about four batches per worker).
        db_url: SQLAlchemy URL of the study store without a password (default: $CLEARSIM_DB_URL
            or sqlite:///clearsim.db); Prefect stores parameters, so a password goes in
            $CLEARSIM_DB_URL.
        report_path: Write the study's self-contained HTML report to this file at the end
            (default: ``reports/{artifact key}.html`` next to a SQLite store); a link artifact
            points to it.
        on_progress: Told (replications finished, replications planned) as batches finish, in
            the flow's process (the CLI draws its progress bar with it; not a deployment
            parameter).

    Returns:
        The study as JSON (``clearsim compare --json``), with ``resumed``, ``reused`` and
        ``simulated`` counts.
    """
    from clearsim.flows.execution.study_plans import comparison_plan
    from clearsim.flows.storage.persistence import open_flow_database

    plan = comparison_plan(scenario_paths, replications, seed, target_halfwidth, max_replications)
    return execute_study(plan, open_flow_database(db_url), batch_size, report_path, on_progress)


@flow(
    name="clearsim-sweep",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def sweep_scenario(
    scenario_path: str,
    grid: dict[str, list[Any]] | None = None,
    lhs: dict[str, list[Any]] | None = None,
    samples: PositiveInt | None = None,
    replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
    on_progress: ProgressParameter = None,
    take_up: list[float] | None = None,
) -> dict[str, Any]:
    """Sweep a scenario's parameters and compare every point with the scenario as it is.

    Args:
        scenario_path: Scenario YAML file: the reference, and the base of every point.
        grid: Dotted field path -> values; every combination is a point.
        lhs: Dotted field path -> [low, high]; ``samples`` points of a Latin hypercube (two
            integers give integers, so the bounds keep their JSON type).
        samples: Points of the Latin hypercube.
        replications: Replications of every point (default: the file's).
        seed: Root seed of every point (default: the file's).
        batch_size: Replications per task (default: about four batches per worker).
        db_url: SQLAlchemy URL of the study store, no password (default: $CLEARSIM_DB_URL or
            sqlite:///clearsim.db; Prefect stores parameters: a password goes in the variable).
        report_path: Write the study's self-contained HTML report to this file at the end
            (default: ``reports/`` beside a SQLite store); a link artifact points to it.
        on_progress: Told (replications finished, planned) as batches finish, in the flow's
            process (not a deployment parameter).
        take_up: Take-up shares in (0, 1]: the reform at ``scenario_path`` at each share against
            the baseline it extends (instead of ``grid`` or ``lhs``).

    Returns:
        The study as JSON (``clearsim sweep --json``).
    """
    from clearsim.flows.execution.study_plans import sweep_plan
    from clearsim.flows.storage.persistence import open_flow_database

    plan = sweep_plan(scenario_path, grid, lhs, samples, replications, seed, take_up)
    return execute_study(plan, open_flow_database(db_url), batch_size, report_path, on_progress)
