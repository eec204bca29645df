"""The study commands ``compare`` and ``sweep``: they run on Prefect and store the study.

They register on the app of :mod:`clearsim.flows.cli.common`; ``clearsim.flows.cli.main`` imports
this module (and :mod:`clearsim.flows.cli.results` and :mod:`clearsim.flows.cli.report`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
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
    check_report_option,
    check_stability,
    fail,
)
from clearsim.flows.cli.levers import LeversOpt, PracticalOpt, check_practical, run_levers
from clearsim.flows.cli.study_run import run_study

if TYPE_CHECKING:
    from clearsim.models.scenario import Scenario

ScenariosArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files; the first is the reference.", show_default=False),
]
TargetOpt = Annotated[
    float | None,
    typer.Option(
        "--target-halfwidth",
        help="Add replications until every headline CI is within this fraction of its mean "
        "(e.g. 0.05).",
    ),
]
MaxReplicationsOpt = Annotated[
    int | None,
    typer.Option("--max-replications", help="Limit for --target-halfwidth (default 200)."),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="Run the batches on this Dask scheduler (e.g. tcp://10.0.0.5:8786) instead of a "
        "local process pool (default: $CLEARSIM_DASK_ADDRESS).",
    ),
]
BatchOpt = Annotated[
    int | None,
    typer.Option("--batch-size", help="Replications per task (default: ~4 batches per worker)."),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Also write the study's self-contained HTML report to this file (e.g. report.html).",
    ),
]


def check_database(db_url: str | None) -> None:
    """Fail early, before any simulation, if the store cannot be opened."""
    from clearsim.flows.storage.persistence import DatabaseError, open_database, resolve_db_url

    try:
        open_database(resolve_db_url(db_url)).dispose()
    except DatabaseError as error:
        fail(str(error))


def check_study_options(
    planned: Iterable[tuple[Path, Scenario]],
    batch_size: int | None,
    db_url: str | None,
    report_path: Path | None,
) -> None:
    """Checks every study makes before it starts: batch size, stability, store, report path.

    Each planned scenario's queues are checked under the name of the file it came from.
    """
    if batch_size is not None and batch_size < 1:
        fail(f"--batch-size must be >= 1 (got {batch_size})")
    for path, spec in planned:
        check_stability(path, spec)
    check_database(db_url)
    check_report_option(report_path)


@app.command()
def compare(
    scenarios: ScenariosArg,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    target_halfwidth: TargetOpt = None,
    max_replications: MaxReplicationsOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
    levers: LeversOpt = False,
    practical_h: PracticalOpt = None,
) -> None:
    """Compare scenarios with the first on common random numbers (a stored, resumable study).

    With --levers, the first file's levers join the study (see ``clearsim run --levers``).
    """
    threshold = check_practical(practical_h, levers)
    if levers:
        if target_halfwidth is not None or max_replications is not None:
            fail("--target-halfwidth and --max-replications do not apply with --levers")
        run_levers(
            scenarios, replications, seed, threshold, db_url, dask_address=dask_address,
            batch_size=batch_size, report_path=report_path, json_output=json_output, quiet=quiet,
        )  # fmt: skip
        return

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import PlanError, comparison_plan

        paths = [str(p) for p in scenarios]
        try:
            plan = comparison_plan(paths, replications, seed, target_halfwidth, max_replications)
        except PlanError as error:
            fail(str(error))
        check_study_options(
            zip(scenarios, plan.scenarios, strict=True), batch_size, db_url, report_path
        )
        return {
            "scenario_paths": paths,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "target_halfwidth": target_halfwidth,
            "max_replications": plan.max_replications,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("compare_scenarios", prepare, dask_address, json_output=json_output, quiet=quiet)


GridOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="A grid axis: PATH=V1,V2,... (values read as YAML); repeat for more axes, every "
        "combination is a point.",
    ),
]
LhsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--lhs",
        help="A Latin hypercube range: PATH=LOW:HIGH (two integers give integers); repeatable.",
    ),
]
TakeUpOpt = Annotated[
    str | None,
    typer.Option(
        "--take-up",
        help="Take-up shares S1,S2,... in (0, 1]: the reform FILE at each share (every take-up "
        "share it sets) against the baseline it extends.",
    ),
]
SamplesOpt = Annotated[
    int | None, typer.Option("--samples", "-n", help="Points of the Latin hypercube.")
]


@app.command()
def sweep(
    scenario: ScenarioArg,
    grid: GridOpt = None,
    lhs: LhsOpt = None,
    take_up: TakeUpOpt = None,
    samples: SamplesOpt = None,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    report_path: ReportOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sweep parameters (grid, Latin hypercube) or a reform's take-up; compare every point."""

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import (
            PlanError,
            parse_grid,
            parse_ranges,
            parse_take_up,
            sweep_plan,
        )

        try:
            axes = parse_grid(grid or [])
            ranges = parse_ranges(lhs or [])
            shares = parse_take_up(take_up)
            plan = sweep_plan(str(scenario), axes, ranges, samples, replications, seed, shares)
        except PlanError as error:
            fail(str(error))
        check_study_options(
            ((scenario, spec) for spec in plan.scenarios), batch_size, db_url, report_path
        )
        return {
            "scenario_path": str(scenario),
            "grid": axes or None,
            "lhs": {k: list(v) for k, v in ranges.items()} or None,
            "samples": samples,
            "take_up": shares or None,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("sweep_scenario", prepare, dask_address, json_output=json_output, quiet=quiet)
