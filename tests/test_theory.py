"""Queueing-theory validation (architecture rule 9): M/M/c, priorities, Little, conservation.

Every comparison is ``|simulated mean - theory| <= t * s / sqrt(k)`` over k replications at 99%
confidence, with the analytic value derived from the scenario spec and printed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from factories import station_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearsim.analysis.queueing import erlang_c, mmc_mean_wait, mmc_priority_waits
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.scenario import Scenario
from clearsim.models.station_flow import StationFlowSpec
from clearsim.simulation.kernel.shifts import open_intervals
from clearsim.simulation.log.recorder import check_event_log
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits, service_intervals
from clearsim.simulation.run import RunResult, run_replication

CONFIDENCE = 0.99


def _stage(scenario: Scenario) -> tuple[int, float, float]:
    """Servers, arrival rate per minute and mean service minutes of the one-stage flow."""
    flow = scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    servers = scenario.resources[flow.stages[0].resource].capacity
    rate = flow.arrivals.mean_rate_per_min(scenario.horizon_min)
    return servers, rate, flow.stages[0].service_min.mean


def _measured_waits(result: RunResult, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Waits of the measured customers, and their case ids."""
    waits = resource_waits(result.log, "inspection_lanes")
    window = Window(scenario.warmup_min, scenario.horizon_min)
    measured = measured_cases(result.log, milestone_times(result.log), window)
    keep = measured[waits.case]
    return waits.wait[keep], waits.case[keep]


def _within(simulated: list[float], theory: float, label: str) -> None:
    estimate = mean_confidence_interval(simulated, CONFIDENCE)
    print(
        f"{label}: simulated {estimate.mean:.4f} ± {estimate.half_width:.4f}, theory {theory:.4f}"
    )
    assert abs(estimate.mean - theory) <= estimate.half_width, (label, estimate, theory)


def test_erlang_c_formula_textbook_value() -> None:
    """C(3, 2.4) = 11.52 / 17.8 = 0.64719 by hand (sum a^k/k! = 6.28; a^3/3! * 3/0.6 = 11.52)."""
    assert math.isclose(erlang_c(3, 2.4), 11.52 / 17.8, rel_tol=1e-12)
    assert math.isclose(erlang_c(1, 0.5), 0.5)  # M/M/1: P(wait) = rho


def test_mmc_mean_wait_matches_erlang_c(mmc_scenario: Scenario, mmc_runs: list[RunResult]) -> None:
    """M/M/3 at rho 0.8: Wq = C(3, 2.4) / (3 mu - lambda) = 0.6472 / 0.6 h = 64.72 min."""
    servers, rate, service = _stage(mmc_scenario)
    theory = mmc_mean_wait(servers, rate, service)
    assert math.isclose(theory, 64.719, rel_tol=1e-4)
    simulated = [float(_measured_waits(r, mmc_scenario)[0].mean()) for r in mmc_runs]
    _within(simulated, theory, "M/M/3 mean wait (min)")


def test_mmc_probability_of_waiting_matches_erlang_c(
    mmc_scenario: Scenario, mmc_runs: list[RunResult]
) -> None:
    """P(wait > 0) in M/M/3 at a = 2.4 is C(3, 2.4) = 0.6472."""
    servers, rate, service = _stage(mmc_scenario)
    theory = erlang_c(servers, rate * service)
    simulated = [float((_measured_waits(r, mmc_scenario)[0] > 0).mean()) for r in mmc_runs]
    _within(simulated, theory, "M/M/3 P(wait > 0)")


def test_mmc_utilisation_is_rho_by_both_estimators(
    mmc_scenario: Scenario, mmc_runs: list[RunResult]
) -> None:
    """Utilisation = lambda E[S] / c = 0.8, from busy time and from throughput x service."""
    servers, rate, service = _stage(mmc_scenario)
    theory = rate * service / servers
    busy = [r.summary.resources[0].utilisation for r in mmc_runs]
    check = [r.summary.resources[0].utilisation_check for r in mmc_runs]
    _within(busy, theory, "utilisation (busy time)")
    _within(check, theory, "utilisation (throughput x mean service)")
    for a, b in zip(busy, check, strict=True):
        assert abs(a - b) < 0.01


