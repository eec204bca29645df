"""The inspection and agency layer does what it claims, and nothing when it is absent."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from factories import BASELINE, DAY, SCENARIOS, short_sea_import

from clearsim.models.agency import RailAgencySpec, SeaAgencySpec
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.processes.agency import office_time_end, working_day_min
from clearsim.simulation.run import RunResult, run_replication

CHEMICALS = SCENARIOS / "sea_import_chemicals_baseline.yaml"
WHITE_LIST = SCENARIOS / "sea_import_chemicals_white_list.yaml"
THIRD_PARTY = SCENARIOS / "sea_import_chemicals_third_party.yaml"
JOINT = SCENARIOS / "sea_import_chemicals_joint_inspection.yaml"
MEAT = SCENARIOS / "sea_import_meat_baseline.yaml"
CBZ = SCENARIOS / "sea_import_meat_cbz_inspection.yaml"
INSTANT = SCENARIOS / "sea_import_meat_instant_approval.yaml"
RAIL = SCENARIOS / "rail_import_baseline.yaml"
EQUIPMENT = SCENARIOS / "rail_import_equipment_baseline.yaml"
ASSESSMENT = SCENARIOS / "rail_import_equipment_conformity_assessment.yaml"
GUARANTEE = SCENARIOS / "rail_import_equipment_guarantee.yaml"

Events = dict[int, dict[str, list[float]]]


def _run(path: Path, days: float = 8) -> RunResult:
    scenario = short_sea_import(path, days=days, warmup_days=1)
    return run_replication(scenario, 0, scenario.seed)  # conftest checks every simulated log


def _events(result: RunResult) -> Events:
    seen: Events = defaultdict(lambda: defaultdict(list))
    for case, activity, _, _, time, *_ in result.log.rows:
        seen[case][result.log.activities[activity]].append(time)
    return seen


def _finished(result: RunResult) -> list[int]:
    cases = result.log.cases
    return [
        c for c in range(len(cases)) if cases.object_type[c] == "container" and cases.finished[c]
    ]


@pytest.fixture(scope="module")
def chemicals() -> RunResult:
    return _run(CHEMICALS, days=14)


# --- switch off: exactly today's log -------------------------------------------------------


@pytest.mark.parametrize("path", [BASELINE, RAIL], ids=["sea_import", "rail_import"])
def test_an_empty_agency_block_changes_no_event(path: Path) -> None:
    """An agency block with every part absent gives the event log of no block at all."""
    plain = short_sea_import(path, days=3, warmup_days=1)
    process = plain.processes[0]
    empty = SeaAgencySpec() if process.kind == "sea_import" else RailAgencySpec()
    with_block = plain.model_copy(
        update={"processes": (process.model_copy(update={"agency": empty}),)}
    )
    a, b = run_replication(plain, 0, plain.seed), run_replication(with_block, 0, plain.seed)
    assert list(a.log.rows) == list(b.log.rows)
    assert a.log.activities == b.log.activities


# --- working days: a hand-computed trace ---------------------------------------------------


def test_office_time_skips_closed_hours_and_repeats_weekly_before_minute_zero() -> None:
    """Office hours 09:00-17:00 Mon-Fri from a Monday 00:00: one working day is 480 min."""
    evenings = [(day * DAY + 1020.0, (day + 1) * DAY + 540.0) for day in range(4)]
    closed_t = ((0.0, 540.0), *evenings, (4 * DAY + 1020.0, 7 * DAY + 540.0))
    assert working_day_min(closed_t) == pytest.approx(480.0)
    # Monday 10:00 plus 480 office minutes: Tuesday 10:00.
    assert office_time_end(closed_t, 600.0, 480.0) == pytest.approx(DAY + 600.0)
    # Friday 16:00 plus 120 office minutes: 60 on Friday, 60 on Monday from 09:00 -> Mon 10:00.
    assert office_time_end(closed_t, 4 * DAY + 960.0, 120.0) == pytest.approx(7 * DAY + 600.0)
    # A week earlier (before minute 0) the calendar repeats.
    assert office_time_end(closed_t, 4 * DAY + 960.0 - 7 * DAY, 120.0) == pytest.approx(600.0)


# --- sampling and the laboratory -----------------------------------------------------------


def test_a_sampled_box_is_released_after_its_lab_report(chemicals: RunResult) -> None:
    """Release waits for the report (the box waits in the yard); the lane holds the sampling."""
    events = _events(chemicals)
    sampled = [c for c in _finished(chemicals) if "lab_test" in events[c]]
    assert len(sampled) > 10
    for case in sampled:
        done = events[case]
        assert done["sample_transport"][0] >= done["inspection"][0]
        assert done["release"][0] >= max(done["lab_report"]) >= max(done["lab_test"])
    inspected = [c for c in _finished(chemicals) if "inspection" in events[c]]
    share, n = len(sampled) / len(inspected), len(inspected)
    bound = 3 * (0.5 * 0.5 / n) ** 0.5
    assert abs(share - 0.5) <= bound, f"sampled share {share:.3f}; binomial 0.50 +- {bound:.3f}"


def test_the_white_list_samples_only_a_subset_under_common_random_numbers(
    chemicals: RunResult,
) -> None:
    """The white list only lowers the share: every box it samples was sampled in the baseline."""
    listed = _run(WHITE_LIST, days=14)
    base, reform = _events(chemicals), _events(listed)
    finished_base = set(_finished(chemicals))
    sampled_base = {c for c in finished_base if "lab_test" in base[c]}
    sampled_reform = {c for c in _finished(listed) if "lab_test" in reform[c]}
    assert sampled_reform & finished_base <= sampled_base
    expected = 0.5 * (1 - 0.8) + 0.1 * 0.8  # not listed: 0.5; listed (take-up 0.8): 0.1
    inspected = [c for c in _finished(listed) if "inspection" in reform[c]]
    share, n = len(sampled_reform) / len(inspected), len(inspected)
    bound = 3 * (expected * (1 - expected) / n) ** 0.5
    assert abs(share - expected) <= bound, (
        f"sampled share {share:.3f}; binomial {expected:.2f} +- {bound:.3f}"
    )


def test_third_party_reports_are_checked_by_an_officer_instead_of_a_lab_test() -> None:
    result = _run(THIRD_PARTY, days=14)
    events = _events(result)
    checked = [c for c in _finished(result) if "third_party_check" in events[c]]
    assert checked
    for case in checked:
        assert "lab_test" not in events[case]
        assert events[case]["release"][0] >= events[case]["third_party_check"][-1]


def test_joint_inspection_checks_at_the_port_and_samples_after_delivery() -> None:
    """The port part is a lane check before release; the rest and the lab come after delivery."""
    result = _run(JOINT, days=14)
    events = _events(result)
    joint = [c for c in _finished(result) if "joint_port_check" in events[c]]
    assert joint
    for case in joint:
        done = events[case]
        assert "inspection" not in done
        assert done["release"][0] >= done["joint_port_check"][-1]
        assert done["destination_inspection"][0] >= done["delivery"][0]
        if "lab_test" in done:
            assert done["lab_test"][0] >= done["delivery"][0] >= done["release"][0]


# --- quarantine approval -------------------------------------------------------------------


def test_no_declaration_is_lodged_before_its_permit() -> None:
    """检疫审批: every lodgement comes at or after the permit's grant; instant ones take 0."""
    for path, instant in ((MEAT, False), (INSTANT, True)):
        result = _run(path, days=8)
        events = _events(result)
        permits = [c for c in _finished(result) if "quarantine_approval" in events[c]]
        assert len(permits) > 20
        zero = 0
        for case in permits:
            done = events[case]
            start, end = done["quarantine_approval"][0], done["quarantine_approval"][-1]
            assert done["lodgement"][0] >= end - 1e-9
            zero += end == start
        if instant:
            assert zero / len(permits) > 0.6, "80% qualify for instant approval"
        else:
            assert zero == 0


