"""Prefect flow ``clearsim-levers``: a scenario's levers as a stored, resumable study.

The study is the scenario (the reference), any other files compared with it, and one variant per
lever of the reference (:mod:`clearsim.scenarios.levers`): one server more of each resource,
24-hour staffing of each resource on a shift calendar and of each shared calendar. It runs
through :func:`clearsim.flows.execution.study_flow.execute_study` like a comparison (batches,
storage as they finish, resume, progress over every variant's replications); the paired effects
and their ranking are computed from the stored runs (:mod:`clearsim.analysis.levers`).
"""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow
from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveInt

from clearsim.flows.execution.study_flow import ProgressParameter, execute_study, task_runner_for


@flow(
    name="clearsim-levers",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def study_levers(
    scenario_paths: Annotated[list[str], Field(min_length=1)],
    replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    practical_h: NonNegativeFloat = 0.5,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
    on_progress: ProgressParameter = None,
) -> dict[str, Any]:
    """Run the first scenario's levers (and compare any other scenarios with it); store them.

    Args:
        scenario_paths: Scenario YAML files; the first is the reference whose levers are run.
        replications: Replications of every scenario and lever (default: the first file's).
        seed: Root seed of every scenario and lever (default: the first file's).
        practical_h: An effect on arrival->release is practically significant from this many
            hours (default 0.5, :data:`clearsim.analysis.levers.DEFAULT_PRACTICAL_H`).
        batch_size: Replications per task (default: about four batches per worker).
        db_url: SQLAlchemy URL of the study store without a password (default: $CLEARSIM_DB_URL
            or sqlite:///clearsim.db).
        report_path: Write the study's self-contained HTML report to this file at the end
            (default: ``reports/`` beside a SQLite store); a link artifact points to it.
        on_progress: Told (replications finished, replications planned) as batches finish, in
            the flow's process (not a deployment parameter).

    Returns:
        The study as JSON (``clearsim run --levers --json``) with its ranked ``levers``.
    """
    from clearsim.flows.execution.study_plans import lever_plan
    from clearsim.flows.storage.persistence import open_flow_database

    plan = lever_plan(scenario_paths, replications, seed, practical_h)
    return execute_study(plan, open_flow_database(db_url), batch_size, report_path, on_progress)
