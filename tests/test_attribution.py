"""Cause attribution: every case's segments split into causes that add up to the segment.

A hand-computed trace pins each cause's minutes; the M/M/3 validation stage's queueing share
matches Erlang C's mean wait; every activity a process registers has a cause.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from clearsim.analysis.queueing import mmc_mean_wait
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.scenario import Scenario
from clearsim.models.station_flow import StationFlowSpec
from clearsim.models.vocabulary import CAUSES, FLOW_MILESTONES, MILESTONES, TRS_SEGMENTS
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog, check_event_log
from clearsim.simulation.metrics.attribution import case_causes, segment_causes
from clearsim.simulation.metrics.cases import Window, milestone_times
from clearsim.simulation.metrics.cause_table import ACTIVITY_CAUSES, END_GAPS, ROOTS
from clearsim.simulation.run import RunResult, _run_calendars, run_replication

ROOT = Path(__file__).resolve().parents[1]
OFFICE = [(480.0, 1020.0), (1920.0, 2460.0)]  # 08:00-17:00 on two days


def _trace() -> EventLog:
    """Three boxes; the officers work office hours (closed at the boxes' arrival).

    Box A arrives at 0, lodges at 60, is screened 60-70, queues for review from 70: the desk
    is closed until 480 (410 min calendar wait), then box B's review holds the one officer until
    500 (20 min queueing); A's review is 500-530, its duty paid 530-560, and it is released at 600
    after its vessel's arrival confirmation (40 min carrier). Its truck is booked 600-660, gates
    out 660-670 (exit at 670). Box C lodged 120 min before its arrival at 0.
    """
    log = EventLog(nodes=("PORT",), resources=("officers", "gates"))
    log.declare_flow("import", "sea")
    codes = {name: log.activity(name) for name in (*MILESTONES, "risk_screening")}
    for name in ("document_review", "tax_payment", "truck_booking", "gate_out"):
        codes[name] = log.activity(name)
    a, b, c = (log.new_case("container", "p") for _ in range(3))
    officers, gates = log.resource("officers"), log.resource("gates")
    rows: list[tuple[int, int, int, int, float, int, int]] = []

    def milestone(case: int, name: str, time: float) -> None:
        rows.append((case, codes[name], log.new_instance(), 2, time, 0, NO_RESOURCE))

    def step(case: int, name: str, times: tuple[float, float, float], res: int) -> None:
        instance = log.new_instance()
        for phase, time in enumerate(times):
            rows.append((case, codes[name], instance, phase, time, 0, res))

    milestone(c, "lodgement", -120.0)
    for case in (a, b, c):
        milestone(case, "arrival", 0.0)
    milestone(a, "lodgement", 60.0)
    step(a, "risk_screening", (60.0, 60.0, 70.0), NO_RESOURCE)
    milestone(b, "lodgement", 30.0)
    step(b, "document_review", (30.0, 480.0, 500.0), officers)
    step(a, "document_review", (70.0, 500.0, 530.0), officers)
    step(a, "tax_payment", (530.0, 530.0, 560.0), NO_RESOURCE)
    milestone(a, "release", 600.0)
    step(a, "truck_booking", (600.0, 600.0, 660.0), NO_RESOURCE)
    step(a, "gate_out", (660.0, 660.0, 670.0), gates)
    milestone(a, "exit", 670.0)
    for row in sorted(rows, key=lambda r: r[4]):
        log.emit(row)
    for case in (a, b, c):
        log.cases.finished[case] = True
    return log


def _minutes(table: np.ndarray, case: int) -> dict[str, float]:
    return {name: m for name, m in zip(CAUSES, table[case].tolist(), strict=True) if m}


def test_hand_computed_trace() -> None:
    """Calendar wait, queueing, service and the parties' minutes, each as computed by hand."""
    log = _trace()
    check_event_log(log)
    tables = case_causes(log, Window(0, 100), {"officers": OFFICE})
    assert _minutes(tables["arrival->release"], 0) == pytest.approx(
        {"declarant": 60 + 30, "service": 10 + 30, "calendar": 410, "queueing": 20, "carrier": 40}
    )
    assert _minutes(tables["arrival->lodgement"], 0) == {"declarant": 60}
    assert _minutes(tables["lodgement->release"], 0) == pytest.approx(
        {"declarant": 30, "service": 40, "calendar": 410, "queueing": 20, "carrier": 40}
    )
    assert _minutes(tables["release->exit"], 0) == {"consignee": 60, "service": 10}
    assert sum(_minutes(tables["arrival->exit"], 0).values()) == pytest.approx(670)
    # Lodged ahead: the negative arrival->lodgement is the declarant's, whole.
    assert _minutes(tables["arrival->lodgement"], 2) == {"declarant": -120}
    assert np.isnan(tables["arrival->release"][2]).all()  # never released
    # Open all day, the same wait is queueing only.
    always = case_causes(log, Window(0, 100), {})
    assert _minutes(always["arrival->release"], 0)["queueing"] == 430


def test_segment_causes_by_hand() -> None:
    """Per flow, mean hours per cause, their shares of the segment, and its case count."""
    log = _trace()
    rows = {
        (r.segment, r.cause): r for r in segment_causes(log, Window(0, 100), {"officers": OFFICE})
    }
    assert len(rows) == 5 * len(CAUSES)
    calendar = rows["arrival->release", "calendar"]
    assert (calendar.n, calendar.mean_h) == (1, pytest.approx(410 / 60))
    assert calendar.share == pytest.approx(410 / 600)
    lodged = rows["arrival->lodgement", "declarant"]
    assert (lodged.n, lodged.mean_h) == (3, pytest.approx((60 + 30 - 120) / 3 / 60))


@pytest.fixture(scope="module")
def runs() -> list[tuple[Scenario, RunResult]]:
    """One replication of a few baselines, shortened."""
    found = []
    for name in (
        "sea_import_baseline",
        "sea_export_baseline",
        "rail_import_baseline",
        "air_cargo_baseline",
        "cbec_9610_baseline",
    ):
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        found.append((scenario, run_replication(scenario, 0, 7)))
    return found


def test_causes_sum_to_every_cases_segment(runs: list[tuple[Scenario, RunResult]]) -> None:
    """Property: for every measured case and segment, the causes add up to the segment."""
    for scenario, result in runs:
        log = result.log
        check_event_log(log)
        window = Window(scenario.warmup_min, scenario.horizon_min)
        times = milestone_times(log)
        end = result.summary.end_time_min
        tables = case_causes(log, window, _run_calendars(scenario, end), times)
        for name, table in tables.items():
            start, stop = name.split("->")
            span = times[:, MILESTONES.index(stop)] - times[:, MILESTONES.index(start)]
            defined = ~np.isnan(table[:, 0])
            # A segment from or to a milestone only some flows record is empty without them.
            unrecorded = any(
                m in FLOW_MILESTONES and np.isnan(times[:, MILESTONES.index(m)]).all()
                for m in (start, stop)
            )
            assert defined.any() or name == "arrival->lodgement" or unrecorded, (
                scenario.name,
                name,
            )
            np.testing.assert_allclose(table[defined].sum(axis=1), span[defined], atol=1e-6)
            assert (table[defined][span[defined] >= 0] >= -1e-9).all(), (scenario.name, name)
        means = {
            (s.direction, s.mode, s.segment): s.mean_h
            for s in result.summary.segments
            if s.channel == "all" and s.n
        }
        for key, mean in means.items():
            parts = [
                c.mean_h for c in result.summary.causes if (c.direction, c.mode, c.segment) == key
            ]
            assert sum(parts) == pytest.approx(mean, abs=1e-9), (scenario.name, key)


def test_sea_import_arrival_to_release_is_mostly_the_declarants(
    runs: list[tuple[Scenario, RunResult]],
) -> None:
    """The baseline lodges most declarations hours after arrival: the declarant's time leads."""
    _, result = runs[0]
    rows = {
        c.cause: c
        for c in result.summary.causes
        if (c.direction, c.mode, c.segment) == ("import", "sea", "arrival->release")
    }
    assert max(rows.values(), key=lambda c: c.mean_h).cause == "declarant"
    assert rows["calendar"].mean_h > 0


def test_queueing_matches_erlang_c(mmc_scenario: Scenario, mmc_runs: list[RunResult]) -> None:
    """M/M/3 at rho 0.8 (always open): arrival->release's queueing is Wq = 64.72 min."""
    flow = mmc_scenario.processes[0]
    assert isinstance(flow, StationFlowSpec)
    servers = mmc_scenario.resources[flow.stages[0].resource].capacity
    rate = flow.arrivals.mean_rate_per_min(mmc_scenario.horizon_min)
    theory = mmc_mean_wait(servers, rate, flow.stages[0].service_min.mean)
    simulated = []
    for run in mmc_runs:
        (queueing,) = [
            c.mean_h * 60
            for c in run.summary.causes
            if (c.segment, c.cause) == ("arrival->release", "queueing")
        ]
        simulated.append(queueing)
        calendar = [c.mean_h for c in run.summary.causes if c.cause == "calendar" and c.n]
        assert not any(calendar)
    estimate = mean_confidence_interval(simulated, 0.99)
    print(f"queueing (min): simulated {estimate.mean:.4f} ± {estimate.half_width:.4f}, "
          f"Erlang C Wq {theory:.4f}")  # fmt: skip
    assert abs(estimate.mean - theory) <= estimate.half_width


def _registered_activities() -> set[str]:
    """Every activity with a duration the processes register (not milestones, not outcomes)."""
    names = set()
    for path in (ROOT / "simulation" / "processes").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'\b(?:a|log\.activity)\("([a-z0-9_]+)"(, milestone=True)?', text):
            if not match.group(2) and match.group(1) not in MILESTONES:
                names.add(match.group(1))
    return names


def test_every_registered_activity_has_a_cause() -> None:
    registered = _registered_activities()
    assert len(registered) > 60  # the scan finds the processes' activities
    assert registered <= set(ACTIVITY_CAUSES), sorted(registered - set(ACTIVITY_CAUSES))
    for name, cause in ACTIVITY_CAUSES.items():
        assert cause.own in CAUSES and cause.gap in CAUSES, name
    assert set(END_GAPS.values()) <= set(CAUSES) and set(ROOTS) <= set(ACTIVITY_CAUSES)
    # Every milestone that ends a TRS segment names who holds the case just before it.
    assert {end for _, end in TRS_SEGMENTS} <= set(END_GAPS)
