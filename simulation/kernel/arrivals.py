"""Arrival times from an arrival-process spec, generated up front from the arrivals stream."""

from __future__ import annotations

import numpy as np

from clearsim.models.arrivals import (
    ArrivalProcess,
    FixedTimesArrivals,
    PiecewiseArrivals,
    PoissonArrivals,
)

_BLOCK = 4096


def arrival_times(spec: ArrivalProcess, rng: np.random.Generator, until_min: float) -> np.ndarray:
    """Sorted arrival times in ``[0, until_min)``.

    Poisson: cumulative sums of exponential gaps. Piecewise-constant rates: thinning
    (Lewis and Shedler 1979) of a Poisson process at the peak rate, a candidate at ``t`` kept
    with probability ``rate(t) / peak``. Fixed times: the listed times before ``until_min``.
    """
    if isinstance(spec, FixedTimesArrivals):
        times = np.asarray(spec.times_min, dtype=float)
        return times[times < until_min]
    if isinstance(spec, PoissonArrivals):
        return _poisson(spec.rate_per_hour / 60.0, rng, until_min)
    if isinstance(spec, PiecewiseArrivals):
        return _thinned(spec, rng, until_min)
    raise TypeError(f"unknown arrival spec {type(spec).__name__}")


def _poisson(rate_per_min: float, rng: np.random.Generator, until_min: float) -> np.ndarray:
    chunks: list[np.ndarray] = []
    last = 0.0
    while last < until_min:
        times = last + np.cumsum(rng.standard_exponential(_BLOCK) / rate_per_min)
        chunks.append(times)
        last = float(times[-1])
    all_times = np.concatenate(chunks) if chunks else np.empty(0)
    return all_times[all_times < until_min]


def _thinned(spec: PiecewiseArrivals, rng: np.random.Generator, until_min: float) -> np.ndarray:
    peak = spec.peak_rate_per_min
    kept: list[np.ndarray] = []
    last = 0.0
    while last < until_min:
        candidates = last + np.cumsum(rng.standard_exponential(_BLOCK) / peak)
        u = rng.random(_BLOCK)
        rates = _rates_at(spec, candidates)
        kept.append(candidates[u * peak < rates])
        last = float(candidates[-1])
    all_times = np.concatenate(kept) if kept else np.empty(0)
    return all_times[all_times < until_min]


def _rates_at(spec: PiecewiseArrivals, times: np.ndarray) -> np.ndarray:
    rates = np.asarray(spec.rates_per_hour, dtype=float) / 60.0
    index = (times // spec.segment_min).astype(np.int64)
    index = index % len(rates) if spec.cyclic else np.minimum(index, len(rates) - 1)
    result: np.ndarray = rates[index]
    return result
