"""What does running replications through the Prefect flow cost, against a plain process pool?

Measures, in one run, the wall time of N replications of a scenario:

(a) sequentially in this process; (b) with
``clearsim.flows.execution.replications.run_replications`` on a process pool (fork, 2 workers by
default),
    which is what ``clearsim run`` does;
(c) through the Prefect flow ``clearsim-run`` with its process-pool task runner, each in a fresh
    Python process: cold (a fresh ``PREFECT_HOME``: the ephemeral server creates its database) and
    warm (the same ``PREFECT_HOME`` again). The child process reports ``import prefect``, the first
    flow call (a no-op flow: ephemeral server start-up), the real flow, and the real flow again.

Usage::

    python benchmarks/run_overhead.py [--scenario PATH] [-n 10] [--workers 2] [--batch-size 5]

Only the standard library is imported at module level: the flow's spawned workers re-import this
file as ``__mp_main__``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import print_machine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "sea_import_baseline.yaml"
LIBRARIES = ("prefect", "fastapi", "pydantic", "simpy", "numpy", "scipy", "networkx", "sqlalchemy")
# docs/architecture.md, measured costs: the default 20 s fails about one cold start in four.
STARTUP_TIMEOUT_S = "180"


def report_digest(report: dict[str, Any]) -> str:
    """A short digest of a JSON report, to show that two ways of running gave the same numbers."""
    canonical = json.dumps(report, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def in_process(scenario: Path, n: int, workers: int) -> tuple[float, str]:
    """Wall time of ``run_replications`` with ``workers`` (1: sequential) and the report digest."""
    from clearsim.analysis.aggregate import aggregate
    from clearsim.flows.execution.replications import run_replications
    from clearsim.flows.report.render import report_json
    from clearsim.scenarios.load import load_scenario

    spec = load_scenario(scenario, replications=n)
    started = time.perf_counter()
    summaries = run_replications(spec, range(n), spec.seed, workers)
    elapsed = time.perf_counter() - started
    extra = {"kind": spec.kind, "warmup_min": spec.warmup_min, "horizon_min": spec.horizon_min}
    return elapsed, report_digest(
        report_json(aggregate(spec.name, summaries, spec.monitoring), extra)
    )


def child(args: argparse.Namespace) -> None:
    """Run inside a fresh process: import Prefect, start it, run the flow twice; print timings."""
    started = time.perf_counter()
    import prefect

    import_prefect = time.perf_counter() - started

    t0 = time.perf_counter()
    from prefect.task_runners import ProcessPoolTaskRunner

    from clearsim.flows.execution.run_flow import run_scenario

    import_flow = time.perf_counter() - t0

    @prefect.flow(name="noop")
    def noop() -> None:
        """Nothing: the first flow call of a process pays for starting the ephemeral server."""

    t0 = time.perf_counter()
    noop()
    first_flow = time.perf_counter() - t0

    runner = ProcessPoolTaskRunner(max_workers=args.workers)
    flow = run_scenario.with_options(task_runner=runner)
    parameters = {
        "scenario_path": str(args.scenario),
        "replications": args.replications,
        "batch_size": args.batch_size,
        "db_url": args.db_url,
    }
    t0 = time.perf_counter()
    result = flow(**parameters)
    flow_run = time.perf_counter() - t0
    t0 = time.perf_counter()
    flow(**parameters)
    flow_again = time.perf_counter() - t0
    timings = {
        "import_prefect": import_prefect,
        "import_flow": import_flow,
        "first_flow": first_flow,
        "flow": flow_run,
        "flow_again": flow_again,
        "in_process_total": time.perf_counter() - started,
        "digest": report_digest(result["report"]),
    }
    print("RESULT " + json.dumps(timings))


def prefect_child(args: argparse.Namespace, home: Path, log: Path) -> dict[str, Any]:
    """Run :func:`child` in a fresh Python process with ``PREFECT_HOME=home``; add its wall time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": STARTUP_TIMEOUT_S,
    }
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--scenario",
        str(args.scenario),
        "-n",
        str(args.replications),
        "--workers",
        str(args.workers),
        "--batch-size",
        str(args.batch_size),
        "--db-url",
        args.db_url,
    ]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as err:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=err, text=True, env=env, check=False
        )
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the Prefect child failed (exit {done.returncode}); see {log}")
    timings: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    timings["process_wall"] = wall
    timings["servers_started"] = log.read_text(encoding="utf-8").count("Starting temporary server")
    return timings


