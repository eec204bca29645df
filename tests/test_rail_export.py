"""China-Europe rail export: hand traces of each mechanism, the reforms under CRN, the network.

Hand-computed traces (fixed durations, always-open resources) of an LCL box checked after
loading and before loading (先查验后装运), of a transit box on a dedicated transit train and
consolidated onto the scheduled one (过境班列集拼), and of the border stop with and without
铁路快通; common random numbers between the baseline and every reform; the rail legs counted on
the network. Every simulated log passes ``check_event_log`` (conftest).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from factories import SCENARIOS, activities_of, fixed

from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "rail_export_baseline.yaml"
REFORMS = {
    "fast_transit": SCENARIOS / "rail_export_fast_transit.yaml",
    "transit_consolidation": SCENARIOS / "rail_export_transit_consolidation.yaml",
    "inspect_before_loading": SCENARIOS / "rail_export_inspect_before_loading.yaml",
}
PROCESS_PAGE = Path(__file__).resolve().parent.parent / "docs/reference/processes/rail_export.md"
P = "processes.wujiashan_rail_export"
SEED = 7
DAY = 1440.0


def _trace(path: Path, **values: Any) -> RunResult:
    """One box setting out at minute 100, every duration fixed, every resource always open."""
    scenario = with_values(
        load_scenario(path, horizon_min=DAY, warmup_min=0.0, drain_limit_min=30 * DAY),
        {
            f"{P}.box_arrivals": {"kind": "fixed_times", "times_min": [100.0]},
            "resources.wujiashan_customs_officers.calendar": "always",
            "resources.wujiashan_inspection_lanes.calendar": "always",
            f"{P}.declaration_delay_min": fixed(180.0),
            f"{P}.risk.screening_min": fixed(1.0),
            f"{P}.document_review_min": fixed(30.0),
            f"{P}.inspection_min": fixed(90.0),
            f"{P}.yard_move_min": fixed(30.0),
            f"{P}.consolidation_wait_min": fixed(400.0),
            f"{P}.stuffing_min": fixed(60.0),
            f"{P}.unstuffing_min": fixed(120.0),
            f"{P}.border.handling_min": fixed(360.0),
            f"{P}.border.transit.declaration_min": fixed(30.0),
            f"{P}.border.transit.box_check_min": fixed(2.0),
            f"{P}.border.transit.seal_check_min": fixed(40.0),
            f"{P}.transit.acceptance_min": fixed(20.0),
            f"{P}.trains.planned_lead_min": 0.0,
            f"{P}.transit.dedicated_trains.planned_lead_min": 0.0,
            **{f"{P}.{key}": value for key, value in values.items()},
        },
    )
    return run_replication(scenario, 0, SEED)


def _times(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """Per case, the time of ``activity``'s ``lifecycle`` row (the last one if several)."""
    code = log.activities.index(activity)
    return {
        case: time
        for case, act, _, phase, time, *_ in log.rows
        if act == code and phase == lifecycle
    }


def _box(result: RunResult) -> int:
    cases = result.log.cases
    (box,) = [c for c in range(len(cases)) if cases.object_type[c] == "container"]
    return box


def _path(result: RunResult) -> dict[str, float]:
    """The one box's milestones and the duration of its road legs."""
    log, box = result.log, _box(result)
    names = ("arrival", "release", "departure", "border_exit", "exit", "overseas_rail_arrival")
    path = {name: _times(log, name)[box] for name in names}
    trip_end, trip_start = _times(log, "road_transport")[box], _times(log, "road_transport", 1)[box]
    path["road_min"] = trip_end - trip_start
    (train,) = [c for c in range(len(log.cases)) if log.cases.object_type[c] == "train"]
    path["border_arrival"] = _times(log, "border_arrival")[train]
    return path


def _outcomes(result: RunResult) -> Counter[str]:
    return Counter(result.log.activities[a] for _, a, *_ in result.log.rows)


LCL = {"transit.share": 0.0, "lcl_share": 1.0}
RED = {"risk.general": {"green": 0.0, "yellow": 0.0, "red": 1.0}, "aeo_share": 0.0}
GREEN = {"risk.general": {"green": 1.0, "yellow": 0.0, "red": 0.0}, "aeo_share": 0.0}


