"""The sea-import process does what it claims: channels, paths, ship-side pickup, CRN effect."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from factories import BASELINE, SHIP_SIDE, short_sea_import
from hypothesis import given
from hypothesis import strategies as st

from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.vocabulary import CHANNEL_NAMES
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.processes.declarant import (
    Documents,
    Goods,
    complete_lodgement_min,
    first_lodgement_min,
)
from clearsim.simulation.run import RunResult, run_replication

PAIRED_REPLICATIONS = 4


def _activities_by_case(result: RunResult) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for case, activity, *_ in result.log.rows:
        seen[case].add(result.log.activities[activity])
    return seen


def _six_days(path: Path) -> RunResult:
    scenario = short_sea_import(path, days=6, warmup_days=1)
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


@pytest.fixture(scope="module")
def ship_side_run() -> RunResult:
    return _six_days(SHIP_SIDE)


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    return _six_days(BASELINE)


def test_channels_take_their_paths(baseline_run: RunResult) -> None:
    """Green: no review, no inspection; yellow: review only; red: review and inspection."""
    activities = _activities_by_case(baseline_run)
    cases = baseline_run.log.cases
    counted = defaultdict(int)
    for case, kind in enumerate(cases.object_type):
        if kind != "container" or not cases.finished[case]:
            continue
        channel = CHANNEL_NAMES[cases.channel[case]]
        counted[channel] += 1
        done = activities[case]
        assert ("document_review" in done) == (channel in ("yellow", "red"))
        assert ("inspection" in done) == (channel == "red")
        assert {"inspection_transfer", "return_transfer"} <= done or channel != "red"
        assert {"discharge", "gate_in", "yard_retrieval", "gate_out", "road_transport"} <= done
    assert counted["green"] > counted["yellow"] > counted["red"] > 0


def test_release_follows_lodgement_and_exit_follows_release(baseline_run: RunResult) -> None:
    for outcome in shipment_outcomes(baseline_run.log):
        if np.isnan(outcome.exit_min):
            continue
        assert outcome.lodgement_min <= outcome.release_min <= outcome.exit_min
        assert outcome.arrival_min <= outcome.release_min
        assert not outcome.delivery_min < outcome.exit_min  # NaN: still on the road at the end
        if not outcome.advance_declared:  # an advance one is before arrival if its documents are
            assert outcome.lodgement_min > outcome.arrival_min


def test_ship_side_boxes_skip_the_yard(ship_side_run: RunResult) -> None:
    """A box lifted onto its truck was released before the crane lifted it; it skipped the yard."""
    activities = _activities_by_case(ship_side_run)
    log = ship_side_run.log
    discharge = log.activities.index("discharge")
    discharge_start = {
        case: time
        for case, activity, _, lifecycle, time, *_ in log.rows
        if activity == discharge and lifecycle == 1
    }
    outcomes = {o.case_id: o for o in shipment_outcomes(log)}
    direct = 0
    for case, done in activities.items():
        if "quay_to_gate" not in done:
            continue
        direct += 1
        assert log.cases.direct_path[case]
        assert log.cases.advance_declared[case]
        assert CHANNEL_NAMES[log.cases.channel[case]] != "red"
        assert not done & {"truck_booking", "gate_in", "yard_retrieval", "inspection"}
        assert outcomes[log.case_name(case)].release_min <= discharge_start[case]
    participants = sum(log.cases.direct_path)
    assert 0 < direct <= participants
    non_participants_direct = [
        c
        for c, done in activities.items()
        if "quay_to_gate" in done and not log.cases.direct_path[c]
    ]
    assert non_participants_direct == []


def test_red_ship_side_boxes_take_the_conventional_branch(ship_side_run: RunResult) -> None:
    activities = _activities_by_case(ship_side_run)
    log = ship_side_run.log
    red_participants = [
        c
        for c in range(len(log.cases))
        if log.cases.direct_path[c]
        and log.cases.finished[c]
        and CHANNEL_NAMES[log.cases.channel[c]] == "red"
    ]
    assert red_participants
    for case in red_participants:
        assert "inspection" in activities[case]
        assert "quay_to_gate" not in activities[case]


def test_aeo_importers_are_inspected_less() -> None:
    """Red shares by importer class match the spec (binomial 99.9% band), AEO below general."""
    scenario = with_values(
        short_sea_import(days=12, warmup_days=0),
        {
            "processes.yangluo_import.aeo_share": 0.5,
            "processes.yangluo_import.risk.general": {"green": 0.7, "yellow": 0.1, "red": 0.2},
            "processes.yangluo_import.risk.aeo": {"green": 0.93, "yellow": 0.05, "red": 0.02},
        },
    )
    result = run_replication(scenario, 0, 3)
    cases = result.log.cases
    for klass, expected in (("aeo", 0.02), ("general", 0.2)):
        chosen = [
            CHANNEL_NAMES[cases.channel[c]] == "red"
            for c in range(len(cases))
            if cases.case_class[c] == klass and cases.channel[c] != 0
        ]
        n, share = len(chosen), float(np.mean(chosen))
        band = 3.3 * np.sqrt(expected * (1 - expected) / n)
        assert abs(share - expected) <= band, (klass, share, expected, n)


@pytest.mark.slow
def test_ship_side_pickup_lowers_arrival_to_exit_under_crn() -> None:
    """Paired over replications with common random numbers, the mean difference is > 0.

    The same containers arrive in both scenarios (streams keyed by replication and purpose), so
    the paired difference of mean arrival->exit has a far narrower CI than two independent runs.
    """
    baseline = short_sea_import(BASELINE, days=4, warmup_days=1)
    pilot = short_sea_import(SHIP_SIDE, days=4, warmup_days=1)
    differences = []
    for replication in range(PAIRED_REPLICATIONS):
        base = run_replication(baseline, replication, 11).summary
        ship = run_replication(pilot, replication, 11).summary
        assert base.measured == ship.measured  # common random numbers: the same boxes arrive
        exit_base = next(
            s for s in base.segments if s.segment == "arrival->exit" and s.channel == "all"
        )
        exit_ship = next(
            s for s in ship.segments if s.segment == "arrival->exit" and s.channel == "all"
        )
        differences.append(exit_base.mean_h - exit_ship.mean_h)
    estimate = mean_confidence_interval(differences, 0.99)
    print(f"baseline - ship-side arrival->exit: {estimate.mean:.2f} ± {estimate.half_width:.2f} h")
    assert estimate.low > 0


def test_conservation_in_the_sea_import(baseline_run: RunResult) -> None:
    summary = baseline_run.summary
    assert summary.arrived == summary.completed + summary.in_system
    outcomes = shipment_outcomes(baseline_run.log)
    arrived = sum(1 for o in outcomes if not np.isnan(o.arrival_min))
    exited = sum(1 for o in outcomes if not np.isnan(o.exit_min))
    assert (arrived, exited) == (summary.arrived, summary.completed)


def test_lodgement_sides_add_up_to_every_case(baseline_run: RunResult) -> None:
    """Weighted by their cases, the two sides' means are the flow's means over every case."""
    summary = baseline_run.summary
    sides = [t for t in summary.lodgement_timing if (t.direction, t.mode) == ("import", "sea")]
    assert [t.lodged for t in sides] == ["before_arrival", "after_arrival"]
    assert all(t.n > 0 for t in sides)
    assert sides[0].arrival_lodgement_h < 0 <= sides[1].arrival_lodgement_h
    every = {
        s.segment: s
        for s in summary.segments
        if (s.direction, s.mode, s.channel) == ("import", "sea", "all")
    }
    for segment, field in (
        ("arrival->lodgement", "arrival_lodgement_h"),
        ("lodgement->release", "lodgement_release_h"),
    ):
        weighted = sum(t.n * getattr(t, field) for t in sides) / sum(t.n for t in sides)
        assert every[segment].n == sum(t.n for t in sides)
        assert weighted == pytest.approx(every[segment].mean_h)


_TIMES = st.floats(min_value=-10_000, max_value=10_000, allow_nan=False)


_SPANS = st.floats(min_value=0, max_value=10_000, allow_nan=False)


@given(
    goods=st.builds(Goods, st.booleans(), st.booleans(), st.booleans()),
    lead=_SPANS,
    ready=st.tuples(_TIMES, _TIMES, _TIMES),
    work=_SPANS,
    arrival=_TIMES,
    preparation=st.floats(min_value=0, max_value=5_000, allow_nan=False),
)
def test_the_rules_order_the_modes(
    goods: Goods,
    lead: float,
    ready: tuple[float, float, float],
    work: float,
    arrival: float,
    preparation: float,
) -> None:
    """Same box, same documents: advance and two-step are never later than conventional.

    The manifest is at customs before the goods arrive (after the carrier departs). Two-step +
    advance is never later than either; a two-step complete declaration is never earlier than
    its summary; an advance one never precedes the manifest; a conventional one never precedes
    arrival.
    """
    docs = Documents(arrival - lead, *ready, work)

    def lodged(*, advance: bool, two_step: bool) -> float:
        return first_lodgement_min(
            arrival, goods, docs, preparation, advance=advance, two_step=two_step
        )

    conventional = lodged(advance=False, two_step=False)
    advance = lodged(advance=True, two_step=False)
    two_step = lodged(advance=False, two_step=True)
    both = lodged(advance=True, two_step=True)
    assert advance <= conventional and two_step <= conventional
    assert both <= advance and both <= two_step
    assert conventional >= arrival + preparation
    assert both >= docs.manifest_min + preparation
    for advanced in (False, True):
        summary = lodged(advance=advanced, two_step=True)
        assert (
            complete_lodgement_min(arrival, goods, docs, preparation, advance=advanced) >= summary
        )
