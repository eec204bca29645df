"""Prefect flow ``clearsim-run``: a scenario's replications in batches, stored and published.

The flow orchestrates and computes nothing: it loads the scenario, maps :func:`simulate_batch`
over batches of replication indices, aggregates, stores the run and publishes artifacts, each by
calling the pure functions of ``scenarios``, ``simulation`` and ``flows``.

Only Prefect and pydantic are imported at module level: the process-pool workers are spawned and
re-import this module, and a worker needs the engine, never the database, YAML or Rich layers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from prefect.utilities.annotations import unmapped
from pydantic import NonNegativeInt, PositiveInt

if TYPE_CHECKING:
    from clearsim.models.records import RunSummary

FLOW_NAME = "clearsim-run"
RUN_COMMAND = "flow-run"
"""``command`` column of the runs this flow stores."""


@task(name="simulate-batch", persist_result=False, retries=0)
def simulate_batch(scenario_json: str, replications: list[int], root_seed: int) -> list[RunSummary]:
    """Summaries of a batch of replications, in the order given (the one executor's job).

    One task runs several replications because a Prefect task costs ~120 ms of orchestration
    (docs/architecture.md, measured costs); results do not depend on the batching, as each
    replication has its own streams. The scenario travels as its resolved JSON.
    """
    from clearsim.flows.execution import replications as executor

    return executor.simulate_batch(executor.Batch(scenario_json, tuple(replications), root_seed))


@contextmanager
def workers_share_api() -> Iterator[None]:
    """Point task-runner workers at this flow run's API server while tasks are submitted.

    With no ``PREFECT_API_URL``, Prefect 3.8.8 starts an ephemeral server whose URL only the
    parent's client knows. ``ProcessPoolTaskRunner`` hands workers the parent's explicitly set
    settings and ``os.environ``, captured at the first submit, so each spawned worker would start
    a server of its own on the same SQLite file (seconds per worker, "database is locked").
    Setting the URL for the duration of the submits makes the workers use the parent's server.
    """
    context = FlowRunContext.get()
    url = context.client.api_url if context is not None else None
    # An in-process ASGI client ("ephemeral-prefect") has no address another process could use.
    if PREFECT_API_URL.value() or url is None or url.host == "ephemeral-prefect":
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: str(url)}):
        yield


def _artifact_key(kind: str, scenario_name: str) -> str:
    # Artifact keys allow lowercase letters, digits and dashes only.
    slug = "".join(c if c.isalnum() else "-" for c in scenario_name.lower()).strip("-")
    return f"clearsim-{kind}-{slug or 'scenario'}"


# TaskRunner is invariant in its future type; the flow decorator asks for the generic one.
_TASK_RUNNER: TaskRunner[Any] = ProcessPoolTaskRunner()


@flow(
    name=FLOW_NAME,
    task_runner=_TASK_RUNNER,
    persist_result=False,
    validate_parameters=True,
)
def run_scenario(
    scenario_path: str,
    replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
) -> dict[str, Any]:
    """Simulate a scenario's replications, store the run and publish its TRS and resource tables.

    Args:
        scenario_path: Scenario YAML file (relative to the working directory).
        replications: Replications to run (default: the file's).
        seed: Root seed (default: the file's).
        batch_size: Replications per task (default: spread evenly over the cores); a task costs
            ~120 ms of orchestration, so batches amortise it.
        db_url: SQLAlchemy URL to store the run, without a password (default: $CLEARSIM_DB_URL or
            sqlite:///clearsim.db); Prefect stores parameters, so a password goes in
            $CLEARSIM_DB_URL.

    Returns:
        ``run_id``, ``scenario_hash`` and ``report`` (the JSON report of ``clearsim run --json``).
    """
    from clearsim.analysis.aggregate import aggregate
    from clearsim.flows.execution.replications import split
    from clearsim.flows.report.render import report_json, resource_rows, trs_markdown
    from clearsim.flows.storage.persistence import open_flow_database, store_run
    from clearsim.scenarios.load import load_scenario

    logger = get_run_logger()
    updates = {
        k: v for k, v in {"replications": replications, "seed": seed}.items() if v is not None
    }
    spec = load_scenario(scenario_path, **updates)
    engine = open_flow_database(db_url)
    per_task = batch_size or math.ceil(spec.replications / (os.cpu_count() or 1))
    batches = [list(b) for b in split(range(spec.replications), per_task)]
    logger.info(
        "%s [%s]: %d replications in %d batch(es), seed %d",
        spec.name,
        spec.scenario_hash[:12],
        spec.replications,
        len(batches),
        spec.seed,
    )
    # Called from a sync flow, so a UUID (Prefect types it as sync-or-async).
    progress_id = cast(
        UUID,
        create_progress_artifact(
            progress=0.0, description=f"Replications of {spec.name} completed (%)"
        ),
    )
    done = 0
    summaries: list[RunSummary] = []
    with workers_share_api():
        futures = simulate_batch.map(unmapped(spec.resolved_json()), batches, unmapped(spec.seed))
        for future in as_completed(futures):
            batch = future.result()
            summaries.extend(batch)
            done += len(batch)
            update_progress_artifact(progress_id, progress=100.0 * done / spec.replications)
    summaries.sort(key=lambda s: s.replication)
    report = aggregate(spec.name, summaries, spec.monitoring)
    run_id = store_run(engine, spec, summaries, command=RUN_COMMAND)
    create_markdown_artifact(
        markdown=trs_markdown(report),
        key=_artifact_key("trs", spec.name),
        description=f"WCO TRS segments of {spec.name}, run {run_id}",
    )
    create_table_artifact(
        table=resource_rows(report),
        key=_artifact_key("resources", spec.name),
        description=f"Resources of {spec.name}, run {run_id}",
    )
    logger.info("stored as run %d", run_id)
    extra = {"kind": spec.kind, "warmup_min": spec.warmup_min, "horizon_min": spec.horizon_min}
    return {
        "run_id": run_id,
        "scenario_hash": spec.scenario_hash,
        "report": report_json(report, extra),
    }
