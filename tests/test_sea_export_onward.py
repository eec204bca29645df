"""The sea export's onward water chain: feeder, hub port, ocean vessel, departure confirmation.

Hand-computed traces with deterministic hub times (docs/reference/processes/sea_export.md, "With
``onward``"): each box's chain is checked against its own feeder departure and voyage, read from
the log, and the timetable's arithmetic. Then the rules' mechanisms, common random numbers and
the absent block.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from factories import DAY, SCENARIOS, assert_same_run, fixed

from clearsim.models.scenario import Scenario
from clearsim.models.sea_export import SeaExportSpec
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.sea_export.onward import OceanSailings
from clearsim.simulation.run import RunResult, run_replication, simulate

BASELINE = SCENARIOS / "sea_export_baseline.yaml"
FEEDER = SCENARIOS / "sea_export_feeder_baseline.yaml"
WATER = SCENARIOS / "sea_export_water_transshipment.yaml"
CONFIRMATION = SCENARIOS / "sea_export_departure_confirmation.yaml"
RIVER_SEA = SCENARIOS / "sea_export_river_sea_direct.yaml"
HUASHAN = SCENARIOS / "huashan_export_baseline.yaml"

P = "processes.yangluo_export."
DISCHARGE, TRANSFER, PROCEDURE, CONFIRM = 120.0, 480.0, 720.0, 1440.0
FIRST, INTERVAL, CUTOFF, LINKED = 1200.0, 1440.0, 720.0, 240.0


def _traced(path: Path, **extra: Any) -> Scenario:
    """Two calls of three boxes, deterministic hub and confirmation times."""
    scenario = load_scenario(path, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=20 * DAY)
    values: dict[str, Any] = {
        P + "vessel_arrivals": {"kind": "fixed_times", "times_min": [2 * DAY, 2.5 * DAY]},
        P + "containers_per_call": {"kind": "fixed", "value": 3},
        P + "onward.discharge_min": fixed(DISCHARGE),
        P + "onward.hub_transfer_min": fixed(TRANSFER),
        P + "onward.hub_procedure_min": fixed(PROCEDURE),
        P + "onward.confirmation_min": fixed(CONFIRM),
    }
    values.update({P + key: value for key, value in extra.items()})
    return with_values(scenario, values)


def _run(scenario: Scenario) -> RunResult:
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


def _milestones(result: RunResult, name: str) -> dict[int, float]:
    """Per case, the time of milestone ``name`` (its single complete)."""
    log = result.log
    code = log.activities.index(name)
    return {case: time for case, activity, _, phase, time, *_ in log.rows if activity == code}


def _nodes(result: RunResult, name: str) -> dict[int, str]:
    log = result.log
    code = log.activities.index(name)
    return {row[0]: log.nodes[row[5]] for row in log.rows if row[1] == code}


def _voyages(result: RunResult) -> dict[int, float]:
    """Per box, its feeder's voyage (the call's ``feeder_voyage`` delay)."""
    log = result.log
    code = log.activities.index("feeder_voyage")
    start: dict[int, float] = {}
    length: dict[int, float] = {}
    for case, activity, _, phase, time, *_ in log.rows:
        if activity == code:
            if phase == 1:
                start[case] = time
            elif phase == 2:
                length[case] = time - start[case]
    return {box: length[call] for box, call, q in log.links if q == "carried_by" and call in length}


def _boxes(result: RunResult) -> list[int]:
    cases = result.log.cases
    return [c for c in range(len(cases)) if cases.object_type[c] == "container"]


def _sailing(ready_min: float, cutoff_min: float) -> float:
    """Hand arithmetic of the timetable: the first sailing whose cut-off the box makes."""
    index = max(0, math.ceil((ready_min + cutoff_min - FIRST) / INTERVAL))
    return FIRST + index * INTERVAL


def test_conventional_chain_hand_trace() -> None:
    result = _run(_traced(FEEDER))
    feeder = _milestones(result, "feeder_departure")
    hub = _milestones(result, "transshipment_arrival")
    left = _milestones(result, "departure")
    confirmed = _milestones(result, "export_confirmed")
    voyages = _voyages(result)
    boxes = _boxes(result)
    assert len(boxes) == 6 and set(feeder) == set(boxes)
    for box in boxes:
        # The voyage is the lognormal leg of the network (median 4 d, sigma 0.15).
        assert 5760 * math.exp(-5 * 0.15) < voyages[box] < 5760 * math.exp(5 * 0.15)
        assert hub[box] == pytest.approx(feeder[box] + voyages[box])
        ready = hub[box] + DISCHARGE + TRANSFER + PROCEDURE
        assert left[box] == pytest.approx(_sailing(ready, CUTOFF))
        assert confirmed[box] == pytest.approx(left[box] + CONFIRM)
        assert result.log.cases.finished[box]
    assert _nodes(result, "departure")[boxes[0]] == "SHANGHAI_PORT"
    legs = {(leg.source, leg.target): leg.trips for leg in result.summary.leg_trips}
    assert legs[("YANGLUO_PORT", "SHANGHAI_PORT")] == 2  # one voyage per call, on the map


def test_water_to_water_skips_the_second_procedure() -> None:
    result = _run(_traced(WATER))
    hub = _milestones(result, "transshipment_arrival")
    left = _milestones(result, "departure")
    done = {result.log.activities[row[1]] for row in result.log.rows}
    assert "hub_procedure" not in done and "hub_transfer" not in done
    for box in _boxes(result):
        assert left[box] == pytest.approx(_sailing(hub[box] + DISCHARGE, LINKED))


def test_departure_confirmation_on_the_feeder_departure() -> None:
    result = _run(_traced(CONFIRMATION))
    feeder = _milestones(result, "feeder_departure")
    left = _milestones(result, "departure")
    confirmed = _milestones(result, "export_confirmed")
    nodes = _nodes(result, "export_confirmed")
    for box in _boxes(result):
        assert confirmed[box] == pytest.approx(feeder[box] + CONFIRM)
        assert nodes[box] == "YANGLUO_PORT"
        assert left[box] > confirmed[box]  # confirmed while still on its way to Shanghai
        assert result.log.cases.finished[box]


def test_river_sea_ships_leave_china_from_the_inland_port() -> None:
    scenario = _traced(FEEDER, **{"onward.river_sea": {"enabled": True, "share": 1.0}})
    result = _run(scenario)
    feeder = _milestones(result, "feeder_departure")
    left = _milestones(result, "departure")
    confirmed = _milestones(result, "export_confirmed")
    assert not _milestones(result, "transshipment_arrival")
    for box in _boxes(result):
        assert left[box] == feeder[box]
        assert _nodes(result, "departure")[box] == "YANGLUO_PORT"
        assert confirmed[box] == pytest.approx(left[box] + CONFIRM)
    legs = {(leg.source, leg.target): leg.trips for leg in result.summary.leg_trips}
    assert legs[("YANGLUO_PORT", "SHANGHAI_PORT")] == 2  # out through the estuary


def test_the_reforms_keep_the_front_of_the_chain_and_the_draws() -> None:
    """Common random numbers: the same feeder departures and voyages under every rule."""
    runs = {path.stem: _run(_traced(path)) for path in (FEEDER, WATER, CONFIRMATION)}
    base = runs[FEEDER.stem]
    for name, run in runs.items():
        assert _milestones(run, "feeder_departure") == _milestones(base, "feeder_departure"), name
        assert _voyages(run) == _voyages(base), name
    water_left = _milestones(runs[WATER.stem], "departure")
    for box, time in _milestones(base, "departure").items():
        assert water_left[box] <= time


def test_without_onward_the_export_ends_on_the_vessel_and_is_left_out_of_the_json() -> None:
    scenario = load_scenario(BASELINE, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=6 * DAY)
    spec = scenario.processes[0]
    assert isinstance(spec, SeaExportSpec) and spec.onward is None
    assert "onward" not in json.loads(scenario.canonical_json())["processes"][0]
    result = _run(scenario)
    recorded = {result.log.activities[row[1]] for row in result.log.rows}
    assert not recorded & {"feeder_departure", "feeder_voyage", "export_confirmed"}
    # The same scenario with the chain: the chain starts where the plain run ends.
    chained = _run(
        load_scenario(FEEDER, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=6 * DAY)
    )
    assert _milestones(chained, "feeder_departure") == _milestones(result, "departure")
    assert _milestones(chained, "exit") == _milestones(result, "exit")


def test_the_reforms_change_only_their_rule() -> None:
    base = load_scenario(FEEDER).processes[0]
    assert isinstance(base, SeaExportSpec) and base.onward is not None
    expected = {
        WATER: "transshipment",
        CONFIRMATION: "departure_confirmation",
        RIVER_SEA: "river_sea",
    }
    for path, rule in expected.items():
        reform = load_scenario(path).processes[0]
        assert isinstance(reform, SeaExportSpec) and reform.onward is not None
        assert reform.model_copy(update={"onward": base.onward}) == base, path.name
        changed = {
            name
            for name in type(base.onward).model_fields
            if getattr(reform.onward, name) != getattr(base.onward, name)
        }
        assert changed == {rule}, path.name


def test_huashan_sails_its_own_leg() -> None:
    scenario = load_scenario(HUASHAN, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=14 * DAY)
    result = _run(scenario)
    legs = {(leg.source, leg.target): leg.trips for leg in result.summary.leg_trips}
    assert legs.get(("HUASHAN_PORT", "SHANGHAI_PORT"), 0) > 0
    assert not legs.get(("YANGLUO_PORT", "SHANGHAI_PORT"), 0)
    assert _milestones(result, "export_confirmed")


def test_same_seed_same_log_and_the_fast_path_agrees() -> None:
    scenario = _traced(WATER)
    assert run_replication(scenario, 1, 7).log.rows == run_replication(scenario, 1, 7).log.rows
    reference = simulate(scenario, 0, 17, EngineOptions(fast_path=False))
    fast = simulate(scenario, 0, 17, EngineOptions(fast_path=True))
    assert_same_run(fast, reference)


def test_a_full_sailing_sends_the_box_to_the_next() -> None:
    """The timetable's capacity: a third box for a two-box sailing waits for the next one."""
    spec = load_scenario(FEEDER).processes[0]
    assert isinstance(spec, SeaExportSpec) and spec.onward is not None
    onward = spec.onward.model_copy(
        update={
            "ocean_sailings": spec.onward.ocean_sailings.model_copy(update={"capacity_units": 2})
        }
    )
    sailings = OceanSailings(onward, EventLog(("SHANGHAI_PORT",), ()), "x")
    # Sailing 0 leaves at 1200 and closes at 480: open at 400, two boxes, the third on sailing 1;
    # at 600 it is closed: sailing 1 (one place left), then sailing 2.
    assert [sailings.book(400.0, CUTOFF) for _ in range(3)] == [0, 0, 1]
    assert [sailings.book(600.0, CUTOFF) for _ in range(2)] == [1, 2]
    assert sailings.schedule.departure_min(2) == FIRST + 2 * INTERVAL
