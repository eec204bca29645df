"""Calibration an analyst can audit: fitted targets on baselines only, validation held out."""

from __future__ import annotations

import pytest
from factories import SCENARIOS

from clearsim.flows.calibration.cases import Effect
from clearsim.flows.calibration.take_up import take_up_paths, take_up_table
from clearsim.flows.calibration.targets import TARGETS, VALIDATION, Target
from clearsim.models.records import RunSummary, SegmentStat
from clearsim.models.vocabulary import TRS_SEGMENTS, segment_name
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.scenarios.reform_rules import check_file

SEGMENTS = {segment_name(a, b) for a, b in TRS_SEGMENTS}


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.scenario}:{t.segment}")
def test_a_calibration_target_is_fitted_on_a_baseline(target: Target) -> None:
    check = check_file(SCENARIOS / target.scenario)
    assert check is None or check.kind != "reform", (
        f"{target.scenario} is a reform: no reform parameter may be fitted to a published figure"
    )
    assert target.fitted, "a calibration target names the parameters fitted to it"
    assert target.reform is None


@pytest.mark.parametrize("target", VALIDATION, ids=lambda t: f"{t.reform or t.scenario}")
def test_a_validation_figure_is_fitted_to_nothing(target: Target) -> None:
    assert not target.fitted


@pytest.mark.parametrize("target", TARGETS + VALIDATION, ids=lambda t: t.scenario + t.segment)
def test_every_figure_says_what_it_covers_and_resolves(target: Target) -> None:
    assert target.quote and target.covers and target.source and target.published
    assert target.segment in SEGMENTS
    assert target.statistic in {"mean_h", "median_h"}
    scenario = load_scenario(SCENARIOS / target.scenario)
    with_values(scenario, dict(target.values))
    if target.reform:
        assert check_file(SCENARIOS / target.reform).kind == "reform"  # type: ignore[union-attr]


def test_every_published_reform_effect_is_held_out() -> None:
    """The reform files with a published effect appear in validation, never in the fitted set."""
    fitted = {t.scenario for t in TARGETS}
    held_out = {t.reform or t.scenario for t in VALIDATION}
    assert {"sea_import_ship_side_pickup.yaml", "sea_export_direct_loading.yaml"} <= held_out
    assert not fitted & held_out


class _FakeRunner:
    """Summaries whose mean arrival->release falls by 10 h times the take-up (0.8 as shipped)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, float] | None]] = []

    def summaries(self, file: str, values: dict[str, float] | None = None) -> list[RunSummary]:
        self.calls.append((file, values))
        share = 0.0 if "baseline" in file else next(iter((values or {"x": 0.8}).values()))
        return [_summary(r, 30.0 + r - 10.0 * share) for r in range(4)]


def _summary(replication: int, mean_h: float) -> RunSummary:
    stat = SegmentStat("export", "sea", "arrival->release", "all", 10, mean_h, mean_h, mean_h,
                       0.5, 0.9)  # fmt: skip
    return RunSummary(
        scenario_hash="x", replication=replication, root_seed=1, arrived=10, completed=10,
        in_system=0, measured=10, censored=0, events=0, end_time_min=0.0, segments=(stat,),
        resources=(), outcomes=(), overlong=(),
    )  # fmt: skip


def test_the_take_up_table_sets_every_take_up_share_of_a_reform() -> None:
    effect = Effect(
        "direct loading", "sea_export_direct_loading.yaml", "sea_export_baseline.yaml", "export",
        "sea",
    )  # fmt: skip
    no_take_up = Effect("7x24", "sea_import_7x24.yaml", "sea_import_baseline.yaml", "import", "sea")
    runner = _FakeRunner()
    table = take_up_table(runner, [effect, no_take_up])
    (row,) = [line for line in table.splitlines() if line.startswith("| direct loading")]
    assert row.split(" | ")[2:] == ["-2.0 ± 0.0", "-4.0 ± 0.0", "-6.0 ± 0.0", "-8.0 ± 0.0",
                                    "-10.0 ± 0.0 |"]  # fmt: skip
    assert "7x24" not in table  # a reform without a take-up share has no row
    path = "processes.yangluo_export.direct_loading.share"
    assert ("sea_export_direct_loading.yaml", None) in runner.calls  # 0.8: the file as shipped
    assert ("sea_export_direct_loading.yaml", {path: 0.2}) in runner.calls


def test_a_composed_reform_sets_every_take_up_share_against_the_baseline() -> None:
    paths = take_up_paths("sea_import_two_step_advance.yaml", "sea_import_baseline.yaml")
    assert sorted(paths) == [
        "processes.yangluo_import.declaration.advance_share",
        "processes.yangluo_import.declaration.two_step.share",
    ]
