"""``clearsim optimise``: the cheapest server set-up meeting a service target, as a stored study.

It registers on the app of :mod:`clearsim.flows.cli.common`; ``clearsim.flows.cli.main`` imports
this module. The search runs in the Prefect flow ``clearsim-optimise``
(:mod:`clearsim.flows.execution.optimise_flow`) and is stored like ``sensitivity``.
"""

from __future__ import annotations

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
    fail,
)
from clearsim.flows.cli.study import BatchOpt, DaskOpt, ReportOpt, check_study_options
from clearsim.flows.cli.study_run import run_study

ServersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--servers",
        help="NAME=LOW:HIGH:COST: the resource's server count from LOW to HIGH at COST per "
        "staffed server-hour; repeat for more resources.",
    ),
]
OptTargetOpt = Annotated[
    str,
    typer.Option(
        "--target",
        help="The service target, met with 95% confidence: 'p90<=HOURS' (p90 of "
        "arrival->release) or 'withinHOURS>=SHARE' (e.g. within48>=90%).",
    ),
]
FlowOpt = Annotated[
    str | None,
    typer.Option("--flow", help="direction/mode the target applies to (default: every flow)."),
]
TrialsOpt = Annotated[
    int, typer.Option("--trials", help="Distinct set-ups the search evaluates (default 20).")
]
GridSearchOpt = Annotated[
    bool, typer.Option("--grid", help="Evaluate every set-up in the bounds instead of searching.")
]
Staff24Opt = Annotated[
    list[str] | None,
    typer.Option(
        "--staff-24h",
        help="A resource (also in --servers) that may be staffed 7x24 instead of on its "
        "calendar, at its cost per server-hour for 24 hours a day; repeat for more.",
    ),
]
MaxRepsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-replications",
        help="Replications an undecided candidate may reach (default: 4 x --replications).",
    ),
]


@app.command()
def optimise(
    scenario: ScenarioArg,
    servers: ServersOpt = None,
    target: OptTargetOpt = "",
    flow: FlowOpt = None,
    staff_24h: Staff24Opt = None,
    trials: TrialsOpt = 20,
    grid: GridSearchOpt = False,
    replications: ReplicationsOpt = None,
    max_replications: MaxRepsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """The cheapest server counts meeting a service target, on common random numbers (stored)."""

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.optimise_plan import check_inputs
        from clearsim.flows.execution.study_plans import PlanError

        if not target:
            fail("--target is required: e.g. 'p90<=24' or 'within48>=90%'")
        try:
            given = check_inputs(str(scenario), list(servers or []), target, flow, replications,
                                 max_replications, seed, trials, list(staff_24h or []))  # fmt: skip
        except PlanError as error:
            fail(str(error))
        try:
            import optuna  # noqa: F401
        except ImportError:
            fail("clearsim optimise needs Optuna: pip install 'clearsim[optimise]'")
        check_study_options([(scenario, given.base)], batch_size, db_url, report_path)
        return {
            "scenario_path": str(scenario),
            "servers": list(servers or []),
            "target": target,
            "flow_name": flow,
            "staff_24h": list(staff_24h or []),
            "trials": trials,
            "grid": grid,
            "replications": given.replications,
            "max_replications": given.max_replications,
            "seed": given.seed,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("study_optimise", prepare, dask_address, json_output=json_output, quiet=quiet)
