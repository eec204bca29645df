"""Perishable air imports (鲜活农产品, SEED-003 s13): spoilage clock, sampling, the two rules."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from factories import DAY, SCENARIOS
from pydantic import ValidationError

from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import CHANNEL_NAMES
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.shifts import closed_intervals
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "air_cargo_baseline.yaml"
FRESH = SCENARIOS / "air_cargo_fresh_baseline.yaml"
GREEN = SCENARIOS / "air_cargo_fresh_green_channel.yaml"
APPOINTMENT = SCENARIOS / "air_cargo_fresh_7x24.yaml"
FRESH_SPEC = "processes.tianhe_air.perishables"
TEAM = "tianhe_appointment_inspection"


def _short(path: Path, days: float = 4) -> Scenario:
    return load_scenario(path, horizon_min=days * DAY, warmup_min=DAY, drain_limit_min=4 * DAY)


def _run(scenario: Scenario) -> RunResult:
    return run_replication(scenario, 0, scenario.seed)  # conftest checks the log


def _events(result: RunResult) -> dict[int, list[tuple[str, int, float, int]]]:
    """Per case: (activity, lifecycle, time, resource code) in recording order."""
    log = result.log
    found: dict[int, list[tuple[str, int, float, int]]] = defaultdict(list)
    for case, activity, _, cycle, time, _, resource in log.rows:
        found[case].append((log.activities[activity], cycle, time, resource))
    return found


def _perishable(result: RunResult) -> list[int]:
    cases = result.log.cases
    return [c for c in range(len(cases)) if cases.case_class[c] == "perishable"]


def _durations(result: RunResult, activity: str) -> dict[int, float]:
    """Start-to-complete time of each case's (first) ``activity``."""
    spans: dict[int, float] = {}
    for case, rows in _events(result).items():
        start = [t for a, cycle, t, _ in rows if a == activity and cycle == 1]
        end = [t for a, cycle, t, _ in rows if a == activity and cycle == 2]
        if start and end:
            spans[case] = end[0] - start[0]
    return spans


@pytest.fixture(scope="module")
def fresh_run() -> RunResult:
    return _run(_short(FRESH))


@pytest.fixture(scope="module")
def appointment_run() -> RunResult:
    return _run(_short(APPOINTMENT))


def test_without_the_class_nothing_is_perishable() -> None:
    """air_cargo_baseline registers no perishable activity and leaves its hash unchanged."""
    scenario = _short(BASELINE, days=2)
    result = _run(scenario)
    assert not {"spoiled", "rapid_test", "lab_test", "appointment_wait"} & set(
        result.log.activities
    )
    assert "perishable" not in set(result.log.cases.case_class)
    assert "perishables" not in scenario.processes[0].model_dump()


def test_only_imports_are_perishable_at_about_their_share(fresh_run: RunResult) -> None:
    cases = fresh_run.log.cases
    imports = [
        c
        for c in range(len(cases))
        if cases.object_type[c] == "shipment" and cases.direction[c] == "import"
    ]
    fresh = _perishable(fresh_run)
    assert fresh
    assert all(cases.direction[c] == "import" for c in fresh)
    share = len(fresh) / len(imports)
    assert 0.10 < share < 0.20, f"perishable share {share:.3f}, spec 0.15 ({len(imports)} imports)"


def test_a_perishable_is_spoiled_exactly_when_delivered_after_its_shelf_life() -> None:
    """Deterministic shelf life: spoiled iff delivery - arrival > shelf life."""
    shelf_min = 12 * 60.0
    scenario = with_values(
        _short(FRESH, days=3),
        {f"{FRESH_SPEC}.shelf_life_min": {"kind": "deterministic", "value_min": shelf_min}},
    )
    result = _run(scenario)
    events = _events(result)
    spoiled = delivered = 0
    for case in _perishable(result):
        times = {a: t for a, cycle, t, _ in events[case] if cycle == 2}
        if "delivery" not in times:
            assert "spoiled" not in times
            continue
        delivered += 1
        late = times["delivery"] - times["arrival"] > shelf_min
        assert ("spoiled" in times) == late, case
        spoiled += late
    assert delivered and spoiled, (delivered, spoiled)
    others = set(range(len(result.log.cases))) - set(_perishable(result))
    assert not any(a == "spoiled" for c in others for a, *_ in events.get(c, []))


def test_perishables_are_red_more_often(fresh_run: RunResult) -> None:
    cases = fresh_run.log.cases
    fresh = [c for c in _perishable(fresh_run) if cases.channel[c]]
    red = sum(CHANNEL_NAMES[cases.channel[c]] == "red" for c in fresh) / len(fresh)
    assert 0.15 < red < 0.45, f"perishable red share {red:.3f}, spec 0.30 (S83), n={len(fresh)}"


