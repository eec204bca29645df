"""Prefect flow ``clearsim-what-if``: a planner's what-if against the baseline, as a form.

The flow's parameters are the questions a planner asks of a scenario (customs officers,
inspection lanes, gate lanes, officers' hours, take-up shares, a volume multiplier,
replications); Prefect renders them as the deployment's run form, each with its constraint
and its description from the docstring, empty meaning the file's value. The variant is the
baseline with the chosen values (:func:`clearsim.scenarios.what_if.what_if_variant`), compared
with the baseline on common random numbers through
:func:`clearsim.flows.execution.study_flow.execute_study`: stored, resumable and reported
(markdown, tables and a link to the HTML report) like every comparison. A choice the
scenario cannot take fails the run with one line naming the choice, not a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Failed
from pydantic import Field, NonNegativeInt

from clearsim.flows.execution.study_flow import execute_study, task_runner_for
from clearsim.scenarios.what_if import OfficerHours, WhatIfChoices

DEFAULT_SCENARIO = "scenarios/sea_import_baseline.yaml"

Count = Annotated[int | None, Field(ge=1, le=1000)]
Share = Annotated[float | None, Field(ge=0, le=1)]


def what_if_plan(
    scenario_path: str,
    choices: WhatIfChoices,
    replications: int | None = None,
    seed: int | None = None,
) -> Any:
    """The paired comparison of the file (the reference) and its what-if variant.

    Raises:
        PlanError: The file cannot be read, or a choice does not fit it (one line).
    """
    from clearsim.flows.execution.study_design import COMPARE, StudyPlan
    from clearsim.flows.execution.study_plans import PlanError, _check_common, _load
    from clearsim.scenarios.what_if import WhatIfError, what_if_variant

    _check_common(replications, seed)
    first = _load(scenario_path)
    common = {
        "replications": replications or first.replications,
        "seed": first.seed if seed is None else seed,
    }
    base = _load(scenario_path, **common)
    try:
        variant = what_if_variant(base, choices)
        return StudyPlan(
            COMPARE,
            (base, variant),
            ({"file": scenario_path}, {"what_if": choices.chosen()}),
            root_seed=common["seed"],
            replications=common["replications"],
            design={"files": [scenario_path], "what_if": choices.chosen()},
        )
    except (WhatIfError, ValueError) as error:
        raise PlanError(str(error)) from None


@flow(
    name="clearsim-what-if",
    task_runner=task_runner_for(),
    persist_result=False,
    validate_parameters=True,
)
def what_if(
    scenario_path: str = DEFAULT_SCENARIO,
    customs_officers: Count = None,
    inspection_lanes: Count = None,
    gate_lanes: Count = None,
    officer_hours: OfficerHours | None = None,
    advance_declaration_share: Share = None,
    ship_side_pickup_share: Share = None,
    volume_multiplier: Annotated[float | None, Field(gt=0, le=100)] = None,
    replications: Annotated[int | None, Field(ge=2, le=1000)] = None,
    seed: NonNegativeInt | None = None,
    db_url: str | None = None,
    report_path: str | None = None,
) -> dict[str, Any] | State[Any]:
    """Compare the baseline with the planner's what-if on common random numbers; store, report.

    Prefect shows each parameter in the run form under its name with the description below.

    Args:
        scenario_path: The baseline scenario file, relative to the clearsim checkout.
        customs_officers: Customs officers reviewing documents (empty: the scenario's number).
        inspection_lanes: Physical inspection lanes (empty: the scenario's number).
        gate_lanes: Truck gate lanes (empty: the scenario's number).
        officer_hours: When customs officers work: office hours or 7x24 (empty: the
            scenario's calendar).
        advance_declaration_share: Share of boxes declared before arrival (提前申报), 0 to 1
            (empty: the scenario's).
        ship_side_pickup_share: Share of consignees taking boxes at the ship's side (船边直提),
            0 to 1; above 0 switches it on (empty: the scenario's).
        volume_multiplier: Orders or parcels times this, where the scenario has a multiplier
            (empty: the scenario's volume).
        replications: Replications of the baseline and the what-if, at least 2 (empty: the
            file's).
        seed: Root seed of both (empty: the file's).
        db_url: SQLAlchemy URL of the study store, without a password (empty:
            $CLEARSIM_DB_URL or sqlite:///clearsim.db).
        report_path: Where the HTML report goes (empty: reports/ beside a SQLite store).

    Returns:
        The study as JSON (like ``clearsim compare --json``), or a failed state whose message is
        one line naming the choice that does not fit the scenario.
    """
    from clearsim.flows.execution.study_plans import PlanError
    from clearsim.flows.storage.persistence import open_flow_database

    choices = WhatIfChoices(
        customs_officers=customs_officers,
        inspection_lanes=inspection_lanes,
        gate_lanes=gate_lanes,
        officer_hours=officer_hours,
        advance_declaration_share=advance_declaration_share,
        ship_side_pickup_share=ship_side_pickup_share,
        volume_multiplier=volume_multiplier,
    )
    try:
        plan = what_if_plan(scenario_path, choices, replications, seed)
    except PlanError as error:
        get_run_logger().error("%s", error)
        return Failed(message=str(error))
    return execute_study(plan, open_flow_database(db_url), report_path=report_path)