def load() -> str:
    """The 1-minute load average: a figure well above 0 means something else shared the cores."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"


def measure_once(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """One round of (a), (b), (c) cold with a fresh ``PREFECT_HOME`` and (c) warm."""
    sequential, digest_a = in_process(args.scenario, args.replications, 1)
    print(f"  (a) {sequential:.2f} s (load {load()})", flush=True)
    pool, digest_b = in_process(args.scenario, args.replications, args.workers)
    print(f"  (b) {pool:.2f} s (load {load()})", flush=True)
    home = Path(tempfile.mkdtemp(prefix="prefect-home-", dir=work))
    cold = prefect_child(args, home, home.with_suffix(".cold.log"))
    print(f"  (c) cold child {cold['process_wall']:.2f} s (load {load()})", flush=True)
    warm = prefect_child(args, home, home.with_suffix(".warm.log"))
    print(f"  (c) warm child {warm['process_wall']:.2f} s (load {load()})", flush=True)
    return {
        "sequential": sequential,
        "pool": pool,
        "cold": cold,
        "warm": warm,
        "digests": {digest_a, digest_b, cold["digest"], warm["digest"]},
    }


def best(rounds: list[dict[str, Any]], key: str, field: str | None = None) -> float:
    """The minimum over rounds (the run least disturbed by other work on the machine)."""
    return min(r[key] if field is None else r[key][field] for r in rounds)


def main() -> None:
    """Parse arguments, measure (a), (b), (c cold), (c warm) and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("-n", "--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; figures are the minimum")
    parser.add_argument("--db-url", default="", help="default: a SQLite file in a temporary dir")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    print_machine(LIBRARIES)
    print(
        f"scenario {args.scenario.name}, {args.replications} replications, "
        f"{args.workers} workers, batch size {args.batch_size} (flow), {args.repeat} round(s); "
        f"load average {load()}"
    )
    rounds = []
    with tempfile.TemporaryDirectory(prefix="clearsim-bench-") as tmp:
        work = Path(tmp)
        args.db_url = args.db_url or f"sqlite:///{work / 'runs.db'}"
        for i in range(args.repeat):
            print(f"round {i + 1}:", flush=True)
            rounds.append(measure_once(args, work))
    pool = best(rounds, "pool")

    def row(label: str, seconds: float) -> None:
        print(f"  {label:<62} {seconds:8.2f} s  {seconds / pool:7.2f}x")

    print(f"\nwall time of {args.replications} replications, best of {args.repeat} (ratio to b):")
    row("(a) sequential, in process", best(rounds, "sequential"))
    row(f"(b) run_replications, process pool of {args.workers}", pool)
    for name in ("cold", "warm"):
        end_to_end = min(
            r[name]["import_prefect"]
            + r[name]["import_flow"]
            + r[name]["first_flow"]
            + r[name]["flow"]
            for r in rounds
        )
        row(f"(c) Prefect flow, {name}: import + server start-up + flow", end_to_end)
        row(f"    {name}: the flow call alone (server already up)", best(rounds, name, "flow"))
        row(f"    {name}: a second flow call in the same process", best(rounds, name, "flow_again"))
    print("\nPrefect fixed costs in the child process, best of the rounds:")
    for name in ("cold", "warm"):
        servers = sorted({r[name]["servers_started"] for r in rounds})
        print(
            f"  {name}: import prefect {best(rounds, name, 'import_prefect'):.2f} s, "
            f"import clearsim.flows.execution.run_flow {best(rounds, name, 'import_flow'):.2f} s, "
            f"first flow call (a no-op: server start-up) {best(rounds, name, 'first_flow'):.2f} s; "
            f"temporary servers started per child {servers}; child process wall "
            f"{best(rounds, name, 'process_wall'):.2f} s (two flow runs and server stop)"
        )
    digests = set().union(*(r["digests"] for r in rounds))
    print(f"\nsame report from (a), (b), (c): {'yes' if len(digests) == 1 else 'NO'} ({digests})")


if __name__ == "__main__":
    main()
