"""Statistics across replications, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from factories import MMC
from scipy import stats

from clearsim.analysis.output_analysis import (
    Truncation,
    batch_means,
    mser5,
    relative_precision_reached,
    sequential_replications,
)
from clearsim.analysis.statistics import (
    bonferroni_confidence,
    mean_confidence_interval,
    paired_difference,
    welch_difference,
)
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import run_summary


def test_paired_difference_by_hand() -> None:
    """Differences 1, 2, 1, 2: mean 1.5, s = sqrt(1/3), t(0.975, 3) = 3.1824; hw = 0.9187."""
    estimate = paired_difference([5, 7, 9, 6], [4, 5, 8, 4])
    assert estimate.mean == 1.5 and estimate.n == 4
    assert estimate.half_width == pytest.approx(3.182446 * math.sqrt(1 / 3) / 2, rel=1e-5)


def test_pairing_beats_independent_intervals_under_common_random_numbers() -> None:
    """Positively correlated pairs: the paired interval is far narrower than either side's."""
    reference = [10.0, 14.0, 9.0, 13.0, 11.0]
    treatment = [r - 2.0 + 0.1 * i for i, r in enumerate(reference)]
    paired = paired_difference(treatment, reference)
    assert paired.half_width < 0.2 * mean_confidence_interval(reference).half_width


def test_paired_difference_drops_missing_pairs_and_checks_lengths() -> None:
    assert paired_difference([1.0, math.nan, 3.0], [0.0, 1.0, 1.0]).n == 2
    with pytest.raises(ValueError, match="same replications"):
        paired_difference([1.0], [1.0, 2.0])


def test_welch_matches_the_closed_form() -> None:
    """[1, 2, 3, 4] vs [2, 4, 6]: difference -1.5, Welch-Satterthwaite df 3.235 (scipy agrees)."""
    first, second = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0]
    estimate = welch_difference(first, second)
    a, b = (5 / 3) / 4, 4 / 3
    dof = (a + b) ** 2 / (a**2 / 3 + b**2 / 2)
    assert dof == pytest.approx(3.2347, abs=1e-4)
    assert estimate.mean == -1.5
    assert estimate.half_width == pytest.approx(
        float(stats.t.ppf(0.975, dof)) * math.sqrt(a + b), rel=1e-12
    )
    low, high = stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95)
    assert (estimate.low, estimate.high) == pytest.approx((low, high), rel=1e-9)


def test_bonferroni_splits_the_error_rate() -> None:
    """Four comparisons at family 95%: each at 98.75%, so each uses t(1 - 0.05/8)."""
    assert bonferroni_confidence(0.95, 4) == pytest.approx(0.9875)
    assert bonferroni_confidence(0.95, 1) == pytest.approx(0.95)
    with pytest.raises(ValueError, match="comparisons"):
        bonferroni_confidence(0.95, 0)


def test_mser5_by_hand() -> None:
    """Batch means [10, 0, 0, 0]: statistic 75/16 at d=0, 0 at d=1 -> truncate 5 observations."""
    series = [10.0] * 5 + [1.0, -1.0, 1.0, -1.0, 0.0] * 3
    truncation = mser5(series)
    assert truncation == Truncation(observations=5, batches=1, reliable=True)


def test_mser5_flags_a_run_too_short_for_steady_state() -> None:
    """A series that keeps rising has its minimum at the edge of the searched half."""
    truncation = mser5([float(i) for i in range(100)])
    assert truncation.batches == 10 and not truncation.reliable
    with pytest.raises(ValueError, match="20 observations"):
        mser5([1.0] * 19)


def test_mser5_finds_a_known_transient() -> None:
    """An exponential transient of time constant 100 observations, then noise around 0."""
    rng = np.random.default_rng(7)
    t = np.arange(5000)
    series = 20.0 * np.exp(-t / 100.0) + rng.standard_normal(t.size)
    truncation = mser5(series.tolist())
    assert truncation.reliable and 150 <= truncation.observations <= 900


