"""The truck pool of the pickups: the 船边直提 truck must be free when the crane lifts the box."""

from __future__ import annotations

from typing import Any

import pytest
from factories import SCENARIOS, fixed, rows_by_case, short_sea_import

from clearsim.scenarios.overrides import with_values
from clearsim.simulation.run import RunResult, run_replication

SHIP_SIDE = SCENARIOS / "sea_import_ship_side_pickup.yaml"
TRUCKS = SCENARIOS / "sea_import_ship_side_trucks.yaml"
P = "processes.yangluo_import"


def _trace_run() -> RunResult:
    """One call of two ship-side green boxes, one crane, one truck; every time deterministic."""
    ready = {"offset_min": -2880.0, "delay_min": fixed(0.0)}
    values: dict[str, Any] = {
        "warmup_min": 0.0,
        "resources.quay_cranes.capacity": 1,
        "resources.trucks.capacity": 1,
        f"{P}.vessel_arrivals": {"kind": "fixed_times", "times_min": [3000.0]},
        f"{P}.containers_per_call": {"kind": "fixed", "value": 2},
        f"{P}.berthing_min": fixed(60.0),
        f"{P}.unberthing_min": fixed(20.0),
        f"{P}.crane_move_min": fixed(3.0),
        f"{P}.arrival_confirmation_min": fixed(30.0),
        f"{P}.aeo_share": 0.0,
        f"{P}.risk.general": {"green": 1.0, "yellow": 0.0, "red": 0.0},
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
        f"{P}.ship_side_pickup.share": 1.0,
        f"{P}.trucks.round_trip_min": fixed(200.0),
    }
    scenario = with_values(short_sea_import(TRUCKS, days=4, warmup_days=0), values)
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


def _times(rows: list[tuple[int, float]]) -> list[float]:
    return [time for _, time in rows]


def test_one_truck_serves_two_boxes_lifted_back_to_back() -> None:
    """Hand-computed: the first box leaves on the truck, the second falls back to the yard.

    Call at 3000, berth at once, berthing 60: the crane lifts box 1 at 3060 and takes the only
    truck; crane 3, quay to gate 8, gate 4: out at 3075; truck back at 3075 + 200 = 3275. Box 2 is
    lifted at 3063, no truck is free (no_truck_at_berth at 3063), discharged to the yard at 3066,
    booked 100 min later (3166), waits for the truck until 3275, gate in 4, yard 6, gate out 4:
    out at 3289; the truck is back at 3489.
    """
    result = _trace_run()
    rows = rows_by_case(result.log)
    boxes = sorted(c for c, acts in rows.items() if "discharge" in acts)
    assert len(boxes) == 2
    first, second = rows[boxes[0]], rows[boxes[1]]
    assert _times(first["release"]) == [3030.0] and _times(second["release"]) == [3030.0]
    assert _times(first["discharge"]) == [3060.0, 3060.0, 3063.0]
    assert _times(first["truck_trip"]) == [3060.0, 3060.0, 3275.0]
    assert _times(first["quay_to_gate"])[-1] == 3071.0
    assert _times(first["exit"]) == [3075.0]
    assert "no_truck_at_berth" not in first and "yard_retrieval" not in first
    assert _times(second["discharge"]) == [3060.0, 3063.0, 3066.0]
    assert _times(second["no_truck_at_berth"]) == [3063.0]
    assert _times(second["truck_booking"])[-1] == 3166.0
    assert _times(second["truck_trip"]) == [3166.0, 3275.0, 3489.0]
    assert _times(second["gate_in"])[-1] == 3279.0
    assert _times(second["yard_retrieval"])[-1] == 3285.0
    assert _times(second["exit"]) == [3289.0]
    assert "quay_to_gate" not in second


def _named_rows(result: RunResult) -> list[tuple[int, str, int, float, int, str]]:
    """The log without instance numbers and truck rows, codes as names."""
    log = result.log
    return [
        (case, log.activities[act], lifecycle, time, node, log.resources[res] if res >= 0 else "")
        for case, act, _, lifecycle, time, node, res in log.rows
        if log.activities[act] != "truck_trip"
    ]


def test_an_ample_truck_pool_changes_nothing_but_the_truck_rows() -> None:
    """CRN, no side effect: with a truck always free, every other row is as without a pool."""
    plain = short_sea_import(SHIP_SIDE, days=3, warmup_days=1)
    assert "trucks" not in plain.model_dump(mode="json")["processes"][0]
    ample = with_values(
        short_sea_import(TRUCKS, days=3, warmup_days=1), {"resources.trucks.capacity": 10_000}
    )
    without, with_pool = (run_replication(s, 0, s.seed) for s in (plain, ample))
    # A case ends when its truck is back, so the run with the pool may last longer.
    end = min(without.log.rows[-1][4], with_pool.log.rows[-1][4])
    before, after = ([row for row in _named_rows(r) if row[3] < end] for r in (without, with_pool))
    assert len(before) > 10_000
    assert before == after
    names = with_pool.log.activities
    assert any(names[row[1]] == "truck_trip" for row in with_pool.log.rows)
    assert "no_truck_at_berth" not in without.log.activities


@pytest.mark.parametrize("capacity", [4])
def test_a_short_pool_sends_ship_side_boxes_to_the_yard(capacity: int) -> None:
    """Fewer trucks: some 船边直提 boxes go to the yard; never more trucks out than the pool."""
    scenario = with_values(
        short_sea_import(TRUCKS, days=3, warmup_days=1), {"resources.trucks.capacity": capacity}
    )
    short = run_replication(scenario, 0, scenario.seed)
    rows = rows_by_case(short.log)
    ship_side = [c for c, acts in rows.items() if short.log.cases.direct_path[c]]
    fallback = [c for c in ship_side if "no_truck_at_berth" in rows[c]]
    assert fallback and len(fallback) < len(ship_side)
    for case in fallback:
        assert "quay_to_gate" not in rows[case]
        assert _times(rows[case]["no_truck_at_berth"])[0] == _times(rows[case]["discharge"])[1]
    held = [_times(r["truck_trip"]) for r in rows.values() if "truck_trip" in r]
    # At most ``capacity`` trucks out at once.
    starts = [(t[1], 1) for t in held if len(t) >= 2]
    edges = sorted(starts + [(t[2], -1) for t in held if len(t) == 3])
    out = 0
    for _, step in edges:
        out += step
        assert out <= capacity


def test_the_offered_work_of_the_pool_is_each_box_holding_a_truck() -> None:
    """Offered truck-minutes a minute: boxes a minute times gate in and out, yard, round trip."""
    (spec,) = short_sea_import(TRUCKS).processes
    assert spec.kind == "sea_import" and spec.trucks is not None
    horizon = 30 * 1440.0
    boxes = spec.vessel_arrivals.mean_rate_per_min(horizon) * spec.containers_per_call.mean
    p = spec.pickup
    held = 2 * p.gate_transaction_min.mean + p.yard_handling_min.mean
    expected = boxes * (held + spec.trucks.round_trip_min.mean)
    work = spec.offered_work_per_min(horizon)
    assert work["trucks"] == pytest.approx(expected)
    assert "trucks" not in short_sea_import(SHIP_SIDE).processes[0].offered_work_per_min(horizon)
    print(f"offered truck utilisation at 64 trucks: {expected / 64:.3f}")
