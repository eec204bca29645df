"""Scheduled departures: the cut-off arithmetic and the spill of a full departure to the next."""

from __future__ import annotations

import pytest
import simpy

from clearsim.models.departures import DepartureScheduleSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.processes.departures import Departures, board

SPEC = DepartureScheduleSpec(
    conveyance="flight",
    node="A",
    first_departure_min=100.0,
    interval_min=60.0,
    capacity_units=2,
    cutoff_before_min=30.0,
    planned_lead_min=20.0,
)


@pytest.mark.parametrize(
    ("time_min", "index"),
    [(-500.0, 0), (0.0, 0), (70.0, 0), (70.5, 1), (130.0, 1), (131.0, 2), (250.0, 3)],
)
def test_first_index_open_at_counts_cut_offs(time_min: float, index: int) -> None:
    """Cut-offs at 70, 130, 190, 250, ...: the first at or after the time."""
    assert SPEC.first_index_open_at(time_min) == index
    assert SPEC.departure_min(index) - SPEC.cutoff_before_min >= time_min


def test_planned_index_allows_the_lead() -> None:
    assert SPEC.planned_index(50.0) == 0  # 50 + 20 = 70, the first cut-off
    assert SPEC.planned_index(51.0) == 1


def test_a_full_departure_spills_to_the_next_and_the_late_miss_their_booking() -> None:
    env = simpy.Environment()
    log = EventLog(nodes=("A",), resources=())
    departures = Departures(env, log, RunControl(env, 1000.0), SPEC, "p", "export", "x")
    cases = [log.new_case("parcel", "p", direction="export") for _ in range(4)]
    left: dict[int, float] = {}

    def goods(case: int, at: float, planned: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(at)
        departure = yield from board(env, departures, case, 1, planned)
        left[case] = env.now
        assert departure.departure_min == env.now

    for case, at in zip(cases[:3], (10.0, 20.0, 30.0), strict=True):
        env.process(goods(case, at, 0))  # three for a 2-unit departure: the third spills
    env.process(goods(cases[3], 80.0, 0))  # after the first cut-off (70): late
    env.run()
    check_event_log(log)
    assert [left[c] for c in cases] == [100.0, 100.0, 160.0, 160.0]
    missed = log.activities.index("missed_flight")
    assert sorted(c for c, a, *_ in log.rows if a == missed) == cases[2:]
    flights = [c for c in range(len(log.cases)) if log.cases.object_type[c] == "flight"]
    assert len(flights) == 2
    carried = {s: t for s, t, q in log.links if q == "carried_by"}
    assert [carried[c] for c in cases] == [flights[0]] * 2 + [flights[1]] * 2


def test_goods_bigger_than_a_departure_are_refused() -> None:
    env = simpy.Environment()
    log = EventLog(nodes=("A",), resources=())
    departures = Departures(env, log, RunControl(env, 1000.0), SPEC, "p", "export", "x")
    with pytest.raises(ValueError, match="never fit"):
        departures.hand_over(log.new_case("parcel", "p"), 3)
