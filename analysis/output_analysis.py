"""Output analysis of simulation runs: warm-up detection, batch means, sequential replications.

* MSER-5 (White 1997; White, Cobb and Spratt 2000): batch the series in means of 5 and truncate
  where the marginal standard error ``sum((x_i - mean)^2) / (n - d)^2`` of the batches kept is
  smallest, searching the first half only.
* Batch means: one long run split into ``k`` equal batches whose means are treated as
  independent, with a t interval on ``k - 1`` degrees of freedom (Law 2015, s9.5.3).
* Sequential replications (Law 2015, s9.4.1): add replications until the interval's half-width
  relative to the mean is at most ``gamma / (1 + gamma)``, so the relative error is at most
  ``gamma``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from clearsim.analysis.statistics import DEFAULT_CONFIDENCE, Estimate, mean_confidence_interval

MSER_BATCH = 5


@dataclass(frozen=True, slots=True)
class Truncation:
    """MSER-5's warm-up: observations to drop, and whether the minimum fell in the first half."""

    observations: int
    batches: int
    reliable: bool


def mser5(series: Sequence[float]) -> Truncation:
    """Warm-up truncation point of ``series`` by MSER-5 (observations in time order).

    ``reliable`` is false when the minimum lies at the edge of the searched half, the usual sign
    that the run is too short to show a steady state.
    """
    values = np.asarray(series, dtype=float)
    batches = values.size // MSER_BATCH
    if batches < 4:
        raise ValueError("MSER-5 needs at least 20 observations")
    means = values[: batches * MSER_BATCH].reshape(batches, MSER_BATCH).mean(axis=1)
    statistics = []
    for d in range(batches // 2 + 1):
        kept = means[d:]
        statistics.append(float(((kept - kept.mean()) ** 2).sum()) / (batches - d) ** 2)
    best = int(np.argmin(statistics))
    return Truncation(
        observations=best * MSER_BATCH,
        batches=best,
        reliable=best < batches // 2,
    )


def batch_means(
    series: Sequence[float], batches: int = 20, confidence: float = DEFAULT_CONFIDENCE
) -> Estimate:
    """Mean of one long run with the batch-means interval (the tail that fills no batch is cut).

    ``Estimate.n`` is the number of batches.
    """
    values = np.asarray(series, dtype=float)
    if batches < 2:
        raise ValueError("batch means need at least 2 batches")
    size = values.size // batches
    if size < 1:
        raise ValueError(f"{values.size} observations cannot fill {batches} batches")
    means = values[: size * batches].reshape(batches, size).mean(axis=1)
    return mean_confidence_interval(means.tolist(), confidence)


def relative_precision_reached(estimate: Estimate, gamma: float) -> bool:
    """Whether the half-width relative to ``|mean|`` is at most ``gamma / (1 + gamma)``."""
    if estimate.n < 2 or not math.isfinite(estimate.half_width) or estimate.mean == 0:
        return False
    return estimate.half_width / abs(estimate.mean) <= gamma / (1 + gamma)


@dataclass(frozen=True, slots=True)
class SequentialResult:
    """The replications the sequential procedure ran and the estimate it stopped at."""

    values: tuple[float, ...]
    estimate: Estimate
    reached: bool


def sequential_replications(
    replicate: Callable[[int], float],
    gamma: float,
    *,
    initial: int = 5,
    maximum: int = 200,
    confidence: float = DEFAULT_CONFIDENCE,
) -> SequentialResult:
    """Run replications 0, 1, ... until the relative precision ``gamma`` is reached.

    Starts with ``initial`` replications and adds one at a time; stops at ``maximum`` with
    ``reached`` false if the precision is never reached.
    """
    if not 0 < gamma < 1:
        raise ValueError("gamma must be in (0, 1)")
    if not 2 <= initial <= maximum:
        raise ValueError("need 2 <= initial <= maximum")
    values = [replicate(r) for r in range(initial)]
    while True:
        estimate = mean_confidence_interval(values, confidence)
        if relative_precision_reached(estimate, gamma):
            return SequentialResult(tuple(values), estimate, True)
        if len(values) >= maximum:
            return SequentialResult(tuple(values), estimate, False)
        values.append(replicate(len(values)))


def relative_half_width(estimate: Estimate) -> float:
    """Half-width over ``|mean|``; infinite when it is undefined (n < 2 or a zero mean)."""
    if estimate.n < 2 or not math.isfinite(estimate.half_width) or estimate.mean == 0:
        return math.inf
    return estimate.half_width / abs(estimate.mean)


def replications_for_target(estimate: Estimate, target: float) -> int:
    """Replications the interval needs for ``half-width / |mean| <= target`` (Law 2015, s9.4.1).

    The half-width shrinks as ``1 / sqrt(n)`` for a fixed standard deviation, so
    ``n* = ceil(n * (r / target)^2)`` where ``r`` is the current relative half-width; never less
    than ``n``. Undefined precision (a single replication, a zero mean) asks for double.
    """
    if target <= 0:
        raise ValueError("the target relative half-width must be > 0")
    ratio = relative_half_width(estimate)
    if not math.isfinite(ratio):
        return max(2, 2 * estimate.n)
    return max(estimate.n, math.ceil(estimate.n * (ratio / target) ** 2))
