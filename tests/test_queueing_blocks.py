"""Engine blocks of the station flow against their closed forms (architecture rule 9).

Each block (finite capacity with loss or blocking, balking and reneging, feedback) runs a
validation scenario (``scenarios/validation``) for several replications; every comparison is
``|simulated mean - theory| <= t * s / sqrt(k)`` at 99% confidence, the theory in the message.
Blocking after service has no simple closed form: a hand-computed deterministic trace instead.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from clearsim.analysis.queueing import (
    birth_death,
    bulk_service,
    erlang_b,
    erlang_c,
    mg1_preemptive_resume,
    mm1_feedback,
    mmc_impatient,
    mmc_mean_wait,
    mmck,
)
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.scenario import Scenario
from clearsim.models.station_flow import StationFlowSpec
from clearsim.models.vocabulary import MILESTONES, Lifecycle
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog, check_event_log
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.processes.station_flow.process import served_by_lines
from clearsim.simulation.run import RunResult, run_replication

VALIDATION = Path(__file__).resolve().parents[1] / "scenarios" / "validation"
REPLICATIONS = 10
CONFIDENCE = 0.99
ARRIVAL, EXIT = MILESTONES.index("arrival"), MILESTONES.index("exit")


@cache
def _runs(name: str) -> tuple[Scenario, list[RunResult]]:
    scenario = load_scenario(VALIDATION / f"{name}.yaml")
    runs = [run_replication(scenario, r, scenario.seed) for r in range(REPLICATIONS)]
    for run in runs:
        check_event_log(run.log)
    return scenario, runs


def _flow(scenario: Scenario) -> tuple[int, float, float]:
    """Servers, arrival rate per minute and mean service minutes of the one-stage flow."""
    flow = scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    servers = scenario.resources[flow.stages[0].resource].capacity
    return (
        servers,
        flow.arrivals.mean_rate_per_min(scenario.horizon_min),
        flow.stages[0].service_min.mean,
    )


def _measured(run: RunResult, scenario: Scenario) -> np.ndarray:
    window = Window(scenario.warmup_min, scenario.horizon_min)
    return measured_cases(run.log, milestone_times(run.log), window)


def _outcome_share(run: RunResult, scenario: Scenario, outcome: str) -> float:
    """Share of measured arrivals that ended with ``outcome``."""
    measured = _measured(run, scenario)
    activity, case = run.log.column("activity"), run.log.column("case")
    code = run.log.activities.index(outcome)
    ended = np.zeros(measured.size, dtype=bool)
    ended[case[activity == code]] = True
    return float((ended & measured).sum() / measured.sum())


def _served_wait(run: RunResult, scenario: Scenario) -> float:
    waits = resource_waits(run.log, "inspection_lanes")
    keep = _measured(run, scenario)[waits.case]
    return float(waits.wait[keep].mean())


def _batch_member_wait(run: RunResult, scenario: Scenario) -> float:
    """Customers' mean wait for a batch: their own instances of the batch stage's activity."""
    log = run.log
    cols = log.columns()
    mine = cols["activity"] == log.activities.index("inspection")
    shipment = np.asarray(log.cases.shipment, dtype=bool)[cols["case"][mine]]
    case, lifecycle = cols["case"][mine][shipment], cols["lifecycle"][mine][shipment]
    instance, time = cols["instance"][mine][shipment], cols["time"][mine][shipment]
    assert (cols["resource"][mine][shipment] == NO_RESOURCE).all()  # the batch holds the server
    start_of = dict(zip(instance[lifecycle == 1].tolist(), time[lifecycle == 1].tolist(),
                        strict=True))  # fmt: skip
    joined = lifecycle == 0
    served = np.array([i in start_of for i in instance[joined].tolist()])
    waits = (
        np.array([start_of[i] for i in instance[joined][served].tolist()]) - time[joined][served]
    )
    keep = _measured(run, scenario)[case[joined][served]]
    return float(waits[keep].mean())


def _within(simulated: list[float], theory: float, label: str) -> None:
    estimate = mean_confidence_interval(simulated, CONFIDENCE)
    print(
        f"{label}: simulated {estimate.mean:.4f} ± {estimate.half_width:.4f}, theory {theory:.4f}"
    )
    assert abs(estimate.mean - theory) <= estimate.half_width, (label, estimate, theory)


def test_birth_death_reproduces_erlang_c_and_erlang_b() -> None:
    """The numerical chain against the textbook closed forms (Gross et al. 2.3, 2.6)."""
    mu, lam = 1 / 60, 2.4 / 60
    p = birth_death(lambda n: lam, lambda n: mu * min(n, 3), 400)
    assert math.isclose(float(p[3:].sum()), erlang_c(3, 2.4), rel_tol=1e-9)
    assert math.isclose(mmck(3, 3, lam, 60).loss_probability, erlang_b(3, 2.4), rel_tol=1e-12)
    assert math.isclose(erlang_b(1, 1.0), 0.5)  # B(1, a) = a / (1 + a)
    patient = mmc_impatient(3, lam, 60, mean_patience=1e12, states=400)
    assert math.isclose(patient.mean_wait_served, mmc_mean_wait(3, lam, 60), rel_tol=1e-6)


def test_erlang_b_loss_probability() -> None:
    """M/M/3/3 at a = 2.4: loss probability B(3, 2.4) = 0.2684 (Erlang B)."""
    scenario, runs = _runs("erlang_b")
    servers, rate, service = _flow(scenario)
    theory = erlang_b(servers, rate * service)
    assert math.isclose(theory, 0.26841, rel_tol=1e-4)
    _within([_outcome_share(r, scenario, "lost") for r in runs], theory, "Erlang B P(loss)")


def test_mmck_loss_and_wait_of_admitted() -> None:
    """M/M/3/6 at a = 2.7: P(loss) = p_6 = 0.1284, Wq admitted = Lq / (lambda (1 - p_6)) = 21.14."""
    scenario, runs = _runs("mmck")
    servers, rate, service = _flow(scenario)
    theory = mmck(servers, 6, rate, service)
    _within(
        [_outcome_share(r, scenario, "lost") for r in runs],
        theory.loss_probability,
        "M/M/3/6 P(loss)",
    )
    _within(
        [_served_wait(r, scenario) for r in runs], theory.mean_wait, "M/M/3/6 Wq admitted (min)"
    )


def test_erlang_a_with_balking() -> None:
    """M/M/3+M, patience mean 60 min, balking 0.2 at a = 2.7: birth-death solution (Erlang A)."""
    scenario, runs = _runs("erlang_a")
    servers, rate, service = _flow(scenario)
    theory = mmc_impatient(servers, rate, service, mean_patience=60.0, balk_probability=0.2)
    _within(
        [_outcome_share(r, scenario, "balked") for r in runs], theory.balk_probability, "P(balk)"
    )
    _within(
        [_outcome_share(r, scenario, "reneged") for r in runs],
        theory.renege_probability,
        "P(renege)",
    )
    _within([_served_wait(r, scenario) for r in runs], theory.mean_wait_served, "Wq served (min)")


def test_mm1_feedback_matches_jackson() -> None:
    """M/M/1, feedback 0.25: node rate 1.4/h, rho 0.7, L = 2.333, sojourn L / lambda = 133.3 min."""
    scenario, runs = _runs("feedback")
    _, rate, service = _flow(scenario)
    theory = mm1_feedback(rate, service, 0.25)
    sojourns, passes = [], []
    for run in runs:
        times = milestone_times(run.log)
        measured = _measured(run, scenario)
        sojourns.append(float(np.mean(times[measured, EXIT] - times[measured, ARRIVAL])))
        waits = resource_waits(run.log, "inspection_lanes")
        passes.append(float(measured[waits.case].sum() / measured.sum()))
    _within(passes, 1 / (1 - 0.25), "passes per customer 1 / (1 - p)")
    _within(sojourns, theory.mean_sojourn, "Jackson total sojourn (min)")


def test_lost_and_abandoned_cases_are_never_released_and_are_counted() -> None:
    """Conservation: arrivals = exits + outcomes + in system; no lost or reneged case released."""
    for name, outcomes in (("erlang_b", ("lost",)), ("erlang_a", ("balked", "reneged"))):
        _, runs = _runs(name)
        for run in runs[:3]:
            log = run.log
            times = milestone_times(log)
            activity, case = log.column("activity"), log.column("case")
            left = np.zeros(len(log.cases), dtype=bool)
            for outcome in outcomes:
                left[case[activity == log.activities.index(outcome)]] = True
            released = ~np.isnan(times[:, MILESTONES.index("release")])
            exited = ~np.isnan(times[:, EXIT])
            assert not (left & (released | exited)).any()
            summary = run.summary
            assert summary.arrived == int(exited.sum()) + int(left.sum()) + summary.in_system
            assert summary.completed == int(exited.sum()) + int(left.sum())


def _trace_scenario(when_full: str, times: list[float]) -> Scenario:
    stage = {"kind": "deterministic"}
    return Scenario.model_validate(
        {
            "name": "trace",
            "kind": "terminating",
            "horizon_min": 100.0,
            "warmup_min": 0.0,
            "drain_limit_min": 1000.0,
            "seed": 1,
            "network": {"nodes": {"SITE": {"kind": "inspection_area", "lat": 30.0, "lon": 114.0}}},
            "resources": {
                "a": {"capacity": 1, "node": "SITE"},
                "b": {"capacity": 1, "node": "SITE"},
            },
            "processes": [
                {
                    "kind": "station_flow",
                    "name": "trace",
                    "node": "SITE",
                    "arrivals": {"kind": "fixed_times", "times_min": times},
                    "stages": [
                        {
                            "activity": "scan",
                            "resource": "a",
                            "service_min": {**stage, "value_min": 2.0},
                        },
                        {
                            "activity": "examine",
                            "resource": "b",
                            "service_min": {**stage, "value_min": 5.0},
                            "capacity": {"limit": 1, "when_full": when_full},
                        },
                    ],
                }
            ],
        }
    )


def _rows(log: EventLog) -> list[tuple[int, str, str, float]]:
    names = ("schedule", "start", "complete")
    return [
        (case, log.activities[activity], names[lifecycle], time)
        for case, activity, _, lifecycle, time, _, _ in log.rows
        if log.activities[activity] in ("scan", "examine", "exit", "lost")
        and lifecycle != Lifecycle.SCHEDULE
    ]


def test_blocking_after_service_hand_computed_trace() -> None:
    """Two single-server stages (2 min, 5 min), room for one at the second, arrivals 0, 1, 2.

    c0: scan 0-2, examine 2-7, exit 7. c1: scan 2-4, blocked holding the scanner until 7,
    examine 7-12, exit 12. c2: the scanner is held by c1 until 7: scan 7-9, blocked until 12,
    examine 12-17, exit 17.
    """
    result = run_replication(_trace_scenario("block", [0.0, 1.0, 2.0]), 0, 1)
    check_event_log(result.log)
    got = sorted(
        (c, a, lc, t) for c, a, lc, t in _rows(result.log) if lc != "complete" or a != "exit"
    )
    expected = sorted(
        [
            (0, "scan", "start", 0.0), (0, "scan", "complete", 2.0),
            (0, "examine", "start", 2.0), (0, "examine", "complete", 7.0),
            (1, "scan", "start", 2.0), (1, "scan", "complete", 4.0),
            (1, "examine", "start", 7.0), (1, "examine", "complete", 12.0),
            (2, "scan", "start", 7.0), (2, "scan", "complete", 9.0),
            (2, "examine", "start", 12.0), (2, "examine", "complete", 17.0),
        ]
    )  # fmt: skip
    assert [r for r in got if r[1] != "exit"] == expected
    exits = {c: t for c, a, _, t in _rows(result.log) if a == "exit"}
    assert exits == {0: 7.0, 1: 12.0, 2: 17.0}
    assert result.summary.arrived == result.summary.completed == 3


def test_loss_at_a_full_stage_hand_computed_trace() -> None:
    """The same line with loss: c1 finds c0 examined (2-7) and is lost at 4; c2 scans 4-6, lost."""
    result = run_replication(_trace_scenario("lose", [0.0, 1.0, 2.0]), 0, 1)
    check_event_log(result.log)
    lost = {c: t for c, a, _, t in _rows(result.log) if a == "lost"}
    assert lost == {1: 4.0, 2: 6.0}
    assert {c: t for c, a, _, t in _rows(result.log) if a == "exit"} == {0: 7.0}


@pytest.mark.parametrize(
    "name", ["erlang_b", "mmck", "erlang_a", "feedback", "preemptive", "bulk_service"]
)
def test_a_flow_with_blocks_refuses_the_fast_path(name: str) -> None:
    flow = load_scenario(VALIDATION / f"{name}.yaml").processes[0]
    assert isinstance(flow, StationFlowSpec)
    assert not served_by_lines(flow, frozenset({"inspection_lanes"}))


def test_preemptive_resume_formula_reduces_to_textbook_cases() -> None:
    """One class: M/M/1's 1 / (mu - lambda); the top class ignores the classes below it."""
    lam, mean = 0.02, 30.0
    (alone,) = mg1_preemptive_resume([lam], [mean], [2 * mean**2])
    assert math.isclose(alone, 1 / (1 / mean - lam))
    top, _ = mg1_preemptive_resume([lam, 0.01], [mean, mean], [2 * mean**2] * 2)
    assert math.isclose(top, alone)