# --- CBZ meat inspection -------------------------------------------------------------------


def test_cbz_boxes_are_examined_and_released_at_the_cbz_site() -> None:
    result = _run(CBZ, days=8)
    events = _events(result)
    moved = [c for c in _finished(result) if "cbz_inspection" in events[c]]
    assert moved
    for case in moved:
        done = events[case]
        assert "inspection" not in done
        assert done["gate_out"][0] <= done["bonded_transfer"][0] <= done["cbz_inspection"][0]
        assert done["release"][0] >= done["cbz_inspection"][-1]
        assert done["exit"][0] >= done["release"][0]


# --- conformity of imported equipment (rail) -----------------------------------------------


def _rail(path: Path) -> RunResult:
    scenario = load_scenario(
        path, horizon_min=8 * DAY, warmup_min=1 * DAY, drain_limit_min=14 * DAY
    )
    return run_replication(scenario, 0, scenario.seed)


@pytest.mark.parametrize(
    ("path", "step", "before_release"),
    [
        (EQUIPMENT, "conformity_inspection", True),
        (ASSESSMENT, "conformity_assessment", True),
        (GUARANTEE, "conformity_check", False),
    ],
    ids=["inspection", "documents", "guarantee"],
)
def test_conformity_paths(path: Path, step: str, before_release: bool) -> None:
    """Inspection and assessment come before release; the guarantee's check after delivery."""
    result = _rail(path)
    events = _events(result)
    boxes = [c for c in _finished(result) if step in events[c]]
    assert boxes
    for case in boxes:
        done = events[case]
        if before_release:
            assert done["release"][0] >= done[step][-1]
        else:
            assert done[step][0] >= done["delivery"][0] >= done["release"][0]


@pytest.mark.parametrize("path", [CBZ, JOINT, GUARANTEE], ids=["cbz", "joint", "guarantee"])
def test_the_fast_path_gives_the_reference_log_with_the_layer(path: Path) -> None:
    """The layer's steps request their facilities plainly: the engine option changes no event."""
    scenario = load_scenario(path, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=10 * DAY)
    reference = run_replication(scenario, 0, 17, EngineOptions(fast_path=False))
    fast = run_replication(scenario, 0, 17, EngineOptions(fast_path=True))
    assert list(reference.log.rows) == list(fast.log.rows)
