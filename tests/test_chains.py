"""Planned chains, held servers and lined station flows give the reference models' event log.

``clearsim.simulation.fastpath.chains`` records a run of a case's delays at once and wakes its
process once; ``FifoLine`` feeders keep their server for the next job when nobody else waits for
one; a station flow of plain FCFS stages passes its customers from line to line by callbacks. All
change only the order of rows at exactly equal times and the numbering of activity instances, so the
logs are compared as sets of rows: every (case, activity, lifecycle, time, node, resource) the same,
every instance's rows the same, and the case table, counts, trips, shift rows and end time
unchanged.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
import simpy
from factories import SCENARIOS, assert_same_run, canonical_rows, instance_rows, line_log

import clearsim.simulation.fastpath.chains
import clearsim.simulation.log.row_store
import clearsim.simulation.processes.station_flow.process
from clearsim.models.scenario import Scenario
from clearsim.models.station_flow import PriorityClass
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.fastpath.chains import Chain, Delay, Exit, Milestone, Serve, Wait
from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.fastpath.fifo_line import FifoLine
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.processes.cbec_1210.process import (
    served_by_lines as served_by_lines_1210,
)
from clearsim.simulation.processes.cbec_9610.process import (
    served_by_lines as served_by_lines_9610,
)
from clearsim.simulation.processes.station_flow.process import served_by_lines
from clearsim.simulation.run import RunCounts, simulate

DOUBLE11 = SCENARIOS / "double11_peak.yaml"
TANDEM = SCENARIOS.parent / "benchmarks" / "clearance_tandem.yaml"


def _double11(drain_limit_min: float) -> Scenario:
    """The Double-11 day at about 6,000 orders, staffing scaled alike (loads of the file)."""
    scenario = load_scenario(DOUBLE11, drain_limit_min=drain_limit_min)
    values: dict[str, Any] = {
        "processes.east_lake_1210.order_multiplier": 0.3,
        "processes.dongxihu_9610.parcel_multiplier": 0.3,
    }
    for name, spec in scenario.resources.items():
        values[f"resources.{name}.capacity"] = max(1, round(spec.capacity * 0.3))
    return with_values(scenario, values)


def _run(scenario: Scenario, fast_path: bool) -> tuple[EventLog, RunCounts, float]:
    return simulate(scenario, 0, 11, EngineOptions(fast_path=fast_path))


def test_the_double11_day_takes_the_fast_path_of_both_cbec_kinds() -> None:
    """Every lined pool of the 1210 and 9610 processes is theirs alone, so chains are planned."""
    scenario = _double11(4320.0)
    users = Counter(name for p in scenario.processes for name in p.resource_names())
    exclusive = frozenset(name for name, count in users.items() if count == 1)
    specs = {p.kind: p for p in scenario.processes}
    assert served_by_lines_1210(specs["cbec_1210"], exclusive)  # type: ignore[arg-type]
    assert served_by_lines_9610(specs["cbec_9610"], exclusive)  # type: ignore[arg-type]


@pytest.mark.parametrize("drain_limit_min", [4320.0, 240.0], ids=["drained", "stopped"])
def test_planned_chains_give_the_reference_models_log(drain_limit_min: float) -> None:
    """Planned chains and the 1210 and 9610 reference models, sharing a Double-11 day's network
    and streams: the same events, instances, cases, counts and end.

    ``stopped`` ends the run 4 hours after the peak day while hundreds of orders are still in
    the warehouse: rows planned past the end must be dropped, as the process never gets there.
    """
    scenario = _double11(drain_limit_min)
    reference_run, planned_run = _run(scenario, False), _run(scenario, True)
    (replayed, replayed_counts, replayed_end), (planned, _, planned_end) = (
        reference_run,
        planned_run,
    )
    assert len(replayed.rows) > 100_000
    if drain_limit_min < 1000:
        assert replayed_counts.in_system > 300 and replayed_end == 1440 + drain_limit_min
        assert planned.column("time").max() <= planned_end
    else:
        assert replayed_counts.in_system == 0
    check_event_log(planned)  # times never decrease once the log is settled
    assert_same_run(planned_run, reference_run)


def _tandem(drain_limit_min: float) -> Scenario:
    """The engine benchmark's five-stage tandem for a day, inspectors off 12:00-13:30 daily."""
    week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    shifts = [{"days": week, "start": "00:00", "end": "12:00"}]
    shifts.append({"days": week, "start": "13:30", "end": "24:00"})
    lunch = {"kind": "weekly", "shifts": shifts}
    return with_values(
        load_scenario(TANDEM, horizon_min=1440.0, drain_limit_min=drain_limit_min),
        {
            "calendars": {"always": {"kind": "always"}, "lunch": lunch},
            "resources.inspectors.calendar": "lunch",
        },
    )