def test_a_sampled_perishable_waits_for_the_lab_or_the_rapid_test() -> None:
    """The result comes from the customs laboratory (transport, a bench, the report: the agency
    layer's steps) or, under the green channel, the rapid test; the release waits for it."""
    lab = f"{FRESH_SPEC}.laboratory"
    values = {
        f"{lab}.transport_min": {"kind": "deterministic", "value_min": 100},
        f"{lab}.bench_min": {"kind": "deterministic", "value_min": 200},
        f"{lab}.report_min": {"kind": "deterministic", "value_min": 700},
        f"{FRESH_SPEC}.rapid_test_min": {"kind": "deterministic", "value_min": 10},
        f"{FRESH_SPEC}.sampling_share": 1.0,
    }
    steps = {"sample_transport": 100.0, "lab_test": 200.0, "lab_report": 700.0}
    for path, expected in ((FRESH, steps), (GREEN, {"rapid_test": 10.0})):
        result = _run(with_values(_short(path, days=3), values))
        fresh = set(_perishable(result))
        inspected = {c for c in _durations(result, "inspection") if c in fresh}
        assert inspected
        for activity, minutes in expected.items():
            spans = _durations(result, activity)
            assert set(spans) <= fresh and inspected <= set(spans), activity
            assert all(t == pytest.approx(minutes) for t in spans.values()), activity
        last = list(expected)[-1]
        events = _events(result)
        other_path = {"lab_test", "rapid_test"} - set(expected)
        assert not other_path & {a for rows in events.values() for a, *_ in rows}
        for case in inspected:
            release = [t for a, cycle, t, _ in events[case] if a == "release"]
            result_at = [t for a, cycle, t, _ in events[case] if a == last and cycle == 2]
            assert not release or release[0] >= result_at[0], case


@pytest.mark.parametrize("activity", ["document_review", "inspection"])
def test_green_channel_serves_no_other_shipment_while_a_perishable_waits(activity: str) -> None:
    """Priority (绿色通道): no other case starts while a perishable queued before it still waits."""
    result = _run(_short(GREEN, days=6))
    fresh = set(_perishable(result))
    spans: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for case, rows in _events(result).items():
        queued = [t for a, cycle, t, _ in rows if a == activity and cycle == 0]
        started = [t for a, cycle, t, _ in rows if a == activity and cycle == 1]
        if queued and started:
            spans[case in fresh].append((queued[0], started[0]))
    assert spans[True] and spans[False]
    assert any(b > a for a, b in spans[True])  # some perishables did queue
    for _, other_start in spans[False]:
        assert not any(q < other_start < s for q, s in spans[True]), other_start


def test_appointment_team_works_only_off_hours_and_only_for_perishables(
    fresh_run: RunResult, appointment_run: RunResult
) -> None:
    """Each step on the team follows an appointment booked while officers and lanes were closed."""
    scenario = _short(APPOINTMENT)
    office = scenario.calendars["office_hours"]  # the officers' and the lanes' calendar
    closed = closed_intervals(office, scenario.start, 30 * DAY)
    log = appointment_run.log
    team = log.resources.index(TEAM)
    fresh = set(_perishable(appointment_run))
    events = _events(appointment_run)
    on_team = [c for c, rows in events.items() if any(r == team for *_, r in rows)]
    assert on_team and set(on_team) <= fresh
    for case in on_team:
        rows = events[case]
        for i, (activity, cycle, _, resource) in enumerate(rows):
            if resource == team and cycle == 0:
                booked = [t for a, c, t, _ in rows[:i] if a == "appointment_wait" and c == 1]
                assert booked, case
                assert any(a <= booked[-1] < b for a, b in closed), (case, booked[-1])
                assert activity in {"document_review", "inspection"}
    leads = _durations(appointment_run, "appointment_wait").values()
    assert leads and all(30 <= lead <= 120 for lead in leads), "uniform 30-120 min"
    base_team = fresh_run.log.resources.index(TEAM)
    assert not any(row[6] == base_team for row in fresh_run.log.rows)
    assert "appointment_wait" not in {
        fresh_run.log.activities[row[1]] for row in fresh_run.log.rows
    }


def test_rules_leave_other_shipments_draws_alone(
    fresh_run: RunResult, appointment_run: RunResult
) -> None:
    """CRN: the same perishables, classes and channels in the fresh baseline and a reform."""
    base, reform = fresh_run.log.cases, appointment_run.log.cases
    n = min(len(base), len(reform))
    assert n > 100
    for column in ("object_type", "direction", "case_class", "destination"):
        assert getattr(base, column)[:n] == getattr(reform, column)[:n], column
    both = [c for c in range(n) if base.channel[c] and reform.channel[c]]
    assert all(base.channel[c] == reform.channel[c] for c in both)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({f"{FRESH_SPEC}.share": 0.0, f"{FRESH_SPEC}.green_channel": True}, "share 0"),
        ({f"{FRESH_SPEC}.risk": {"green": 0.5, "yellow": 0.1, "red": 0.1}}, "channel rates"),
        ({f"{FRESH_SPEC}.appointment_resource": "nowhere"}, "nowhere"),
        ({f"{FRESH_SPEC}.sampling_share": 1.5}, "sampling_share"),
    ],
)
def test_invalid_perishable_specs_are_refused(values: dict[str, object], message: str) -> None:
    scenario = load_scenario(FRESH)
    with pytest.raises((ValidationError, ValueError), match=message):
        with_values(scenario, values)