def test_batch_means_by_hand() -> None:
    """1..20 in 4 batches: means 3, 8, 13, 18; s = 6.455; hw = 3.1824 * 6.455 / 2 = 10.27."""
    estimate = batch_means([float(i) for i in range(1, 21)], batches=4)
    assert estimate.mean == 10.5 and estimate.n == 4
    assert estimate.half_width == pytest.approx(3.182446 * math.sqrt(125 / 3) / 2, rel=1e-5)


def test_batch_means_widen_the_interval_of_correlated_output() -> None:
    """AR(1) with phi 0.9: the variance of the mean is (1 + phi) / (1 - phi) = 19 times the iid
    one, so batch means' half-width is about sqrt(19) = 4.36 times the naive interval's."""
    rng = np.random.default_rng(11)
    noise = rng.standard_normal(200_000)
    series = np.empty_like(noise)
    series[0] = noise[0]
    for i in range(1, noise.size):
        series[i] = 0.9 * series[i - 1] + noise[i]
    ratio = (
        batch_means(series.tolist(), batches=20).half_width
        / mean_confidence_interval(series.tolist()).half_width
    )
    assert 3.0 < ratio < 6.0


def test_sequential_replications_stop_at_the_first_precise_estimate() -> None:
    """Stops exactly when half-width / |mean| <= gamma / (1 + gamma), not one replication later."""
    values = [10.0, 14.0, 9.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 12.0] * 10
    result = sequential_replications(values.__getitem__, gamma=0.05, initial=3)
    assert result.reached
    assert relative_precision_reached(result.estimate, 0.05)
    earlier = mean_confidence_interval(result.values[:-1])
    assert len(result.values) == 3 or not relative_precision_reached(earlier, 0.05)


def test_sequential_replications_give_up_at_the_maximum() -> None:
    result = sequential_replications(lambda r: (-1.0) ** r, gamma=0.1, initial=2, maximum=12)
    assert not result.reached and len(result.values) == 12


def test_mser5_warmup_of_a_run_with_a_start_up_transient() -> None:
    """MSER-5 cuts a start-up transient and little else.

    M/M/3 overloaded for its first 3,000 min (rho 1.5), then at rho 0.5: a queue builds and
    drains, so MSER-5 must cut past the overload; the same stage at rho 0.5 throughout from empty
    needs almost no warm-up (its steady state is near the empty start).
    """
    transient = load_scenario(
        MMC,
        warmup_min=0,
        horizon_min=60_000,
        processes=[
            {
                "kind": "station_flow",
                "name": "inspection_queue",
                "node": "INSPECTION_AREA",
                "arrivals": {
                    "kind": "piecewise_poisson",
                    "segment_min": 3000,
                    "rates_per_hour": [4.5, 1.5],
                    "cyclic": False,
                },
                "stages": [
                    {
                        "activity": "inspection",
                        "resource": "inspection_lanes",
                        "service_min": {"kind": "exponential", "mean_min": 60},
                        "milestone_on_complete": "release",
                    }
                ],
            }
        ],
    )
    steady = load_scenario(
        MMC,
        warmup_min=0,
        horizon_min=60_000,
        processes=[
            {**transient.processes[0].model_dump(mode="json"), "arrivals": {
                "kind": "poisson", "rate_per_hour": 1.5}}
        ],
    )  # fmt: skip
    cut = [run_summary(transient, r, 11).warmup_mser5_min for r in range(3)]
    assert all(c > 3000 for c in cut), cut
    calm = [run_summary(steady, r, 11).warmup_mser5_min for r in range(3)]
    assert all(c < 3000 for c in calm), calm
    terminating = load_scenario(MMC, kind="terminating", horizon_min=20_000, warmup_min=0)
    assert math.isnan(run_summary(terminating, 0, 11).warmup_mser5_min)