@pytest.mark.parametrize("drain_limit_min", [1000.0, 0.5], ids=["drained", "stopped"])
def test_a_lined_station_flow_gives_the_process_versions_log(drain_limit_min: float) -> None:
    """Customers passed from line to line by callbacks: the same rows, cases, counts and end.

    A lunch break closes the inspection stage for 90 minutes of the day, so a queue builds and
    the blockers' shift rows must agree too; ``stopped`` ends the run half a minute after the
    horizon with customers still queued.
    """
    scenario = _tandem(drain_limit_min)
    runs = [simulate(scenario, 0, 3, EngineOptions(fast_path=lined)) for lined in (False, True)]
    (plain, plain_counts, plain_end), (lined_log, lined_counts, lined_end) = runs
    assert len(plain.rows) > 200_000
    if drain_limit_min < 1:
        assert plain_counts.in_system > 0 and plain_end == 1440.5
    check_event_log(lined_log)
    assert np.array_equal(canonical_rows(lined_log), canonical_rows(plain))
    assert instance_rows(lined_log) == instance_rows(plain)
    assert (lined_counts, lined_end) == (plain_counts, plain_end)
    assert lined_log.cases == plain.cases
    assert lined_log.capacity_rows == plain.capacity_rows
    assert len(plain.capacity_rows) == 2 * 5  # five inspectors, off and on again


def test_only_plain_fcfs_station_flows_are_lined() -> None:
    """Priority classes, or a facility another stage also uses, keep the process version."""
    spec = load_scenario(TANDEM).processes[0]
    every = frozenset(spec.resource_names())
    assert served_by_lines(spec, every)
    assert not served_by_lines(spec, every - {"inspectors"})
    classes = (PriorityClass(name="aeo", share=0.2, priority=0),)
    classes += (PriorityClass(name="general", share=0.8, priority=1),)
    assert not served_by_lines(spec.model_copy(update={"classes": classes}), every)
    alike = tuple(c.model_copy(update={"priority": 2}) for c in classes)
    assert served_by_lines(spec.model_copy(update={"classes": alike}), every)


def test_a_fifo_line_holding_its_servers_serves_as_plain_requests_do() -> None:
    """Jobs in a line whose feeders keep their servers start and end when plain requests do.

    The shift closures queue a blocker behind the jobs: a feeder then gives its server back,
    and the blocker takes it at the job's end exactly as with plain requests.
    """
    plain, held = line_log("plain"), line_log("feeder")
    assert len(plain.rows) == 400 * 3
    assert np.array_equal(canonical_rows(held), canonical_rows(plain))
    assert held.capacity_rows == plain.capacity_rows
    assert len(held.capacity_rows) == 8  # two servers, two closures, off and on


def test_rows_planned_ahead_are_settled_in_time_order() -> None:
    """``settle`` sorts by time keeping equal times in recording order, and drops late rows."""
    log = EventLog(("N",), ())
    for case, time in enumerate([0.0, 5.0, 2.0, 5.0, 1.0, 9.0, 2.0]):
        log.emit((case, 0, case + 1, 2, time, 0, -1))
    log.settle(8.0)
    assert [(row[0], row[4]) for row in log.rows] == [
        (0, 0.0),
        (4, 1.0),
        (2, 2.0),
        (6, 2.0),
        (1, 5.0),
        (3, 5.0),
    ]


def _chain_log() -> tuple[simpy.Environment, EventLog, RunControl, Router]:
    env = simpy.Environment()
    log = EventLog(("N", "HUB"), ("R",))
    router = Router(build_graph(load_scenario(DOUBLE11).network))
    return env, log, RunControl(env, horizon_min=100.0), router


