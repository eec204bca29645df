"""``clearsim results``: the stored studies and runs, or one of them again, from the store alone."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from clearsim.flows.cli.common import (
    DbUrlOpt,
    JsonOpt,
    app,
    fail,
    print_run_report,
    stdout_console,
)
from clearsim.flows.cli.study_run import print_stored_study

if TYPE_CHECKING:
    from clearsim.flows.storage.studies import StudyListing
    from clearsim.models.tables import RunRow

RunOpt = Annotated[
    int | None,
    typer.Option("--run", help="A stored run (clearsim run) to print again.", show_default=False),
]


@app.command()
def results(
    study_id: Annotated[
        int | None, typer.Argument(help="A stored study to print again.", show_default=False)
    ] = None,
    run_id: RunOpt = None,
    db_url: DbUrlOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the stored studies and runs, or print one again without simulating."""
    from clearsim.flows.storage.persistence import (
        DatabaseError,
        list_runs,
        open_database,
        resolve_db_url,
    )
    from clearsim.flows.storage.studies import list_studies

    if study_id is not None and run_id is not None:
        fail("give a study id or --run, not both")
    if study_id is not None:
        print_stored_study(db_url, study_id, json_output)
        return
    if run_id is not None:
        print_stored_run(db_url, run_id, json_output)
        return
    try:
        engine = open_database(resolve_db_url(db_url))
        studies, runs = list_studies(engine), list_runs(engine)
    except DatabaseError as error:
        fail(str(error))
    if json_output:
        document = {
            "studies": [
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
                for x in studies
            ],
            "runs": [
                {
                    "run_id": r.id,
                    "created_at": r.created_at.isoformat(),
                    "scenario": r.scenario_name,
                    "scenario_hash": r.scenario_hash,
                    "replications": r.replications,
                    "seed": r.root_seed,
                }
                for r in runs
            ],
        }
        sys.stdout.write(json.dumps(document) + "\n")
        return
    _print_listing(studies, runs)


def _print_listing(studies: list[StudyListing], runs: list[RunRow]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = stdout_console()
    if not studies and not runs:
        console.print("No studies or runs are stored yet.", markup=False)
        return
    if studies:
        table = Table(title="Stored studies (clearsim results ID prints one)")
        for header in ("id", "kind", "status", "created (UTC)", "stored", "scenarios"):
            table.add_column(header, overflow="fold")
        for x in studies:
            table.add_row(
                str(x.study.id),
                x.study.kind,
                x.study.status,
                x.study.created_at.strftime("%Y-%m-%d %H:%M"),
                f"{x.stored} / {x.planned}",
                escape(", ".join(x.scenario_names)),
            )
        console.print(table)
    if runs:
        table = Table(title="Stored runs (clearsim results --run ID prints one)")
        for header in ("id", "created (UTC)", "scenario", "replications", "seed"):
            table.add_column(header, overflow="fold")
        for r in runs:
            table.add_row(
                str(r.id),
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                escape(r.scenario_name),
                str(r.replications),
                str(r.root_seed),
            )
        console.print(table)


def print_stored_run(db_url: str | None, run_id: int, json_output: bool) -> None:
    """Print a stored run's tables (or its JSON) as ``clearsim run`` printed them."""
    from clearsim.analysis.aggregate import aggregate
    from clearsim.flows.storage.persistence import (
        DatabaseError,
        load_run,
        open_database,
        resolve_db_url,
    )
    from clearsim.models.scenario import Scenario

    try:
        stored = load_run(open_database(resolve_db_url(db_url)), run_id)
    except DatabaseError as error:
        fail(str(error))
    run = stored.run
    spec = Scenario.model_validate_json(run.scenario_json)
    if len(stored.summaries) < run.replications:
        fail(f"run {run_id}: {len(stored.summaries)} of {run.replications} replications stored")
    report = aggregate(spec.name, stored.summaries, spec.monitoring)
    print_run_report(
        report,
        spec,
        run_id,
        json_output,
        replications=run.replications,
        seed=run.root_seed,
        tail=f"stored as run {run_id} on {run.created_at:%Y-%m-%d %H:%M} UTC",
    )