def test_two_class_mm1_preemptive_resume_matches_kleinrock() -> None:
    """M/M/1, rho 0.7, urgent share 0.3 first: T_urgent = 37.97 min, T_routine = 126.6 min."""
    scenario, runs = _runs("preemptive")
    _, rate, service = _flow(scenario)
    flow = scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    ordered = sorted(flow.classes, key=lambda c: c.priority)
    second = flow.stages[0].service_min.variance + service**2
    theory = mg1_preemptive_resume(
        [rate * c.share for c in ordered], [service] * len(ordered), [second] * len(ordered)
    )
    assert math.isclose(theory[0], 37.975, rel_tol=1e-3)
    for spec, expected in zip(ordered, theory, strict=True):
        sojourns = []
        for run in runs:
            times = milestone_times(run.log)
            chosen = _measured(run, scenario) & (np.asarray(run.log.cases.case_class) == spec.name)
            sojourns.append(float(np.mean(times[chosen, EXIT] - times[chosen, ARRIVAL])))
        _within(sojourns, expected, f"class {spec.name} mean sojourn (min)")


def test_preempted_service_is_resumed_hand_computed_trace() -> None:
    """One lane, preemptive; a routine box at 0 and an urgent one at 4 (two flows), 10 min each.

    The routine box is served 0-4, the urgent one 4-14, the routine box resumes 14-20 (its 6 min
    left): two instances of its inspection.
    """

    def flow(name: str, at: float, priority: int) -> dict[str, object]:
        return {
            "kind": "station_flow",
            "name": name,
            "node": "SITE",
            "arrivals": {"kind": "fixed_times", "times_min": [at]},
            "classes": [{"name": name, "share": 1.0, "priority": priority}],
            "stages": [
                {
                    "activity": "scan",
                    "resource": "lane",
                    "service_min": {"kind": "deterministic", "value_min": 10.0},
                    "preemptive": True,
                }
            ],
        }

    scenario = Scenario.model_validate(
        {
            "name": "trace",
            "kind": "terminating",
            "horizon_min": 100.0,
            "warmup_min": 0.0,
            "drain_limit_min": 1000.0,
            "seed": 1,
            "network": {"nodes": {"SITE": {"kind": "inspection_area", "lat": 30.0, "lon": 114.0}}},
            "resources": {"lane": {"capacity": 1, "node": "SITE"}},
            "processes": [flow("routine", 0.0, 1), flow("urgent", 4.0, 0)],
        }
    )
    result = run_replication(scenario, 0, 1)
    check_event_log(result.log)
    log = result.log
    pieces = sorted(
        (log.cases.case_class[case], lc, t)
        for case, activity, _, lc, t, _, _ in log.rows
        if log.activities[activity] == "scan"
    )
    assert pieces == [
        ("routine", Lifecycle.SCHEDULE, 0.0),
        ("routine", Lifecycle.SCHEDULE, 4.0),
        ("routine", Lifecycle.START, 0.0),
        ("routine", Lifecycle.START, 14.0),
        ("routine", Lifecycle.COMPLETE, 4.0),
        ("routine", Lifecycle.COMPLETE, 20.0),
        ("urgent", Lifecycle.SCHEDULE, 4.0),
        ("urgent", Lifecycle.START, 4.0),
        ("urgent", Lifecycle.COMPLETE, 14.0),
    ]
    exits = {
        log.cases.case_class[case]: t
        for case, activity, _, _, t, _, _ in log.rows
        if log.activities[activity] == "exit"
    }
    assert exits == {"routine": 20.0, "urgent": 14.0}


