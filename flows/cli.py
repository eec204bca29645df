"""The ``clearsim`` command line: run, compare, sweep, results, validate, scenarios, version."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
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
        help="SQLAlchemy URL of the result store (default: $CLEARSIM_DB_URL or sqlite:///clearsim.db).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no notes.")]
CENSORED_NOTE = (
    "note: {n:.1f} measured case(s) per replication had not left the customs area when the run "
    "stopped (drain limit); their later segments are missing from the statistics"
)
WARMUP_NOTE = (
    "note: MSER-5 ends the start-up transient at day {mser:.2f} on average over replications, "
    "after warmup_min (day {warm:.2f}): the first measured cases may still carry it; consider a "
    "longer warmup_min"
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
    if report.warmup_mser5_min.mean > spec.warmup_min and not quiet:
        note = WARMUP_NOTE.format(
            mser=report.warmup_mser5_min.mean / 1440, warm=spec.warmup_min / 1440
        )
        stderr.print(note, markup=False, soft_wrap=True)
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
PREFECT_QUIET_CONSOLE = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}
"""Prefect's own INFO lines stay in its API (the UI); the terminal shows clearsim's output."""


def run_study(
    flow_name: str,
    prepare: Callable[[], dict[str, object]],
    dask_address: str | None,
    *,
    json_output: bool,
    quiet: bool,
) -> None:
    """Run a study flow on Prefect and print the stored study.

    The Prefect API (a temporary local server unless one is configured) starts first, so that it
    comes up while ``prepare`` loads and checks the scenarios (and fails fast on a user error)
    and while this process imports Prefect.
    """
    import os

    for key, value in PREFECT_QUIET_CONSOLE.items():
        os.environ.setdefault(key, value)
    from flows.local_api import LocalApiError, prefect_api, startup_timeout_s

    started, started_monotonic = time.perf_counter(), time.monotonic()
    try:
        with prefect_api() as server:
            parameters = prepare()
            try:
                from flows import study_flow  # imports Prefect while the server starts
            except RuntimeError as error:  # CLEARSIM_DASK_ADDRESS set without prefect-dask
                fail(str(error))
            from flows.progress import replication_progress, study_listener

            flow = getattr(study_flow, flow_name)
            if dask_address:
                try:
                    runner = study_flow.task_runner_for(dask_address)
                except RuntimeError as error:
                    fail(str(error))
                flow = flow.with_options(task_runner=runner)
            elif isinstance(flow.task_runner, study_flow.EagerProcessPoolTaskRunner):
                # The pool's workers import Prefect while the server starts.
                early = study_flow.EagerProcessPoolTaskRunner().start_early()
                flow = flow.with_options(task_runner=early)
            if server is not None:
                server.wait(startup_timeout_s())
            enabled = not quiet and stderr.is_terminal
            try:
                with replication_progress(0, enabled) as bar, study_listener(bar.update):
                    document = flow(**parameters)
            except KeyboardInterrupt:
                stop_worker_processes()
                stderr.print(INTERRUPTED_NOTE, markup=False, soft_wrap=True)
                raise typer.Exit(130) from None
            except Exception as error:  # a failed batch or store: say so in one line
                stop_worker_processes()
                reason = " ".join(str(error).split()) or type(error).__name__
                stderr.print(
                    f"clearsim: error: the study stopped: {reason}; every finished batch is "
                    "stored: run the same command again to resume it",
                    markup=False,
                    soft_wrap=True,
                )
                raise typer.Exit(1) from None
    except LocalApiError as error:
        stop_worker_processes()
        fail(str(error))
    elapsed = time.perf_counter() - started
    first = document.get("first_task_started_monotonic")
    startup = f", {first - started_monotonic:.1f} s of it before the first batch" if first else ""
    print_stored_study(
        parameters.get("db_url"),  # type: ignore[arg-type]
        int(document["study_id"]),
        json_output,
        note=(
            f"{document['simulated']} replication(s) simulated, {document['reused']} reused from "
            f"the store; {elapsed:.1f} s{startup}"
        ),
        counts={
            k: document[k]
            for k in ("resumed", "reused", "simulated", "first_task_started_monotonic")
        },
    )


INTERRUPTED_NOTE = (
    "clearsim: interrupted; every finished batch is stored: run the same command again to "
    "resume the study"
)


def stop_worker_processes() -> None:
    """Terminate this process's worker processes (a task runner's pool).

    Then none is left retrying a Prefect API that is about to stop.
    """
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


def print_stored_study(
    db_url: str | None,
    study_id: int,
    json_output: bool,
    note: str = "",
    counts: dict[str, object] | None = None,
) -> None:
    """Print a stored study's tables (or its JSON) from the database alone."""
    from flows.persistence import DatabaseError, open_database, resolve_db_url
    from flows.studies import load_study
    from flows.study_report import IncompleteStudyError, print_study, study_json, study_results

    try:
        engine = open_database(resolve_db_url(db_url))
        results = study_results(load_study(engine, study_id))
    except (DatabaseError, IncompleteStudyError) as error:
        fail(str(error))
    if json_output:
        document = study_json(results) | (counts or {})
        sys.stdout.write(json.dumps(document, allow_nan=False) + "\n")
        return
    print_study(stdout_console(), results, note)


