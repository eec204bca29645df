"""The air-cargo process does what it claims: conventional paths, the three airside pilots, CRN."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from factories import DAY, SCENARIOS
from pydantic import ValidationError

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import CHANNEL_NAMES
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "air_cargo_baseline.yaml"
APRON = SCENARIOS / "air_apron_direct.yaml"
AIRSIDE = SCENARIOS / "air_airside_transfer.yaml"
PROCESS = "processes.tianhe_air"
WAREHOUSE = {"tow_to_terminal", "breakdown", "into_warehouse"}
TERMINAL_EXPORT = {"acceptance", "security_screening", "build_up", "tow_to_stand"}


def _short(path: Path, days: float = 4) -> Scenario:
    return load_scenario(path, horizon_min=days * DAY, warmup_min=DAY, drain_limit_min=3 * DAY)


def _run(scenario: Scenario, replication: int = 0) -> RunResult:
    return run_replication(scenario, replication, scenario.seed)  # conftest checks the log


def _activities(result: RunResult) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for case, activity, *_ in result.log.rows:
        seen[case].add(result.log.activities[activity])
    return seen


def _times(result: RunResult, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """First time each case records ``activity`` at ``lifecycle`` (default: complete)."""
    log = result.log
    code = log.activities.index(activity)
    found: dict[int, float] = {}
    for case, act, _, cycle, time, *_ in log.rows:
        if act == code and cycle == lifecycle and case not in found:
            found[case] = time
    return found


def _shipments(result: RunResult, direction: str) -> list[int]:
    cases = result.log.cases
    return [
        c
        for c in range(len(cases))
        if cases.object_type[c] == "shipment" and cases.direction[c] == direction
    ]


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    return _run(_short(BASELINE))


@pytest.fixture(scope="module")
def apron_run() -> RunResult:
    return _run(_short(APRON))


@pytest.fixture(scope="module")
def airside_run() -> RunResult:
    return _run(_short(AIRSIDE))


def test_conventional_paths_by_direction(baseline_run: RunResult) -> None:
    """Without pilots every shipment goes through the terminal; channels take their paths."""
    activities = _activities(baseline_run)
    cases = baseline_run.log.cases
    finished = {
        d: [c for c in _shipments(baseline_run, d) if cases.finished[c]]
        for d in ("import", "export", "transit")
    }
    assert all(finished.values())
    for case in finished["import"]:
        done = activities[case]
        assert WAREHOUSE | {"truck_booking", "dock_loading", "road_transport", "delivery"} <= done
        assert ("inspection" in done) == (CHANNEL_NAMES[cases.channel[case]] == "red")
    for case in finished["export"]:
        assert activities[case] >= TERMINAL_EXPORT
        assert "delivery" not in activities[case]
    for case in finished["transit"]:
        assert WAREHOUSE | {"transfer_formalities", "build_up", "tow_to_stand"} <= activities[case]
    assert not any(cases.direct_path)


def test_milestones_in_order(baseline_run: RunResult) -> None:
    for outcome in shipment_outcomes(baseline_run.log):
        if np.isnan(outcome.exit_min):
            continue
        assert outcome.lodgement_min <= outcome.release_min <= outcome.exit_min
        assert outcome.arrival_min <= outcome.release_min
        if outcome.advance_declared:
            assert outcome.lodgement_min <= outcome.arrival_min


def test_outbound_cargo_leaves_with_a_flight(baseline_run: RunResult) -> None:
    """Every export and transfer exits at some flight's off-blocks, after its release."""
    departures = set(_times(baseline_run, "off_blocks").values())
    exits, releases = _times(baseline_run, "exit"), _times(baseline_run, "release")
    outbound = _shipments(baseline_run, "export") + _shipments(baseline_run, "transit")
    left = [c for c in outbound if c in exits]
    assert left
    for case in left:
        assert exits[case] in departures
        assert releases[case] <= exits[case]


def test_apron_pickup_skips_breakdown_and_storage(apron_run: RunResult) -> None:
    """A ULD taken at the stand was released on the apron and never entered the warehouse."""
    activities = _activities(apron_run)
    cases = apron_run.log.cases
    release, loading = _times(apron_run, "release"), _times(apron_run, "apron_truck_loading", 1)
    direct = [c for c in _shipments(apron_run, "import") if "apron_truck_loading" in activities[c]]
    assert direct
    for case in direct:
        assert cases.direct_path[case]
        assert cases.advance_declared[case]
        assert CHANNEL_NAMES[cases.channel[case]] != "red"
        assert not activities[case] & (WAREHOUSE | {"truck_booking", "dock_loading"})
        assert release[case] <= loading[case]


def test_a_participant_not_released_in_time_takes_the_conventional_branch(
    apron_run: RunResult,
) -> None:
    activities = _activities(apron_run)
    cases = apron_run.log.cases
    participants = [c for c in _shipments(apron_run, "import") if cases.direct_path[c]]
    fallback = [c for c in participants if "apron_fallback" in activities[c]]
    red = [c for c in participants if CHANNEL_NAMES[cases.channel[c]] == "red"]
    assert fallback
    assert set(red) <= set(fallback)
    tally_end, declared = _times(apron_run, "apron_tally"), _times(apron_run, "release")
    for case in fallback:
        assert "apron_truck_loading" not in activities[case]
        if cases.finished[case]:
            assert WAREHOUSE | {"dock_loading"} <= activities[case]
            assert declared[case] > tally_end[case]
    # Only participants ever go the apron way.
    assert all(cases.direct_path[c] for c, done in activities.items() if "apron_tally" in done)