def test_priority_class_waits_match_cobham(
    priority_scenario: Scenario, priority_runs: list[RunResult]
) -> None:
    """Non-preemptive M/M/3, AEO share 0.3 first: W_aeo = 17.03 min, W_general = 85.16 min."""
    servers, rate, service = _stage(priority_scenario)
    flow = priority_scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    rates = [rate * c.share for c in sorted(flow.classes, key=lambda c: c.priority)]
    theory = mmc_priority_waits(servers, rates, service)
    for index, name in enumerate(c.name for c in sorted(flow.classes, key=lambda c: c.priority)):
        simulated = []
        for run in priority_runs:
            waits, cases = _measured_waits(run, priority_scenario)
            is_class = np.array([run.log.cases.case_class[c] == name for c in cases.tolist()])
            simulated.append(float(waits[is_class].mean()))
        _within(simulated, theory[index], f"class {name} mean wait (min)")


def test_the_run_summary_reports_erlang_cs_probability_of_waiting(
    mmc_scenario: Scenario, mmc_runs: list[RunResult]
) -> None:
    """What ``clearsim run --json`` prints: resources[].wait_probability, C(3, 2.4) = 0.6472."""
    servers, rate, service = _stage(mmc_scenario)
    theory = erlang_c(servers, rate * service)
    _within([r.summary.resources[0].wait_probability for r in mmc_runs], theory, "P(wait)")
    (group,) = mmc_runs[0].summary.waits  # one stage, one class: one group
    assert group.wait_probability == mmc_runs[0].summary.resources[0].wait_probability


def test_the_run_summary_reports_cobhams_waits_per_class(
    priority_scenario: Scenario, priority_runs: list[RunResult]
) -> None:
    """What ``clearsim run --json`` prints: waits[] per class, W_aeo 17.03, W_general 85.16 min."""
    servers, rate, service = _stage(priority_scenario)
    flow = priority_scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    ordered = sorted(flow.classes, key=lambda c: c.priority)
    theory = mmc_priority_waits(servers, [rate * c.share for c in ordered], service)
    for index, spec in enumerate(ordered):
        simulated = [
            next(w.mean_wait_min for w in r.summary.waits if w.case_class == spec.name)
            for r in priority_runs
        ]
        _within(simulated, theory[index], f"class {spec.name} mean wait in the summary (min)")


def test_littles_law_on_the_queue(mmc_scenario: Scenario, mmc_runs: list[RunResult]) -> None:
    """Lq = lambda Wq on every replication (time-average queue vs arrival rate x mean wait)."""
    length = mmc_scenario.horizon_min - mmc_scenario.warmup_min
    for run in mmc_runs:
        stat = run.summary.resources[0]
        waits, _ = _measured_waits(run, mmc_scenario)
        arrival_rate = waits.size / length
        little = arrival_rate * float(waits.mean())
        print(f"Lq {stat.mean_queue_length:.4f} vs lambda Wq {little:.4f}")
        assert math.isclose(stat.mean_queue_length, little, rel_tol=0.03)


