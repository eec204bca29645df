"""Air chains: the ULD pool, the city cargo terminal (光谷城市货站) and the Huahu hub baseline."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from factories import DAY, SCENARIOS, fixed
from pydantic import ValidationError

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "air_cargo_baseline.yaml"
ULD = SCENARIOS / "air_cargo_uld_baseline.yaml"
SHORTAGE = SCENARIOS / "air_cargo_uld_shortage.yaml"
CITY_BASE = SCENARIOS / "air_cargo_city_terminal_baseline.yaml"
CITY = SCENARIOS / "air_cargo_city_terminal.yaml"
HUAHU = SCENARIOS / "huahu_air_cargo_baseline.yaml"
BELLY_BASE = SCENARIOS / "air_cargo_belly_baseline.yaml"
BELLY = SCENARIOS / "air_cargo_belly.yaml"
FEEDER_BASE = SCENARIOS / "air_cargo_road_feeder_baseline.yaml"
FEEDER = SCENARIOS / "air_cargo_road_feeder.yaml"
P = "processes.tianhe_air"
H = "processes.huahu_air"
SCHEDULE, START, COMPLETE = 0, 1, 2


def _short(path: Path, days: float = 3) -> Scenario:
    return load_scenario(path, horizon_min=days * DAY, warmup_min=DAY, drain_limit_min=3 * DAY)


def _run(scenario: Scenario, replication: int = 0) -> RunResult:
    return run_replication(scenario, replication, scenario.seed)  # conftest checks the log


def _traced(
    path: Path, flights: list[float], per_flight: int, process: str = P, **extra: Any
) -> Scenario:
    """Exports only, every time fixed, all green and declared in advance: a hand trace.

    Flights land at ``flights`` (minutes) with ``per_flight`` exports each; a turnaround takes
    300 min, loading closes 60 min before off-blocks, exports reach the terminal 240 min
    before (at landing + 60), unloading and X-ray take 10 min each, build-up 40, the tow 15.
    """
    green = {"green": 1.0, "yellow": 0.0, "red": 0.0}
    values: dict[str, Any] = {
        "warmup_min": 0.0,
        "horizon_min": 1440.0,
        "drain_limit_min": 1440.0,
        f"{process}.flight_arrivals": {"kind": "fixed_times", "times_min": flights},
        f"{process}.shipments_per_flight": {"kind": "fixed", "value": per_flight},
        f"{process}.import_share": 0.0,
        f"{process}.transfer_share": 0.0,
        f"{process}.export_share": 1.0,
        f"{process}.flight.turnaround_min": fixed(300),
        f"{process}.flight.loading_close_min": fixed(60),
        f"{process}.flight.offload_min": fixed(10),
        f"{process}.warehouse.build_up_min": fixed(40),
        f"{process}.warehouse.tow_min": fixed(15),
        f"{process}.export_declaration.advance_share": 1.0,
        f"{process}.export_declaration.advance_lead_min": fixed(720),
        f"{process}.export_risk.general": green,
        f"{process}.export_risk.aeo": green,
        f"{process}.export_acceptance.acceptance_lead_min": fixed(240),
        f"{process}.export_acceptance.dock_unloading_min": fixed(10),
        f"{process}.export_acceptance.screening_min": fixed(10),
        **extra,
    }
    return with_values(load_scenario(path), values)


def _events(result: RunResult) -> dict[int, list[tuple[str, int, float]]]:
    """Per case: (activity, lifecycle, time) in recording order."""
    log = result.log
    found: dict[int, list[tuple[str, int, float]]] = defaultdict(list)
    for case, activity, _, cycle, time, *_ in log.rows:
        found[case].append((log.activities[activity], cycle, time))
    return found


def _at(rows: list[tuple[str, int, float]], activity: str, cycle: int) -> list[float]:
    return [t for a, c, t in rows if a == activity and c == cycle]


def _shipments(result: RunResult) -> list[int]:
    cases = result.log.cases
    return [c for c in range(len(cases)) if cases.object_type[c] == "shipment"]


def test_uld_pool_hand_trace() -> None:
    """One ULD, two exports on the 0-min flight, two on the 600-min flight (hand-computed).

    Both first exports are screened at 80: one takes the ULD (no wait), builds 80-120, boards,
    and gives the ULD back at off-blocks (300). The other waits 80-300 for it, builds 300-340,
    finds loading closed (at 240) when built up: missed, it leaves on the 600-min flight (900).
    """
    result = _run(_traced(ULD, [0.0, 600.0], 2, **{"resources.tianhe_ulds.capacity": 1}))
    events = _events(result)
    first = _shipments(result)[:2]
    waits = sorted(
        (_at(events[c], "uld_wait", START)[0], _at(events[c], "uld_wait", COMPLETE)[0])
        for c in first
    )
    assert waits == [(80.0, 80.0), (80.0, 300.0)]
    late = next(c for c in first if _at(events[c], "uld_wait", COMPLETE)[0] == 300.0)
    early = next(c for c in first if c != late)
    assert _at(events[early], "build_up", START) == [80.0]
    assert _at(events[early], "exit", COMPLETE) == [300.0]
    assert _at(events[late], "build_up", START) == [300.0]
    assert _at(events[late], "missed_flight", COMPLETE) == [340.0]
    assert _at(events[late], "exit", COMPLETE) == [900.0]
    # The holds are recorded on ULD cases, on the pool's resource: grant to off-blocks.
    log = result.log
    holds = sorted(
        (_at(rows, "uld_hold", START)[0], _at(rows, "uld_hold", COMPLETE)[0])
        for case, rows in events.items()
        if log.cases.object_type[case] == "uld" and _at(rows, "uld_hold", COMPLETE)
    )
    assert holds[:2] == [(80.0, 300.0), (300.0, 900.0)]


def test_enough_ulds_means_no_wait() -> None:
    """With a ULD for each, nobody waits and both exports make their flight."""
    result = _run(_traced(ULD, [0.0], 2, **{"resources.tianhe_ulds.capacity": 10}))
    events = _events(result)
    for case in _shipments(result):
        assert _at(events[case], "uld_wait", START) == _at(events[case], "uld_wait", COMPLETE)
        assert _at(events[case], "exit", COMPLETE) == [300.0]


def test_city_terminal_hand_trace() -> None:
    """One export of the catchment: baseline truck vs the city terminal (hand-computed).

    The flight lands at Huahu at 300 (off-blocks 600); the goods are due at the airport at 360.
    The planned trip EAST_LAKE_CBZ -> HUAHU_AIRPORT is the leg's median, 75 min, so the truck
    leaves at 285. Baseline: road 285 -> arrival at the airport, then acceptance there. Reform:
    arrival at the city terminal at 285, acceptance 285-295, X-ray 295-305, sealing 305-350, the
    same road trip (same pace: common random numbers), then straight to build-up.
    """
    extra = {f"{H}.city_terminal.share": 1.0, f"{H}.city_terminal.sealing_min": fixed(45)}
    base = _run(_traced(CITY_BASE, [300.0], 1, H, **extra))
    reform = _run(_traced(CITY, [300.0], 1, H, **extra))
    (case,) = _shipments(base)
    b, r = _events(base)[case], _events(reform)[case]
    base_road = _at(b, "road_transport", COMPLETE)[0] - _at(b, "road_transport", START)[0]
    assert _at(b, "road_transport", START) == [285.0]
    assert _at(b, "arrival", COMPLETE) == [285.0 + base_road]
    assert _at(b, "acceptance", START) == [285.0 + base_road]
    assert _at(r, "arrival", COMPLETE) == [285.0]
    assert _at(r, "acceptance", START) == [285.0]
    assert _at(r, "security_screening", COMPLETE) == [305.0]
    assert _at(r, "sealing", COMPLETE) == [350.0]
    assert _at(r, "road_transport", START) == [350.0]
    reform_road = _at(r, "road_transport", COMPLETE)[0] - 350.0
    assert reform_road == pytest.approx(base_road)
    # No second acceptance or screening at the airport: straight to build-up.
    assert len(_at(r, "acceptance", START)) == 1
    assert len(_at(r, "security_screening", START)) == 1
    assert _at(r, "build_up", START) == [350.0 + reform_road]
    city = reform.log.node("EAST_LAKE_CBZ")
    arrival = reform.log.activities.index("arrival")
    assert any(row[0] == case and row[1] == arrival and row[5] == city for row in reform.log.rows)
    trips = {(leg.source, leg.target): leg.trips for leg in reform.summary.leg_trips}
    assert trips[("EAST_LAKE_CBZ", "HUAHU_AIRPORT")] == 1


@pytest.mark.parametrize(
    ("block", "path"),
    [("city_terminal", CITY_BASE), ("ulds", ULD), ("belly", BELLY), ("road_feeder", FEEDER)],
)
def test_absent_block_gives_todays_log_and_hash(block: str, path: Path) -> None:
    """Without the block, the baseline's event log and scenario hash are unchanged."""
    with_block = _short(path, days=2)
    document = with_block.model_dump(mode="json")
    del document["processes"][0][block]
    without = Scenario.model_validate(document)
    plain = _short(HUAHU if block == "city_terminal" else BASELINE, days=2)
    resources = {k: v for k, v in without.resources.items() if k in plain.resources}
    without = without.model_copy(update={"name": plain.name, "resources": resources})
    assert without.scenario_hash == plain.scenario_hash
    assert _run(without).log.rows == _run(plain).log.rows


