"""The ``clearsim`` command line: run a scenario, validate one, list the shipped ones."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from models.scenario import Scenario

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
        help="SQLAlchemy URL to store the run (default: $CLEARSIM_DB_URL or sqlite:///clearsim.db).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no notes.")]
CENSORED_NOTE = (
    "note: {n:.1f} measured case(s) per replication had not left the customs area when the run "
    "stopped (drain limit); their later segments are missing from the statistics"
)
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field, e.g. --set resources.inspection_lanes.capacity=5 "
        "(lists by index or name; the value is read as YAML); repeatable.",
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", "-w", help="Worker processes (default: one per core).")
]

stderr = Console(stderr=True, highlight=False)
MAX_SEED = 2**63


def load_with_overrides(path: Path, assignments: list[str] | None, **updates: object) -> Scenario:
    """Load ``path`` with top-level ``updates`` and ``--set`` assignments; fail on any error."""
    from scenarios.load import ScenarioError, load_scenario, parse_assignment
    from scenarios.overrides import OverrideError, with_values

    try:
        spec = load_scenario(path, **updates)
    except ScenarioError as error:
        fail(str(error))
    if not assignments:
        return spec
    try:
        values = dict(parse_assignment(text) for text in assignments)
        return with_values(spec, values)
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
    from simulation.stability import unstable_resources

    for name, rho in sorted(unstable_resources(spec).items()):
        message = f"resource {name!r} is offered utilisation {rho:.2f} >= 1: its queue is unstable"
        if spec.kind == "steady_state":
            fail(f"{path}: {message} (a steady-state scenario needs every rho < 1)")
        stderr.print(f"clearsim: warning: {message}", markup=False, soft_wrap=True)


@app.command()
def run(
    scenario: ScenarioArg,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
    assignments: SetOpt = None,
) -> None:
    """Simulate a scenario's replications, store the run, print TRS segments and resources."""
    from flows.persistence import DatabaseError, open_database, resolve_db_url, store_run
    from flows.progress import replication_progress
    from flows.render import print_report, report_json
    from flows.replications import default_workers, run_replications
    from simulation.aggregate import aggregate

    if replications is not None and replications < 1:
        fail(f"--replications must be >= 1 (got {replications})")
    if seed is not None and not 0 <= seed < MAX_SEED:
        fail(f"--seed must be in [0, 2**63) (got {seed})")
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1 (got {workers})")
    updates = {
        k: v for k, v in {"replications": replications, "seed": seed}.items() if v is not None
    }
    spec = load_with_overrides(scenario, assignments, **updates)
    check_stability(scenario, spec)
    url = resolve_db_url(db_url)
    try:
        engine = open_database(url)
    except DatabaseError as error:
        fail(str(error))
    n_workers = workers or default_workers(spec.replications)
    started = time.perf_counter()
    with replication_progress(spec.replications, enabled=not quiet and stderr.is_terminal) as bar:
        summaries = run_replications(
            spec,
            range(spec.replications),
            spec.seed,
            n_workers,
            on_done=bar.advance,
            on_start=bar.start,
        )
    elapsed = time.perf_counter() - started
    report = aggregate(spec.name, summaries, spec.monitoring)
    if report.censored.mean > 0 and not quiet:
        stderr.print(CENSORED_NOTE.format(n=report.censored.mean), markup=False, soft_wrap=True)
    try:
        run_id = store_run(engine, spec, summaries)
    except Exception as error:
        fail(f"could not store the run: {' '.join(str(error).split())}")
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
        f"{spec.name} [{spec.scenario_hash[:12]}]: {spec.replications} replications, "
        f"seed {spec.seed}, {spec.kind}, arrivals measured from day "
        f"{spec.warmup_min / 1440:.3g} to day {spec.horizon_min / 1440:.3g}; "
        f"{elapsed:.1f} s on {n_workers} worker(s); stored as run {run_id}"
    )
    print_report(stdout_console(), report, header)


ScenariosArg = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files; the first is the reference.", show_default=False),
]