def test_conservation_arrivals_equal_completed_plus_in_system(mmc_runs: list[RunResult]) -> None:
    """Counts kept by the processes agree with each other and with the log."""
    for run in mmc_runs:
        summary = run.summary
        assert summary.arrived == summary.completed + summary.in_system
        times = milestone_times(run.log)
        assert int(np.isfinite(times[:, 0]).sum()) == summary.arrived
        assert int(np.isfinite(times[:, 3]).sum()) == summary.completed


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    servers=st.integers(min_value=1, max_value=4),
    rho=st.floats(min_value=0.3, max_value=0.98),
    service_kind=st.sampled_from(["exponential", "lognormal", "deterministic"]),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_more_lanes_never_raise_the_wait_under_crn(
    servers: int, rho: float, service_kind: str, seed: int
) -> None:
    """FCFS with the same customers (CRN): one more lane never lengthens anybody's wait."""
    service = {
        "exponential": {"kind": "exponential", "mean_min": 30.0},
        "lognormal": {"kind": "lognormal", "median_min": 25.0, "sigma": 0.6},
        "deterministic": {"kind": "deterministic", "value_min": 30.0},
    }[service_kind]
    mean = {"exponential": 30.0, "lognormal": 25.0 * math.exp(0.18), "deterministic": 30.0}
    rate = rho * servers / mean[service_kind] * 60
    horizon = 400 / rate * 60  # about 400 customers
    waits = []
    for lanes in (servers, servers + 1):
        scenario = station_scenario(lanes, rate, service, horizon, seed=seed, kind="terminating")
        result = run_replication(scenario, 0, seed)
        check_event_log(result.log)
        waits.append(resource_waits(result.log, "lanes"))
    fewer, more = waits
    assert np.array_equal(fewer.case, more.case)
    assert np.all(more.wait <= fewer.wait + 1e-9)
    assert more.wait.mean() <= fewer.wait.mean() + 1e-9


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(
    servers=st.integers(min_value=1, max_value=3),
    rho=st.floats(min_value=0.05, max_value=1.5),
    office=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_utilisation_counts_staffed_time_by_the_calendar(
    servers: int, rho: float, office: bool, seed: int
) -> None:
    """Busy time within the calendar's hours never exceeds its staffed time; beyond it is overrun.

    Services start only while staffed; one that runs past closing adds busy time beyond the
    staffed time, so utilisation (over the calendar's staffed time, as the offered load is) may
    pass 100% by exactly that overrun, and never by more.
    """
    calendar = (
        {"kind": "weekly", "shifts": [{"days": ["mon", "tue"], "start": "08:00", "end": "16:00"}]}
        if office
        else None
    )
    rate = rho * servers / 30.0 * 60
    scenario = station_scenario(
        servers,
        rate,
        {"kind": "exponential", "mean_min": 30.0},
        3 * 1440.0,
        calendar=calendar,
        kind="terminating",
        seed=seed,
    )
    result = run_replication(scenario, 0, seed)
    check_event_log(result.log)
    stat = result.summary.resources[0]
    assert 0.0 <= stat.available_fraction <= 1.0
    if stat.available_fraction == 0:
        return
    window = Window(scenario.warmup_min, scenario.horizon_min)
    (spec,) = scenario.resources.values()
    opened = open_intervals(scenario.calendars[spec.calendar], scenario.start, window.end_min)
    served = service_intervals(result.log)
    start, end = served.start, np.where(np.isnan(served.complete), window.end_min, served.complete)
    started = ~np.isnan(start)
    start, end = start[started], end[started]
    in_window = start[start < window.end_min]
    assert all(any(a <= t < b for a, b in opened) for t in in_window)  # never off shift

    def busy_within(a: float, b: float) -> float:
        return float(np.clip(np.minimum(end, b) - np.maximum(start, a), 0, None).sum())

    staffed = servers * sum(
        max(0.0, min(b, window.end_min) - max(a, window.start_min)) for a, b in opened
    )
    inside = sum(busy_within(max(a, window.start_min), min(b, window.end_min)) for a, b in opened)
    total = busy_within(window.start_min, window.end_min)
    assert stat.available_fraction * servers * window.length_min == pytest.approx(staffed)
    assert inside <= staffed + 1e-6
    assert stat.utilisation == pytest.approx(total / staffed)
    assert stat.utilisation <= 1.0 + (total - inside) / staffed + 1e-9
