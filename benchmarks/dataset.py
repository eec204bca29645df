"""How fast, and in how much memory, does ``clearsim dataset`` write 100k and 1M orders?

For each size, a fresh Python process builds the dataset of ``scenarios/double11_peak.yaml`` with
``--orders N`` (Parquet) and reports its wall time by stage, the rows written, its CPU time and its
peak RSS, with those of the process the build simulates in (``clearsim.flows.dataset.apart``: peak
RSS is the larger of the two, CPU time their sum); a second fresh process runs only the engine
(simulate and digest the log, with the same garbage-collector thresholds) to show how much of the
time and memory is the simulation's. Printed at the end: rows per second, peak RSS, and the ratio of
the largest run's time to ``largest / smallest`` times the smallest's (linear: 1), also per order
written.

Usage::

    python benchmarks/dataset.py [--scenario PATH] [--sizes 100000 1000000] [--seed 42]

Targets (issue 6): ratio of the 1M time to 10x the 100k time at most 1.1; peak RSS for 1M
orders under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "double11_peak.yaml"


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the build's simulation)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child(scenario_path: str, orders: int, seed: int, out: str, engine_only: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from clearsim.flows.dataset.build import build_dataset
    from clearsim.flows.dataset.collector import fewer_collections
    from clearsim.flows.dataset.digest import digest_log
    from clearsim.flows.dataset.scope import dataset_scope
    from clearsim.scenarios.load import load_scenario
    from clearsim.simulation.run import simulate

    scenario = load_scenario(scenario_path)
    scope = dataset_scope(scenario, None, orders)
    started, cpu = time.perf_counter(), cpu_s()
    report: dict[str, Any] = {"orders_requested": orders}
    if engine_only:
        with fewer_collections():
            log, _, _ = simulate(scope.scenario, 0, seed)
        report["events"] = len(log.rows)
        report["cases"] = len(log.cases)
        report["rss_after_simulate_mb"] = peak_rss_mb()
        digest_log(log)
    else:
        result = build_dataset(
            scope, seed, "parquet", Path(out), source_hash=scenario.scenario_hash
        )
        report["rows"] = result.rows
        report["events"] = result.events
        report["stage_s"] = {k: round(v, 2) for k, v in result.seconds.items()}
        report["simulation_rss_mb"] = result.simulation_peak_rss_mb
        report["bytes"] = sum(p.stat().st_size for p in Path(out).iterdir())
    report["wall_s"] = time.perf_counter() - started
    report["cpu_s"] = cpu_s() - cpu
    report["build_rss_mb"] = peak_rss_mb()
    report["peak_rss_mb"] = max(report["build_rss_mb"], report.get("simulation_rss_mb", 0.0))
    print(json.dumps(report))


def run_child(scenario: Path, orders: int, seed: int, engine_only: bool) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="clearsim-dataset-bench-"))
    shutil.rmtree(out)
    command = [sys.executable, __file__, "--child", str(orders), "--scenario", str(scenario)]
    command += ["--seed", str(seed), "--out", str(out)] + (["--engine-only"] if engine_only else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--engine-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(str(args.scenario), args.child, args.seed, args.out, args.engine_only)
        return
    print(f"{platform.python_version()} on {platform.machine()}, scenario {args.scenario.name}")
    print("load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    full: dict[int, dict[str, Any]] = {}
    for orders in args.sizes:
        engine = run_child(args.scenario, orders, args.seed, engine_only=True)
        report = run_child(args.scenario, orders, args.seed, engine_only=False)
        full[orders] = report
        rows = sum(report["rows"].values())
        print(
            f"{orders:>9,} orders requested, {report['rows']['orders']:,} written: "
            f"{rows:,} table rows + {report['events']:,} log events, "
            f"{report['bytes'] / 1e6:,.0f} MB on disk"
        )
        print(
            f"  full build {report['wall_s']:.1f} s wall, {report['cpu_s']:.1f} s CPU "
            f"({rows / report['wall_s']:,.0f} table rows/s, "
            f"{report['rows']['orders'] / report['wall_s']:,.0f} orders/s), "
            f"peak RSS {report['peak_rss_mb']:,.0f} MB (the build's process "
            f"{report['build_rss_mb']:,.0f} MB, its simulation's process "
            f"{report['simulation_rss_mb']:,.0f} MB); stages {report['stage_s']}"
        )
        print(
            f"  engine alone (simulate + digest) {engine['wall_s']:.1f} s wall, "
            f"{engine['cpu_s']:.1f} s CPU, "
            f"peak RSS {engine['peak_rss_mb']:,.0f} MB "
            f"({engine['rss_after_simulate_mb']:,.0f} MB when the simulation ends)"
        )
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        ratio = full[large]["wall_s"] / (large / small * full[small]["wall_s"])
        cpu_ratio = full[large]["cpu_s"] / (large / small * full[small]["cpu_s"])
        print(
            f"time({large:,}) / ({large // small} x time({small:,})) = {ratio:.2f} wall, "
            f"{cpu_ratio:.2f} CPU (target <= 1.1)"
        )
        per_order = (full[large]["wall_s"] / full[large]["rows"]["orders"]) / (
            full[small]["wall_s"] / full[small]["rows"]["orders"]
        )
        print(f"  the same per order written: {per_order:.2f}")
        print(
            f"peak RSS at {large:,} orders: {full[large]['peak_rss_mb']:,.0f} MB (target < 1,500)"
        )


if __name__ == "__main__":
    main()