def _bulk_ctmc_mean_queue(arrival_rate: float, mean_service: float, batch: int) -> float:
    """Mean number waiting of M/M^[N]/1 from its CTMC (idle; busy with q waiting), truncated."""
    mu, top = 1.0 / mean_service, 600
    states = top + 2  # 0: idle; 1 + q: busy with q waiting
    generator = np.zeros((states, states))
    generator[0, 1] = arrival_rate
    for q in range(top + 1):
        if q < top:
            generator[1 + q, 2 + q] += arrival_rate
        generator[1 + q, 0 if q == 0 else 1 + q - min(q, batch)] += mu
    np.fill_diagonal(generator, -generator.sum(axis=1))
    system = np.vstack([generator.T, np.ones(states)])
    rhs = np.zeros(states + 1)
    rhs[-1] = 1.0
    p = np.linalg.lstsq(system, rhs, rcond=None)[0]
    return float(np.sum(np.arange(top + 1) * p[1:]))


@pytest.mark.parametrize(("rate", "service", "batch"), [(1 / 60, 120.0, 3), (2.4 / 60, 60.0, 3)])
def test_bulk_service_root_solution_matches_its_ctmc(
    rate: float, service: float, batch: int
) -> None:
    """Gross and Harris' r0 solution of M/M^[N]/1 against the numerically solved chain."""
    closed = bulk_service(rate, service, batch)
    assert math.isclose(
        closed.mean_queue, _bulk_ctmc_mean_queue(rate, service, batch), rel_tol=1e-6
    )
    (single,) = [bulk_service(rate, service / 3, 1).mean_wait]  # N = 1 is M/M/1
    assert math.isclose(single, mmc_mean_wait(1, rate, service / 3), rel_tol=1e-9)


