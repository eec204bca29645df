"""The 9610 export process does what it claims: cut-offs, flights, consolidation, CRN, M/M/c."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import simpy
from factories import SCENARIOS, activities_of

from clearsim.analysis.queueing import erlang_c, mmc_mean_wait
from clearsim.analysis.stability import offered_utilisation
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.processes.cbec_9610_export.entities import (
    ExportParcel,
    ExportParcelFactory,
)
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_9610_export_baseline.yaml"
PEAK = SCENARIOS / "cbec_9610_export_black_friday.yaml"
REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "processes"
PROCESS = "dongxihu_9610_export"
P = f"processes.{PROCESS}"
SEED = 11


def _spec(scenario: Scenario) -> ParcelExportSpec:
    spec = scenario.processes[0]
    assert isinstance(spec, ParcelExportSpec)
    return spec


def _times(log: EventLog, activity: str) -> dict[int, float]:
    code = log.activities.index(activity)
    return {case: t for case, act, _, phase, t, *_ in log.rows if act == code and phase == 2}


@pytest.fixture(scope="module")
def short_run() -> RunResult:
    """Six hours of trucks with a 12-hour consolidation period (so declarations happen)."""
    scenario = with_values(
        load_scenario(BASELINE, horizon_min=360.0, warmup_min=0.0, drain_limit_min=1440.0),
        {
            "kind": "terminating",
            f"{P}.regime.period_min": 720.0,
            f"{P}.regime.due_after_period_min": 120.0,
        },
    )
    return run_replication(scenario, 0, SEED)  # conftest checks every simulated log


def test_every_departure_is_carried_by_a_flight_leaving_at_that_minute(
    short_run: RunResult,
) -> None:
    log = short_run.log
    departed, flights = _times(log, "departure"), _times(log, "flight_departure")
    carried = {s: t for s, t, q in log.links if q == "carried_by"}
    assert len(departed) > 1000
    for case, time in departed.items():
        flight = carried[case]
        assert log.cases.object_type[flight] == "flight"
        assert flights[flight] == time
    exits, confirmed = _times(log, "exit"), _times(log, "departure_confirmed")
    for case, time in departed.items():
        assert exits[case] <= time <= confirmed.get(case, float("inf"))


def test_regime_b_lists_are_consolidated_per_exporter_and_period(short_run: RunResult) -> None:
    log = short_run.log
    cases = log.cases
    confirmed = _times(log, "departure_confirmed")
    lodged = _times(log, "consolidated_lodgement")
    members: dict[int, list[int]] = defaultdict(list)
    for source, target, qualifier in log.links:
        if qualifier == "consolidated_in":
            members[target].append(source)
    assert members, "no declaration in the run: the test proves nothing"
    for declaration, parcels in members.items():
        assert cases.object_type[declaration] == "consolidated_declaration"
        assert not cases.shipment[declaration]
        periods = {int(confirmed[p] // 720.0) for p in parcels}
        assert len(periods) == 1
        assert all(cases.case_class[p] == "regime_B" for p in parcels)
        if declaration in lodged:  # by the due day
            assert lodged[declaration] <= (periods.pop() + 1) * 720.0 + 120.0
    linked = {p for parcels in members.values() for p in parcels}
    closed_a = [c for c in confirmed if cases.case_class[c] == "regime_A"]
    assert closed_a and not linked & set(closed_a)


def _trace() -> Scenario:
    """Deterministic steps, one X-ray line, one sorter, one flight line of 3 parcels."""
    line = {
        "share": 1.0,
        "timetable": {
            "conveyance": "flight",
            "node": "TIANHE_AIRPORT",
            "first_departure_min": 240,
            "interval_min": 1440,
            "capacity_units": 3,
            "cutoff_before_min": 120,
            "planned_lead_min": 0,
        },
    }
    zero = {"kind": "deterministic", "value_min": 0.0}
    one = {"kind": "deterministic", "value_min": 1.0}
    return with_values(
        load_scenario(BASELINE, horizon_min=300.0, warmup_min=0.0, drain_limit_min=3000.0),
        {
            "kind": "terminating",
            f"{P}.truck_arrivals": {"kind": "fixed_times", "times_min": [0.0, 100.0]},
            f"{P}.parcels_per_truck": {"kind": "fixed", "value": 4},
            f"{P}.dock_setup_min": zero,
            f"{P}.unloading_rate_per_hour": 60.0,
            f"{P}.parcel_list.advance_share": 1.0,
            f"{P}.parcel_list.advance_lead_min": {"kind": "deterministic", "value_min": 60.0},
            f"{P}.parcel_list.matching_min": zero,
            f"{P}.parcel_list.incomplete_share": 0.0,
            f"{P}.parcel_list.screening_min": zero,
            f"{P}.parcel_list.arrival_report_min": zero,
            f"{P}.inspection.risk_flag_share": 0.0,
            f"{P}.inspection.abnormal_image_share": 0.0,
            f"{P}.inspection.xray_scan_min": one,
            f"{P}.handover.sorting_min": one,
            f"{P}.handover.shuttle_interval_min": 10.0,
            f"{P}.handover.shuttle_offset_min": 0.0,
            f"{P}.handover.departure_data_min": {"kind": "deterministic", "value_min": 30.0},
            f"{P}.flights": [line],
            "resources.dongxihu_export_xray_lines.capacity": 1,
            "resources.dongxihu_export_sorters.capacity": 1,
        },
    )


def test_hand_computed_trace_of_cut_off_capacity_and_a_missed_flight() -> None:
    """Truck 1 (minute 0, 4 parcels): parcel i inducted at i+1, X-rayed to i+2 (released),
    sorted to i+3, shuttle at 10, at Tianhe at 10 + trip, before the 120 cut-off: three fit
    the 02:00 flight (minute 240), the fourth finds it full and flies at 1680 (missed). Truck 2
    (minute 100, booked on the 240 flight: 100 <= 120) is sorted by 100 + 4 + 3 = 107 at the
    latest, leaves on the 110 shuttle, reaches the airport after the cut-off (missed): two fill
    the 1680 flight after the spilled parcel, two fly at 3120. Each list closes 30 min after.
    """
    scenario = _trace()
    log = run_replication(scenario, 0, SEED).log
    spec = _spec(scenario)
    parcels = [c for c in range(len(log.cases)) if log.cases.object_type[c] == "parcel"]
    assert len(parcels) == 8
    release, exits = _times(log, "release"), _times(log, "exit")
    departed, confirmed = _times(log, "departure"), _times(log, "departure_confirmed")
    missed = _times(log, "missed_flight")
    router = Router(build_graph(scenario.network))
    factory = ExportParcelFactory(spec, Streams(SEED, 0))
    for k, case in enumerate(parcels[:4]):
        assert release[case] == pytest.approx(k + 2.0)
        trip = router.trip_min(spec.centre_node, "TIANHE_AIRPORT", factory.shuttle_u(1))
        assert exits[case] == pytest.approx(10.0 + trip)
        assert exits[case] < 120.0
    for k, case in enumerate(parcels[4:]):
        assert release[case] == pytest.approx(100.0 + k + 2.0)
        trip = router.trip_min(spec.centre_node, "TIANHE_AIRPORT", factory.shuttle_u(11))
        assert exits[case] == pytest.approx(110.0 + trip)
    assert [departed[c] for c in parcels] == [240.0] * 3 + [1680.0] * 3 + [3120.0] * 2
    assert sorted(missed) == parcels[3:]
    assert [confirmed[c] for c in parcels] == [270.0] * 3 + [1710.0] * 3 + [3150.0] * 2
    assert sorted(_times(log, "flight_departure").values()) == [240.0, 1680.0, 3120.0]


def _xray_queue() -> Scenario:
    """One parcel per truck, Poisson 60/h, exponential 1.2-min X-ray, two lines: M/M/2.

    Every parcel reaches the line after an iid dock setup and one induction step (dock teams
    too many to queue); a Poisson process displaced by iid delays is still Poisson.
    """
    return with_values(
        load_scenario(BASELINE, horizon_min=600.0 + 1200.0, warmup_min=600.0),
        {
            f"{P}.truck_arrivals": {"kind": "poisson", "rate_per_hour": 60.0},
            f"{P}.parcels_per_truck": {"kind": "fixed", "value": 1},
            f"{P}.inspection.xray_scan_min": {"kind": "exponential", "mean_min": 1.2},
            "resources.dongxihu_export_xray_lines.capacity": 2,
            "resources.dongxihu_export_unloaders.capacity": 60,
        },
    )


def test_x_ray_line_is_an_mmc_queue_gross_harris_erlang_c() -> None:
    """rho = 1/min * 1.2 min / 2 = 0.6; Wq = C(2, 1.2) * 1.2 / 0.8 = 0.675 min, C = 0.45."""
    scenario = _xray_queue()
    rho = offered_utilisation(scenario)["dongxihu_export_xray_lines"]
    assert rho == pytest.approx(0.6)
    assert erlang_c(2, 1.2) == pytest.approx(0.45)
    theory = mmc_mean_wait(2, 1.0, 1.2)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    waits = []
    for replication in range(6):
        result = run_replication(scenario, replication, SEED)
        queue = resource_waits(result.log, "dongxihu_export_xray_lines")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    estimate = mean_confidence_interval(waits, 0.99)
    message = f"mean wait {estimate.mean:.4f} ± {estimate.half_width:.4f}, Erlang C {theory:.4f}"
    print(message)
    assert abs(estimate.mean - theory) <= estimate.half_width, message


def test_the_festival_peak_sees_the_baseline_trucks_and_parcel_draws() -> None:
    base, peak = (_spec(load_scenario(p)) for p in (BASELINE, PEAK))
    streams = Streams(SEED, 0)
    one, three = ExportParcelFactory(base, streams), ExportParcelFactory(peak, streams)
    a, b = one.schedule(1440.0), three.schedule(1440.0)
    assert [t for t, _ in a] == [t for t, _ in b]
    assert [3 * n for _, n in a] == [n for _, n in b]
    env = simpy.Environment()
    log = EventLog(nodes=("X",), resources=())
    (t, n), (_, m) = a[0], b[0]
    first, first_peak = one.truck(env, log, t, n, True), three.truck(env, log, t, m, True)

    def draws(parcels: list[ExportParcel]) -> list[tuple[object, ...]]:
        return [(p.lodgement_min, p.line, p.regime, p.treatment, p.xray_min) for p in parcels]

    assert draws(first.parcels) == draws(first_peak.parcels[:n])


def test_every_activity_and_outcome_is_in_the_process_reference(short_run: RunResult) -> None:
    text = (REFERENCE / "cbec_9610_export.md").read_text(encoding="utf-8")
    log = short_run.log
    names = activities_of(log) | {name for _, name in log.process_outcomes}
    names -= {"border_entry", "delivery"}  # other flows' milestones, in every log
    assert not sorted(n for n in names if f"`{n}`" not in text)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("handover.shuttle_offset_min", 90.0, "shuttle_offset_min"),
        ("regime.refund_share", 0.5, "refund_share"),
        ("flights.0.share", 0.1, "shares must sum to 1"),
        ("flights.0.timetable.node", "DONGXIHU_EXPRESS_CENTRE", "centre_node"),
    ],
)
def test_invalid_specs_are_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        with_values(load_scenario(BASELINE), {f"{P}.{path}": value})