def test_airside_transfer_pallets_never_enter_the_warehouse(airside_run: RunResult) -> None:
    activities = _activities(airside_run)
    cases = airside_run.log.cases
    transfers = [c for c in _shipments(airside_run, "transit") if cases.finished[c]]
    direct = [c for c in transfers if cases.direct_path[c]]
    assert direct
    assert len(direct) < len(transfers)  # a share takes part
    for case in transfers:
        done = activities[case]
        if cases.direct_path[case]:
            assert {"electronic_check", "airside_tow", "exit"} <= done
            assert not done & (WAREHOUSE | {"build_up", "transfer_formalities", "tow_to_stand"})
        else:
            assert done >= WAREHOUSE


def test_apron_loading_exports_skip_the_terminal_queues(apron_run: RunResult) -> None:
    """Pre-built exports cleared in advance go from the airside gate to the stand."""
    activities = _activities(apron_run)
    cases = apron_run.log.cases
    arrival, release = _times(apron_run, "arrival"), _times(apron_run, "release")
    direct = [
        c
        for c in _shipments(apron_run, "export")
        if cases.direct_path[c] and "apron_fallback" not in activities[c] and c in arrival
    ]
    assert direct
    for case in direct:
        done = activities[case]
        assert not done & TERMINAL_EXPORT
        assert "advance_build_up" in done
        assert release[case] == arrival[case]  # cleared before the truck arrived
        if cases.finished[case]:
            assert {"stand_delivery", "exit"} <= done


@pytest.mark.parametrize("direction", ["import", "export", "transit"])
def test_each_flow_is_reported_as_air(baseline_run: RunResult, direction: str) -> None:
    rows = [
        s
        for s in baseline_run.summary.segments
        if (s.direction, s.mode, s.channel) == (direction, "air", "all")
    ]
    by_segment = {s.segment: s for s in rows}
    assert {"arrival->release", "arrival->exit"} <= set(by_segment)
    assert by_segment["arrival->exit"].n > 0
    assert by_segment["arrival->exit"].mean_h >= by_segment["arrival->release"].mean_h


def test_same_seed_gives_an_identical_log() -> None:
    scenario = _short(APRON, days=2)
    first, second = _run(scenario, 1), _run(scenario, 1)
    assert first.log.rows == second.log.rows
    assert first.log.cases == second.log.cases


def test_baseline_and_reform_see_the_same_flights_and_shipments(
    baseline_run: RunResult, apron_run: RunResult
) -> None:
    """Common random numbers: identical flights and identical shipment attributes.

    Flights land (ask for a stand) at the same times; on-blocks may differ, since apron pickup
    holds a stand while trucks load at it. A run ends once its measured cases are done, so the
    faster one may stop before flights that land after the horizon.
    """
    base_landed, reform_landed = _times(baseline_run, "stand", 0), _times(apron_run, "stand", 0)
    common = base_landed.keys() & reform_landed.keys()
    assert len(common) >= 40
    assert all(base_landed[case] == reform_landed[case] for case in common)
    base, reform = baseline_run.log.cases, apron_run.log.cases
    assert len(base) == len(reform)
    for column in ("object_type", "direction", "aeo", "case_class", "destination"):
        assert getattr(base, column) == getattr(reform, column), column
    screened = [c for c in range(len(base)) if base.channel[c] and reform.channel[c]]
    assert screened
    assert all(base.channel[c] == reform.channel[c] for c in screened)
    # Non-participants are declared the same way in both.
    same = [c for c in range(len(base)) if not reform.direct_path[c]]
    assert all(base.advance_declared[c] == reform.advance_declared[c] for c in same)


def test_conservation(apron_run: RunResult) -> None:
    summary = apron_run.summary
    assert summary.arrived == summary.completed + summary.in_system
    assert summary.arrived > 0


def test_runs_at_huahu() -> None:
    """The process is not tied to Tianhe: Ezhou Huahu with its own resources' site."""
    site = {"node": "HUAHU_AIRPORT"}
    values: dict[str, object] = {f"{PROCESS}.airport_node": "HUAHU_AIRPORT"}
    scenario = _short(APRON, days=2)
    for name, resource in scenario.resources.items():
        values[f"resources.{name}"] = {**resource.model_dump(mode="json"), **site}
    result = _run(with_values(scenario, values))
    huahu = result.log.node("HUAHU_AIRPORT")
    arrivals = _times(result, "arrival")
    assert arrivals
    assert {row[5] for row in result.log.rows if row[0] in arrivals} >= {huahu}
    assert result.summary.completed > 0


def test_offered_load_is_below_capacity() -> None:
    """The shipped baseline is stable: offered utilisation < 1 on every resource it uses."""
    scenario = load_scenario(BASELINE)
    spec = scenario.processes[0]
    assert isinstance(spec, AirCargoSpec)
    for resource, work in spec.offered_work_per_min(scenario.horizon_min).items():
        res = scenario.resources[resource]
        staffed = res.capacity * scenario.calendars[res.calendar].open_fraction()
        rho = work / staffed
        print(f"{resource}: offered utilisation {rho:.2f}")
        assert 0 < rho < 1, resource


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({f"{PROCESS}.apron_pickup": {"enabled": True, "share": 0.0}}, "share 0"),
        ({f"{PROCESS}.import_share": 0.9}, "direction shares"),
        ({f"{PROCESS}.resources.stand": "nowhere"}, "nowhere"),
    ],
)
def test_invalid_specs_are_refused(values: dict[str, object], message: str) -> None:
    scenario = load_scenario(BASELINE)
    with pytest.raises((ValidationError, ValueError), match=message):
        with_values(scenario, values)