def test_bulk_service_mean_wait_matches_gross_harris() -> None:
    """M/M^[3]/1, lambda 2.4/h, 60 min per batch (rho 0.8): r0 = 0.8925, Wq = 198.7 min."""
    scenario, runs = _runs("bulk_service")
    _, rate, service = _flow(scenario)
    theory = bulk_service(rate, service, 3)
    assert math.isclose(
        theory.mean_wait, _bulk_ctmc_mean_queue(rate, service, 3) / rate, rel_tol=1e-6
    )
    _within([_batch_member_wait(r, scenario) for r in runs], theory.mean_wait,
            "M/M^[3]/1 Wq (min)")  # fmt: skip
    for run in runs:  # the server's busy time counts each batch once: utilisation below 1
        lanes = next(r for r in run.summary.resources if r.resource == "inspection_lanes")
        assert 0.0 < lanes.utilisation <= 1.0, lanes


def test_blocking_keeps_the_stage_within_its_limit_and_conserves_customers() -> None:
    """A random tandem line blocking at its second stage: never more than the limit there.

    Customers at the second stage are those scheduled there and not yet complete; everyone who
    arrived exits or is still in the system (blocking loses nobody).
    """
    base = _trace_scenario("block", [0.0])
    flow = base.processes[0]
    assert isinstance(flow, StationFlowSpec)
    process = flow.model_dump(mode="json")
    process["arrivals"] = {"kind": "poisson", "rate_per_hour": 20.0}
    process["stages"][0]["service_min"] = {"kind": "exponential", "mean_min": 2.5}
    process["stages"][1]["service_min"] = {"kind": "exponential", "mean_min": 2.8}
    process["stages"][1]["capacity"] = {"limit": 2, "when_full": "block"}
    scenario = Scenario.model_validate(
        {**base.model_dump(mode="json"), "horizon_min": 3000.0, "processes": [process]}
    )
    for replication in range(3):
        result = run_replication(scenario, replication, 7)
        check_event_log(result.log)
        log = result.log
        examine = log.activities.index("examine")
        changes = sorted(
            (t, -1 if lc == Lifecycle.COMPLETE else 1)
            for _, activity, _, lc, t, _, _ in log.rows
            if activity == examine and lc != Lifecycle.START
        )
        assert max(np.cumsum([change for _, change in changes])) <= 2
        scan = log.activities.index("scan")
        scanned = {c: t for c, a, _, lc, t, _, _ in log.rows if a == scan and lc == 2}
        joined = {c: t for c, a, _, lc, t, _, _ in log.rows if a == examine and lc == 0}
        assert any(t > scanned[c] for c, t in joined.items())  # somebody was blocked
        summary = result.summary
        exited = int(np.isfinite(milestone_times(log)[:, EXIT]).sum())
        assert (
            summary.arrived == exited + summary.in_system == summary.completed + summary.in_system
        )
