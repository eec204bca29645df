"""How long does a Double-11 day of a million CBEC orders take, and does it scale linearly?

Runs ``scenarios/double11_peak.yaml`` (1210 bonded orders at East Lake and 9610 parcels at
Dongxihu, one terminating day plus its drain) scaled to N expected orders: the 1210 order
multiplier and the 9610 flight rate are multiplied by ``N / (orders the file expects)``, and so
is every resource's capacity (rounded, at least 1), so that the day keeps the file's loads
instead of piling up a week of backlog. One replication, one core, each size in a fresh Python
process so that its peak RSS is its own. Prints, per size: orders that arrived, event-log rows,
wall time (simulation, then KPIs from the log), events (rows) per second and peak RSS; then the
ratio of the wall times of the largest and the smallest size (target <= 11 for 1,000,000 against
100,000, i.e. linear; the million itself: under 60 s and 1.5 GB, stretch 30 s).

The speed of the machine drifts between sessions by a factor of two and more, so the run also
measures its own: the bare SimPy tandem of ``benchmarks/engine.py`` (five stages, one process
per parcel, no event log), before and after the sizes, each in a fresh process. The targets were
set on a machine where that tandem ran at about 22,000 parcels a second; the times are printed
as measured and as they scale to that machine (times x this machine's rate / 22,000).

Usage::

    python benchmarks/double11.py [--orders 100000 1000000] [--seed 20261122]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from machine import ROOT, peak_rss_mb, print_machine

SCENARIO = ROOT / "scenarios" / "double11_peak.yaml"
REFERENCE_PARCELS_PER_S = 22_000
"""Bare SimPy's tandem on the machine the targets were set on (issue 8), parcels per second."""


def scaled_scenario(orders: int) -> Any:
    """The Double-11 scenario scaled to ``orders`` expected orders (staffing scaled alike)."""
    from clearsim.models.bonded_import import BondedImportSpec
    from clearsim.models.direct_purchase import DirectPurchaseSpec
    from clearsim.scenarios.load import load_scenario
    from clearsim.scenarios.overrides import with_values

    scenario = load_scenario(SCENARIO)
    bonded = next(p for p in scenario.processes if isinstance(p, BondedImportSpec))
    direct = next(p for p in scenario.processes if isinstance(p, DirectPurchaseSpec))
    expected = bonded.orders_per_day() + direct.parcel_rate_per_min(1440.0) * 1440.0
    k = orders / expected
    values: dict[str, Any] = {
        f"processes.{bonded.name}.order_multiplier": bonded.order_multiplier * k,
        f"processes.{direct.name}.flight_arrivals.rate_per_hour": (
            direct.flight_arrivals.mean_rate_per_min(1440.0) * 60.0 * k
        ),
    }
    for name, spec in scenario.resources.items():
        values[f"resources.{name}.capacity"] = max(1, round(spec.capacity * k))
    return with_values(scenario, values)


def child(orders: int, seed: int) -> dict[str, Any]:
    """Simulate one scaled day in this process and measure it."""
    from clearsim.simulation.run import simulate, summarise

    scenario = scaled_scenario(orders)
    started, cpu = time.perf_counter(), time.process_time()
    log, counts, end = simulate(scenario, 0, seed)
    simulated = time.perf_counter()
    summary = summarise(scenario, 0, seed, log, counts, end)
    finished = time.perf_counter()
    return {
        "cpu_s": time.process_time() - cpu,
        "orders": orders,
        "arrived": counts.arrived,
        "rows": summary.events,
        "simulate_s": simulated - started,
        "kpis_s": finished - simulated,
        "wall_s": finished - started,
        "peak_rss_mb": peak_rss_mb(),
    }


def anchor(seed: int) -> dict[str, Any]:
    """Bare SimPy's parcels per CPU second on the engine benchmark's tandem, in this process."""
    from engine import DEFAULT_SCENARIO, bare_simpy

    from clearsim.scenarios.load import load_scenario

    scenario = load_scenario(DEFAULT_SCENARIO)
    cpu = time.process_time()
    parcels = bare_simpy(scenario, seed)
    return {"parcels_per_s": parcels / (time.process_time() - cpu)}


def measure(orders: int, seed: int) -> dict[str, Any]:
    """Run :func:`child` (``orders`` > 0) or :func:`anchor` (0) in a fresh Python process."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(orders), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def print_anchor(when: str, rate: float) -> None:
    """One line on the machine's speed."""
    print(
        f"machine speed ({when}): bare SimPy tandem {rate:,.0f} parcels/CPU s "
        f"= {rate / REFERENCE_PARCELS_PER_S:.2f} of the reference machine's "
        f"{REFERENCE_PARCELS_PER_S:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.seed) if args.child else anchor(args.seed)))
        return
    print_machine()
    print(f"scenario: {SCENARIO.relative_to(ROOT)} scaled, one replication, seed {args.seed}")
    before = measure(0, args.seed)["parcels_per_s"]
    print_anchor("before", before)
    results = []
    for orders in sorted(args.orders):
        r = measure(orders, args.seed)
        results.append(r)
        print(
            f"{orders:>9,} expected orders: {r['arrived']:,} arrived, {r['rows']:,} rows | "
            f"wall {r['wall_s']:.1f} s (simulate {r['simulate_s']:.1f} s, "
            f"KPIs {r['kpis_s']:.1f} s; CPU {r['cpu_s']:.1f} s) | "
            f"{r['rows'] / r['wall_s']:,.0f} events/s | "
            f"peak RSS {r['peak_rss_mb']:,.0f} MB"
        )
    after = measure(0, args.seed)["parcels_per_s"]
    print_anchor("after", after)
    speed = (before + after) / 2 / REFERENCE_PARCELS_PER_S
    for r in results:
        print(
            f"{r['orders']:>9,} expected orders at the reference machine's speed: wall "
            f"{r['wall_s'] * speed:.1f} s (CPU {r['cpu_s'] * speed:.1f} s; "
            f"measured times x {speed:.2f})"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"ratio {large['orders']:,} / {small['orders']:,} orders: wall time "
            f"{large['wall_s'] / small['wall_s']:.1f}, CPU time "
            f"{large['cpu_s'] / small['cpu_s']:.1f} (linear: "
            f"{large['orders'] / small['orders']:.0f}; target <= 11 for 10x)"
        )


if __name__ == "__main__":
    main()
