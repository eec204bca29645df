"""The one engine entry: ``run_replication(scenario, replication, root_seed) -> RunResult``."""

from __future__ import annotations

import gc
import math
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import simpy

from clearsim.models.calendars import MINUTES_PER_DAY
from clearsim.models.records import LegTrips, RunSummary
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import MILESTONES
from clearsim.simulation.groups import ProcessGroup, independent_groups
from clearsim.simulation.kernel.cbec_ledger import BuyerLedger
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.options import DEFAULT_OPTIONS, EngineOptions
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.kernel.shifts import closed_intervals, open_intervals, week_offset_min
from clearsim.simulation.log.heap import release_free_memory
from clearsim.simulation.log.merge import merge_logs
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.attribution import segment_causes
from clearsim.simulation.metrics.cases import (
    Window,
    measured_cases,
    milestone_times,
    mser5_warmup_min,
)
from clearsim.simulation.metrics.lodgement_timing import lodgement_timing
from clearsim.simulation.metrics.resources import (
    resource_stats,
    service_intervals,
    wait_stats,
)
from clearsim.simulation.metrics.segment_quantiles import segment_quantiles
from clearsim.simulation.metrics.segments import outcome_counts, overlong_cases, segment_stats
from clearsim.simulation.metrics.time_profiles import resource_profiles
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.registry import buyer_ledger, start_processes


@dataclass(frozen=True)
class RunResult:
    """Everything one replication produced: its summary, and the event log it was computed from."""

    summary: RunSummary
    log: EventLog


