"""Hand-computed traces of the golden scenario: any change of engine behaviour shows here."""

from __future__ import annotations

import pytest
from factories import golden

from clearsim.simulation.log.recorder import check_event_log
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.run import run_replication


def _milestones(scenario) -> list[tuple[float, float, float, float, float]]:
    result = run_replication(scenario, 0, scenario.seed)
    check_event_log(result.log)
    return [
        (o.arrival_min, o.lodgement_min, o.release_min, o.exit_min, o.delivery_min)
        for o in shipment_outcomes(result.log)
    ]


def test_conventional_green_trace() -> None:
    """Two green boxes, lodged 120 min after arrival, collected through gate and yard.

    Vessel arrives 60; confirmation 60+30 = 90; berth free, berthing 60-90; crane 90-93, 93-96.
    Lodgement 60+120 = 180; screening to 180.5; tax to 190.5 = release (after confirmation).
    Truck booking 60 -> 250.5. One gate lane: box 0 gate in 250.5-254.5, box 1 254.5-258.5.
    One yard crane (6 min): box 0 254.5-260.5, box 1 260.5-266.5. Gate out (4 min):
    box 0 260.5-264.5, box 1 266.5-270.5 = exits. Road 37 min: deliveries 301.5 and 307.5.
    """
    assert _milestones(golden()) == [
        (60.0, 180.0, 190.5, 264.5, 301.5),
        (60.0, 180.0, 190.5, 270.5, 307.5),
    ]


def test_ship_side_trace() -> None:
    """Both boxes declared in advance and released before the crane lifts them.

    Vessel at 300; manifest and every document ready 200 min ahead (100), prepared in 120:
    lodgement 220, screening 220.5, tax 230.5; confirmation 20 -> 320 = release.
    Berthing 300-330; crane 330-333 (box 0), 333-336 (box 1), each straight onto its truck.
    Quay to gate 8: box 0 at gate 341, out 345 (exit); box 1 at gate 344, waits, out 345-349.
    Road 37: deliveries 382 and 386.
    """
    scenario = golden(
        **{
            "processes.golden.vessel_arrivals.times_min": [300],
            "processes.golden.arrival_confirmation_min.value_min": 20,
            "processes.golden.ship_side_pickup": {"enabled": True, "share": 1.0},
        }
    )
    assert _milestones(scenario) == [
        (300.0, 220.0, 320.0, 345.0, 382.0),
        (300.0, 220.0, 320.0, 349.0, 386.0),
    ]


def test_red_channel_trace_waits_for_the_office() -> None:
    """Red boxes: review, then inspection on office-hour lanes (scenario starts Monday 00:00).

    Lodgement 180, screening 180.5; one officer reviews 40 min each: 180.5-220.5 (box 0),
    220.5-260.5 (box 1) -- but officers work 08:30-17:30, i.e. from minute 510: box 0 510-550,
    box 1 550-590; tax 10 -> 560 and 600. Inspection: plan 5, yard move 6, transfer 8, lane 90,
    transfer back 8. Box 0: 565, yard 565-571, at area 579, lane 579-669, back 677 = release.
    Box 1: 605, yard 605-611, area 619, lane 669-759 (waits for box 0), back 767 = release.
    Pickup: booking 60 -> 737 / 827; gate in 4, yard 6, gate out 4 -> exits 751 and 841.
    """
    office = {"kind": "weekly", "shifts": [{"days": ["mon"], "start": "08:30", "end": "17:30"}]}
    scenario = golden(
        **{
            "calendars": {"always": {"kind": "always"}, "office": office},
            "resources.customs_officers.calendar": "office",
            "processes.golden.risk.general": {"green": 0.0, "yellow": 0.0, "red": 1.0},
        }
    )
    rows = _milestones(scenario)
    officers = next(
        r
        for r in run_replication(scenario, 0, 7).summary.resources
        if r.resource == "customs_officers"
    )
    # The run ends at 878 but the window is the whole horizon [0, 1440): staffed 540 of 1440
    # minutes, busy 2 x 40 = 80 of them.
    assert officers.available_fraction == 540 / 1440
    assert officers.utilisation == 80 / 540
    assert [r[2] for r in rows] == [677.0, 767.0]
    assert [r[3] for r in rows] == [751.0, 841.0]
    assert [r[4] for r in rows] == [788.0, 878.0]


def test_a_resource_closed_at_minute_zero_is_closed_to_the_first_arrival() -> None:
    """Berths staffed 08:30-17:30 only: a vessel arriving at 0 berths at 510, not at once.

    Berthing 30 -> cranes 540-543, 543-546; lodgement 180, release 190.5; trucks at the gate from
    250.5 wait for discharge. Box 0: gate in 543-547, yard 547-553, gate out 553-557. Box 1: gate
    in 547-551 (one lane), yard 553-559 (after box 0), gate out 559-563.
    """
    office = {"kind": "weekly", "shifts": [{"days": ["mon"], "start": "08:30", "end": "17:30"}]}
    scenario = golden(
        **{
            "calendars": {"always": {"kind": "always"}, "office": office},
            "resources.berths.calendar": "office",
            "processes.golden.vessel_arrivals.times_min": [0],
            "processes.golden.declaration.documents.preparation_min.value_min": 180,
        }
    )
    result = run_replication(scenario, 0, 1)
    log = result.log
    berth = log.activities.index("berth")
    starts = [row[4] for row in log.rows if row[1] == berth and row[3] == 1]
    assert starts == [510.0]
    exits = [o.exit_min for o in shipment_outcomes(log)]
    assert exits == [557.0, 563.0]


@pytest.mark.parametrize("replication", [0, 3])
def test_golden_trace_does_not_depend_on_the_seed(replication: int) -> None:
    """Deterministic durations and 0/1 shares leave nothing to chance."""
    result = run_replication(golden(), replication, 12345)
    assert [o.exit_min for o in shipment_outcomes(result.log)] == [264.5, 270.5]
