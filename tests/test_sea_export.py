"""The sea-export process does what it claims: direct loading, fallback, flows, determinism, CRN."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from factories import DAY, SCENARIOS, assert_same_run

from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import CHANNEL_NAMES
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.run import RunResult, run_replication, simulate

EXPORT_BASELINE = SCENARIOS / "sea_export_baseline.yaml"
DIRECT_LOADING = SCENARIOS / "sea_export_direct_loading.yaml"
PROCESS_PAGE = Path(__file__).resolve().parent.parent / "docs/reference/processes/sea_export.md"


def _short(path: Path) -> Scenario:
    return load_scenario(path, horizon_min=6 * DAY, warmup_min=2 * DAY, drain_limit_min=6 * DAY)


def _activities_by_case(result: RunResult) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for case, activity, *_ in result.log.rows:
        seen[case].add(result.log.activities[activity])
    return seen


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    scenario = _short(EXPORT_BASELINE)
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


@pytest.fixture(scope="module")
def direct_run() -> RunResult:
    scenario = _short(DIRECT_LOADING)
    return run_replication(scenario, 0, scenario.seed)


def test_conventional_boxes_pass_the_export_yard(baseline_run: RunResult) -> None:
    activities = _activities_by_case(baseline_run)
    cases = baseline_run.log.cases
    loaded = [
        c for c in range(len(cases)) if cases.object_type[c] == "container" and cases.finished[c]
    ]
    assert loaded
    for case in loaded:
        done = activities[case]
        assert {"gate_in", "yard_stacking", "yard_retrieval", "loading", "exit"} <= done
        assert "delivery" not in done  # an export ends on board
        channel = CHANNEL_NAMES[cases.channel[case]]
        assert ("document_review" in done) == (channel in ("yellow", "red"))
        assert ("inspection" in done) == (channel == "red")


def test_release_follows_arrival_report_for_conventional_boxes(baseline_run: RunResult) -> None:
    for outcome in shipment_outcomes(baseline_run.log):
        if np.isnan(outcome.exit_min):
            continue
        assert outcome.arrival_min <= outcome.release_min <= outcome.exit_min
        assert outcome.lodgement_min <= outcome.release_min


def test_direct_loading_boxes_skip_the_yard_and_are_released_before_arrival(
    direct_run: RunResult,
) -> None:
    activities = _activities_by_case(direct_run)
    log = direct_run.log
    outcomes = {o.case_id: o for o in shipment_outcomes(log)}
    direct = 0
    for case, done in activities.items():
        if log.cases.object_type[case] != "container" or "exit" not in done:
            continue
        if "yard_stacking" in done:
            continue
        direct += 1
        assert log.cases.direct_path[case] and log.cases.advance_declared[case]
        assert not done & {"yard_stacking", "yard_retrieval", "inspection"}
        outcome = outcomes[log.case_name(case)]
        assert outcome.release_min < outcome.arrival_min <= outcome.exit_min
    assert direct > 0
    assert direct <= sum(log.cases.direct_path)


def test_a_participant_not_released_in_time_takes_the_conventional_branch(
    direct_run: RunResult,
) -> None:
    activities = _activities_by_case(direct_run)
    log = direct_run.log
    outcomes = {o.case_id: o for o in shipment_outcomes(log)}
    late = [
        c
        for c in range(len(log.cases))
        if log.cases.direct_path[c] and "yard_stacking" in activities[c]
    ]
    assert late  # red boxes at least: inspection needs the box in the port
    for case in late:
        outcome = outcomes[log.case_name(case)]
        assert not outcome.release_min < outcome.arrival_min  # NaN or after arrival
    red = [
        c for c in range(len(log.cases)) if log.cases.direct_path[c] and log.cases.channel[c] == 3
    ]
    assert all("yard_stacking" in activities[c] for c in red)


def test_export_segments_are_reported_in_the_export_sea_flow(direct_run: RunResult) -> None:
    rows = [s for s in direct_run.summary.segments if (s.direction, s.mode) == ("export", "sea")]
    names = {s.segment for s in rows}
    assert {"arrival->release", "arrival->exit"} <= names
    everything = next(s for s in rows if s.segment == "arrival->exit" and s.channel == "all")
    assert everything.n > 0
    assert not [s for s in direct_run.summary.segments if s.direction == "import"]


def test_same_seed_same_log() -> None:
    scenario = load_scenario(
        DIRECT_LOADING, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=4 * DAY
    )
    first = run_replication(scenario, 1, 7).log
    second = run_replication(scenario, 1, 7).log
    assert first.rows == second.rows
    assert first.cases == second.cases


def test_baseline_and_reform_see_the_same_calls_and_boxes(
    baseline_run: RunResult, direct_run: RunResult
) -> None:
    """Common random numbers: the same vessel calls and the same box attributes in both."""
    base, reform = baseline_run.log, direct_run.log

    def arrivals(run: RunResult) -> list[float]:
        log = run.log
        code = log.activities.index("vessel_arrival")
        return [row[4] for row in log.rows if row[1] == code and row[4] < 6 * DAY]

    assert arrivals(baseline_run) == arrivals(direct_run)  # the runs stop at different times
    assert base.cases.object_type == reform.cases.object_type
    assert base.cases.aeo == reform.cases.aeo
    screened = [
        c for c in range(len(base.cases)) if base.cases.channel[c] and reform.cases.channel[c]
    ]
    assert screened
    assert all(base.cases.channel[c] == reform.cases.channel[c] for c in screened)
    # Non-participants keep their gate arrival.
    times_base = {o.case_id: o.arrival_min for o in shipment_outcomes(base)}
    for outcome in shipment_outcomes(reform):
        if not outcome.direct_path and not np.isnan(outcome.arrival_min):
            assert outcome.arrival_min == times_base[outcome.case_id]


def test_the_process_page_lists_every_activity(direct_run: RunResult) -> None:
    text = PROCESS_PAGE.read_text(encoding="utf-8")
    missing = [name for name in direct_run.log.activities if f"`{name}`" not in text]
    assert not missing


HERBS = SCENARIOS / "sea_export_herbs_baseline.yaml"
HERBS_BATCH = SCENARIOS / "sea_export_herbs_batch_inspection.yaml"
HERBS_REMOTE = SCENARIOS / "sea_export_herbs_remote_inspection.yaml"


@pytest.fixture(scope="module")
def herbs_runs() -> dict[str, RunResult]:
    runs = {}
    for label, path in (("base", HERBS), ("batch", HERBS_BATCH), ("remote", HERBS_REMOTE)):
        scenario = _short(path)
        runs[label] = run_replication(scenario, 0, scenario.seed)
    return runs


def _times(result: RunResult, name: str) -> dict[int, list[float]]:
    code = result.log.activities.index(name)
    seen: dict[int, list[float]] = defaultdict(list)
    for case, activity, _, lifecycle, time, *_ in result.log.rows:
        if activity == code and lifecycle == 2:  # complete
            seen[case].append(time)
    return seen


def test_statutory_goods_are_declared_only_after_their_inspection(
    herbs_runs: dict[str, RunResult],
) -> None:
    """法检 at the exporter's premises: the lodgement waits for the result (电子底账)."""
    run = herbs_runs["base"]
    inspected, lodged = _times(run, "statutory_inspection"), _times(run, "lodgement")
    assert inspected
    for case, (done,) in inspected.items():
        assert lodged[case][0] >= done
    assert not _times(run, "batch_inspection_covered")  # batch inspection is off