def test_city_terminal_baseline_and_reform_see_the_same_shipments() -> None:
    """CRN: the same flights, shipments and catchment; the reform moves work off the airport."""
    base, reform = _run(_short(CITY_BASE)), _run(_short(CITY))
    assert base.log.cases.direction == reform.log.cases.direction
    assert base.log.cases.channel == reform.log.cases.channel
    city = reform.log.node("EAST_LAKE_CBZ")
    acceptance = reform.log.activities.index("acceptance")
    at_city = {r[0] for r in reform.log.rows if r[1] == acceptance and r[5] == city}
    sealing = base.log.activities.index("sealing") if "sealing" in base.log.activities else -1
    assert at_city
    assert not any(r[1] == sealing for r in base.log.rows)
    # The same catchment shipments take the road leg in both (those both runs finished).
    done = [
        c
        for c in range(len(base.log.cases))
        if base.log.cases.finished[c] and reform.log.cases.finished[c]
    ]
    assert set(done) & at_city
    assert _road(base) & set(done) == _road(reform) & set(done)


def _road(result: RunResult) -> set[int]:
    """Exports with a road leg: the city terminal's catchment."""
    log = result.log
    road = log.activities.index("road_transport")
    return {r[0] for r in log.rows if r[1] == road and log.cases.direction[r[0]] == "export"}


