"""The sea import's upstream water chain: Shanghai (Yangshan) -> river feeder -> Yangluo."""

from __future__ import annotations

from typing import Any

import pytest
from factories import SCENARIOS, fixed, rows_by_case, short_sea_import

from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "sea_import_baseline.yaml"
FEEDER = SCENARIOS / "sea_import_feeder_baseline.yaml"
LINKED = SCENARIOS / "sea_import_linked_discharge.yaml"
RIVER_SEA = SCENARIOS / "sea_import_river_sea_direct.yaml"
HUASHAN = SCENARIOS / "huashan_import_baseline.yaml"
P = "processes.yangluo_import"
U = f"{P}.upstream"


def _river_leg(scenario: Scenario, source: str, target: str) -> int:
    return next(
        i
        for i, edge in enumerate(scenario.network.edges)
        if (edge.source, edge.target) == (source, target)
    )


def _trace_run(mode: str) -> RunResult:
    """One ocean call at 3000 (Wednesday 02:00) of two green boxes; every time deterministic.

    One origin officer (office hours from 08:30 = minute 3390), feeders every 360 min from
    minute 180 taking one box each, cut-off 240 min; river-sea ships daily from minute 720;
    the river leg takes 5760 min.
    """
    base = short_sea_import(FEEDER, days=4, warmup_days=0)
    leg = _river_leg(base, "SHANGHAI_PORT", "YANGLUO_PORT")
    values: dict[str, Any] = {
        "warmup_min": 0.0,
        "resources.shanghai_transit_officers.capacity": 1,
        f"network.edges.{leg}.travel_min": fixed(5760.0),
        f"{U}.mode": mode,
        f"{U}.ocean_arrivals": {"kind": "fixed_times", "times_min": [3000.0]},
        f"{U}.boxes_per_ocean_call": {"kind": "fixed", "value": 2},
        f"{U}.ocean_discharge_min": fixed(100.0),
        f"{U}.transshipment_min": fixed(200.0),
        f"{U}.transit_preparation_min": fixed(60.0),
        f"{U}.transit_review_min": fixed(10.0),
        f"{U}.feeder.capacity_units": 1,
        f"{U}.feeder.planned_lead_min": 360.0,
        f"{P}.aeo_share": 0.0,
        f"{P}.risk.general": {"green": 1.0, "yellow": 0.0, "red": 0.0},
        f"{P}.declaration.advance_share": 1.0,
        f"{P}.declaration.documents.taxable_share": 0.0,
        f"{P}.declaration.documents.licence_share": 0.0,
        f"{P}.declaration.documents.inspection_share": 0.0,
        f"{P}.declaration.documents.commercial": {
            "offset_min": -8000.0,
            "delay_min": fixed(0.0),
        },
        f"{P}.declaration.documents.valuation_work_min": fixed(60.0),
        f"{P}.declaration.documents.preparation_min": fixed(30.0),
    }
    scenario = with_values(base, values)
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


def _boxes(result: RunResult) -> list[dict[str, list[float]]]:
    """Each container's activity times (every lifecycle), in case order."""
    rows = rows_by_case(result.log)
    kinds = result.log.cases.object_type
    return [
        {name: [time for _, time in times] for name, times in rows[case].items()}
        for case in sorted(rows)
        if kinds[case] == "container"
    ]


def _river_trips(result: RunResult) -> int:
    return sum(
        leg.trips
        for leg in result.summary.leg_trips
        if (leg.source, leg.target) == ("SHANGHAI_PORT", "YANGLUO_PORT")
    )


def test_transit_declaration_hand_trace() -> None:
    """Hand-computed 转关 chain.

    Both boxes: border entry 3000, discharged 3100, shifted 3300, transit declaration
    prepared 3360; the office opens at 3390: box 1 reviewed 3390-3400, box 2 3400-3410. The
    first feeder whose cut-off (departure - 240) is at or after 3400 leaves at 180 + 10 * 360
    = 3780 and takes box 1; full, box 2 rolls to 4140. Booked at arrival + 360 = 3360, the
    planned sailing is 3780: box 2 missed it. Arrivals at Yangluo 3780 + 5760 = 9540 and
    9900; the Wuhan declaration starts at arrival: lodged at 9540 + 60 + 30 = 9630.
    """
    first, second = _boxes(_trace_run("transit_declaration"))
    assert first["border_entry"] == [3000.0]
    assert first["ocean_discharge"] == [3000.0, 3000.0, 3100.0]
    assert first["transshipment"] == [3100.0, 3100.0, 3300.0]
    assert first["transit_preparation"] == [3300.0, 3300.0, 3360.0]
    assert first["transit_declaration"] == [3360.0, 3390.0, 3400.0]
    assert second["transit_declaration"] == [3360.0, 3400.0, 3410.0]
    assert first["feeder_wait"] == [3400.0, 3400.0, 3780.0]
    assert second["feeder_wait"] == [3410.0, 3410.0, 4140.0]
    assert first["feeder_voyage"] == [3780.0, 3780.0, 9540.0]
    assert first["arrival"] == [9540.0] and second["arrival"] == [9900.0]
    assert "missed_planned_sailing" not in first
    assert second["missed_planned_sailing"] == [3410.0]
    assert first["lodgement"] == [9630.0]


