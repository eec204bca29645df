"""The 9610 direct-purchase process does what it claims: X-ray, holds, seizures, flights, CRN.

Parcel attributes are re-drawn here from the same named streams the run used (a fresh
:class:`ParcelFactory` with the run's seed and replication), so a test can compare what each
parcel was meant to do with what the event log says it did.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from factories import SCENARIOS, activities_of
from test_docs import _missing, _section, _spec_models

from clearsim.analysis.queueing import erlang_c, mmc_mean_wait
from clearsim.analysis.stability import offered_utilisation
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import CHANNEL_NAMES
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.processes.cbec_9610.entities import Flight, ParcelFactory
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_9610_baseline.yaml"
DOUBLE11 = SCENARIOS / "cbec_9610_double11.yaml"
MORE_XRAY = SCENARIOS / "cbec_9610_double11_more_xray.yaml"
REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "processes"
PROCESS = "dongxihu_9610"
SEED = 7


def _spec(scenario: Scenario) -> DirectPurchaseSpec:
    spec = scenario.processes[0]
    assert isinstance(spec, DirectPurchaseSpec)
    return spec


def _short(path: Path, horizon_min: float, warmup_min: float = 0.0) -> Scenario:
    return load_scenario(
        path, horizon_min=horizon_min, warmup_min=warmup_min, drain_limit_min=1440.0
    )


def _flights(scenario: Scenario, replication: int, seed: int) -> list[Flight]:
    """The flights and parcels the run created, re-drawn from the same streams, case ids equal."""
    spec = _spec(scenario)
    log = EventLog(nodes=tuple(scenario.network.nodes), resources=tuple(scenario.resources))
    factory = ParcelFactory(spec, Streams(seed, replication), Router(build_graph(scenario.network)))
    until = scenario.horizon_min + scenario.drain_limit_min
    return [factory.flight(log, t, n, True) for t, n in factory.schedule(until)]


def _times(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """Per case, the time of ``activity``'s ``lifecycle`` row (the last one if several)."""
    code = log.activities.index(activity)
    return {
        case: time
        for case, act, _, phase, time, *_ in log.rows
        if act == code and phase == lifecycle
    }


def _activities(log: EventLog) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for case, activity, *_ in log.rows:
        seen[case].add(log.activities[activity])
    return seen


@pytest.fixture(scope="module")
def short_scenario() -> Scenario:
    """A day of the baseline with more seizures (so the test sees some), other draws unchanged."""
    return with_values(
        _short(BASELINE, horizon_min=1440.0, warmup_min=360.0),
        {f"processes.{PROCESS}.inspection.seizure_share": 0.2},
    )


@pytest.fixture(scope="module")
def short_run(short_scenario: Scenario) -> RunResult:
    return run_replication(short_scenario, 0, SEED)  # conftest checks every simulated log


@pytest.fixture(scope="module")
def flights(short_scenario: Scenario, short_run: RunResult) -> list[Flight]:
    created = len(short_run.log.cases)
    return [f for f in _flights(short_scenario, 0, SEED) if f.case < created]


def test_every_released_parcel_was_x_rayed_and_only_flagged_ones_unpacked(
    short_scenario: Scenario, short_run: RunResult, flights: list[Flight]
) -> None:
    log, spec = short_run.log, _spec(short_scenario)
    done = _activities(log)
    released = _times(log, "release")
    decided = unpacked = 0
    for parcel in (p for f in flights for p in f.parcels):
        activities = done[parcel.case]
        if parcel.case in released:
            assert {"line_induction", "xray_scan", "risk_screening"} <= activities
        if log.cases.channel[parcel.case] == 0:
            continue  # not yet through the X-ray when the run stopped
        decided += 1
        unpacked += parcel.unpacked
        assert ("unpack_check" in activities) == parcel.unpacked
        assert CHANNEL_NAMES[log.cases.channel[parcel.case]] == (
            "red" if parcel.unpacked else "green"
        )
    share, expected = unpacked / decided, spec.unpack_share()
    band = 3.3 * np.sqrt(expected * (1 - expected) / decided)
    print(f"unpacked {share:.4f} of {decided} parcels, spec {expected:.4f} ± {band:.4f}")
    assert abs(share - expected) <= band