def test_a_uld_shortage_raises_missed_flights() -> None:
    """Under CRN, fewer ULDs never lets more cargo make its flight."""
    plenty, short = _run(_short(ULD)), _run(_short(SHORTAGE))

    def missed(result: RunResult) -> int:
        code = result.log.activities.index("missed_flight")
        return sum(1 for r in result.log.rows if r[1] == code)

    assert missed(short) >= missed(plenty)


def test_same_seed_gives_an_identical_log() -> None:
    scenario = _short(CITY, days=2)
    assert _run(scenario, 1).log.rows == _run(scenario, 1).log.rows


@pytest.mark.parametrize("path", [HUAHU, ULD, CITY])
def test_offered_load_is_below_capacity(path: Path) -> None:
    """The shipped scenarios are stable: offered utilisation < 1 on every role resource."""
    scenario = load_scenario(path)
    spec = scenario.processes[0]
    assert isinstance(spec, AirCargoSpec)
    for resource, work in spec.offered_work_per_min(scenario.horizon_min).items():
        res = scenario.resources[resource]
        rho = work / (res.capacity * scenario.calendars[res.calendar].open_fraction())
        print(f"{path.stem} {resource}: offered utilisation {rho:.2f}")
        assert 0 < rho < 1, resource


def test_huahu_runs_at_its_own_node() -> None:
    """The hub baseline runs at HUAHU_AIRPORT with its own resources."""
    result = _run(_short(HUAHU, days=2))
    huahu = result.log.node("HUAHU_AIRPORT")
    assert result.summary.completed > 0
    assert {row[5] for row in result.log.rows} >= {huahu}
    assert all(not name.startswith("tianhe") for name in result.log.resources)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({f"{H}.city_terminal.node": "HUAHU_AIRPORT"}, "is the airport itself"),
        ({f"{H}.city_terminal.dock": "huahu_truck_docks"}, "already serves another role"),
        ({f"{H}.city_terminal.share": 1.5}, "less than or equal"),
        ({f"{H}.city_terminal.dock": "nowhere"}, "nowhere"),
    ],
)
def test_invalid_city_terminals_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises((ValidationError, ValueError), match=message):
        with_values(load_scenario(CITY_BASE), values)


def test_a_uld_pool_on_another_role_is_refused() -> None:
    with pytest.raises((ValidationError, ValueError), match="already serves another role"):
        with_values(load_scenario(ULD), {f"{P}.ulds.resource": "tianhe_stands"})


def _belly_trace(path: Path) -> RunResult:
    """Four exports of the 0-min freighter (off-blocks 300); passenger departures at 200, 350.

    Belly room 2, cut-off 50 min before departure; every export is booked on belly space.
    """
    departures = {
        "conveyance": "flight",
        "node": "TIANHE_AIRPORT",
        "first_departure_min": 200.0,
        "interval_min": 150.0,
        "capacity_units": 2,
        "cutoff_before_min": 50.0,
        "planned_lead_min": 0.0,
    }
    extra = {f"{P}.belly.share": 1.0, f"{P}.belly.departures": departures}
    return _run(_traced(path, [0.0], 4, **extra))