def check_database(db_url: str | None) -> None:
    """Fail early, before any simulation, if the store cannot be opened."""
    from flows.persistence import DatabaseError, open_database, resolve_db_url

    try:
        open_database(resolve_db_url(db_url)).dispose()
    except DatabaseError as error:
        fail(str(error))


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
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Compare scenarios with the first on common random numbers (a stored, resumable study)."""

    def prepare() -> dict[str, object]:
        from flows.study_plans import PlanError, comparison_plan

        paths = [str(p) for p in scenarios]
        try:
            plan = comparison_plan(paths, replications, seed, target_halfwidth, max_replications)
        except PlanError as error:
            fail(str(error))
        if batch_size is not None and batch_size < 1:
            fail(f"--batch-size must be >= 1 (got {batch_size})")
        for path, spec in zip(scenarios, plan.scenarios, strict=True):
            check_stability(path, spec)
        check_database(db_url)
        return {
            "scenario_paths": paths,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "target_halfwidth": target_halfwidth,
            "max_replications": plan.max_replications,
            "batch_size": batch_size,
            "db_url": db_url,
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
SamplesOpt = Annotated[
    int | None, typer.Option("--samples", "-n", help="Points of the Latin hypercube.")
]


@app.command()
def sweep(
    scenario: ScenarioArg,
    grid: GridOpt = None,
    lhs: LhsOpt = None,
    samples: SamplesOpt = None,
    replications: ReplicationsOpt = None,
    seed: SeedOpt = None,
    db_url: DbUrlOpt = None,
    dask_address: DaskOpt = None,
    batch_size: BatchOpt = None,
    json_output: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sweep parameters (grid or Latin hypercube); compare every point with the file as it is."""

    def prepare() -> dict[str, object]:
        from flows.study_plans import PlanError, parse_grid, parse_ranges, sweep_plan

        try:
            axes = parse_grid(grid or [])
            ranges = parse_ranges(lhs or [])
            plan = sweep_plan(str(scenario), axes, ranges, samples, replications, seed)
        except PlanError as error:
            fail(str(error))
        if batch_size is not None and batch_size < 1:
            fail(f"--batch-size must be >= 1 (got {batch_size})")
        for spec in plan.scenarios:
            check_stability(scenario, spec)
        check_database(db_url)
        return {
            "scenario_path": str(scenario),
            "grid": axes or None,
            "lhs": {k: list(v) for k, v in ranges.items()} or None,
            "samples": samples,
            "replications": plan.replications,
            "seed": plan.root_seed,
            "batch_size": batch_size,
            "db_url": db_url,
        }

    run_study("sweep_scenario", prepare, dask_address, json_output=json_output, quiet=quiet)


@app.command()
def results(
    study_id: Annotated[
        int | None, typer.Argument(help="A stored study to print again.", show_default=False)
    ] = None,
    db_url: DbUrlOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List the stored studies, or print one again without simulating."""
    from rich.markup import escape
    from rich.table import Table

    from flows.persistence import DatabaseError, open_database, resolve_db_url
    from flows.studies import list_studies

    if study_id is not None:
        print_stored_study(db_url, study_id, json_output)
        return
    try:
        listings = list_studies(open_database(resolve_db_url(db_url)))
    except DatabaseError as error:
        fail(str(error))
    if json_output:
        rows = [
            {
                "study_id": x.study.id,
                "kind": x.study.kind,
                "status": x.study.status,
                "created_at": x.study.created_at.isoformat(),
                "scenarios": list(x.scenario_names),
                "replications": x.study.replications,
                "stored": x.stored,
                "planned": x.planned,
            }
            for x in listings
        ]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table(title="Stored studies (clearsim results ID prints one)")
    for header in ("id", "kind", "status", "created (UTC)", "replications stored", "scenarios"):
        table.add_column(header, overflow="fold")
    for x in listings:
        table.add_row(
            str(x.study.id),
            x.study.kind,
            x.study.status,
            x.study.created_at.strftime("%Y-%m-%d %H:%M"),
            f"{x.stored} / {x.planned}",
            escape(", ".join(x.scenario_names)),
        )
    stdout_console().print(table)


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


if __name__ == "__main__":
    app()
