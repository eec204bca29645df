"""Calibration an analyst can audit: fitted targets on baselines only, validation held out."""

from __future__ import annotations

import pytest
from factories import SCENARIOS

from clearsim.flows.calibration.targets import TARGETS, VALIDATION, Target
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