def test_belly_hand_trace() -> None:
    """Exports screened two at a time (70-80, 80-90), built up 80-120 and 90-130, towed 15 min.

    The first two reach the passenger stand at 135, make the 200 departure's cut-off (150) and
    fill it; the next two, at 145, find it full: they leave at 350 (missed_flight at 145).
    Without the reform all four leave on their freighter at 300.
    """
    reform, base = _belly_trace(BELLY), _belly_trace(BELLY_BASE)
    exits = sorted(_at(_events(reform)[c], "exit", COMPLETE)[0] for c in _shipments(reform))
    assert exits == [200.0, 200.0, 350.0, 350.0]
    late = [c for c in _shipments(reform) if _at(_events(reform)[c], "exit", COMPLETE) == [350.0]]
    assert all(_at(_events(reform)[c], "missed_flight", COMPLETE) == [145.0] for c in late)
    assert all(_at(_events(reform)[c], "departure", COMPLETE) == [350.0] for c in late)
    for c in _shipments(base):
        assert _at(_events(base)[c], "exit", COMPLETE) == [300.0]
    carriers = {
        reform.log.cases.object_type[t] for _, t, q in reform.log.links if q == "carried_by"
    }
    assert carriers == {"flight"}


def test_bad_belly_timetables_are_refused() -> None:
    with pytest.raises((ValidationError, ValueError), match="is not the airport"):
        with_values(load_scenario(BELLY), {f"{P}.belly.departures.node": "HUAHU_AIRPORT"})
    with pytest.raises((ValidationError, ValueError), match="share 0"):
        with_values(load_scenario(BELLY), {f"{P}.belly.share": 0.0})


def _feeder_trace(path: Path) -> RunResult:
    """One import of a flight landing at Huahu at 100, trucked to Tianhe (every time fixed)."""
    green = {"green": 1.0, "yellow": 0.0, "red": 0.0}
    values: dict[str, Any] = {
        "warmup_min": 0.0,
        "horizon_min": 1440.0,
        "drain_limit_min": 1440.0,
        f"{P}.flight_arrivals": {"kind": "fixed_times", "times_min": [100.0]},
        f"{P}.shipments_per_flight": {"kind": "fixed", "value": 1},
        f"{P}.import_share": 1.0,
        f"{P}.transfer_share": 0.0,
        f"{P}.export_share": 0.0,
        f"{P}.import_risk.general": green,
        f"{P}.import_risk.aeo": green,
        f"{P}.warehouse.breakdown_min": fixed(30),
        f"{P}.road_feeder.share": 1.0,
        f"{P}.road_feeder.transit_formalities_min": fixed(120),
        f"{P}.road_feeder.manifest_transfer_min": fixed(10),
        f"{P}.road_feeder.unloading_min": fixed(15),
    }
    return _run(with_values(load_scenario(path), values))


def test_road_feeder_hand_trace() -> None:
    """Arrival at Huahu at 100; transit formalities 100-220 (truck flight: manifest 100-110);
    the same road trip to Tianhe (same pace); unloading 15 min at a dock; breakdown 30 min.
    The flight's turnaround at Tianhe records no arrival for the trucked import."""
    base, reform = _feeder_trace(FEEDER_BASE), _feeder_trace(FEEDER)
    (case,) = _shipments(base)
    b, r = _events(base)[case], _events(reform)[case]
    hub = base.log.node("HUAHU_AIRPORT")
    arrival = base.log.activities.index("arrival")
    assert [row[5] for row in base.log.rows if row[0] == case and row[1] == arrival] == [hub]
    assert _at(b, "arrival", COMPLETE) == _at(r, "arrival", COMPLETE) == [100.0]
    assert _at(b, "transit_formalities", COMPLETE) == [220.0]
    assert not _at(b, "manifest_transfer", COMPLETE)
    assert _at(r, "manifest_transfer", COMPLETE) == [110.0]
    assert not _at(r, "transit_formalities", COMPLETE)
    trip = _at(b, "road_transport", COMPLETE)[0] - 220.0
    assert _at(r, "road_transport", COMPLETE)[0] - 110.0 == pytest.approx(trip)
    assert _at(b, "truck_unloading", COMPLETE) == [pytest.approx(220.0 + trip + 15.0)]
    assert _at(b, "breakdown", START) == [pytest.approx(220.0 + trip + 15.0)]
    assert _at(r, "breakdown", START) == [pytest.approx(110.0 + trip + 15.0)]
    assert not _at(b, "offload", COMPLETE)
    trips = {(leg.source, leg.target): leg.trips for leg in base.summary.leg_trips}
    assert trips[("HUAHU_AIRPORT", "TIANHE_AIRPORT")] == 1


def test_a_road_feeder_from_the_airport_itself_is_refused() -> None:
    with pytest.raises((ValidationError, ValueError), match="is the airport itself"):
        with_values(load_scenario(FEEDER), {f"{P}.road_feeder.hub_node": "TIANHE_AIRPORT"})
