"""What does one replication of the 9610 export baseline cost, reference model against fast path?

Runs ``scenarios/cbec_9610_export_baseline.yaml`` (about 18,000 export parcels a day, 1.5 days of
trucks and the drain) with ``EngineOptions(fast_path=False)``, the reference model (one SimPy
process per truck, list and parcel), and with the fast path (planned chains and computed
lines), alternated over ``--repeats`` on the same seeds, and prints for each the parcels
created, the event-log rows per parcel and the parcels per CPU second of this process (wall
seconds beside them: on a shared machine CPU time is what the code costs). The ratio is fast
over reference, the median of the per-pair ratios. ``--fast-path off`` runs the reference model
alone (the baseline figure before a fast path existed).

Usage::

    python benchmarks/cbec_9610_export.py [--repeats 3] [--fast-path both|off|on]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from machine import print_machine

from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.run import simulate

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "cbec_9610_export_baseline.yaml"


def timed_run(scenario: Scenario, seed: int, fast_path: bool) -> tuple[float, float, int, int]:
    """CPU and wall seconds of one replication, its parcels and its event-log rows."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    log, _, _ = simulate(scenario, 0, seed, EngineOptions(fast_path=fast_path))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    parcels = sum(1 for kind in log.cases.object_type if kind == "parcel")
    return cpu, wall, parcels, len(log.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fast-path", choices=("both", "off", "on"), default="both")
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    args = parser.parse_args()
    print_machine()
    scenario = load_scenario(args.scenario)
    print(f"scenario: {scenario.name} ({args.scenario.name}), one replication per run")
    versions = {"both": (False, True), "off": (False,), "on": (True,)}[args.fast_path]
    ratios = []
    for repeat in range(args.repeats):
        seed = scenario.seed + repeat
        rates = {}
        for fast_path in versions:
            cpu, wall, parcels, rows = timed_run(scenario, seed, fast_path)
            rates[fast_path] = parcels / cpu
            name = "fast path" if fast_path else "reference"
            print(
                f"run {repeat + 1} {name:9}: {parcels:,} parcels, {rows:,} rows "
                f"({rows / parcels:.1f} a parcel), {cpu:.2f} s CPU ({wall:.2f} s wall) "
                f"= {parcels / cpu:,.0f} parcels/CPU s"
            )
        if len(rates) == 2:
            ratios.append(rates[True] / rates[False])
            print(f"run {repeat + 1} fast/reference: {ratios[-1]:.2f}")
    if ratios:
        print(f"fast/reference (median of {len(ratios)}): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
