"""What a finished study publishes: its Prefect artifacts and its HTML report."""

from __future__ import annotations

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from sqlalchemy.engine import Engine

from clearsim.flows.execution.study_design import StudyPlan
from clearsim.flows.report.artifacts import (
    default_report_path,
    publish_report_artifacts,
    publish_report_link,
    study_key,
)
from clearsim.flows.report.files import ReportPathError, write_report
from clearsim.flows.report.study_report import (
    StudyResults,
    difference_rows,
    study_markdown,
    study_results,
)
from clearsim.flows.storage.studies import load_study


def publish_study(
    engine: Engine, study_id: int, plan: StudyPlan, report_path: str | None
) -> tuple[StudyResults, str | None]:
    """Publish a finished study's artifacts and write its report; its results and any report error.

    The report goes to ``report_path`` or, by default, beside the store
    (:func:`clearsim.flows.report.artifacts.default_report_path`), linked as an artifact. The study
    is stored: a report that cannot be written does not fail it; the error is returned only when
    the caller asked for that path.
    """
    logger = get_run_logger()
    results = study_results(load_study(engine, study_id), plan.design.get("practical_h"))
    key = study_key(engine.url, study_id)
    create_markdown_artifact(
        markdown=study_markdown(results),
        key=key,
        description=f"Study {study_id}: scenarios and differences to the reference",
    )
    create_table_artifact(
        table=difference_rows(results),
        key=f"{key}-differences",
        description=f"Study {study_id}: differences to the reference",
    )
    publish_report_artifacts(results, study_id, key)
    report_error = None
    target = report_path or str(default_report_path(engine.url, study_id))
    try:  # the study is stored: a report that cannot be written does not fail it
        written = write_report(results, target)
        logger.info("report written to %s", written)
        publish_report_link(written, key, study_id)
    except ReportPathError as error:
        logger.error("the report was not written: %s", error)
        if report_path is not None:  # asked for: the caller is told
            report_error = str(error)
    return results, report_error
