"""Probability distributions of durations (minutes) and counts, as frozen specs.

Each spec exposes its analytic ``mean`` and ``variance`` so that validation tests and the
stability check derive theory from the same object the engine samples. Sampling lives in
``clearsim.simulation.kernel.sampling``; this module only describes.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec

_PROBABILITY_TOLERANCE = 1e-6


class Exponential(FrozenSpec):
    """Exponential duration with the given mean (memoryless service, M in Kendall notation)."""

    kind: Literal["exponential"] = "exponential"
    mean_min: float = Field(gt=0, description="Mean duration in minutes.")

    @property
    def mean(self) -> float:
        """Analytic mean in minutes."""
        return self.mean_min

    @property
    def variance(self) -> float:
        """Analytic variance in minutes squared."""
        return self.mean_min**2


class Deterministic(FrozenSpec):
    """A fixed duration (D in Kendall notation); used for hand-computed traces."""

    kind: Literal["deterministic"] = "deterministic"
    value_min: float = Field(ge=0, description="The duration in minutes.")

    @property
    def mean(self) -> float:
        """Analytic mean in minutes."""
        return self.value_min

    @property
    def variance(self) -> float:
        """Analytic variance in minutes squared (zero)."""
        return 0.0


class Lognormal(FrozenSpec):
    """Lognormal duration given by its median and the sigma of the underlying normal."""

    kind: Literal["lognormal"] = "lognormal"
    median_min: float = Field(gt=0, description="Median duration in minutes (exp of mu).")
    sigma: float = Field(ge=0, description="Standard deviation of log(duration).")

    @property
    def mean(self) -> float:
        """Analytic mean in minutes: median * exp(sigma^2 / 2)."""
        return self.median_min * math.exp(self.sigma**2 / 2)

    @property
    def variance(self) -> float:
        """Analytic variance: (exp(sigma^2) - 1) * median^2 * exp(sigma^2)."""
        s2 = self.sigma**2
        return (math.exp(s2) - 1.0) * self.median_min**2 * math.exp(s2)


class Gamma(FrozenSpec):
    """Gamma duration given by its shape and mean (scale = mean / shape)."""

    kind: Literal["gamma"] = "gamma"
    shape: float = Field(gt=0, description="Shape k; the coefficient of variation is 1/sqrt(k).")
    mean_min: float = Field(gt=0, description="Mean duration in minutes.")

    @property
    def scale_min(self) -> float:
        """Scale parameter theta in minutes."""
        return self.mean_min / self.shape

    @property
    def mean(self) -> float:
        """Analytic mean in minutes."""
        return self.mean_min

    @property
    def variance(self) -> float:
        """Analytic variance: shape * scale^2."""
        return self.shape * self.scale_min**2


class Triangular(FrozenSpec):
    """Triangular duration on [low, high] with the given mode."""

    kind: Literal["triangular"] = "triangular"
    low_min: float = Field(ge=0)
    mode_min: float = Field(ge=0)
    high_min: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low_min <= self.mode_min <= self.high_min:
            raise ValueError("triangular needs low_min <= mode_min <= high_min")
        if self.low_min == self.high_min:
            raise ValueError("triangular needs low_min < high_min (use deterministic instead)")
        return self

    @property
    def mean(self) -> float:
        """Analytic mean: (low + mode + high) / 3."""
        return (self.low_min + self.mode_min + self.high_min) / 3

    @property
    def variance(self) -> float:
        """Analytic variance: (a^2 + b^2 + c^2 - ab - ac - bc) / 18."""
        a, c, b = self.low_min, self.mode_min, self.high_min
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


class Uniform(FrozenSpec):
    """Uniform duration on [low, high]."""

    kind: Literal["uniform"] = "uniform"
    low_min: float = Field(ge=0)
    high_min: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low_min < self.high_min:
            raise ValueError("uniform needs low_min < high_min")
        return self

    @property
    def mean(self) -> float:
        """Analytic mean: (low + high) / 2."""
        return (self.low_min + self.high_min) / 2

    @property
    def variance(self) -> float:
        """Analytic variance: (high - low)^2 / 12."""
        return (self.high_min - self.low_min) ** 2 / 12


def _check_shares(shares: list[float], what: str) -> None:
    if any(v < 0 for v in shares):
        raise ValueError(f"{what} must be >= 0")
    total = math.fsum(shares)
    if abs(total - 1.0) > _PROBABILITY_TOLERANCE:
        raise ValueError(f"{what} must sum to 1 (they sum to {total:.6g})")


def _check_probabilities(probabilities: tuple[float, ...], n_values: int) -> None:
    if len(probabilities) != n_values:
        raise ValueError(
            f"probabilities has {len(probabilities)} entries but values has {n_values}"
        )
    _check_shares(list(probabilities), "probabilities")


class Empirical(FrozenSpec):
    """Discrete empirical duration: observed values with their probabilities (equal if omitted)."""

    kind: Literal["empirical"] = "empirical"
    values_min: tuple[float, ...] = Field(min_length=1)
    probabilities: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Empirical:
        if any(v < 0 for v in self.values_min):
            raise ValueError("values_min must be >= 0")
        if self.probabilities is not None:
            _check_probabilities(self.probabilities, len(self.values_min))
        return self

    @property
    def weights(self) -> tuple[float, ...]:
        """Probabilities, equal weights when none were given."""
        if self.probabilities is None:
            n = len(self.values_min)
            return tuple(1.0 / n for _ in range(n))
        return self.probabilities

    @property
    def mean(self) -> float:
        """Analytic mean: sum of p * v."""
        return math.fsum(p * v for p, v in zip(self.weights, self.values_min, strict=True))

    @property
    def variance(self) -> float:
        """Analytic variance: sum of p * (v - mean)^2."""
        m = self.mean
        pairs = zip(self.weights, self.values_min, strict=True)
        return math.fsum(p * (v - m) ** 2 for p, v in pairs)


Duration = Annotated[
    Exponential | Deterministic | Lognormal | Gamma | Triangular | Uniform | Empirical,
    Field(discriminator="kind"),
]
"""Any duration distribution, chosen in YAML by ``kind``."""


class FixedCount(FrozenSpec):
    """Always the same count."""

    kind: Literal["fixed"] = "fixed"
    value: int = Field(ge=1)

    @property
    def mean(self) -> float:
        """Analytic mean."""
        return float(self.value)

    @property
    def variance(self) -> float:
        """Analytic variance (zero)."""
        return 0.0


class PoissonCount(FrozenSpec):
    """A count of at least one: 1 + Poisson(mean - 1)."""

    kind: Literal["poisson"] = "poisson"
    mean_count: float = Field(ge=1)

    @property
    def mean(self) -> float:
        """Analytic mean."""
        return self.mean_count

    @property
    def variance(self) -> float:
        """Analytic variance: mean - 1 (the shift adds none)."""
        return self.mean_count - 1.0


class EmpiricalCount(FrozenSpec):
    """Observed counts with their probabilities (equal if omitted)."""

    kind: Literal["empirical"] = "empirical"
    values: tuple[int, ...] = Field(min_length=1)
    probabilities: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EmpiricalCount:
        if any(v < 1 for v in self.values):
            raise ValueError("values must be >= 1")
        if self.probabilities is not None:
            _check_probabilities(self.probabilities, len(self.values))
        return self

    @property
    def weights(self) -> tuple[float, ...]:
        """Probabilities, equal weights when none were given."""
        if self.probabilities is None:
            n = len(self.values)
            return tuple(1.0 / n for _ in range(n))
        return self.probabilities

    @property
    def mean(self) -> float:
        """Analytic mean."""
        return math.fsum(p * v for p, v in zip(self.weights, self.values, strict=True))

    @property
    def variance(self) -> float:
        """Analytic variance."""
        m = self.mean
        return math.fsum(p * (v - m) ** 2 for p, v in zip(self.weights, self.values, strict=True))


Count = Annotated[FixedCount | PoissonCount | EmpiricalCount, Field(discriminator="kind")]
"""Any count distribution (batch sizes), chosen in YAML by ``kind``."""


def check_probability_map(shares: dict[str, float], what: str) -> None:
    """Raise ``ValueError`` unless ``shares`` are non-negative and sum to one."""
    if not shares:
        raise ValueError(f"{what} must not be empty")
    _check_shares(list(shares.values()), what)