def test_linked_discharge_skips_shanghai_and_lets_the_importer_lodge_at_departure() -> None:
    """联动接卸: no transit steps; ready at 3300 the boxes take the sailings of 3780 and 4140.

    The manifest is at Wuhan from the departure: lodged at 3780 + 60 + 30 = 3870, days
    before the box's arrival at 9540.
    """
    first, second = _boxes(_trace_run("linked_discharge"))
    assert "transit_declaration" not in first and "transit_preparation" not in first
    assert first["feeder_wait"] == [3300.0, 3300.0, 3780.0]
    assert second["feeder_wait"] == [3300.0, 3300.0, 4140.0]
    assert first["arrival"] == [9540.0]
    assert first["lodgement"] == [3870.0]
    assert second["lodgement"] == [4230.0]


def test_river_sea_direct_has_no_transshipment_and_its_own_timetable() -> None:
    """江海直达: discharged at 3100, the box waits at Yangshan for the ship of 720 + 2 * 1440
    = 3600 (cut-off 360 before); both fit on it and arrive at 9360."""
    result = _trace_run("river_sea_direct")
    first, second = _boxes(result)
    assert "transshipment" not in first
    assert first["feeder_wait"] == [3100.0, 3100.0, 3600.0]
    assert second["feeder_wait"] == [3100.0, 3100.0, 3600.0]
    assert first["arrival"] == second["arrival"] == [9360.0]
    assert _river_trips(result) == 1  # one sailing, counted on the leg for the network map


def test_each_sailing_counts_on_the_river_leg() -> None:
    """Two feeders sailed in the 转关 trace: two trips on SHANGHAI_PORT -> YANGLUO_PORT."""
    assert _river_trips(_trace_run("transit_declaration")) == 2


def test_absent_block_leaves_the_scenario_as_it_was() -> None:
    """Without ``upstream`` the scenario JSON has no such key, and the feeder baseline with the
    block and its officers removed hashes as the baseline (the log: tests/test_golden.py)."""
    baseline = load_scenario(BASELINE)
    assert "upstream" not in baseline.model_dump(mode="json")["processes"][0]
    feeder = load_scenario(FEEDER)
    stripped = with_values(feeder, {U: None})
    resources = {k: v for k, v in stripped.resources.items() if k != "shanghai_transit_officers"}
    same = stripped.model_copy(update={"resources": resources, "name": baseline.name})
    assert same.scenario_hash == baseline.scenario_hash


def test_the_same_seed_gives_the_same_chain() -> None:
    """Same seed, same event log (with the chain's own streams)."""
    scenario = short_sea_import(LINKED, days=3, warmup_days=0)
    one = run_replication(scenario, 0, scenario.seed)
    two = run_replication(scenario, 0, scenario.seed)
    assert one.log.rows == two.log.rows


def test_modes_see_the_same_ocean_arrivals() -> None:
    """CRN: every mode draws the same ocean calls, boxes and upstream durations."""
    runs = [
        run_replication(s, 0, s.seed)
        for s in (short_sea_import(p, days=3, warmup_days=0) for p in (FEEDER, LINKED, RIVER_SEA))
    ]
    entries = []
    for run in runs:
        rows = rows_by_case(run.log)
        entries.append(
            sorted(
                (case, times["border_entry"][0][1])
                for case, times in rows.items()
                if "border_entry" in times
            )
        )
    assert entries[0] and entries[0] == entries[1] == entries[2]


def test_huashan_clears_at_huashan_fed_over_its_own_river_leg() -> None:
    """The Huashan baseline's calls arrive at HUASHAN_PORT over SHANGHAI_PORT -> HUASHAN_PORT."""
    scenario = short_sea_import(HUASHAN, days=8, warmup_days=0)
    result = run_replication(scenario, 0, scenario.seed)
    legs = {(leg.source, leg.target): leg.trips for leg in result.summary.leg_trips}
    assert legs.get(("SHANGHAI_PORT", "HUASHAN_PORT"), 0) > 0
    assert ("SHANGHAI_PORT", "YANGLUO_PORT") not in legs
    log = result.log
    arrival, huashan = log.activities.index("arrival"), log.node("HUASHAN_PORT")
    nodes = {row[5] for row in log.rows if row[1] == arrival}
    assert nodes == {huashan}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({f"{U}.origin_node": "YANGLUO_PORT"}, "must be the origin_node"),
        ({f"{U}.transit_officers": "customs_officers"}, "already serves another role"),
        ({f"{U}.feeder.cutoff_before_min": 400.0}, "shorter than interval_min"),
        ({f"{U}.mode": "by_air"}, "mode"),
    ],
    ids=["origin_is_port", "officers_shared", "cutoff_too_long", "unknown_mode"],
)
def test_bad_upstream_is_refused(values: dict[str, Any], expected: str) -> None:
    """A bad chain is refused with its reason."""
    with pytest.raises(ValueError, match=expected):
        with_values(load_scenario(FEEDER), values)