def test_a_held_list_is_never_released_before_its_data_is_complete(
    short_run: RunResult, flights: list[Flight]
) -> None:
    log = short_run.log
    held = _times(log, "data_incomplete_held")
    corrected = _times(log, "data_correction")
    screened = _times(log, "risk_screening")
    released = _times(log, "release")
    incomplete = {p.case for f in flights for p in f.parcels if p.incomplete}
    assert held, "no list was held: the test proves nothing"
    assert set(held) <= incomplete and set(corrected) <= incomplete
    for case, time in released.items():
        assert screened[case] <= time
        if case in incomplete:
            assert held[case] <= corrected[case] <= screened[case] <= time


def test_seized_parcels_are_never_released(short_run: RunResult) -> None:
    log = short_run.log
    seized = _times(log, "seized_or_returned")
    released, exits = _times(log, "release"), _times(log, "exit")
    unpacked = _times(log, "unpack_check")
    assert len(seized) >= 5, "too few seizures to test"
    delivered = _times(log, "delivery")
    for case, time in seized.items():
        assert case not in released and case not in delivered
        assert unpacked[case] <= time == exits[case]
        assert log.cases.finished[case]


def test_parcels_of_a_flight_land_together_and_reach_the_centre_after_the_trip(
    short_scenario: Scenario, short_run: RunResult, flights: list[Flight]
) -> None:
    log, spec = short_run.log, _spec(short_scenario)
    router = Router(build_graph(short_scenario.network))
    arrivals, inducted = _times(log, "arrival"), _times(log, "line_induction")
    transfer_start = _times(log, "sealed_transfer", lifecycle=1)
    transfer_end = _times(log, "sealed_transfer")
    checked = 0
    for flight in flights:
        if flight.case not in transfer_end:
            continue
        trip = router.trip_min(flight.airport, spec.centre_node, flight.transfer_u)
        assert transfer_end[flight.case] - transfer_start[flight.case] == pytest.approx(trip)
        assert {arrivals[p.case] for p in flight.parcels} == {flight.arrival_min}
        for parcel in flight.parcels:
            if parcel.case in inducted:
                assert inducted[parcel.case] >= flight.arrival_min + trip
                checked += 1
    assert checked > 1000


def test_conservation_arrived_is_exited_plus_in_system(short_run: RunResult) -> None:
    summary, log = short_run.summary, short_run.log
    assert summary.arrived == summary.completed + summary.in_system
    exits = milestone_times(log)[:, 3]
    assert int((~np.isnan(exits)).sum()) == summary.completed
    assert summary.censored == 0


def test_same_seed_gives_an_identical_log() -> None:
    scenario = _short(BASELINE, horizon_min=240.0)
    first, second = (run_replication(scenario, 1, SEED).log for _ in range(2))
    assert first.rows == second.rows
    assert first.cases == second.cases


def _xray_queue() -> Scenario:
    """One parcel per flight, Poisson 60/h, exponential 1.2-min X-ray, two lines: M/M/2.

    Each parcel's landing is displaced by independent unloading and trip times (the dock teams
    are too many to queue), and a Poisson process displaced by iid delays is still Poisson, so
    the X-ray line sees M/M/2 at rho = 1/min * 1.2 min / 2 = 0.6.
    """
    return with_values(
        _short(BASELINE, horizon_min=600.0 + 1200.0, warmup_min=600.0),
        {
            f"processes.{PROCESS}.flight_arrivals": {"kind": "poisson", "rate_per_hour": 60.0},
            f"processes.{PROCESS}.parcels_per_flight": {"kind": "fixed", "value": 1},
            f"processes.{PROCESS}.inspection.xray_scan_min": {
                "kind": "exponential",
                "mean_min": 1.2,
            },
            "resources.dongxihu_xray_lines.capacity": 2,
            "resources.dongxihu_unloaders.capacity": 60,
        },
    )


def test_x_ray_line_is_an_mmc_queue_gross_harris_erlang_c() -> None:
    """Utilisation lambda E[S] / c = 0.6 and Wq = C(2, 1.2) * 1.2 / 0.8 = 0.675 min.

    C(2, 1.2) = 1.8 / (2.2 + 1.8) = 0.45 (Gross et al., section 2.3); both compared at 99%.
    """
    scenario = _xray_queue()
    rho = offered_utilisation(scenario)["dongxihu_xray_lines"]
    assert rho == pytest.approx(0.6)
    assert erlang_c(2, 1.2) == pytest.approx(0.45)
    theory_wait = mmc_mean_wait(2, 1.0, 1.2)
    assert theory_wait == pytest.approx(0.675)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    utilisations, waits = [], []
    for replication in range(5):
        result = run_replication(scenario, replication, SEED)
        stat = next(r for r in result.summary.resources if r.resource == "dongxihu_xray_lines")
        utilisations.append(stat.utilisation)
        queue = resource_waits(result.log, "dongxihu_xray_lines")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    for label, values, theory in (
        ("utilisation", utilisations, rho),
        ("mean wait min", waits, theory_wait),
    ):
        estimate = mean_confidence_interval(values, 0.99)
        print(f"{label}: {estimate.mean:.4f} ± {estimate.half_width:.4f}, theory {theory:.4f}")
        assert abs(estimate.mean - theory) <= estimate.half_width, label


