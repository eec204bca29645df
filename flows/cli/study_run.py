"""Running a study flow from the CLI: Prefect's API first, progress, interruptions, the result.

``compare`` and ``sweep`` (:mod:`clearsim.flows.cli.study`) prepare their parameters and hand
them to :func:`run_study`; ``results`` prints a stored study with :func:`print_stored_study`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from clearsim.flows.cli.common import fail, stderr, stdout_console

PREFECT_QUIET_CONSOLE = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL"}
"""Prefect's log lines stay in its API (the UI); the terminal shows clearsim's, one per failure."""


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

            flow = getattr(study_flow, flow_name, None) or study_levers_flow(flow_name)
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
            enabled = not quiet and stderr.is_terminal
            if server is not None:
                if enabled:  # the first start on a machine takes tens of seconds
                    with stderr.status("starting Prefect's temporary API server", spinner="line"):
                        server.wait(startup_timeout_s())
                else:
                    server.wait(startup_timeout_s())
            try:
                with (
                    replication_progress(0, enabled) as bar,
                    environment(DB_URL_ENV, None if db_url is None else str(db_url)),
                ):
                    state = flow(**parameters, on_progress=bar.update, return_state=True)
            except KeyboardInterrupt:
                stop_worker_processes()
                stderr.print(INTERRUPTED_NOTE, markup=False, soft_wrap=True)
                raise typer.Exit(130) from None
            if not state.is_completed():  # a failed batch or store: say so in one line
                stop_worker_processes()
                failure = state.result(raise_on_failure=False)
                reason = " ".join(str(failure).split()) or type(failure).__name__
                stderr.print(
                    f"clearsim: error: the study stopped: {reason}; every finished batch is "
                    "stored: run the same command again to resume it (the traceback is in the "
                    f"log of Prefect flow run {state.state_details.flow_run_id})",
                    markup=False,
                    soft_wrap=True,
                )
                raise typer.Exit(1)
            document = state.result()
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
        practical_h=parameters.get("practical_h"),  # type: ignore[arg-type]
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


def study_levers_flow(flow_name: str) -> Any:
    """The levers, sensitivity or optimise flow by name (``levers_flow``, ...)."""
    from clearsim.flows.execution import levers_flow, optimise_flow, sensitivity_flow

    for module in (levers_flow, sensitivity_flow):
        if hasattr(module, flow_name):
            return getattr(module, flow_name)
    return getattr(optimise_flow, flow_name)


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
    practical_h: float | None = None,
) -> None:
    """Print a stored study's tables (or its JSON) from the database alone.

    ``practical_h`` overrides the levers' threshold the study was stored with.
    """
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
        results = study_results(load_study(engine, study_id), practical_h)
    except (DatabaseError, IncompleteStudyError) as error:
        fail(str(error))
    if json_output:
        document = study_json(results) | (counts or {})
        sys.stdout.write(json.dumps(document, allow_nan=False) + "\n")
        return
    print_study(stdout_console(), results, note)
