"""The study commands: ``compare`` and ``sweep`` run on Prefect; ``results`` reads the store.

They register on the app of :mod:`clearsim.flows.cli.common`; ``clearsim.flows.cli.main`` imports
this module (and :mod:`clearsim.flows.cli.report`, the ``report`` command).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from clearsim.flows.cli.common import (
    DbUrlOpt,
    JsonOpt,
    QuietOpt,
    ReplicationsOpt,
    ScenarioArg,
    SeedOpt,
    app,
    check_report_option,
    check_stability,
    fail,
    stderr,
    stdout_console,
)

ScenariosArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files; the first is the reference.", show_default=False),
]
TargetOpt = Annotated[
    float | None,
    typer.Option(
        "--target-halfwidth",
        help="Add replications until every headline CI is within this fraction of its mean "
        "(e.g. 0.05).",
    ),
]
MaxReplicationsOpt = Annotated[
    int | None,
    typer.Option("--max-replications", help="Limit for --target-halfwidth (default 200)."),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="Run the batches on this Dask scheduler (e.g. tcp://10.0.0.5:8786) instead of a "
        "local process pool (default: $CLEARSIM_DASK_ADDRESS).",
    ),
]
BatchOpt = Annotated[
    int | None,
    typer.Option("--batch-size", help="Replications per task (default: ~4 batches per worker)."),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write the study's self-contained HTML report to this file (e.g. report.html).",
    ),
]
PREFECT_QUIET_CONSOLE = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}
"""Prefect's own INFO lines stay in its API (the UI); the terminal shows clearsim's output."""


@contextmanager
def environment(name: str, value: str | None) -> Iterator[None]:
    """``os.environ[name] = value`` for the block (nothing if ``value`` is None), then restored."""
    import os

    if value is None:
        yield
        return
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def run_study(
    flow_name: str,
    prepare: Callable[[], dict[str, object]],
    dask_address: str | None,
    *,
    json_output: bool,
    quiet: bool,
) -> None:
    """Run a study flow on Prefect and print the stored study.

    The Prefect API (a temporary local server unless one is configured) starts first, so that it
    comes up while ``prepare`` loads and checks the scenarios (and fails fast on a user error)
    and while this process imports Prefect.
    """
    import os

    for key, value in PREFECT_QUIET_CONSOLE.items():
        os.environ.setdefault(key, value)
    from clearsim.flows.execution.local_api import LocalApiError, prefect_api, startup_timeout_s
    from clearsim.flows.storage.persistence import DB_URL_ENV

    started, started_monotonic = time.perf_counter(), time.monotonic()
    try:
        with prefect_api() as server:
            parameters = prepare()
            # The URL (and any password in it) reaches the flow through the environment, never
            # as a parameter: Prefect keeps a flow run's parameters in its database and UI.
            db_url = parameters.pop("db_url", None)
            try:
                # Imports Prefect while the server starts.
                from clearsim.flows.execution import study_flow
                from clearsim.flows.execution.prefect_adapter import EagerProcessPoolTaskRunner
            except RuntimeError as error:  # CLEARSIM_DASK_ADDRESS set without prefect-dask
                fail(str(error))
            from clearsim.flows.cli.progress import replication_progress

            flow = getattr(study_flow, flow_name)
            if dask_address:
                try:
                    runner = study_flow.task_runner_for(dask_address)
                except RuntimeError as error:
                    fail(str(error))
                flow = flow.with_options(task_runner=runner)
            elif isinstance(flow.task_runner, EagerProcessPoolTaskRunner):
                # The pool's workers import Prefect while the server starts.
                early = EagerProcessPoolTaskRunner().start_early()
                flow = flow.with_options(task_runner=early)
            if server is not None:
                server.wait(startup_timeout_s())
            enabled = not quiet and stderr.is_terminal
            try:
                with (
                    replication_progress(0, enabled) as bar,
                    environment(DB_URL_ENV, None if db_url is None else str(db_url)),
                ):
                    document = flow(**parameters, on_progress=bar.update)
            except KeyboardInterrupt:
                stop_worker_processes()
                stderr.print(INTERRUPTED_NOTE, markup=False, soft_wrap=True)
                raise typer.Exit(130) from None
            except Exception as error:  # a failed batch or store: say so in one line
                stop_worker_processes()
                reason = " ".join(str(error).split()) or type(error).__name__
                stderr.print(
                    f"clearsim: error: the study stopped: {reason}; every finished batch is "
                    "stored: run the same command again to resume it",
                    markup=False,
                    soft_wrap=True,
                )
                raise typer.Exit(1) from None
    except LocalApiError as error:
        stop_worker_processes()
        fail(str(error))
    elapsed = time.perf_counter() - started
    first = document.get("first_task_started_monotonic")
    startup = f", {first - started_monotonic:.1f} s of it before the first batch" if first else ""
    print_stored_study(
        None if db_url is None else str(db_url),
        int(document["study_id"]),
        json_output,
        note=(
            f"{document['simulated']} replication(s) simulated, {document['reused']} reused from "
            f"the store; {elapsed:.1f} s{startup}"
        ),
        counts={
            k: document[k]
            for k in ("resumed", "reused", "simulated", "first_task_started_monotonic")
        },
    )
    report_path = parameters.get("report_path")
    if "report_error" in document:
        stderr.print(
            f"clearsim: error: {document['report_error']}; the study is stored (id "
            f"{document['study_id']}): write its report with clearsim report "
            f"{document['study_id']} --out FILE",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if report_path and not quiet:
        stderr.print(f"report written to {report_path}", markup=False, soft_wrap=True)


INTERRUPTED_NOTE = (
    "clearsim: interrupted; every finished batch is stored: run the same command again to "
    "resume the study"
)


def stop_worker_processes() -> None:
    """Terminate this process's worker processes (a task runner's pool).

    Then none is left retrying a Prefect API that is about to stop.
    """
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


def print_stored_study(
    db_url: str | None,
    study_id: int,
    json_output: bool,
    note: str = "",
    counts: dict[str, object] | None = None,
) -> None:
    """Print a stored study's tables (or its JSON) from the database alone."""
    from clearsim.flows.report.study_report import (
        IncompleteStudyError,
        print_study,
        study_json,
        study_results,
    )
    from clearsim.flows.storage.persistence import DatabaseError, open_database, resolve_db_url
    from clearsim.flows.storage.studies import load_study

    try:
        engine = open_database(resolve_db_url(db_url))
        results = study_results(load_study(engine, study_id))
    except (DatabaseError, IncompleteStudyError) as error:
        fail(str(error))
    if json_output:
        document = study_json(results) | (counts or {})
        sys.stdout.write(json.dumps(document, allow_nan=False) + "\n")
        return
    print_study(stdout_console(), results, note)


