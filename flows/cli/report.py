"""The ``report`` command: a stored study's HTML report, written without simulating."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearsim.flows.cli.common import DbUrlOpt, app, check_report_option, fail, stdout_console

ReportOutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="The HTML file to write.", show_default=False)
]


@app.command()
def report(
    study_id: Annotated[int, typer.Argument(help="A stored study.", show_default=False)],
    out: ReportOutOpt,
    db_url: DbUrlOpt = None,
) -> None:
    """Write a stored study's self-contained HTML report (figures, tables) without simulating."""
    from clearsim.flows.report.files import ReportPathError, write_report
    from clearsim.flows.report.study_report import IncompleteStudyError, study_results
    from clearsim.flows.storage.persistence import DatabaseError, open_database, resolve_db_url
    from clearsim.flows.storage.studies import load_study

    check_report_option(out, "--out")
    try:
        results = study_results(load_study(open_database(resolve_db_url(db_url)), study_id))
    except (DatabaseError, IncompleteStudyError) as error:
        fail(str(error))
    try:
        written = write_report(results, out)
    except ReportPathError as error:
        fail(f"--out: {error}")
    stdout_console().print(f"report of study {study_id} written to {written}", markup=False)
