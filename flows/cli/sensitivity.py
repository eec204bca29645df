"""``clearsim sensitivity``: each named parameter moved down and up one at a time, ranked by swing.

It registers on the app of :mod:`clearsim.flows.cli.common`; ``clearsim.flows.cli.main`` imports
this module. The study runs on Prefect and is stored like ``compare`` and ``sweep``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
    stderr,
)
from clearsim.flows.cli.study import BatchOpt, DaskOpt, ReportOpt, check_study_options
from clearsim.flows.cli.study_run import run_study

if TYPE_CHECKING:
    from clearsim.models.scenario import Scenario

ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        help="A dotted path to a number or a duration (e.g. resources.customs_officers.capacity, "
        "processes.yangluo_import.document_review_min); repeat for more.",
    ),
]
DeltaOpt = Annotated[
    float,
    typer.Option(
        "--delta",
        help="Move each parameter down and up by this many percent (integers move by at least 1, "
        "shares stay in [0, 1], durations scale their time).",
    ),
]


def warn_unstable(spec: Scenario) -> None:
    """Warn (never fail) when a variant overloads a queue: the study shows where a cliff is.

    Over the scenario's horizon such a queue grows without bound, so the variant's effect is
    that of a backlog building up, not a steady state.
    """
    from clearsim.analysis.stability import unstable_resources

    for name, rho in sorted(unstable_resources(spec).items()):
        stderr.print(
            f"clearsim: warning: {spec.name}: resource {name!r} is offered utilisation "
            f"{rho:.2f} >= 1: its queue grows over the horizon (its effect is a backlog's)",
            markup=False,
            soft_wrap=True,
        )


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    parameters: ParamOpt = None,
    delta: DeltaOpt = 20.0,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """One-at-a-time sensitivity on common random numbers, ranked by swing (a stored study)."""

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import PlanError, sensitivity_plan

        paths = list(parameters or [])
        try:
            plan = sensitivity_plan(str(scenario), paths, delta, replications, seed)
        except PlanError as error:
            fail(str(error))
        check_study_options([(scenario, plan.scenarios[0])], batch_size, db_url, report_path)
        for spec in plan.scenarios[1:]:
            warn_unstable(spec)
        return {
            "scenario_path": str(scenario),
            "parameters": paths,
            "delta_pct": delta,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("study_sensitivity", prepare, dask_address, json_output=json_output, quiet=quiet)
