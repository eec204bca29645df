"""Arrival processes: when shipments, vessel calls or customers enter the system."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec


class PoissonArrivals(FrozenSpec):
    """Homogeneous Poisson arrivals."""

    kind: Literal["poisson"] = "poisson"
    rate_per_hour: float = Field(gt=0, description="Mean arrivals per hour.")

    def rate_at(self, t_min: float) -> float:
        """Arrival rate per minute at simulated minute ``t_min``."""
        return self.rate_per_hour / 60.0

    def mean_rate_per_min(self, horizon_min: float) -> float:
        """Mean arrival rate per minute over ``[0, horizon_min)``."""
        return self.rate_per_hour / 60.0

    @property
    def peak_rate_per_min(self) -> float:
        """Largest rate per minute (the thinning envelope)."""
        return self.rate_per_hour / 60.0


class PiecewiseArrivals(FrozenSpec):
    """Non-homogeneous Poisson arrivals with a piecewise-constant rate, sampled by thinning.

    ``rates_per_hour[i]`` holds on ``[i * segment_min, (i + 1) * segment_min)``. With ``cyclic``
    the profile repeats (a daily profile of 24 hourly rates, say); otherwise the last rate holds
    after the profile ends.
    """

    kind: Literal["piecewise_poisson"] = "piecewise_poisson"
    segment_min: float = Field(gt=0, description="Length of each constant-rate segment.")
    rates_per_hour: tuple[float, ...] = Field(min_length=1)
    cyclic: bool = True

    @model_validator(mode="after")
    def _rates(self) -> PiecewiseArrivals:
        if any(r < 0 for r in self.rates_per_hour):
            raise ValueError("rates_per_hour must be >= 0")
        if max(self.rates_per_hour) <= 0:
            raise ValueError("rates_per_hour needs at least one rate > 0")
        return self

    def rate_at(self, t_min: float) -> float:
        """Arrival rate per minute at simulated minute ``t_min``."""
        i = int(t_min // self.segment_min)
        n = len(self.rates_per_hour)
        i = i % n if self.cyclic else min(i, n - 1)
        return self.rates_per_hour[i] / 60.0

    def mean_rate_per_min(self, horizon_min: float) -> float:
        """Mean arrival rate per minute over ``[0, horizon_min)`` (exact integral)."""
        if horizon_min <= 0:
            return self.rate_at(0.0)
        total = 0.0
        t = 0.0
        while t < horizon_min:
            end = min(horizon_min, (t // self.segment_min + 1) * self.segment_min)
            total += self.rate_at(t) * (end - t)
            t = end
        return total / horizon_min

    @property
    def peak_rate_per_min(self) -> float:
        """Largest rate per minute (the thinning envelope)."""
        return max(self.rates_per_hour) / 60.0


class FixedTimesArrivals(FrozenSpec):
    """Arrivals at listed minutes: timetables and hand-computed traces."""

    kind: Literal["fixed_times"] = "fixed_times"
    times_min: tuple[float, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted(self) -> FixedTimesArrivals:
        if any(t < 0 for t in self.times_min):
            raise ValueError("times_min must be >= 0")
        if list(self.times_min) != sorted(self.times_min):
            raise ValueError("times_min must be in ascending order")
        return self

    def mean_rate_per_min(self, horizon_min: float) -> float:
        """Mean arrival rate per minute over ``[0, horizon_min)``."""
        inside = sum(1 for t in self.times_min if t < horizon_min)
        return inside / horizon_min if horizon_min > 0 else 0.0


ArrivalProcess = Annotated[
    PoissonArrivals | PiecewiseArrivals | FixedTimesArrivals, Field(discriminator="kind")
]
"""Any arrival process, chosen in YAML by ``kind``."""