def test_batch_inspection_covers_later_boxes_of_a_batch(herbs_runs: dict[str, RunResult]) -> None:
    base, batch = herbs_runs["base"], herbs_runs["batch"]
    covered = _times(batch, "batch_inspection_covered")
    inspected = _times(batch, "statutory_inspection")
    assert covered and inspected
    assert not set(covered) & set(inspected)
    # Same boxes (CRN): every covered box declared in the baseline was inspected there.
    declared = set(covered) & set(_times(base, "lodgement"))
    assert declared and declared <= set(_times(base, "statutory_inspection"))
    n = len(covered) + len(inspected)
    share = len(covered) / n
    # Theory: pilot share x P(not the first of a Poisson(4) batch) = 0.8 x E[1 - 1/N; N >= 1].
    later = sum(math.exp(-4) * 4**k / math.factorial(k) * (1 - 1 / k) for k in range(1, 60))
    theory = 0.8 * later
    tolerance = 4 * math.sqrt(theory * (1 - theory) / n)
    assert abs(share - theory) <= tolerance, (
        f"covered share {share:.3f} over {n} boxes; theory {theory:.3f} +- {tolerance:.3f}"
    )


def test_remote_inspection_examines_selected_statutory_boxes_at_origin(
    herbs_runs: dict[str, RunResult],
) -> None:
    """远程属地查检: video before the declaration, no yard move, transfer or lane at the port."""
    base, remote = herbs_runs["base"], herbs_runs["remote"]
    video, lodged = _times(remote, "video_inspection"), _times(remote, "lodgement")
    assert video
    activities = _activities_by_case(remote)
    for case, (done,) in video.items():
        assert lodged[case][0] >= done
        assert not activities[case] & {"yard_move", "inspection_transfer", "inspection"}
        assert CHANNEL_NAMES[remote.log.cases.channel[case]] == "red"
    laned_base = set(_times(base, "inspection"))
    assert set(video) <= laned_base  # the same selected boxes went to the lane in the baseline
    assert len(_times(remote, "inspection")) < len(laned_base)


