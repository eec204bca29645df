"""Prefect flow ``clearsim-sensitivity``: one-at-a-time sensitivity as a stored, resumable study.

The study is the scenario (the reference) and, for each named parameter, a low and a high
variant (:mod:`clearsim.scenarios.sensitivity`). It runs through
:func:`clearsim.flows.execution.study_flow.execute_study` like the levers (batches, storage as
they finish, resume, progress); the paired effects and their ranking by swing are computed from
the stored runs (:mod:`clearsim.analysis.sensitivity`).
"""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow
from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt

from clearsim.flows.execution.study_flow import ProgressParameter, execute_study, task_runner_for


@flow(
    name="clearsim-sensitivity",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def study_sensitivity(
    scenario_path: str,
    parameters: Annotated[list[str], Field(min_length=1)],
    delta_pct: PositiveFloat = 20.0,
    replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
    on_progress: ProgressParameter = None,
) -> dict[str, Any]:
    """Run a low and a high variant of the scenario for each parameter; store them.

    Args:
        scenario_path: Scenario YAML file: the reference, and the base of every variant.
        parameters: Dotted paths of numbers or duration distributions, varied one at a time.
        delta_pct: Each parameter moves down and up by this many percent (default 20).
        replications: Replications of the scenario and every variant (default: the file's).
        seed: Root seed of the scenario and every variant (default: the file's).
        batch_size: Replications per task (default: about four batches per worker).
        db_url: SQLAlchemy URL of the study store without a password (default: $CLEARSIM_DB_URL
            or sqlite:///clearsim.db).
        report_path: Write the study's self-contained HTML report to this file at the end
            (default: ``reports/`` beside a SQLite store); a link artifact points to it.
        on_progress: Told (replications finished, replications planned) as batches finish, in
            the flow's process (not a deployment parameter).

    Returns:
        The study as JSON (``clearsim sensitivity --json``) with its ranked ``sensitivity``.
    """
    from clearsim.flows.execution.study_plans import sensitivity_plan
    from clearsim.flows.storage.persistence import open_flow_database

    plan = sensitivity_plan(scenario_path, parameters, delta_pct, replications, seed)
    return execute_study(plan, open_flow_database(db_url), batch_size, report_path, on_progress)
