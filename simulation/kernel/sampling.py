"""Samplers: draw durations and counts from their specs, in blocks, from one stream each.

A sampler pre-draws a block of variates with numpy and hands them out one at a time, so the
k-th value it returns depends only on its stream and its spec. Durations use inverse-transform
style constructions on shared base variates where the family allows (exponential from standard
exponentials, lognormal from standard normals, triangular and uniform from uniforms), which keeps
common random numbers effective when only a parameter changes between scenarios.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from scipy.special import gammaincinv, ndtri

from clearsim.models.distributions import (
    Count,
    Deterministic,
    Duration,
    Empirical,
    EmpiricalCount,
    Exponential,
    FixedCount,
    Gamma,
    Lognormal,
    PoissonCount,
    Triangular,
    Uniform,
)
from clearsim.simulation.kernel.rng import Purpose, Streams

BLOCK_SIZE = 512
_STANDARD_NORMAL = NormalDist()


def draw_durations(spec: Duration, rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` durations in minutes from ``spec``."""
    if isinstance(spec, Exponential):
        return rng.standard_exponential(size) * spec.mean_min
    if isinstance(spec, Deterministic):
        return np.full(size, spec.value_min)
    if isinstance(spec, Lognormal):
        return spec.median_min * np.exp(spec.sigma * rng.standard_normal(size))
    if isinstance(spec, Gamma):
        return rng.standard_gamma(spec.shape, size) * spec.scale_min
    if isinstance(spec, Triangular):
        return _triangular_inverse(spec, rng.random(size))
    if isinstance(spec, Uniform):
        return spec.low_min + (spec.high_min - spec.low_min) * rng.random(size)
    if isinstance(spec, Empirical):
        values = np.asarray(spec.values_min, dtype=float)
        picked: np.ndarray = values[_categorical(spec.weights, rng.random(size))]
        return picked
    raise TypeError(f"unknown duration spec {type(spec).__name__}")


