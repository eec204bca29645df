"""Statistics across replications: Student-t confidence intervals of a mean."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean across replications with its two-sided t confidence interval.

    ``half_width`` is NaN with fewer than two finite values (no spread to estimate); ``n`` counts
    the replications that had a value (a channel with no case in a replication has none).
    """

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        """Lower confidence limit."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper confidence limit."""
        return self.mean + self.half_width


def t_quantile(confidence: float, degrees_of_freedom: int) -> float:
    """Two-sided Student-t critical value, e.g. 2.262 for 95% and 9 degrees of freedom."""
    return float(stats.t.ppf(0.5 + confidence / 2, degrees_of_freedom))


def mean_confidence_interval(
    values: Sequence[float], confidence: float = DEFAULT_CONFIDENCE
) -> Estimate:
    """Mean of the finite ``values`` and the half-width ``t * s / sqrt(n)``."""
    finite = [v for v in values if math.isfinite(v)]
    n = len(finite)
    if n == 0:
        return Estimate(math.nan, math.nan, 0)
    mean = math.fsum(finite) / n
    if n == 1:
        return Estimate(mean, math.nan, 1)
    variance = math.fsum((v - mean) ** 2 for v in finite) / (n - 1)
    return Estimate(mean, t_quantile(confidence, n - 1) * math.sqrt(variance / n), n)


def paired_difference(
    treatment: Sequence[float], reference: Sequence[float], confidence: float = DEFAULT_CONFIDENCE
) -> Estimate:
    """Mean of ``treatment[r] - reference[r]`` with its paired-t interval.

    The two sequences are per-replication values of two scenarios run with the same root seed
    and replication numbers (common random numbers), so their differences are paired; pairs
    where either value is missing (NaN) are dropped.
    """
    if len(treatment) != len(reference):
        raise ValueError("paired values need the same replications on both sides")
    return mean_confidence_interval(
        [t - r for t, r in zip(treatment, reference, strict=True)], confidence
    )