def test_trace_of_a_green_lcl_box_and_the_border_stop() -> None:
    """By hand: goods at the CFS at 100; lodged 280, screened 281; wait 400 to 500, stuffed 560,
    moved to the terminal (t): released 560 + t, before the cut-off 840: the 1200 train. Border:
    re-gauging 360, transit declaration 30 + one box 2 + seals 40: 432 after the border arrival.
    """
    path = _path(_trace(BASELINE, **LCL, **GREEN))
    assert path["arrival"] == 100.0
    assert path["release"] == pytest.approx(560.0 + path["road_min"])
    assert path["departure"] == 1200.0
    assert path["border_exit"] == path["exit"] == pytest.approx(path["border_arrival"] + 432.0)
    assert 12 * DAY <= path["overseas_rail_arrival"] - path["arrival"] <= 20 * DAY  # S32g


def test_fast_transit_leaves_only_the_regauging_at_the_border() -> None:
    path = _path(_trace(BASELINE, **LCL, **GREEN, fast_transit={"enabled": True, "take_up": 1.0}))
    assert path["border_exit"] == pytest.approx(path["border_arrival"] + 360.0)


def test_trace_of_a_red_lcl_box_checked_after_and_before_loading() -> None:
    """Conventional: stuffed 560, moved (t), to the inspection area 30, unpacked 120, examined
    90, repacked 120: released 920 + t, after the cut-off: the next train (2640), missed. Before
    loading: declared by 311 (review 30), examined 500-590 at the CFS, stuffed 650, released
    650 + t: the 1200 train; the box is never unpacked.
    """
    after = _trace(BASELINE, **LCL, **RED)
    path = _path(after)
    assert path["release"] == pytest.approx(920.0 + path["road_min"])
    assert path["departure"] == 2640.0
    assert _outcomes(after)["held_with_container"] == _outcomes(after)["missed_train"] == 1
    before = _trace(BASELINE, **LCL, **RED, inspect_before_loading={"enabled": True, "share": 1.0})
    path = _path(before)
    assert path["release"] == pytest.approx(650.0 + path["road_min"])
    assert path["departure"] == 1200.0
    outcomes = _outcomes(before)
    assert outcomes["inspected_before_loading"] == 1
    assert outcomes["held_with_container"] == outcomes["unstuffing"] == 0


def test_trace_of_a_transit_box_on_a_dedicated_and_on_the_scheduled_train() -> None:
    """Trucked from Yangluo (t), accepted 20: released 120 + t. Conventionally it waits for the
    weekly transit train (5520); consolidated, it boards the daily train at 1200."""
    transit = {"transit.share": 1.0}
    dedicated = _path(_trace(BASELINE, **transit))
    assert dedicated["release"] == pytest.approx(120.0 + dedicated["road_min"])
    assert dedicated["departure"] == 5520.0
    consolidated = _trace(
        BASELINE, **transit, **{"transit.consolidation": True, "transit.take_up": 1.0}
    )
    assert _path(consolidated)["departure"] == 1200.0
    assert _outcomes(consolidated)["transit_consolidated"] == 1


def _short(path: Path) -> Scenario:
    return load_scenario(path, horizon_min=10 * DAY, warmup_min=2 * DAY, drain_limit_min=25 * DAY)


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    scenario = _short(BASELINE)
    return run_replication(scenario, 0, scenario.seed)


@pytest.mark.parametrize("reform", sorted(REFORMS))
def test_baseline_and_reforms_see_the_same_boxes(reform: str, baseline_run: RunResult) -> None:
    """CRN: the same boxes set out at the same times with the same kind, class and channel."""
    scenario = _short(REFORMS[reform])
    other = run_replication(scenario, 0, scenario.seed)
    base, cases = baseline_run.log, other.log
    first, second = _times(base, "arrival"), _times(cases, "arrival")
    boxes = [c for c in range(len(base.cases)) if base.cases.object_type[c] == "container"]
    assert boxes
    mine = [c for c in range(len(cases.cases)) if cases.cases.object_type[c] == "container"]
    # The runs end when their measured boxes are in Europe, not at the same minute: compare the
    # boxes both created.
    common = min(len(mine), len(boxes))
    assert common > 0.9 * max(len(mine), len(boxes))
    boxes, mine = boxes[:common], mine[:common]
    assert [base.cases.case_class[c] for c in boxes] == [cases.cases.case_class[c] for c in mine]
    assert [base.cases.aeo[c] for c in boxes] == [cases.cases.aeo[c] for c in mine]
    # Arrival happens before any reform acts: identical for every box that arrived in both runs.
    both = [(b, m) for b, m in zip(boxes, mine, strict=True) if b in first and m in second]
    assert len(both) > 0.9 * len(boxes)
    assert all(first[b] == second[m] for b, m in both)
    screened = [(b, m) for b, m in both if base.cases.channel[b] and cases.cases.channel[m]]
    assert screened
    assert all(base.cases.channel[b] == cases.cases.channel[m] for b, m in screened)


