"""Capacities planners size (issue 22): import yard slots and the truck appointment platform."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

import pytest
from factories import SCENARIOS, fixed, rows_by_case, short_sea_import

from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.run import RunResult, run_replication

TRUCKS = SCENARIOS / "sea_import_trucks_baseline.yaml"
YARD = SCENARIOS / "sea_import_yard_baseline.yaml"
P = "processes.yangluo_import"


def _trace_values(boxes: int) -> dict[str, Any]:
    """One call at 3000 of ``boxes`` green boxes declared in advance; every time deterministic."""
    ready = {"offset_min": -2880.0, "delay_min": fixed(0.0)}
    return {
        "warmup_min": 0.0,
        "resources.quay_cranes.capacity": 1,
        f"{P}.vessel_arrivals": {"kind": "fixed_times", "times_min": [3000.0]},
        f"{P}.containers_per_call": {"kind": "fixed", "value": boxes},
        f"{P}.berthing_min": fixed(60.0),
        f"{P}.unberthing_min": fixed(20.0),
        f"{P}.crane_move_min": fixed(3.0),
        f"{P}.arrival_confirmation_min": fixed(30.0),
        f"{P}.aeo_share": 0.0,
        f"{P}.risk.general": {"green": 1.0, "yellow": 0.0, "red": 0.0},
        f"{P}.declaration.advance_share": 1.0,
        f"{P}.declaration.documents.taxable_share": 0.0,
        f"{P}.declaration.documents.licence_share": 0.0,
        f"{P}.declaration.documents.inspection_share": 0.0,
        f"{P}.declaration.documents.manifest_lead_min": fixed(2880.0),
        f"{P}.declaration.documents.commercial": ready,
        f"{P}.declaration.documents.valuation_work_min": fixed(60.0),
        f"{P}.declaration.documents.preparation_min": fixed(30.0),
        f"{P}.pickup.truck_booking_delay_min": fixed(100.0),
        f"{P}.pickup.gate_transaction_min": fixed(4.0),
        f"{P}.pickup.yard_handling_min": fixed(6.0),
        f"{P}.pickup.quay_to_gate_min": fixed(8.0),
        f"{P}.trucks.round_trip_min": fixed(200.0),
    }


def _times(rows: list[tuple[int, float]]) -> list[float]:
    return [time for _, time in rows]


def test_a_yard_of_one_slot_blocks_the_crane_until_the_first_box_is_lifted_out() -> None:
    """Hand-computed: box 2 waits on the crane for box 1's slot; the berth stay grows with it.

    Call at 3000, berth at once, berthing 60: the crane lifts box 1 at 3060, the only slot is
    free, crane 3: landed at 3063. The crane takes box 2 at 3063, the yard is full: blocked.
    Box 1 is released at 3030 (advance declaration, arrival confirmed), booked 100 min later
    (3130), gate in 4, yard 6: lifted out at 3140 and its slot frees; box 2 lands 3140 + 3 = 3143.
    Box 2 (booked at 3130) waits for its discharge, gate in 3147, lifted out 3153, gate out 3157.
    The berth is free at 3143 + 20 = 3163 (80 min later than with a free slot: 3086).
    """
    values = {**_trace_values(2), "resources.import_yard.capacity": 1}
    scenario = with_values(short_sea_import(YARD, days=4, warmup_days=0), values)
    result = run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log
    rows = rows_by_case(result.log)
    boxes = sorted(c for c, acts in rows.items() if "discharge" in acts)
    call = next(c for c, acts in rows.items() if "berth" in acts)
    first, second = rows[boxes[0]], rows[boxes[1]]
    assert _times(first["release"]) == [3030.0] and _times(second["release"]) == [3030.0]
    assert _times(first["discharge"]) == [3060.0, 3060.0, 3063.0]
    assert _times(first["yard_dwell"]) == [3060.0, 3060.0, 3140.0]
    assert _times(first["exit"]) == [3144.0]
    assert _times(second["discharge"]) == [3060.0, 3063.0, 3143.0]
    assert _times(second["yard_dwell"]) == [3063.0, 3140.0, 3153.0]
    assert _times(second["gate_in"])[-1] == 3147.0
    assert _times(second["exit"]) == [3157.0]
    assert _times(rows[call]["berth"]) == [3000.0, 3000.0, 3163.0]
    (yard,) = [s for s in result.summary.resources if s.resource == "import_yard"]
    # One slot held from 3060 on; one of two landed boxes waited (77 min) for it.
    assert yard.peak_in_use == 1.0 and yard.max_queue_length == 1
    assert yard.wait_probability == 0.5 and yard.mean_wait_min == pytest.approx(38.5)


def _named_rows(result: RunResult) -> list[tuple[int, str, int, float, int, str]]:
    """The log without instance numbers and yard rows, codes as names."""
    log = result.log
    return [
        (case, log.activities[act], lifecycle, time, node, log.resources[res] if res >= 0 else "")
        for case, act, _, lifecycle, time, node, res in log.rows
        if log.activities[act] != "yard_dwell"
    ]


def test_an_ample_yard_changes_nothing_but_the_yard_rows() -> None:
    """CRN, no side effect: with a slot always free, every other row is as without a yard."""
    plain = short_sea_import(TRUCKS, days=3, warmup_days=1)
    ample = with_values(
        short_sea_import(YARD, days=3, warmup_days=1), {"resources.import_yard.capacity": 10_000}
    )
    without, with_yard = (run_replication(s, 0, s.seed) for s in (plain, ample))
    before, after = (_named_rows(r) for r in (without, with_yard))
    assert len(before) > 10_000
    assert before == after


def test_absent_blocks_leave_the_scenario_json_as_it_was() -> None:
    """No ``yard`` and no ``appointments`` key in a scenario that does not set them."""
    dumped = load_scenario(TRUCKS).model_dump(mode="json")["processes"][0]
    assert "yard" not in dumped and "appointments" not in dumped["trucks"]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({f"{P}.yard.resource": "berths"}, "already serves another role"),
        ({f"{P}.yard.resource": "trucks"}, "already serves another role"),
    ],
)
def test_bad_yard_blocks_are_refused(values: dict[str, Any], reason: str) -> None:
    """A yard on a resource of another role is refused with its reason."""
    with pytest.raises(ValueError, match=reason):
        with_values(load_scenario(YARD), values)


APPOINTMENTS = SCENARIOS / "sea_import_appointments_baseline.yaml"


def _appointment_run(values: dict[str, Any]) -> RunResult:
    """The trace call on the appointment baseline: one slot an hour, half the bookings missed.

    The no-show stream's first draws (replication 0, the file's seed) are 0.087, 0.981, 0.813
    for pickups and 0.883, 0.105 for ship-side trucks: below 0.5 is a no-show.
    """
    plan = f"{P}.trucks.appointments"
    values = {
        **_trace_values(2),
        f"{plan}.slots_per_hour": 1,
        f"{plan}.no_show_share": 0.5,
        **values,
    }
    scenario = with_values(short_sea_import(APPOINTMENTS, days=4, warmup_days=0), values)
    return run_replication(scenario, 0, scenario.seed)


def test_one_slot_an_hour_and_a_no_show_delay_the_pickups_by_whole_windows() -> None:
    """Hand-computed: both boxes booked at 3130 take windows 3180 and 3240 (one slot each).

    Box 1's truck misses 3180 (draw 0.087): it waits the window out and at 3240 books again;
    3240 is taken by box 2, so 3300. Box 2's truck comes at 3240 (0.981): gate in 3244, yard
    3250, out 3254. Box 1's comes at 3300 (0.813): gate in 3304, yard 3310, out 3314.
    """
    rows = rows_by_case(_appointment_run({}).log)
    boxes = sorted(c for c, acts in rows.items() if "discharge" in acts)
    first, second = rows[boxes[0]], rows[boxes[1]]
    assert _times(first["truck_booking"])[-1] == 3130.0
    assert _times(first["truck_appointment"]) == [3130.0, 3130.0, 3180.0, 3240.0, 3240.0, 3300.0]
    assert _times(first["appointment_no_show"]) == [3180.0]
    assert _times(first["missed_appointment"]) == [3180.0, 3180.0, 3240.0]
    assert _times(first["exit"]) == [3314.0]
    assert _times(second["truck_appointment"]) == [3130.0, 3130.0, 3240.0]
    assert "appointment_no_show" not in second
    assert _times(second["gate_in"])[-1] == 3244.0
    assert _times(second["exit"]) == [3254.0]


def test_a_ship_side_truck_that_does_not_show_leaves_its_box_to_the_yard() -> None:
    """Hand-computed: box 1's truck is at the lift (0.883), box 2's is not (0.105).

    Box 1: crane 3060-3063, quay to gate 8, gate 4: out at 3075, no slot taken. Box 2: no-show at
    its lift (3063), lands in the yard (3066), booked 100 min later (3166), window 3180 missed
    (0.087), booked again for 3240 (0.981): gate in 3244, yard 3250, out 3254.
    """
    values = {f"{P}.ship_side_pickup": {"enabled": True, "share": 1.0}}
    rows = rows_by_case(_appointment_run(values).log)
    boxes = sorted(c for c, acts in rows.items() if "discharge" in acts)
    first, second = rows[boxes[0]], rows[boxes[1]]
    assert _times(first["exit"]) == [3075.0]
    assert "yard_dwell" not in first and "appointment_no_show" not in first
    assert _times(second["appointment_no_show"]) == [3063.0, 3180.0]
    assert _times(second["yard_dwell"]) == [3063.0, 3063.0, 3250.0]
    assert _times(second["truck_appointment"])[-1] == 3240.0
    assert _times(second["exit"]) == [3254.0]


def test_the_platform_shifts_no_other_stream() -> None:
    """CRN: the declarations (their own streams) are the same with and without the platform."""
    declaration = {"lodgement", "risk_screening", "document_review", "tax_payment", "guarantee"}

    def steps(path: Any) -> tuple[float, list[tuple[int, str, int, float]]]:
        scenario = short_sea_import(path, days=3, warmup_days=1)
        log = run_replication(scenario, 0, scenario.seed).log
        return log.rows[-1][4], [
            (case, log.activities[act], lifecycle, time)
            for case, act, _, lifecycle, time, *_ in log.rows
            if log.activities[act] in declaration
        ]

    (end_a, rows_a), (end_b, rows_b) = steps(YARD), steps(APPOINTMENTS)
    # A case ends when its truck is back, so one run may last longer than the other.
    end = min(end_a, end_b)
    without, with_platform = ([row for row in rows if row[3] < end] for rows in (rows_a, rows_b))
    assert len(without) > 1_000
    assert without == with_platform


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({f"{P}.trucks.appointments.open_hours": [8, 8]}, "open_hours"),
        ({f"{P}.trucks.appointments.no_show_share": 1.0}, "less than 1"),
        ({f"{P}.trucks.appointments.slots_per_hour": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_appointment_blocks_are_refused(values: dict[str, Any], reason: str) -> None:
    """An empty day, a certain no-show or a platform without slots is refused with its reason."""
    with pytest.raises(ValueError, match=reason):
        with_values(load_scenario(APPOINTMENTS), values)


BONDED = SCENARIOS / "rail_bonded_storage.yaml"
POSITIONS = SCENARIOS / "rail_bonded_positions_baseline.yaml"
R = "processes.wujiashan_rail_import"


def _rail(path: Any, values: dict[str, Any]) -> RunResult:
    """A rail scenario cut to 10 days (3 of warm-up), every box bonded."""
    scenario = load_scenario(path, horizon_min=14_400, warmup_min=4_320, drain_limit_min=14_400)
    scenario = with_values(scenario, {f"{R}.bonded_storage.share": 1.0, **values})
    return run_replication(scenario, 0, scenario.seed)


def _stays(result: RunResult) -> dict[int, list[float]]:
    """Per case, the times of its ``bonded_stay`` rows."""
    log = result.log
    code = log.activities.index("bonded_stay")
    stays: dict[int, list[float]] = defaultdict(list)
    for case, act, _, _, time, *_ in log.rows:
        if act == code:
            stays[case].append(time)
    return stays


def test_one_position_is_held_by_one_lot_at_a_time_for_its_stay() -> None:
    """A warehouse of one position: the next lot enters when the last one leaves, 600 min later."""
    values = {
        "resources.dongxihu_bonded_positions.capacity": 1,
        f"{R}.bonded_storage.positions.stay_min": fixed(600.0),
    }
    stays = _stays(_rail(POSITIONS, values))
    entered = sorted((times[1], times[2]) for times in stays.values() if len(times) == 3)
    assert len(entered) > 5
    for (start, end), (next_start, _) in pairwise(entered):
        assert end - start == 600.0
        assert next_start >= end  # one lot at a time
    waited = [times for times in stays.values() if len(times) > 1 and times[1] > times[0]]
    assert waited, "with one position some entries must wait"
    ends = {end for _, end in entered}
    assert all(times[1] in ends for times in waited)  # a waiting lot enters as another leaves


def test_ample_positions_change_nothing_but_the_position_rows() -> None:
    """CRN, no side effect: with room for every box, the other rows are as without positions."""
    plain = _rail(BONDED, {})
    ample = _rail(POSITIONS, {"resources.dongxihu_bonded_positions.capacity": 10_000})
    code = ample.log.activities.index("bonded_stay")

    def named(result: RunResult, skip: int) -> list[tuple[int, str, int, float]]:
        log = result.log
        return [
            (case, log.activities[act], lifecycle, time)
            for case, act, _, lifecycle, time, *_ in log.rows
            if act != skip
        ]

    end = min(plain.log.rows[-1][4], ample.log.rows[-1][4])
    before = [row for row in named(plain, -1) if row[3] < end]
    after = [row for row in named(ample, code) if row[3] < end]
    assert len(before) > 1_000
    assert before == after


def test_positions_on_a_resource_of_another_role_are_refused() -> None:
    """The positions need a resource of their own."""
    with pytest.raises(ValueError, match="already serves another role"):
        with_values(
            load_scenario(POSITIONS),
            {f"{R}.bonded_storage.positions.resource": "wujiashan_gate_lanes"},
        )


def test_the_wait_for_a_truck_of_the_pool_is_the_consignees_not_port_queueing() -> None:
    """Hand-computed: one truck, two boxes booked at 3130; box 2 waits for it until 3344.

    Box 1 takes the truck at 3130, leaves at 3144 and the truck is back at 3344; box 2 goes in
    at 3344 and out at 3358. In arrival->exit the bookings (100 min each) and box 2's 214 min
    wait for the truck are the consignee's: the gap before ``gate_in``, not a resource queue
    (as is the 30 min from arrival to the release, the gap before ``truck_booking``).
    """
    values = {**_trace_values(2), "resources.trucks.capacity": 1}
    scenario = with_values(short_sea_import(TRUCKS, days=4, warmup_days=0), values)
    result = run_replication(scenario, 0, scenario.seed)
    rows = rows_by_case(result.log)
    boxes = sorted(c for c, acts in rows.items() if "discharge" in acts)
    assert _times(rows[boxes[1]]["truck_trip"])[:2] == [3130.0, 3344.0]
    assert _times(rows[boxes[1]]["exit"]) == [3358.0]
    causes = {c.cause: c.mean_h for c in result.summary.causes if c.segment == "arrival->exit"}
    assert causes["consignee"] == pytest.approx((2 * 30 + 2 * 100 + 214) / 2 / 60)
    assert causes.get("queueing", 0.0) == pytest.approx(0.0)


def test_a_truck_pool_on_a_calendar_starts_trips_only_in_its_working_hours() -> None:
    """Trucks working office hours: every trip starts while the pool's calendar is open."""
    scenario = with_values(
        short_sea_import(YARD, days=4, warmup_days=1),
        {"resources.trucks.calendar": "office_hours"},
    )
    log = run_replication(scenario, 0, scenario.seed).log
    trip = log.activities.index("truck_trip")
    starts = [time for _, act, _, lifecycle, time, *_ in log.rows if act == trip and lifecycle == 1]
    assert len(starts) > 100

    def open_at(minute: float) -> bool:
        day, clock = divmod(minute, 1440.0)
        # The scenario starts on a Monday: office hours Mon-Fri 08:30-12:00, 13:30-17:30.
        weekday = int(day) % 7 < 5
        return weekday and (510 <= clock < 720 or 810 <= clock < 1050)

    assert all(open_at(t) for t in starts)


def test_the_offered_work_of_the_yard_is_a_lower_bound_of_its_occupancy() -> None:
    """Each landed box holds a slot at least from its release to its lift out (validate)."""
    scenario = load_scenario(YARD)
    (spec,) = scenario.processes
    work = spec.offered_work_per_min(scenario.horizon_min)["import_yard"]
    pickup = spec.pickup
    per_box = (
        pickup.truck_booking_delay_min.mean
        + pickup.gate_transaction_min.mean
        + pickup.yard_handling_min.mean
    )
    boxes = spec.vessel_arrivals.mean_rate_per_min(scenario.horizon_min)
    assert work == pytest.approx(boxes * spec.containers_per_call.mean * per_box)
    # The measured mean occupancy (~575 boxes with an ample yard) is well above the bound.
    assert 100 < work < 560