def check_database(db_url: str | None) -> None:
    """Fail early, before any simulation, if the store cannot be opened."""
    from clearsim.flows.storage.persistence import DatabaseError, open_database, resolve_db_url

    try:
        open_database(resolve_db_url(db_url)).dispose()
    except DatabaseError as error:
        fail(str(error))


@app.command()
def compare(
    scenarios: ScenariosArg,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    target_halfwidth: TargetOpt = None,
    max_replications: MaxReplicationsOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Compare scenarios with the first on common random numbers (a stored, resumable study)."""

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import PlanError, comparison_plan

        paths = [str(p) for p in scenarios]
        try:
            plan = comparison_plan(paths, replications, seed, target_halfwidth, max_replications)
        except PlanError as error:
            fail(str(error))
        if batch_size is not None and batch_size < 1:
            fail(f"--batch-size must be >= 1 (got {batch_size})")
        for path, spec in zip(scenarios, plan.scenarios, strict=True):
            check_stability(path, spec)
        check_database(db_url)
        check_report_option(report_path)
        return {
            "scenario_paths": paths,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "target_halfwidth": target_halfwidth,
            "max_replications": plan.max_replications,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("compare_scenarios", prepare, dask_address, json_output=json_output, quiet=quiet)


GridOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="A grid axis: PATH=V1,V2,... (values read as YAML); repeat for more axes, every "
        "combination is a point.",
    ),
]
LhsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--lhs",
        help="A Latin hypercube range: PATH=LOW:HIGH (two integers give integers); repeatable.",
    ),
]
SamplesOpt = Annotated[
    int | None, typer.Option("--samples", "-n", help="Points of the Latin hypercube.")
]


@app.command()
def sweep(
    scenario: ScenarioArg,
    grid: GridOpt = None,
    lhs: LhsOpt = None,
    samples: SamplesOpt = None,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sweep parameters (grid or Latin hypercube); compare every point with the file as it is."""

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import (
            PlanError,
            parse_grid,
            parse_ranges,
            sweep_plan,
        )

        try:
            axes = parse_grid(grid or [])
            ranges = parse_ranges(lhs or [])
            plan = sweep_plan(str(scenario), axes, ranges, samples, replications, seed)
        except PlanError as error:
            fail(str(error))
        if batch_size is not None and batch_size < 1:
            fail(f"--batch-size must be >= 1 (got {batch_size})")
        for spec in plan.scenarios:
            check_stability(scenario, spec)
        check_database(db_url)
        check_report_option(report_path)
        return {
            "scenario_path": str(scenario),
            "grid": axes or None,
            "lhs": {k: list(v) for k, v in ranges.items()} or None,
            "samples": samples,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("sweep_scenario", prepare, dask_address, json_output=json_output, quiet=quiet)


@app.command()
def results(
    study_id: Annotated[
        int | None, typer.Argument(help="A stored study to print again.", show_default=False)
    ] = None,
    db_url: DbUrlOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the stored studies, or print one again without simulating."""
    from rich.markup import escape
    from rich.table import Table

    from clearsim.flows.storage.persistence import DatabaseError, open_database, resolve_db_url
    from clearsim.flows.storage.studies import list_studies

    if study_id is not None:
        print_stored_study(db_url, study_id, json_output)
        return
    try:
        listings = list_studies(open_database(resolve_db_url(db_url)))
    except DatabaseError as error:
        fail(str(error))
    if json_output:
        rows = [
            {
                "study_id": x.study.id,
                "kind": x.study.kind,
                "status": x.study.status,
                "created_at": x.study.created_at.isoformat(),
                "scenarios": list(x.scenario_names),
                "replications": x.study.replications,
                "stored": x.stored,
                "planned": x.planned,
            }
            for x in listings
        ]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table(title="Stored studies (clearsim results ID prints one)")
    for header in ("id", "kind", "status", "created (UTC)", "replications stored", "scenarios"):
        table.add_column(header, overflow="fold")
    for x in listings:
        table.add_row(
            str(x.study.id),
            x.study.kind,
            x.study.status,
            x.study.created_at.strftime("%Y-%m-%d %H:%M"),
            f"{x.stored} / {x.planned}",
            escape(", ".join(x.scenario_names)),
        )
    stdout_console().print(table)
