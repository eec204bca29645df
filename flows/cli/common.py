"""What the ``clearsim`` commands share: the Typer app, common options, errors and consoles."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from clearsim.analysis.aggregate import ScenarioReport
    from clearsim.models.scenario import Scenario

app = typer.Typer(
    name="clearsim",
    help="Simulate customs clearance processes and report WCO Time Release Study segments.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
ReplicationsOpt = Annotated[
    int | None, typer.Option("--replications", "-r", help="Replications (default: the file's).")
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", "-s", help="Root seed (default: the file's).")
]
DbUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="SQLAlchemy URL of the result store (default: $CLEARSIM_DB_URL or sqlite:///clearsim.db).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no notes.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field, e.g. --set resources.inspection_lanes.capacity=5 "
        "(lists by index or name; the value is read as YAML); repeatable.",
    ),
]
stderr = Console(stderr=True, highlight=False)
MAX_SEED = 2**63


def load_with_overrides(path: Path, assignments: list[str] | None, **updates: object) -> Scenario:
    """Load ``path`` with top-level ``updates`` and ``--set`` assignments; fail on any error."""
    from clearsim.scenarios.load import ScenarioError, load_scenario, parse_assignments
    from clearsim.scenarios.overrides import OverrideError, with_values

    try:
        spec = load_scenario(path, **updates)
    except ScenarioError as error:
        fail(str(error))
    if not assignments:
        return spec
    try:
        return with_values(spec, parse_assignments(assignments))
    except (ValueError, OverrideError) as error:
        fail(f"{path}: {error}")


def fail(message: str) -> NoReturn:
    """Report a user error on one line of stderr and exit with status 2."""
    stderr.print(f"clearsim: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(2)


def stdout_console() -> Console:
    """Console for results: the terminal's width, or wide enough for the tables in a file."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=150)


def check_stability(path: Path, spec: Scenario) -> None:
    """Fail (steady state) or warn (terminating) when a queue's offered utilisation is >= 1."""
    from clearsim.analysis.stability import unstable_resources

    for name, rho in sorted(unstable_resources(spec).items()):
        message = f"resource {name!r} is offered utilisation {rho:.2f} >= 1: its queue is unstable"
        if spec.kind == "steady_state":
            fail(f"{path}: {message} (a steady-state scenario needs every rho < 1)")
        stderr.print(f"clearsim: warning: {message}", markup=False, soft_wrap=True)


def check_report_option(path: Path | None, option: str = "--report") -> None:
    """Fail early, before any simulation, if the report could not be written at ``path``."""
    from clearsim.flows.report.files import ReportPathError, check_report_path

    if path is None:
        return
    try:
        check_report_path(path)
    except ReportPathError as error:
        fail(f"{option}: {error}")


def print_run_report(
    report: ScenarioReport,
    spec: Scenario,
    run_id: int,
    json_output: bool,
    *,
    replications: int,
    seed: int,
    tail: str,
) -> None:
    """Print a run's report as ``clearsim run`` does: its JSON, or a header line and the tables.

    ``tail`` ends the header (how the run was made, or when it was stored).
    """
    from clearsim.flows.report.render import print_report, report_json

    if json_output:
        extra = {
            "run_id": run_id,
            "kind": spec.kind,
            "warmup_min": spec.warmup_min,
            "horizon_min": spec.horizon_min,
        }
        sys.stdout.write(json.dumps(report_json(report, extra), allow_nan=False) + "\n")
        return
    header = (
        f"{spec.name} [{spec.scenario_hash[:12]}]: {replications} replications, "
        f"seed {seed}, {spec.kind}, arrivals measured from day "
        f"{spec.warmup_min / 1440:.3g} to day {spec.horizon_min / 1440:.3g}; {tail}"
    )
    print_report(stdout_console(), report, header)
