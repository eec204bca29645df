"""Distribution specs: analytic moments agree with what the samplers draw; bad specs are refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from clearsim.models.distributions import Count, Duration
from clearsim.simulation.kernel.network import route_quantile, route_quantiles
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    DurationSampler,
    choose,
    choose_many,
    draw_counts,
    draw_durations,
    quantile,
    quantiles,
)

DURATIONS = [
    {"kind": "exponential", "mean_min": 12.0},
    {"kind": "deterministic", "value_min": 7.5},
    {"kind": "lognormal", "median_min": 30.0, "sigma": 0.6},
    {"kind": "gamma", "shape": 2.5, "mean_min": 40.0},
    {"kind": "triangular", "low_min": 2.0, "mode_min": 4.0, "high_min": 10.0},
    {"kind": "uniform", "low_min": 0.0, "high_min": 5.0},
    {"kind": "empirical", "values_min": [1.0, 5.0, 20.0], "probabilities": [0.5, 0.3, 0.2]},
]
COUNTS = [
    {"kind": "fixed", "value": 3},
    {"kind": "poisson", "mean_count": 60},
    {"kind": "empirical", "values": [1, 2, 10], "probabilities": [0.2, 0.5, 0.3]},
]
N = 200_000


def _rng(label: str) -> np.random.Generator:
    return Streams(2026, 0).generator(Purpose.SERVICE, label)


@pytest.mark.parametrize("raw", DURATIONS, ids=lambda d: d["kind"])
def test_duration_sample_moments_match_the_analytic_ones(raw: dict) -> None:
    """Sample mean within 4.5 standard errors; sample variance within 5% (or exact when 0)."""
    spec = TypeAdapter(Duration).validate_python(raw)
    draws = draw_durations(spec, _rng(raw["kind"]), N)
    assert draws.min() >= 0
    standard_error = math.sqrt(spec.variance / N)
    assert abs(draws.mean() - spec.mean) <= 4.5 * standard_error + 1e-12
    assert math.isclose(draws.var(), spec.variance, rel_tol=0.05, abs_tol=1e-12)


@pytest.mark.parametrize("raw", DURATIONS, ids=lambda d: d["kind"])
def test_quantile_is_the_inverse_cdf(raw: dict) -> None:
    """Quantiles at a uniform grid average to the mean (midpoint rule) and never decrease."""
    spec = TypeAdapter(Duration).validate_python(raw)
    u = (np.arange(20_000) + 0.5) / 20_000
    values = np.array([quantile(spec, float(p)) for p in u])
    assert np.all(np.diff(values) >= -1e-9)
    assert math.isclose(values.mean(), spec.mean, rel_tol=0.01)


@pytest.mark.parametrize("raw", COUNTS, ids=lambda d: d["kind"])
def test_count_sample_moments_match(raw: dict) -> None:
    spec = TypeAdapter(Count).validate_python(raw)
    draws = draw_counts(spec, _rng("count"), N)
    assert draws.min() >= 1
    assert abs(draws.mean() - spec.mean) <= 4.5 * math.sqrt(spec.variance / N) + 1e-12


def test_analytic_moments_by_hand() -> None:
    """Closed forms: lognormal mean = median * e^(s^2/2); triangular (2,4,10) mean 16/3."""
    lognormal = TypeAdapter(Duration).validate_python(DURATIONS[2])
    assert math.isclose(lognormal.mean, 30 * math.exp(0.18))
    triangular = TypeAdapter(Duration).validate_python(DURATIONS[4])
    assert math.isclose(triangular.mean, 16 / 3)
    assert math.isclose(triangular.variance, (4 + 100 + 16 - 20 - 8 - 40) / 18)


def test_sampler_hands_out_blocks_in_order() -> None:
    spec = TypeAdapter(Duration).validate_python(DURATIONS[0])
    sampler = DurationSampler(spec, _rng("block"))
    one_by_one = [sampler() for _ in range(1500)]
    assert np.allclose(one_by_one[:512], draw_durations(spec, _rng("block"), 512))


@pytest.mark.parametrize(
    "raw",
    [
        {"kind": "exponential", "mean_min": 0},
        {"kind": "exponential", "mean_min": -3},
        {"kind": "lognormal", "median_min": 10, "sigma": -0.1},
        {"kind": "triangular", "low_min": 5, "mode_min": 2, "high_min": 9},
        {"kind": "uniform", "low_min": 3, "high_min": 3},
        {"kind": "empirical", "values_min": [1, 2], "probabilities": [0.5, 0.6]},
        {"kind": "empirical", "values_min": [1, 2], "probabilities": [1.0]},
        {"kind": "weibull", "scale_min": 3},
        {"kind": "exponential", "mean_min": 3, "extra": 1},
    ],
)
def test_invalid_durations_are_refused(raw: dict) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Duration).validate_python(raw)


def test_streams_are_keyed_by_replication_purpose_and_label() -> None:
    a = Streams(1, 0).generator(Purpose.RISK, "p").random(4)
    assert np.array_equal(a, Streams(1, 0).generator(Purpose.RISK, "p").random(4))
    assert not np.array_equal(a, Streams(1, 1).generator(Purpose.RISK, "p").random(4))
    assert not np.array_equal(a, Streams(1, 0).generator(Purpose.INSPECTION, "p").random(4))
    assert not np.array_equal(a, Streams(1, 0).generator(Purpose.RISK, "q").random(4))
    assert not np.array_equal(a, Streams(2, 0).generator(Purpose.RISK, "p").random(4))


@pytest.mark.parametrize("raw", DURATIONS, ids=lambda d: d["kind"])
def test_taking_many_gives_the_values_one_by_one_would(raw: dict) -> None:
    """Entities drawn in bulk (``take``) see exactly the k-th values of their streams."""
    spec = TypeAdapter(Duration).validate_python(raw)
    one_by_one = DurationSampler(spec, _rng("take"))
    mixed = DurationSampler(spec, _rng("take"))
    expected = [one_by_one() for _ in range(2000)]
    got = [mixed(), mixed(), *mixed.take(700).tolist(), mixed(), *mixed.take(1297).tolist()]
    assert got == expected


def test_choose_many_is_choose_for_each() -> None:
    shares = (0.1, 0.2, 0.3, 0.4)
    u = np.append(_rng("choose").random(5000), [0.0, 0.1, 0.3, 0.6, 1.0 - 1e-16])
    assert choose_many(shares, u).tolist() == [choose(shares, x) for x in u.tolist()]


@pytest.mark.parametrize(
    "legs",
    [
        [{"kind": "lognormal", "median_min": 37.0, "sigma": 0.3}],
        [
            {"kind": "lognormal", "median_min": 37.0, "sigma": 0.3},
            {"kind": "lognormal", "median_min": 90.0, "sigma": 0.5},
        ],
        [
            {"kind": "lognormal", "median_min": 37.0, "sigma": 0.3},
            {"kind": "triangular", "low_min": 2.0, "mode_min": 4.0, "high_min": 10.0},
        ],
    ],
)
def test_route_quantile_is_the_sum_of_leg_quantiles(legs: list[dict]) -> None:
    specs = tuple(TypeAdapter(Duration).validate_python(leg) for leg in legs)
    trip, trips = route_quantile(specs), route_quantiles(specs)
    paces = [*_rng("trip").random(500).tolist(), 0.0, 1.0]
    for u in paces:
        assert trip(u) == sum(quantile(spec, u) for spec in specs)
    # Many trips at once: the same sums, but for the normal quantile's last bits (scipy's).
    one_by_one = np.array([trip(u) for u in paces])
    assert np.allclose(trips(np.array(paces)), one_by_one, rtol=1e-13, atol=0)


@pytest.mark.parametrize("raw", DURATIONS, ids=lambda d: d["kind"])
def test_quantiles_of_many_uniforms_are_quantile_of_each(raw: dict) -> None:
    """Equal but for the last bits: numpy's vectorised ``log``/``log1p`` (SIMD on AVX-512 CPUs)
    and scipy's normal quantile may differ from ``math``'s in the last bit or two."""
    spec = TypeAdapter(Duration).validate_python(raw)
    u = np.concatenate([_rng(raw["kind"]).random(2_000), [0.0, 1e-13, 0.5, 1.0]])
    one_by_one = np.array([quantile(spec, p) for p in u.tolist()])
    many = quantiles(spec, u)
    assert np.array_equal(np.isfinite(many), np.isfinite(one_by_one))
    assert np.allclose(many, one_by_one, rtol=1e-13, atol=1e-300)