@dataclass(frozen=True)
class RunCounts:
    """Cases that arrived, that left (exit), and that were still in the system at the end."""

    arrived: int
    exited: int
    in_system: int
    leg_trips: tuple[LegTrips, ...] = ()
    """Trips the router sent over each directed leg of the network."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, then restore its previous state.

    A run allocates millions of short-lived events and holds hundreds of thousands of waiting
    processes and records. Every collection walks the young objects and, as the heap grows,
    costs more: with thresholds (100,000, 50, 100) a Double-11 day spent 0.7 s of 20 s in the
    collector at 100,000 orders but 26 s of 253 s at 1,000,000 (gen-0 passes of 35 ms, then of
    155 ms), which made the run superlinear. The processes leave no reference cycles while they
    run (a collection halfway through a Double-11 day finds only a few dozen objects of the
    set-up); the cycles of an environment, its finished processes and its sites are freed by
    the collection :func:`simulate` makes after each process group. Reference counting frees
    everything else at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def simulate(
    scenario: Scenario,
    replication: int,
    root_seed: int,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> tuple[EventLog, RunCounts, float]:
    """Run one replication; return its event log, final counts and the simulated end time.

    Groups of processes that share no resource run one after the other, each in its own
    environment until its own measured cases are done (see :mod:`clearsim.simulation.groups`); their
    logs are merged in time order.
    """
    with fewer_collections():
        return _simulate(scenario, replication, root_seed, options)


COLLECT_AFTER_ROWS = 200_000
"""A last group with at least this many log rows is collected before its log is merged: its
environment's garbage is then large beside the collection's cost (estimate; a Double-11 day
records millions of rows)."""


def _simulate(
    scenario: Scenario, replication: int, root_seed: int, options: EngineOptions
) -> tuple[EventLog, RunCounts, float]:
    streams = Streams(root_seed, replication)
    router = Router(build_graph(scenario.network))
    logs, counts, ends = [], [], []
    groups = independent_groups(scenario)
    ledger = buyer_ledger(scenario.processes, streams, arrivals_until_min(scenario))
    with tempfile.TemporaryDirectory(prefix="clearsim-log-") as spill_dir:
        for index, group in enumerate(groups):
            log, control, end, stopped = _simulate_group(
                scenario, group, streams, router, options, ledger
            )
            logs.append(log)
            counts.append(RunCounts(control.arrived, control.exited, control.in_system))
            ends.append(end)
            # The group's environment, its waiting processes and its sites refer to each
            # other; free them before the next group runs (the collector is off while it runs).
            # After a small last group the collector, on again, frees them in its own time: a
            # full collection costs a quarter of a second in a large process (a test session),
            # more than a small scenario's whole run; a large group's garbage is freed before
            # its log is settled and merged, which keeps the peak memory down.
            del control
            if index < len(groups) - 1 or len(log.rows) >= COLLECT_AFTER_ROWS:
                gc.collect()
            # Rows planned ahead by chains (clearsim.simulation.fastpath.chains) and rows of
            # advance lodgements before the run's start (processes.declaration) into time order.
            log.settle(end, stopped=stopped)
            spill = options.spill_rows
            if index < len(groups) - 1 and spill and len(log.rows) >= spill:
                log.spill(Path(spill_dir))  # read back a column at a time by the merge
            release_free_memory()
        merged = merge_logs(logs)
    release_free_memory()
    total = RunCounts(
        arrived=sum(c.arrived for c in counts),
        exited=sum(c.exited for c in counts),
        in_system=sum(c.in_system for c in counts),
        leg_trips=tuple(
            LegTrips(source, target, trips)
            for (source, target), trips in sorted(router.leg_trips().items())
        ),
    )
    return merged, total, max(ends)


def arrivals_until_min(scenario: Scenario) -> float:
    """When processes stop admitting work.

    Steady state keeps the system loaded while measured cases finish; terminating runs stop
    admitting work at the horizon.
    """
    if scenario.kind == "steady_state":
        return scenario.horizon_min + scenario.drain_limit_min
    return scenario.horizon_min


def _simulate_group(
    scenario: Scenario,
    group: ProcessGroup,
    streams: Streams,
    router: Router,
    options: EngineOptions,
    ledger: BuyerLedger | None = None,
) -> tuple[EventLog, RunControl, float, bool]:
    """Run one group to its end; also say whether it was stopped at the time limit."""
    env = simpy.Environment()
    log = EventLog(nodes=tuple(scenario.network.nodes), resources=tuple(scenario.resources))
    control = RunControl(env, scenario.horizon_min)
    stop_min = scenario.horizon_min + scenario.drain_limit_min
    arrivals_until = arrivals_until_min(scenario)
    facilities = {}
    for name in group.resources:
        spec = scenario.resources[name]
        facilities[name] = Facility(
            env,
            name,
            spec.capacity,
            log.node(spec.node),
            log,
            closed_intervals(scenario.calendars[spec.calendar], scenario.start, stop_min),
        )
    users = Counter(name for process in group.processes for name in process.resource_names())
    exclusive = frozenset(name for name, count in users.items() if count == 1)
    start_processes(
        group.processes,
        ProcessContext(
            env,
            log,
            facilities,
            router,
            control,
            streams,
            arrivals_until,
            exclusive,
            options,
            ledger,
        ),
    )
    control.check()
    # The window's resource figures need every shift change up to its end, even when all
    # measured cases finish earlier (a terminating day whose work is done by the evening).
    env.run(until=scenario.horizon_min)
    env.run(until=env.any_of([control.done, env.timeout(stop_min - env.now)]))
    end, stopped = float(env.now), not control.done.processed
    # Exits, finishes and trips booked by planned chains; shift changes no job reached.
    control.settle(end, log.cases.finished, stopped=stopped)
    router.settle(end, stopped=stopped)
    for facility in facilities.values():
        facility.settle(end)
    return log, control, end, stopped


def summarise(
    scenario: Scenario,
    replication: int,
    root_seed: int,
    log: EventLog,
    counts: RunCounts,
    end_time_min: float,
) -> RunSummary:
    """The replication's :class:`RunSummary`, computed from its event log."""
    window = Window(scenario.warmup_min, scenario.horizon_min)
    times = milestone_times(log)
    measured = measured_cases(log, times, window)
    capacities = {name: spec.capacity for name, spec in scenario.resources.items()}
    intervals = service_intervals(log)  # shared by the window figures and the profiles
    staffed = {
        name: open_intervals(scenario.calendars[spec.calendar], scenario.start, window.end_min)
        for name, spec in scenario.resources.items()
    }
    return RunSummary(
        scenario_hash=scenario.scenario_hash,
        replication=replication,
        root_seed=root_seed,
        arrived=counts.arrived,
        completed=counts.exited,
        in_system=counts.in_system,
        measured=int(measured.sum()),
        censored=int(
            (
                measured
                & np.isnan(times[:, MILESTONES.index("exit")])
                & ~np.asarray(log.cases.finished, dtype=bool)
            ).sum()
        ),
        events=len(log.rows),
        end_time_min=end_time_min,
        segments=tuple(segment_stats(log, window, times)),
        resources=tuple(resource_stats(log, capacities, window, staffed, intervals)),
        waits=tuple(wait_stats(log, window)),
        lodgement_timing=tuple(lodgement_timing(log, window, times)),
        causes=tuple(segment_causes(log, window, _run_calendars(scenario, end_time_min), times)),
        outcomes=tuple(outcome_counts(log, window, times)),
        overlong=tuple(
            overlong_cases(
                log,
                window,
                scenario.monitoring.overlong_threshold_h,
                scenario.monitoring.segments,
                end_time_min,
                times,
            )
        ),
        warmup_mser5_min=(
            mser5_warmup_min(log, times) if scenario.kind == "steady_state" else math.nan
        ),
        distributions=segment_quantiles(log, window, times),
        profiles=resource_profiles(
            log,
            capacities,
            window,
            week_offset_min(scenario.start) % MINUTES_PER_DAY,
            staffed,
            intervals,
        ),
        leg_trips=counts.leg_trips,
    )


def _run_calendars(scenario: Scenario, end_min: float) -> dict[str, list[tuple[float, float]]]:
    """Each resource's staffed intervals over the whole run, drain included."""
    return {
        name: open_intervals(scenario.calendars[spec.calendar], scenario.start, end_min)
        for name, spec in scenario.resources.items()
    }


def run_replication(
    scenario: Scenario,
    replication: int,
    root_seed: int,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> RunResult:
    """Simulate replication ``replication`` of ``scenario`` from ``root_seed``.

    ``options`` choose how the engine computes it (the fast path or the reference model),
    never what it computes.
    """
    log, counts, end = simulate(scenario, replication, root_seed, options)
    summary = summarise(scenario, replication, root_seed, log, counts, end)
    return RunResult(summary=summary, log=log)


def run_summary(
    scenario: Scenario,
    replication: int,
    root_seed: int,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> RunSummary:
    """Like :func:`run_replication` but returns only the small summary (for process pools)."""
    return run_replication(scenario, replication, root_seed, options).summary