def test_the_reforms_act_where_they_should(baseline_run: RunResult) -> None:
    """铁路快通 drops the transit formalities of 80% of the trains (its take-up)."""
    scenario = _short(REFORMS["fast_transit"])
    fast = run_replication(scenario, 0, scenario.seed)
    base = _outcomes(baseline_run)["transit_formalities"]
    assert 0 < _outcomes(fast)["transit_formalities"] < base


def test_the_trains_count_on_the_rail_legs(baseline_run: RunResult) -> None:
    """The network map draws the legs: every train counts on Wujiashan-Alashankou-Duisburg."""
    legs = {(leg.source, leg.target): leg.trips for leg in baseline_run.summary.leg_trips}
    trains = len(_times(baseline_run.log, "train_departure"))
    assert trains
    assert legs[("WUJIASHAN_RAIL", "ALASHANKOU_BORDER")] == trains
    assert legs[("ALASHANKOU_BORDER", "DUISBURG_RAIL")] == trains
    assert legs[("WUJIASHAN_CFS", "WUJIASHAN_RAIL")] > 0
    assert legs[("YANGLUO_PORT", "WUJIASHAN_RAIL")] > 0


def test_trains_keep_their_capacity_and_cutoff_and_every_measured_box_arrives(
    baseline_run: RunResult,
) -> None:
    """Every train carries at most its capacity, every box was released before its train's
    cut-off, departs after its release, leaves China after departing, and every measured box
    (conservation) reaches Europe."""
    log = baseline_run.log
    spec = load_scenario(BASELINE).processes[0]
    carried = Counter(target for _, target, qualifier in log.links if qualifier == "carried_by")
    assert carried and max(carried.values()) <= spec.trains.capacity_units
    release, departure = _times(log, "release"), _times(log, "departure")
    exit_, europe = _times(log, "exit"), _times(log, "overseas_rail_arrival")
    cutoff = spec.trains.cutoff_before_min
    for case, left in departure.items():
        assert release[case] <= left - cutoff
        if case in exit_:
            assert left < exit_[case] <= europe.get(case, float("inf"))
    boxes = [c for c in range(len(log.cases)) if log.cases.object_type[c] == "container"]
    arrival = _times(log, "arrival")
    measured = [c for c in boxes if c in arrival and 2 * DAY <= arrival[c] < 10 * DAY]
    assert measured and all(c in europe for c in measured)


def test_same_seed_same_log() -> None:
    scenario = load_scenario(
        REFORMS["transit_consolidation"],
        horizon_min=4 * DAY,
        warmup_min=DAY,
        drain_limit_min=20 * DAY,
    )
    first = run_replication(scenario, 1, 5).log
    second = run_replication(scenario, 1, 5).log
    assert first.rows == second.rows
    assert first.cases == second.cases


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({f"{P}.fast_transit": {"enabled": True, "take_up": 0.0}}, "fast_transit is enabled"),
        ({f"{P}.transit.consolidation": True, f"{P}.transit.take_up": 0.0}, "take_up 0"),
        ({f"{P}.trains.node": "YANGLUO_PORT"}, "terminal_node"),
        ({f"{P}.transit.dedicated_trains.conveyance": "vessel"}, "conveyance must be train"),
        ({f"{P}.origins": {"HANKOU_DC": 0.5}}, "origins"),
    ],
    ids=["fast_take_up_0", "consolidation_take_up_0", "train_node", "conveyance", "origins"],
)
def test_bad_input_is_refused(values: dict[str, Any], expected: str) -> None:
    scenario = load_scenario(BASELINE)
    with pytest.raises((OverrideError, ValueError), match=expected):
        with_values(scenario, values)


def test_the_process_page_lists_every_activity(baseline_run: RunResult) -> None:
    text = PROCESS_PAGE.read_text(encoding="utf-8")
    before = _trace(BASELINE, **LCL, **RED, inspect_before_loading={"enabled": True, "share": 1.0})
    names = activities_of(baseline_run.log) | activities_of(before.log)
    assert not [name for name in sorted(names) if f"`{name}`" not in text]