@app.command()
def compare(
    scenarios: ScenariosArg,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """Run scenarios on common random numbers and compare each with the first (paired CIs)."""
    from flows.persistence import DatabaseError, open_database, resolve_db_url, store_run
    from flows.progress import replication_progress
    from flows.render_comparison import comparison_json, print_comparison
    from flows.replications import default_workers, run_replications
    from simulation.aggregate import aggregate
    from simulation.comparison import compare as compare_runs

    if len(scenarios) < 2:
        fail("compare needs a reference scenario and at least one other")
    if replications is not None and replications < 2:
        fail(f"--replications must be >= 2 to compare (got {replications})")
    if seed is not None and not 0 <= seed < MAX_SEED:
        fail(f"--seed must be in [0, 2**63) (got {seed})")
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1 (got {workers})")
    first = load_with_overrides(scenarios[0], None)
    # Common random numbers: every scenario runs the same replications from the same root seed.
    common = {
        "replications": replications or first.replications,
        "seed": first.seed if seed is None else seed,
    }
    specs = [load_with_overrides(path, None, **common) for path in scenarios]
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        fail(f"scenario names must differ to be compared (got {', '.join(names)})")
    for path, spec in zip(scenarios, specs, strict=True):
        check_stability(path, spec)
    try:
        engine = open_database(resolve_db_url(db_url))
    except DatabaseError as error:
        fail(str(error))
    n_workers = workers or default_workers(common["replications"])
    total = len(specs) * common["replications"]
    started = time.perf_counter()
    with replication_progress(total, enabled=not quiet and stderr.is_terminal) as bar:
        runs = [
            run_replications(
                spec,
                range(spec.replications),
                spec.seed,
                n_workers,
                on_done=bar.advance,
                on_start=bar.start,
            )
            for spec in specs
        ]
    elapsed = time.perf_counter() - started
    run_ids = []
    for spec, summaries in zip(specs, runs, strict=True):
        try:
            run_ids.append(store_run(engine, spec, summaries, command="compare"))
        except Exception as error:
            fail(f"could not store the run of {spec.name}: {' '.join(str(error).split())}")
    reports = [
        aggregate(spec.name, summaries, spec.monitoring)
        for spec, summaries in zip(specs, runs, strict=True)
    ]
    differences = compare_runs(runs[0], dict(zip(names[1:], runs[1:], strict=True)))
    if json_output:
        extras = [
            {"run_id": run_id, "kind": spec.kind}
            for spec, run_id in zip(specs, run_ids, strict=True)
        ]
        document = comparison_json(reports, extras, differences)
        sys.stdout.write(json.dumps(document, allow_nan=False) + "\n")
        return
    header = (
        f"{len(specs)} scenarios, reference {names[0]}: {common['replications']} replications "
        f"each from seed {common['seed']} (common random numbers); {elapsed:.1f} s on "
        f"{n_workers} worker(s); stored as runs {', '.join(map(str, run_ids))}"
    )
    print_comparison(stdout_console(), header, reports, differences)


@app.command()
def validate(
    scenario: ScenarioArg, json_output: JsonOpt = False, assignments: SetOpt = None
) -> None:
    """Check a scenario file and show its resolved form, hash and offered utilisation.

    Exits 2 where ``run`` would refuse: on an invalid file, or (after the listing) on an unstable
    queue in a steady-state scenario.
    """
    from simulation.stability import offered_utilisation

    spec = load_with_overrides(scenario, assignments)
    if json_output:
        sys.stdout.write(spec.resolved_json() + "\n")
        check_stability(scenario, spec)
        return
    out = stdout_console()
    out.print(f"{scenario}: valid scenario {spec.name!r} [{spec.scenario_hash[:12]}]", markup=False)
    out.print(
        f"  {spec.kind}, {len(spec.processes)} process(es), {len(spec.resources)} resources, "
        f"{len(spec.network.nodes)} sites, {spec.replications} replications, seed {spec.seed}",
        markup=False,
    )
    for name, rho in offered_utilisation(spec).items():
        flag = "  UNSTABLE" if rho >= 1 else ""
        out.print(f"  offered utilisation {name}: {rho:.3f}{flag}", markup=False)
    check_stability(scenario, spec)


DaysOpt = Annotated[
    float | None, typer.Option("--days", help="Days of arrivals (default: the file's horizon).")
]
OrdersOpt = Annotated[
    int | None,
    typer.Option("--orders", help="Expected CBEC orders; scales CBEC rates and staff."),
]
FormatOpt = Annotated[str, typer.Option("--format", help="Table files: parquet or csv.")]
OutOpt = Annotated[
    Path, typer.Option("--out", help="New or empty output directory.", show_default=False)
]


@app.command()
def dataset(
    scenario: ScenarioArg,
    out: OutOpt,
    seed: SeedOpt = None,
    days: DaysOpt = None,
    orders: OrdersOpt = None,
    fmt: FormatOpt = "parquet",
    quiet: QuietOpt = False,
    assignments: SetOpt = None,
) -> None:
    """Simulate a scenario once; write its tables, XES and OCEL 2.0 logs and a manifest."""
    from flows.dataset.command import DatasetInputError, run_dataset

    if seed is not None and not 0 <= seed < MAX_SEED:
        fail(f"--seed must be in [0, 2**63) (got {seed})")
    spec = load_with_overrides(scenario, assignments)
    try:
        line = run_dataset(
            spec,
            spec.seed if seed is None else seed,
            days,
            orders,
            fmt,
            out,
            progress=not quiet and stderr.is_terminal,
        )
    except DatasetInputError as error:
        fail(f"{scenario}: {error}")
    stdout_console().print(line, markup=False, soft_wrap=True)


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenario files with their one-line descriptions."""
    from rich.table import Table

    from scenarios.catalogue import shipped_scenarios

    table = Table(title="Shipped scenarios")
    for header in ("file", "name"):
        table.add_column(header, no_wrap=True)
    table.add_column("description", overflow="fold")  # fold, never cut, wide CJK text
    cwd = Path.cwd()
    for entry in shipped_scenarios():
        shown = entry.path.relative_to(cwd) if entry.path.is_relative_to(cwd) else entry.path
        table.add_row(str(shown), entry.name, entry.description)
    stdout_console().print(table)


@app.command()
def version() -> None:
    """Print clearsim's code version and the versions of the libraries that shape results."""
    from flows.provenance import code_version, library_versions

    typer.echo(f"clearsim {code_version()}")
    for name, value in library_versions().items():
        typer.echo(f"  {name} {value}")
