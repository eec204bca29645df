"""Statistics across replications, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from simulation.statistics import mean_confidence_interval, paired_difference


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