def test_peak_day_sees_the_baseline_flights_and_parcels() -> None:
    """Double-11 scales each flight's batch; flights and the first parcels' draws are shared."""
    base, peak = (_short(path, horizon_min=1440.0) for path in (BASELINE, DOUBLE11))
    base_spec, peak_spec = _spec(base), _spec(peak)
    streams = Streams(SEED, 0)
    router = Router(build_graph(base.network))
    base_factory = ParcelFactory(base_spec, streams, router)
    peak_factory = ParcelFactory(peak_spec, streams, router)
    base_schedule, peak_schedule = base_factory.schedule(1440.0), peak_factory.schedule(1440.0)
    assert [t for t, _ in base_schedule] == [t for t, _ in peak_schedule]
    assert [3 * n for _, n in base_schedule] == [n for _, n in peak_schedule]
    log = EventLog(nodes=tuple(base.network.nodes), resources=tuple(base.resources))
    (t, n), (_, m) = base_schedule[0], peak_schedule[0]
    first, first_peak = (
        base_factory.flight(log, t, n, True),
        peak_factory.flight(log, t, m, True),
    )
    assert (first.airport, first.transfer_u) == (first_peak.airport, first_peak.transfer_u)

    def draws(flight: Flight) -> list[tuple[object, ...]]:
        return [
            (p.lodgement_min, p.incomplete, p.flagged, p.abnormal, p.xray_min, p.destination)
            for p in flight.parcels[:n]
        ]

    assert draws(first) == draws(first_peak)


def test_a_second_x_ray_line_sees_the_same_parcels_and_never_waits_longer() -> None:
    """Under common random numbers the same parcels land; FIFO with more servers waits less."""
    peak, more = (_short(path, horizon_min=360.0) for path in (DOUBLE11, MORE_XRAY))
    one, two = run_replication(peak, 0, SEED), run_replication(more, 0, SEED)
    assert _times(one.log, "arrival") == _times(two.log, "arrival")
    assert _times(one.log, "lodgement") == _times(two.log, "lodgement")
    wait_one = resource_waits(one.log, "dongxihu_xray_lines").wait.mean()
    wait_two = resource_waits(two.log, "dongxihu_xray_lines").wait.mean()
    print(f"mean X-ray wait: one line {wait_one:.1f} min, two lines {wait_two:.1f} min")
    assert wait_two < wait_one


def test_every_activity_and_outcome_is_in_the_process_reference(short_run: RunResult) -> None:
    text = (REFERENCE / "cbec_9610.md").read_text(encoding="utf-8")
    log = short_run.log
    names = activities_of(log) | {name for process, name in log.process_outcomes}
    names -= {"border_entry", "departure"}  # other flows' milestones, registered in every log
    assert {process for process, _ in log.process_outcomes} == {PROCESS}
    missing = sorted(name for name in names if f"`{name}`" not in text)
    assert not missing


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("courier.pickup_offset_min", 500.0, "pickup_offset_min"),
        ("centre_node", "TIANHE_AIRPORT", "centre_node"),
        ("airports", {"TIANHE_AIRPORT": 0.5}, "airports"),
    ],
)
def test_invalid_specs_are_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        with_values(load_scenario(BASELINE), {f"processes.{PROCESS}.{path}": value})


def test_every_spec_field_is_in_the_process_reference() -> None:
    """Each model of the 9610 spec has a section naming all its fields (as test_docs asks)."""
    text = (REFERENCE / "cbec_9610.md").read_text(encoding="utf-8")
    own = [
        m
        for m in _spec_models(DirectPurchaseSpec, [])
        if m.__module__ == "clearsim.models.direct_purchase"
    ]
    assert len(own) == 6
    for model in own:
        assert not _missing(_section(text, model.__name__), model.model_fields), model.__name__