def test_the_goods_stream_keeps_the_calls_and_boxes_of_its_reforms(
    herbs_runs: dict[str, RunResult],
) -> None:
    base = herbs_runs["base"].log
    for label in ("batch", "remote"):
        reform = herbs_runs[label].log
        assert reform.cases.object_type == base.cases.object_type
        screened = [
            c for c in range(len(base.cases)) if base.cases.channel[c] and reform.cases.channel[c]
        ]
        assert screened  # the runs stop at different times: compare the boxes screened in both
        assert all(base.cases.channel[c] == reform.cases.channel[c] for c in screened)


def test_the_herbs_reforms_change_only_their_rule() -> None:
    base = load_scenario(HERBS).processes[0]
    for path, block in ((HERBS_BATCH, "batch"), (HERBS_REMOTE, "remote")):
        reform = load_scenario(path).processes[0]
        assert reform.export_inspection is not None and base.export_inspection is not None
        assert reform.model_copy(update={"export_inspection": base.export_inspection}) == base, (
            path.name
        )
        changed = {
            name
            for name in type(base.export_inspection).model_fields
            if getattr(reform.export_inspection, name) != getattr(base.export_inspection, name)
        }
        assert changed == {block}, path.name


@pytest.mark.parametrize("path", [HERBS_BATCH, HERBS_REMOTE], ids=["batch", "remote"])
def test_the_goods_stream_gives_the_same_log_on_the_fast_path(path: Path) -> None:
    """Rule 3: the engine's fast path keeps the reference model's log with the goods stream on."""
    scenario = load_scenario(path, horizon_min=4 * DAY, warmup_min=DAY, drain_limit_min=10 * DAY)
    reference = simulate(scenario, 0, 17, EngineOptions(fast_path=False))
    fast = simulate(scenario, 0, 17, EngineOptions(fast_path=True))
    assert_same_run(fast, reference)


def test_an_absent_goods_stream_leaves_the_scenario_hash_alone() -> None:
    """The block is left out of the scenario JSON when absent: stored runs stay valid."""
    baseline = load_scenario(EXPORT_BASELINE)
    assert "export_inspection" not in baseline.canonical_json()
    assert "export_inspection" in load_scenario(HERBS).canonical_json()
