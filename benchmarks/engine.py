"""What does clearsim's engine cost per parcel, against bare SimPy on the same tandem?

Measures, in one run and on one core:

(a) a bare SimPy baseline written here: the five stages, capacities and distributions of
    ``benchmarks/clearance_tandem.yaml`` (declaration check, risk screening, X-ray, inspection for
    a tenth, duty and release), one process per parcel, ``with res.request()``, variates drawn up
    front with numpy, no event log;
(b) clearsim's engine on that scenario file (``clearsim.simulation.run.simulate``: the scenario's
graph,
    facilities, samplers, run control and the full event log);

and prints parcels per second of each and the ratio b/a (target >= 0.8), then the time clearsim
takes to compute the run's KPIs from the log (``summarise``), which (a) has no equivalent of.
Rates are parcels per CPU second of this process (wall seconds are printed beside them): on a
shared machine CPU time is what the code costs, wall time also counts other processes' load.
Runs alternate (a, b, a, b, ...); the ratio is the median of the per-pair ratios.

Usage::

    python benchmarks/engine.py [--repeats 3] [--scenario benchmarks/clearance_tandem.yaml]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import simpy
from machine import print_machine

from clearsim.models.distributions import Deterministic, Duration, Exponential, Lognormal, Uniform
from clearsim.models.scenario import Scenario
from clearsim.models.station_flow import StationFlowSpec
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import simulate, summarise

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "benchmarks" / "clearance_tandem.yaml"


def draw(spec: Duration, rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` durations of ``spec`` (the families the tandem uses)."""
    if isinstance(spec, Exponential):
        return rng.exponential(spec.mean_min, size)
    if isinstance(spec, Lognormal):
        return spec.median_min * np.exp(spec.sigma * rng.standard_normal(size))
    if isinstance(spec, Deterministic):
        return np.full(size, spec.value_min)
    if isinstance(spec, Uniform):
        return rng.uniform(spec.low_min, spec.high_min, size)
    raise TypeError(f"the bare baseline does not draw {type(spec).__name__}")


def bare_simpy(scenario: Scenario, seed: int) -> int:
    """Run the tandem in plain SimPy; return the number of parcels that left."""
    (flow,) = scenario.processes
    assert isinstance(flow, StationFlowSpec)
    rng = np.random.default_rng(seed)
    rate_per_min = flow.arrivals.mean_rate_per_min(scenario.horizon_min)
    gaps = rng.exponential(1.0 / rate_per_min, int(rate_per_min * scenario.horizon_min * 1.2))
    arrivals = np.cumsum(gaps)
    arrivals = arrivals[arrivals < scenario.horizon_min].tolist()
    n = len(arrivals)
    stages = flow.stages
    services = [draw(stage.service_min, rng, n).tolist() for stage in stages]
    visits = [(rng.random(n) < stage.probability).tolist() for stage in stages]
    env = simpy.Environment()
    resources = [
        simpy.Resource(env, capacity=scenario.resources[stage.resource].capacity)
        for stage in stages
    ]
    plan = list(zip(resources, services, visits, strict=True))
    left = [0]

    def parcel(i: int) -> simpy.events.ProcessGenerator:
        for res, service, visit in plan:
            if visit[i]:
                with res.request() as request:
                    yield request
                    yield env.timeout(service[i])
        left[0] += 1

    def source() -> simpy.events.ProcessGenerator:
        for i, t in enumerate(arrivals):
            yield env.timeout(t - env.now)
            env.process(parcel(i))

    env.process(source())
    env.run()
    return left[0]


def clearsim(scenario: Scenario, seed: int) -> tuple[int, int, float, float]:
    """Simulate with clearsim; return parcels that left, event-log rows, KPI wall and CPU s."""
    log, counts, end = simulate(scenario, 0, seed)
    wall, cpu = time.perf_counter(), time.process_time()
    summarise(scenario, 0, seed, log, counts, end)
    return counts.exited, len(log.rows), time.perf_counter() - wall, time.process_time() - cpu


def timed(run: Callable[..., Any], *args: object) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``run(*args)`` (garbage collected before), and its result."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print_machine()
    scenario = load_scenario(args.scenario)
    print(f"scenario: {scenario.name} ({args.scenario.name}), one replication per run")
    ratios = []
    for repeat in range(args.repeats):
        seed = scenario.seed + repeat
        wall_a, cpu_a, parcels_a = timed(bare_simpy, scenario, seed)
        wall_b, cpu_b, (parcels_b, rows, kpi_wall, kpi_cpu) = timed(clearsim, scenario, seed)
        wall_b, cpu_b = wall_b - kpi_wall, cpu_b - kpi_cpu
        rate_a, rate_b = parcels_a / cpu_a, parcels_b / cpu_b
        ratios.append(rate_b / rate_a)
        print(
            f"run {repeat + 1}: (a) bare SimPy {parcels_a:,} parcels, {cpu_a:.2f} s CPU "
            f"({wall_a:.2f} s wall) = {rate_a:,.0f}/s | (b) clearsim {parcels_b:,} parcels, "
            f"{rows:,} rows, {cpu_b:.2f} s CPU ({wall_b:.2f} s wall) = {rate_b:,.0f}/s | "
            f"b/a = {rate_b / rate_a:.2f} | KPIs from the log {kpi_cpu:.2f} s CPU"
        )
    print(f"b/a (median of {len(ratios)}): {statistics.median(ratios):.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
