"""Prefect flow ``clearsim-optimise``: the cheapest server set-up meeting a service target, stored.

The search (:mod:`clearsim.flows.execution.optimise_search`) simulates each candidate on the
scenario's root seed and replication numbers (common random numbers) and stores every
replication as it finishes, so a rerun of the same command reuses them (resume). The study it
stores is the scenario as given (the reference) and every candidate evaluated, at the first
``replications``; its design holds the frontier and the chosen set-up
(``clearsim results``, the HTML report).
"""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow
from pydantic import Field, NonNegativeInt, PositiveInt

from clearsim.flows.execution.study_flow import ProgressParameter, execute_study, task_runner_for


@flow(
    name="clearsim-optimise",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def study_optimise(
    scenario_path: str,
    servers: Annotated[list[str], Field(min_length=1)],
    target: str,
    flow_name: str | None = None,
    trials: PositiveInt = 20,
    grid: bool = False,
    replications: PositiveInt | None = None,
    max_replications: PositiveInt | None = None,
    seed: NonNegativeInt | None = None,
    batch_size: PositiveInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
    on_progress: ProgressParameter = None,
    staff_24h: list[str] | None = None,
) -> dict[str, Any]:
    """Search the server counts for the cheapest set-up meeting the target; store the study.

    Args:
        scenario_path: Scenario YAML file: the base of every candidate.
        servers: ``NAME=LOW:HIGH:COST`` per resource (cost per server-hour).
        target: ``p90<=HOURS`` or ``withinHOURS>=SHARE``, met with 95% confidence.
        flow_name: ``direction/mode`` the target applies to (default: every flow).
        trials: Distinct set-ups the search evaluates (at most the whole space).
        grid: Evaluate every set-up instead of searching.
        replications: Replications of each candidate at first (default: the file's).
        max_replications: Replications an undecided candidate may reach (default: 4 x the first).
        seed: Root seed of every candidate (default: the file's).
        batch_size: Replications per task when the study is stored.
        db_url: SQLAlchemy URL of the study store (default: $CLEARSIM_DB_URL or sqlite).
        report_path: Write the study's HTML report to this file at the end.
        on_progress: Told (replications finished, replications planned so far).
        staff_24h: Resources (also in ``servers``) that may be staffed 7x24 instead of their
            calendar: a binary variable each.

    Returns:
        The study as JSON with its ``optimise`` block (frontier, chosen, replications spent).
    """
    from clearsim.flows.execution.optimise_plan import optimise_plan
    from clearsim.flows.storage.persistence import open_flow_database

    engine = open_flow_database(db_url)
    plan, block = optimise_plan(
        engine, scenario_path, servers, target, flow_name, trials, grid,
        replications, max_replications, seed, on_progress, staff_24h or [],
    )  # fmt: skip
    document = execute_study(plan, engine, batch_size, report_path, None)
    document["optimise"] = block
    document["simulated"] += block["simulated"]
    return document
