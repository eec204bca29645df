"""What does ``clearsim compare`` (a Prefect flow) cost against a bare process pool?

In one run, the same study: two scenarios (an M/M/3 inspection stage and the same arrivals on
four lanes, ~24,000 customers and about a second of simulation per replication) x N
replications (40 by default):

(a) a bare ``concurrent.futures.ProcessPoolExecutor(workers)`` over every replication;
(b) ``clearsim compare`` as a user runs it (a fresh process: Prefect's temporary local API,
    the process-pool task runner, a new study database), on a warm ``PREFECT_HOME``; its
    start-up is the time from launching the command to the first batch starting;
(c) sequentially in this process.

Before (b), the same command runs once on a fresh ``PREFECT_HOME`` (the Prefect server creates
its database) with a few replications, to show that a new user's first comparison succeeds and
how long its start-up takes.

Targets (issue: reform comparisons as Prefect flows): (b) less its start-up within 1.15x of (a);
(b) at least 1.5x faster than (c); start-up under 10 s warm; no failure on a fresh home.

Usage::

    python benchmarks/orchestration.py [-n 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from run_overhead import print_machine

ROOT = Path(__file__).resolve().parent.parent
MMC = ROOT / "scenarios" / "validation" / "mmc_inspection.yaml"
HORIZON_MIN = 606_000  # ~24,000 arrivals: about a second of simulation per replication


def write_scenarios(directory: Path) -> list[Path]:
    """The two scenarios of the study, as files ``clearsim compare`` can read."""
    three = directory / "mmc_three_lanes.yaml"
    three.write_text(
        f"extends: {MMC}\nname: mmc_three_lanes\nhorizon_min: {HORIZON_MIN}\n", encoding="utf-8"
    )
    four = directory / "mmc_four_lanes.yaml"
    four.write_text(
        f"extends: {three}\nname: mmc_four_lanes\n"
        "resources:\n  inspection_lanes: {capacity: 4}\n",
        encoding="utf-8",
    )
    return [three, four]


def _one(path: str, replication: int) -> int:
    from clearsim.scenarios.load import load_scenario
    from clearsim.simulation.run import run_summary

    spec = load_scenario(path)
    return run_summary(spec, replication, spec.seed).measured


def bare_pool(paths: list[Path], replications: int, workers: int) -> float:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_one, str(p), r) for p in paths for r in range(replications)]
        for future in futures:
            future.result()
    return time.perf_counter() - started


def sequential(paths: list[Path], replications: int) -> float:
    started = time.perf_counter()
    for path in paths:
        for replication in range(replications):
            _one(str(path), replication)
    return time.perf_counter() - started


def clearsim_compare(
    paths: list[Path], replications: int, prefect_home: Path, database: Path
) -> dict[str, Any]:
    """Run ``clearsim compare`` in a fresh process; wall time, start-up, success."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(prefect_home)
    command = [
        sys.executable,
        "-m",
        "clearsim.flows.cli.main",
        "compare",
        *map(str, paths),
        "--replications",
        str(replications),
        "--db-url",
        f"sqlite:///{database}",
        "--json",
        "--quiet",
    ]
    launched, started = time.monotonic(), time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=1800
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"ok": False, "wall_s": wall, "error": done.stderr.strip()[-2000:]}
    document = json.loads(done.stdout)
    return {
        "ok": True,
        "wall_s": wall,
        "startup_s": document["first_task_started_monotonic"] - launched,
        "simulated": document["simulated"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--replications", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print_machine()
    with tempfile.TemporaryDirectory(prefix="clearsim-bench-") as tmp:
        work = Path(tmp)
        paths = write_scenarios(work)
        n, jobs = args.replications, 2 * args.replications
        print(f"study: 2 scenarios x {n} replications, {args.workers} workers")

        home = work / "prefect-home"
        home.mkdir()
        fresh = clearsim_compare(paths, 2, home, work / "fresh.db")
        if fresh["ok"]:
            print(
                f"first comparison on a fresh PREFECT_HOME: ok, start-up {fresh['startup_s']:.1f} s"
            )
        else:
            print(f"first comparison on a fresh PREFECT_HOME FAILED: {fresh['error']}")

        pool_s = bare_pool(paths, n, args.workers)
        print(
            f"(a) bare ProcessPoolExecutor({args.workers}): {pool_s:.1f} s "
            f"({jobs / pool_s:.2f} replications/s)"
        )
        flow = clearsim_compare(paths, n, home, work / "warm.db")
        if not flow["ok"]:
            print(f"(b) clearsim compare FAILED: {flow['error']}")
            sys.exit(1)
        assert flow["simulated"] == jobs, flow
        after_startup = flow["wall_s"] - flow["startup_s"]
        print(
            f"(b) clearsim compare (warm PREFECT_HOME): {flow['wall_s']:.1f} s, of which start-up "
            f"{flow['startup_s']:.1f} s and {after_startup:.1f} s after it"
        )
        sequential_s = sequential(paths, n)
        print(f"(c) sequential: {sequential_s:.1f} s")
        print()
        print(f"flow after start-up / bare pool: {after_startup / pool_s:.2f}  (target <= 1.15)")
        print(f"sequential / whole flow: {sequential_s / flow['wall_s']:.2f}  (target >= 1.5)")
        print(f"start-up on a warm PREFECT_HOME: {flow['startup_s']:.1f} s  (target < 10)")
        print(f"fresh PREFECT_HOME: {'ok' if fresh['ok'] else 'FAILED'}  (target: ok)")


if __name__ == "__main__":
    main()