def test_a_chain_joins_one_line_and_only_at_its_start() -> None:
    env, log, control, router = _chain_log()
    line = ComputedLine(env, Facility(env, "R", 1, 0, log, []), log)
    step, late = log.activity("step"), log.activity("late")
    with pytest.raises(ValueError, match="joins one line"):
        Chain(env, log, control, router, 0, [Delay(step), Serve(line, late)])
    feeder = FifoLine(env, Facility(env, "R", 1, 0, log, []), log)
    with pytest.raises(ValueError, match="computed line"):
        Chain(env, log, control, router, 0, [Serve(feeder, step)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exits at most once"):
        Chain(env, log, control, router, 0, [Exit(), Delay(step), Exit()])
    served = Chain(env, log, control, router, 0, [Serve(line, step), Delay(late)])
    with pytest.raises(ValueError, match="starts now"):
        served.run(log.new_case("job", "p"), 1.0, (1.0, 1.0))  # a line is joined now
    chain = Chain(env, log, control, router, 0, [Delay(step), Delay(late)])
    chain.run(log.new_case("job", "p"), 0.0, (1.0,))  # one duration short
    with pytest.raises(ValueError, match="needs 3 times"):
        log.columns()


def test_a_planned_run_keeps_its_place_among_rows_of_equal_time() -> None:
    """A run's rows count as recorded when it was planned: ties keep that order once settled."""
    env, log, control, router = _chain_log()
    work, mark = log.activity("work"), log.activity("mark", milestone=True)
    chain = Chain(env, log, control, router, 0, [Delay(work), Milestone(mark, node=1)])
    first, planned, last = (log.new_case("job", "p") for _ in range(3))
    log.emit((first, mark, log.new_instance(), 2, 5.0, 0, -1))
    assert chain.run(planned, 2.0, (3.0,)) == 5.0
    log.emit((last, mark, log.new_instance(), 2, 5.0, 0, -1))
    log.settle(10.0)
    check_event_log(log)
    assert [(row[0], row[1], row[3], row[4], row[5]) for row in log.rows] == [
        (planned, work, 0, 2.0, 0),
        (planned, work, 1, 2.0, 0),
        (first, mark, 2, 5.0, 0),
        (planned, work, 2, 5.0, 0),
        (planned, mark, 2, 5.0, 1),
        (last, mark, 2, 5.0, 0),
    ]


def test_ids_stay_unique_when_a_pack_expands_runs_between_two_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An id handed out just before a pack is not handed to a planned run's rows too."""
    monkeypatch.setattr(clearsim.simulation.log.row_store, "PACK_EVERY_INSTANCES", 3)
    env, log, control, router = _chain_log()
    work, mark = log.activity("work"), log.activity("mark", milestone=True)
    chain = Chain(env, log, control, router, 0, [Delay(work), Delay(work)])
    for k in range(20):
        case = log.new_case("job", "p")
        chain.run(case, float(k), (0.5, 0.25))
        log.emit((case, mark, log.new_instance(), 2, float(k), 0, -1))
    log.settle(100.0)
    check_event_log(log)  # an id reused by another activity fails here
    assert len(set(log.column("instance").tolist())) == 20 * 3


def test_booked_finishes_end_the_run_at_the_latest_and_count_once_reached() -> None:
    """The run is done at the latest booked finish of its measured cases.

    Exits and finishes booked ahead count when the run reaches them; a run stopped at its
    limit does not reach what is booked at that very instant.
    """
    env, log, control, _ = _chain_log()
    cases = [log.new_case("job", "p") for _ in range(3)]
    assert control.expect(1.0) and control.expect(2.0) and not control.expect(150.0)
    for _ in cases:
        control.arrive()
    control.finish_at(cases[0], 40.0, measured=True)
    assert not control.done.triggered
    control.finish_at(cases[1], 30.0, measured=True)
    control.finish_at(cases[2], 50.0, measured=False)
    control.exit_times.extend([20.0, 40.0, 45.0])
    env.run(until=control.done)
    assert env.now == 40.0
    control.settle(40.0, log.cases.finished, stopped=True)
    assert (control.exited, control.in_system) == (1, 2)
    assert log.cases.finished == [False, True, False]
    control.settle(40.0, log.cases.finished)  # booked ones are counted once
    assert (control.exited, control.in_system) == (1, 2)


@pytest.mark.parametrize("stopped", [True, False])
def test_a_run_stopped_at_its_limit_records_nothing_at_that_instant(stopped: bool) -> None:
    env, log, control, router = _chain_log()
    work = log.activity("work")
    chain = Chain(env, log, control, router, 0, [Delay(work)])
    chain.run(log.new_case("job", "p"), 0.0, (7.0,))
    log.settle(7.0, stopped=stopped)
    assert [row[3] for row in log.rows] == ([0, 1] if stopped else [0, 1, 2])


def test_a_wait_after_a_delay_ends_where_a_timeout_to_it_ends() -> None:
    """A wait that is not the first timed step: rows as a process yielding the timeouts has them."""
    env, log, control, router = _chain_log()
    work, wait = log.activity("work"), log.activity("wait")
    on_the_hour = lambda t: 60.0 * (t // 60.0 + 1)  # noqa: E731
    chain = Chain(env, log, control, router, 0, [Delay(work), Wait(wait, on_the_hour), Delay(work)])
    firsts = [17.3 * k + 0.1 for k in range(5)]
    for first in firsts:
        chain.run(log.new_case("job", "p"), 0.0, (first, 2.5))
    env.run()
    log.settle(1000.0)
    expected = []  # (activity, lifecycle, time) of each case, as the timeouts reach them
    for first in firsts:
        waited = first + (on_the_hour(first) - first)
        case = [(work, 0, 0.0), (work, 1, 0.0), (work, 2, first), (wait, 0, first)]
        case += [(wait, 1, first), (wait, 2, waited), (work, 0, waited), (work, 1, waited)]
        expected.append([*case, (work, 2, waited + 2.5)])
    rows = sorted(log.rows, key=lambda row: row[0])
    got = [[(r[1], r[3], r[4]) for r in rows if r[0] == case] for case in range(len(firsts))]
    assert got == expected
    # First delays end at 0.1, 17.4, 34.7, 52.0 and 69.3: waits to 60 (four) and 120, + 2.5.
    ends = [row[4] for row in log.rows if row[1] == work and row[3] == 2]
    assert ends.count(62.5) == 4 and max(ends) == 122.5
