"""The ``clearsim`` command line.

Here: run, validate, dataset, scenarios, version; the study commands (compare, sweep, results,
report) are in :mod:`clearsim.flows.cli.study` and :mod:`clearsim.flows.cli.report`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from clearsim.flows.cli.common import (
    MAX_SEED,
    DbUrlOpt,
    JsonOpt,
    QuietOpt,
    ReplicationsOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    app,
    check_stability,
    fail,
    load_with_overrides,
    print_run_report,
    stderr,
    stdout_console,
)
from clearsim.flows.cli.levers import LeversOpt, PracticalOpt, check_practical, run_levers

CENSORED_NOTE = (
    "note: {n:.1f} measured case(s) per replication had not left the customs area when the run "
    "stopped (drain limit); their later segments are missing from the statistics"
)
WARMUP_NOTE = (
    "note: MSER-5 ends the start-up transient at day {mser:.2f} on average over replications, "
    "after warmup_min (day {warm:.2f}): the first measured cases may still carry it; consider a "
    "longer warmup_min"
)
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        help="Worker processes (default and at most: one per core, one per replication).",
    ),
]


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
    levers: LeversOpt = False,
    practical_h: PracticalOpt = None,
) -> None:
    """Simulate a scenario's replications, store the run, print TRS segments and resources.

    With --levers, a stored study of the scenario and its levers, ranked.
    """
    threshold = check_practical(practical_h, levers)
    if levers:
        if assignments or workers is not None:
            fail("--set and --workers do not apply with --levers (a study on Prefect's pool)")
        run_levers([scenario], replications, seed, threshold, db_url, json_output=json_output,
                   quiet=quiet)  # fmt: skip
        return
    from clearsim.analysis.aggregate import aggregate
    from clearsim.flows.cli.progress import replication_progress
    from clearsim.flows.execution.replications import default_workers, run_replications
    from clearsim.flows.storage.persistence import (
        DatabaseError,
        open_database,
        resolve_db_url,
        store_run,
    )

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
    n_workers = default_workers(spec.replications, workers)
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
    print_run_report(
        report,
        spec,
        run_id,
        json_output,
        replications=spec.replications,
        seed=spec.seed,
        tail=f"{elapsed:.1f} s on {n_workers} worker(s); stored as run {run_id}",
    )


# The study commands (compare, sweep, sensitivity, results, report) register here, after run, in
# help order.
import clearsim.flows.cli.study  # noqa: E402

# isort: split
import clearsim.flows.cli.optimise  # noqa: E402
import clearsim.flows.cli.sensitivity  # noqa: E402

# isort: split
import clearsim.flows.cli.results  # noqa: E402

# isort: split
import clearsim.flows.cli.report  # noqa: E402, F401


@app.command()
def validate(
    scenario: ScenarioArg, json_output: JsonOpt = False, assignments: SetOpt = None
) -> None:
    """Check a scenario file and show its resolved form, hash and offered utilisation.

    Exits 2 where ``run`` would refuse: on an invalid file, or (after the listing) on an unstable
    queue in a steady-state scenario.
    """
    from clearsim.analysis.stability import offered_utilisation

    spec = load_with_overrides(scenario, assignments)
    against = extends_check(scenario)
    if json_output:
        document = {
            "file": str(scenario),
            "scenario_hash": spec.scenario_hash,
            "offered_utilisation": dict(sorted(offered_utilisation(spec).items())),
            "against_parent": against,
            "scenario": json.loads(spec.resolved_json()),
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
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
    if against is not None:
        changes = ", ".join(f"{c['path']} ({c['role']})" for c in against["changes"])
        out.print(
            f"  {against['kind']} of {against['parent']}: {changes or 'no change'}", markup=False
        )
        for problem in against["problems"]:
            out.print(f"  note: {problem}", markup=False)
    check_stability(scenario, spec)


def extends_check(path: Path) -> dict[str, Any] | None:
    """What ``path`` changes against the one file it extends, by role (house rule 13)."""
    from clearsim.scenarios.load import ScenarioError
    from clearsim.scenarios.reform_rules import check_file

    try:
        check = check_file(path, take_up=None)
    except (ScenarioError, OSError):
        return None  # the parent is reported by loading the file itself
    if check is None:
        return None
    return {
        "parent": str(check.parent),
        "kind": check.kind,
        "changes": [{"path": d.path, "role": d.kind} for d in check.differences],
        "problems": list(check.problems),
    }


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
XesGzOpt = Annotated[bool, typer.Option("--xes-gz", help="Write the XES logs gzipped (.xes.gz).")]


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
    xes_gz: XesGzOpt = False,
) -> None:
    """Simulate a scenario once; write its tables, XES and OCEL 2.0 logs and a manifest."""
    from clearsim.flows.dataset.command import DatasetInputError, run_dataset

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
            xes_gz=xes_gz,
        )
    except DatasetInputError as error:
        fail(f"{scenario}: {error}")
    stdout_console().print(line, markup=False, soft_wrap=True)


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenario files with their one-line descriptions."""
    from rich.table import Table

    from clearsim.scenarios.catalogue import shipped_scenarios

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
    from clearsim.flows.storage.provenance import code_version, library_versions

    typer.echo(f"clearsim {code_version()}")
    for name, value in library_versions().items():
        typer.echo(f"  {name} {value}")


if __name__ == "__main__":
    app()
