"""Statistics across replications: t intervals of a mean, paired (CRN) and Welch differences.

Bonferroni: comparing k scenarios with a reference at family confidence 1 - alpha means each
interval at ``bonferroni_confidence(1 - alpha, k)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import stdtrit

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


def t_quantile(confidence: float, degrees_of_freedom: float) -> float:
    """Two-sided Student-t critical value, e.g. 2.262 for 95% and 9 degrees of freedom.

    ``stdtrit`` is the function ``scipy.stats.t.ppf`` evaluates, without the 0.4 s import of
    ``scipy.stats``.
    """
    return float(stdtrit(degrees_of_freedom, 0.5 + confidence / 2))


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


def welch_difference(
    treatment: Sequence[float], reference: Sequence[float], confidence: float = DEFAULT_CONFIDENCE
) -> Estimate:
    """Mean of ``treatment`` minus mean of ``reference`` with Welch's interval.

    For scenarios whose streams differ (no pairing): unequal variances, Welch-Satterthwaite
    degrees of freedom ``(a + b)^2 / (a^2 / (n1 - 1) + b^2 / (n2 - 1))`` with ``a = s1^2 / n1``,
    ``b = s2^2 / n2``. ``Estimate.n`` is the smaller sample.
    """
    first = [v for v in treatment if math.isfinite(v)]
    second = [v for v in reference if math.isfinite(v)]
    n1, n2 = len(first), len(second)
    if n1 == 0 or n2 == 0:
        return Estimate(math.nan, math.nan, 0)
    difference = math.fsum(first) / n1 - math.fsum(second) / n2
    if n1 < 2 or n2 < 2:
        return Estimate(difference, math.nan, min(n1, n2))
    a = _sample_variance(first) / n1
    b = _sample_variance(second) / n2
    if a + b == 0:
        return Estimate(difference, 0.0, min(n1, n2))
    dof = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    quantile = t_quantile(confidence, dof)
    return Estimate(difference, quantile * math.sqrt(a + b), min(n1, n2))


def bonferroni_confidence(family_confidence: float, comparisons: int) -> float:
    """Confidence of each of ``comparisons`` intervals so that all hold jointly at the family's.

    ``1 - (1 - family) / k``: e.g. 0.95 over 4 comparisons gives 0.9875 each.
    """
    if comparisons < 1:
        raise ValueError("comparisons must be >= 1")
    return 1.0 - (1.0 - family_confidence) / comparisons


def _sample_variance(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
