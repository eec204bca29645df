"""``--levers`` of ``clearsim run`` and ``clearsim compare``: the reference's levers as a study.

The levers are those of the first (the reference) file: one server more of each resource and
24-hour staffing of each resource on a shift calendar and of each shared calendar. With
``compare``, the other files are compared with the reference as usual and the levers are added
to the same study, on the same seed and replications.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from clearsim.flows.cli.common import fail
from clearsim.flows.cli.study_run import run_study

LeversOpt = Annotated[
    bool,
    typer.Option(
        "--levers",
        help="Also run the reference's levers (one more server of each resource, 24-hour "
        "staffing of each resource and shared calendar) on common random numbers and rank their "
        "paired effects on arrival->release.",
    ),
]
PracticalOpt = Annotated[
    float | None,
    typer.Option(
        "--practical-h",
        help="With --levers: an effect on arrival->release is practically significant from "
        "this many hours (default 0.5).",
    ),
]


def check_practical(practical_h: float | None, levers: bool) -> float:
    """The threshold to use; a user error (exit 2) if negative or given without --levers."""
    from clearsim.analysis.levers import DEFAULT_PRACTICAL_H

    if practical_h is None:
        return DEFAULT_PRACTICAL_H
    if not levers:
        fail("--practical-h only applies with --levers")
    if not (math.isfinite(practical_h) and practical_h >= 0):
        fail(f"--practical-h must be a number of hours >= 0 (got {practical_h:g})")
    return practical_h


def run_levers(
    scenarios: list[Path],
    replications: int | None,
    seed: int | None,
    practical_h: float,
    db_url: str | None,
    *,
    dask_address: str | None = None,
    batch_size: int | None = None,
    report_path: Path | None = None,
    json_output: bool,
    quiet: bool,
) -> None:
    """Run the levers study of ``scenarios`` (the first is the reference) and print it."""
    from clearsim.flows.cli.study import check_study_options

    def prepare() -> dict[str, object]:
        from clearsim.flows.execution.study_plans import PlanError, lever_plan

        paths = [str(p) for p in scenarios]
        try:
            plan = lever_plan(paths, replications, seed, practical_h)
        except PlanError as error:
            fail(str(error))
        check_study_options(
            zip(scenarios, plan.scenarios, strict=False), batch_size, db_url, report_path
        )
        return {
            "scenario_paths": paths,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "practical_h": practical_h,
            "batch_size": batch_size,
            "db_url": db_url,
            "report_path": None if report_path is None else str(report_path),
        }

    run_study("study_levers", prepare, dask_address, json_output=json_output, quiet=quiet)
