"""Comparisons with a reference: paired under common random numbers, Welch otherwise, Bonferroni."""

from __future__ import annotations

import pytest
from factories import station_scenario

from clearsim.analysis.comparison import Difference, compare, difference_mark
from clearsim.analysis.statistics import Estimate
from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.simulation.run import run_summary

REPLICATIONS = 4


def _runs(scenario: Scenario, seed: int = 1) -> list[RunSummary]:
    return [run_summary(scenario, r, seed) for r in range(REPLICATIONS)]


def _mmc(servers: int) -> Scenario:
    """M/M/c lanes, 10 arrivals/h, 15 min service: rho = 0.83 with 3 lanes, 0.63 with 4."""
    return station_scenario(
        servers, 10.0, {"kind": "exponential", "mean_min": 15.0}, 3000.0, warmup_min=500.0
    )


@pytest.fixture(scope="module")
def three() -> list[RunSummary]:
    return _runs(_mmc(3))


def _mean_exit(differences: list[Difference], scenario: str) -> Difference:
    return next(
        d
        for d in differences
        if (d.scenario, d.segment, d.channel, d.statistic)
        == (scenario, "arrival->exit", "all", "mean_h")
    )


def test_a_fourth_lane_is_a_significant_paired_saving(three: list[RunSummary]) -> None:
    """Same seed, same replications: paired; a 4th server cuts the time in system (Erlang C:
    Wq falls from 21.1 to 3.2 min), and the interval excludes zero."""
    differences = compare(three, {"four_lanes": _runs(_mmc(4))})
    saving = _mean_exit(differences, "four_lanes")
    assert saving.paired and saving.confidence == pytest.approx(0.95)
    assert saving.estimate.mean < 0 and saving.significant


def test_other_seeds_are_compared_with_welch(three: list[RunSummary]) -> None:
    differences = compare(three, {"four_lanes_other_seed": _runs(_mmc(4), seed=99)})
    assert not _mean_exit(differences, "four_lanes_other_seed").paired


def test_bonferroni_widens_each_interval_when_several_are_compared(
    three: list[RunSummary],
) -> None:
    four = _runs(_mmc(4))
    one = _mean_exit(compare(three, {"a": four}), "a")
    two = _mean_exit(compare(three, {"a": four, "b": four}), "a")
    assert two.confidence == pytest.approx(0.975)
    assert two.estimate.mean == one.estimate.mean
    assert two.estimate.half_width > one.estimate.half_width


def test_a_scenario_against_itself_differs_by_exactly_nothing(three: list[RunSummary]) -> None:
    same = _mean_exit(compare(three, {"same": three}), "same")
    assert same.estimate.mean == 0 and same.estimate.half_width == 0 and not same.significant


@pytest.mark.parametrize(
    ("estimate", "statistic", "mark"),
    [
        (Estimate(-2.5, 0.4, 10), "mean_h", " *"),  # material: 2.5 h
        (Estimate(0.0004, 0.0001, 10), "share_24h", " °"),  # excludes 0, shows as 0.0%
        (Estimate(0.03, 0.01, 10), "mean_h", " °"),  # two minutes: detectable, not material
        (Estimate(-0.2, 0.5, 10), "mean_h", ""),  # the interval holds 0
        (Estimate(-0.2, float("nan"), 1), "mean_h", ""),  # no interval
        (Estimate(-0.006, 0.001, 10), "utilisation", " *"),
    ],
)
def test_marks_tell_material_from_merely_detectable(
    estimate: Estimate, statistic: str, mark: str
) -> None:
    """A 0.0% difference whose tiny interval excludes 0 is never starred as material."""
    assert difference_mark(estimate, statistic) == mark
