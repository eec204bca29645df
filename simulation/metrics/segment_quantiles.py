"""Percentiles of a replication's TRS segments: the data behind a study report's ECDFs."""

from __future__ import annotations

import numpy as np

from clearsim.models.records import SegmentQuantiles
from clearsim.models.vocabulary import MILESTONES
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, flow_masks, measured_cases, milestone_times

DISTRIBUTION_SEGMENTS: tuple[tuple[str, str], ...] = (("arrival", "release"), ("arrival", "exit"))
"""The segments whose distributions are kept (the report draws their ECDFs)."""
PERCENTILES = np.arange(101)
DECIMALS = 4
"""Hours are kept to 4 decimals (0.36 s): far finer than any figure draws them."""


def segment_quantiles(
    log: EventLog, window: Window, times: np.ndarray | None = None
) -> tuple[SegmentQuantiles, ...]:
    """Percentiles 0..100 of each kept segment for every flow (measured cases, every channel).

    Pooling the replications' percentile functions weighted by ``n`` gives the study's ECDF
    (:func:`pooled_ecdf`) without keeping every case. ``times`` is the log's
    :func:`~clearsim.simulation.metrics.kpis.milestone_times`, when the caller has it already.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    found = []
    for direction, mode, in_flow in flow_masks(log):
        mine = measured & in_flow
        for start, end in DISTRIBUTION_SEGMENTS:
            hours = (times[mine, MILESTONES.index(end)] - times[mine, MILESTONES.index(start)]) / 60
            hours = hours[~np.isnan(hours)]
            points = np.percentile(hours, PERCENTILES) if hours.size else np.empty(0)
            found.append(
                SegmentQuantiles(
                    direction=direction,
                    mode=mode,
                    segment=f"{start}->{end}",
                    n=int(hours.size),
                    hours=tuple(np.round(points, DECIMALS).tolist()),
                )
            )
    return tuple(found)


def pooled_ecdf(parts: list[SegmentQuantiles], x: np.ndarray) -> np.ndarray:
    """``F(x)`` of the replications pooled: each one's percentile function, weighted by ``n``.

    Between two percentiles a replication's distribution is taken as linear, which is what
    its percentiles (numpy's linear interpolation) say of it.
    """
    total = sum(part.n for part in parts)
    if total == 0:
        return np.full(x.shape, np.nan)
    levels = PERCENTILES / 100.0
    pooled = np.zeros(x.shape)
    for part in parts:
        if part.n:
            pooled += part.n * _cdf(np.asarray(part.hours), levels, x)
    result: np.ndarray = pooled / total
    return result


def _cdf(points: np.ndarray, levels: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The CDF through (points, levels), linear between percentiles, right-continuous.

    A run of equal points is a jump at that value: from the run's lowest level (reached
    linearly from the value before) to its highest (held at the value itself).
    """
    values, first = np.unique(points, return_index=True)
    last = np.append(first[1:] - 1, points.size - 1)
    low, high = levels[first], levels[last]
    k = np.searchsorted(values, x, side="right") - 1
    inside = (k >= 0) & (k < values.size - 1)
    j = np.clip(k, 0, max(values.size - 2, 0))
    if values.size > 1:
        fraction = (x - values[j]) / (values[j + 1] - values[j])
        between = high[j] + (low[j + 1] - high[j]) * fraction
    else:
        between = np.zeros(x.shape)
    curve: np.ndarray = np.where(inside, between, np.where(k < 0, 0.0, high[-1]))
    return curve