def draw_counts(spec: Count, rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` counts (each >= 1) from ``spec``."""
    if isinstance(spec, FixedCount):
        return np.full(size, spec.value, dtype=np.int64)
    if isinstance(spec, PoissonCount):
        return 1 + rng.poisson(spec.mean_count - 1.0, size).astype(np.int64)
    if isinstance(spec, EmpiricalCount):
        counts = np.asarray(spec.values, dtype=np.int64)
        chosen: np.ndarray = counts[_categorical(spec.weights, rng.random(size))]
        return chosen
    raise TypeError(f"unknown count spec {type(spec).__name__}")


def _triangular_inverse(spec: Triangular, u: np.ndarray) -> np.ndarray:
    a, c, b = spec.low_min, spec.mode_min, spec.high_min
    split = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
    return np.where(u < split, left, right)


def _categorical(weights: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    cumulative[-1] = math.inf  # guard against rounding: every u falls in some bin
    return np.searchsorted(cumulative, u, side="right")


class _BlockSampler:
    """Hands out values one at a time, or many at once, from blocks drawn by ``_draw``.

    The k-th value handed out is the k-th of the stream whichever way it is taken: numpy fills
    its arrays element by element in stream order, so drawing n values at once gives the values
    that n blocks drawn one after the other would.
    """

    __slots__ = ("_block", "_index", "_rng")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._block: list[float] = []
        self._index = 0

    def _draw(self, size: int) -> np.ndarray:
        raise NotImplementedError

    def __call__(self) -> float:
        """The next value."""
        if self._index == len(self._block):
            self._block = self._draw(BLOCK_SIZE).tolist()
            self._index = 0
        value = self._block[self._index]
        self._index += 1
        return value

    def take(self, size: int) -> np.ndarray:
        """The next ``size`` values as an array (for entities created in bulk)."""
        left = np.asarray(self._block[self._index :], dtype=float)
        self._block, self._index = [], 0
        if left.size >= size:
            self._block, left = left[size:].tolist(), left[:size]
            return left
        return np.concatenate([left, self._draw(size - left.size)])


class DurationSampler(_BlockSampler):
    """Hands out durations (minutes) of one spec from one stream, drawn in blocks."""

    __slots__ = ("_spec",)

    def __init__(self, spec: Duration, rng: np.random.Generator) -> None:
        super().__init__(rng)
        self._spec = spec

    def _draw(self, size: int) -> np.ndarray:
        return draw_durations(self._spec, self._rng, size)


class UniformSampler(_BlockSampler):
    """Hands out uniforms on [0, 1) from one stream, drawn in blocks (for Bernoulli choices)."""

    __slots__ = ()

    def _draw(self, size: int) -> np.ndarray:
        return self._rng.random(size)


def choose(shares: tuple[float, ...], u: float) -> int:
    """Index of the category a uniform ``u`` falls in, given shares summing to one."""
    cumulative = 0.0
    for i, share in enumerate(shares):
        cumulative += share
        if u < cumulative:
            return i
    return len(shares) - 1


def choose_many(shares: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    """:func:`choose` for an array of uniforms (the same index for every ``u``)."""
    cumulative = np.cumsum(np.asarray(shares, dtype=float))
    index: np.ndarray = np.minimum(np.searchsorted(cumulative, u, side="right"), len(shares) - 1)
    return index


def quantile(spec: Duration, u: float) -> float:
    """Inverse CDF of ``spec`` at ``u`` in (0, 1): one uniform drives any duration (for CRN)."""
    u = min(max(u, 1e-12), 1.0 - 1e-12)
    if isinstance(spec, Exponential):
        return -spec.mean_min * math.log1p(-u)
    if isinstance(spec, Deterministic):
        return spec.value_min
    if isinstance(spec, Lognormal):
        return spec.median_min * math.exp(spec.sigma * _STANDARD_NORMAL.inv_cdf(u))
    if isinstance(spec, Gamma):
        return float(gammaincinv(spec.shape, u)) * spec.scale_min
    if isinstance(spec, Triangular):
        return float(_triangular_inverse(spec, np.asarray([u]))[0])
    if isinstance(spec, Uniform):
        return spec.low_min + (spec.high_min - spec.low_min) * u
    if isinstance(spec, Empirical):
        return spec.values_min[choose(spec.weights, u)]
    raise TypeError(f"unknown duration spec {type(spec).__name__}")


def quantiles(spec: Duration, u: np.ndarray) -> np.ndarray:
    """:func:`quantile` of many uniforms at once (the normal quantile from scipy's ``ndtri``)."""
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    if isinstance(spec, Exponential):
        exponential: np.ndarray = -spec.mean_min * np.log1p(-u)
        return exponential
    if isinstance(spec, Deterministic):
        return np.full(u.shape, spec.value_min)
    if isinstance(spec, Lognormal):
        lognormal: np.ndarray = spec.median_min * np.exp(spec.sigma * ndtri(u))
        return lognormal
    if isinstance(spec, Gamma):
        inverse: np.ndarray = gammaincinv(spec.shape, u) * spec.scale_min
        return inverse
    if isinstance(spec, Triangular):
        return _triangular_inverse(spec, u)
    if isinstance(spec, Uniform):
        return spec.low_min + (spec.high_min - spec.low_min) * u
    if isinstance(spec, Empirical):
        values: np.ndarray = np.asarray(spec.values_min, dtype=float)[_categorical(spec.weights, u)]
        return values
    raise TypeError(f"unknown duration spec {type(spec).__name__}")


class ProcessSamplers:
    """Sampler factory of one process: every stream keyed by purpose, process name and label."""

    __slots__ = ("_process", "_streams")

    def __init__(self, streams: Streams, process: str) -> None:
        self._streams = streams
        self._process = process

    def durations(self, purpose: Purpose, label: str, dist: Duration) -> DurationSampler:
        """Durations of ``dist`` from the stream (purpose, process, label)."""
        return DurationSampler(dist, self._streams.generator(purpose, self._process, label))

    def uniforms(self, purpose: Purpose, label: str) -> UniformSampler:
        """Uniforms on [0, 1) from the stream (purpose, process, label)."""
        return UniformSampler(self._streams.generator(purpose, self._process, label))
