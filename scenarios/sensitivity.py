"""One-at-a-time sensitivity: a low and a high variant of a scenario for each named parameter.

A parameter is a dotted path (:func:`clearsim.scenarios.overrides.with_values`) to a number or a
duration distribution. Its low variant moves it down by ``delta`` percent and its high variant up
by as much: an integer (a resource's capacity) is rounded and moves by at least 1; a share or a
probability (a field named ``...share`` or ``...probability``) is clipped to [0, 1]; a duration
has every minute field (``..._min``) multiplied, which scales its time and keeps its shape. Each
variant keeps the scenario's seed and replications, so it runs on its streams (common random
numbers), as :mod:`clearsim.scenarios.levers` do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from clearsim.models.distributions import Duration
from clearsim.models.scenario import Scenario
from clearsim.scenarios.overrides import OverrideError, value_at, with_values

LOW = "low"
HIGH = "high"
DURATION_KINDS = frozenset(
    {"exponential", "deterministic", "lognormal", "gamma", "triangular", "uniform", "empirical"}
)
"""The ``kind`` of every duration distribution (:data:`clearsim.models.distributions.Duration`)."""
MAX_DELTA_PCT = 100.0
"""A larger move would take a positive parameter below zero."""


class SensitivityError(ValueError):
    """A parameter or a delta cannot be varied (one line naming the option)."""


@dataclass(frozen=True)
class Variant:
    """One side of one parameter: its value and the scenario it makes."""

    parameter: str
    side: str
    """:data:`LOW` or :data:`HIGH`."""
    value: float
    """The parameter's new value; for a duration, its new mean in minutes."""
    base_value: float
    """The scenario's value (a duration's mean in minutes)."""
    scenario: Scenario

    @property
    def label(self) -> str:
        """``path low`` or ``path high``: the variant's name within the study."""
        return f"{self.parameter} {self.side}"

    def parameters(self, reference: str, delta_pct: float) -> dict[str, Any]:
        """What a study stores with the variant: the parameter, the side, the values."""
        return {"sensitivity": self.parameter, "side": self.side, "value": self.value,
                "base_value": self.base_value, "delta_pct": delta_pct,
                "sensitivity_of": reference}  # fmt: skip


def check_delta(delta_pct: float) -> None:
    """A delta is a finite percentage in (0, 100)."""
    if not (math.isfinite(delta_pct) and 0 < delta_pct < MAX_DELTA_PCT):
        raise SensitivityError(f"--delta must be a percentage in (0, 100) (got {delta_pct:g})")


def _is_share(path: str) -> bool:
    last = path.rsplit(".", 1)[-1]
    return "share" in last or "probability" in last


def _number_sides(path: str, value: float, delta: float) -> tuple[float, float]:
    if isinstance(value, int):
        return (
            min(round(value * (1 - delta)), value - 1),
            max(round(value * (1 + delta)), value + 1),
        )
    low, high = value * (1 - delta), value * (1 + delta)
    if _is_share(path):
        return max(0.0, low), min(1.0, high)
    return low, high


def _scaled(duration: dict[str, Any], factor: float) -> dict[str, Any]:
    """The distribution with every minute field (a number or a list) multiplied by ``factor``."""
    scaled = dict(duration)
    for key, value in duration.items():
        if key.endswith("_min"):
            scaled[key] = [v * factor for v in value] if isinstance(value, list) else value * factor
    return scaled


def _mean_min(duration: dict[str, Any]) -> float:
    """A duration's analytic mean, minutes (the distribution's own ``mean``)."""
    return float(TypeAdapter(Duration).validate_python(duration).mean)


def variants(scenario: Scenario, path: str, delta_pct: float) -> tuple[Variant, Variant]:
    """The low and the high variant of ``scenario`` for the parameter at ``path``.

    Raises:
        SensitivityError: The path names no field, names something that is neither a number
            nor a duration, the move leaves the value unchanged, or a variant is refused by the
            field's validator (its one-line message).
    """
    check_delta(delta_pct)
    delta = delta_pct / 100
    try:
        value = value_at(scenario, path)
    except OverrideError as error:
        raise SensitivityError(f"--param {error}") from None
    sides: tuple[Any, Any]
    if isinstance(value, dict) and value.get("kind") in DURATION_KINDS:
        base = _mean_min(value)
        sides = (_scaled(value, 1 - delta), _scaled(value, 1 + delta))
        shown = (base * (1 - delta), base * (1 + delta))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        base = float(value)
        low, high = _number_sides(path, value, delta)
        sides, shown = (low, high), (float(low), float(high))
        if value in (low, high):
            raise SensitivityError(
                f"--param {path}: {value:g} does not move by {delta_pct:g}% within its bounds"
            )
    else:
        raise SensitivityError(
            f"--param {path}: not a number or a duration distribution (got {value!r:.60})"
        )
    made = []
    for side, new, number in zip((LOW, HIGH), sides, shown, strict=True):
        label = f"{path} {side}"
        try:
            spec = with_values(scenario, {path: new, "name": f"{scenario.name}[{label}]"})
        except OverrideError as error:
            raise SensitivityError(f"--param {path} ({side}, {number:g}): {error}") from None
        made.append(Variant(path, side, number, base, spec))
    return made[0], made[1]


def sensitivity_variants(
    scenario: Scenario, paths: Sequence[str], delta_pct: float
) -> list[Variant]:
    """Every parameter's low and high variants, in the order the parameters are given."""
    if not paths:
        raise SensitivityError("--param is required: name at least one parameter")
    if len(set(paths)) != len(paths):
        twice = next(p for p in paths if list(paths).count(p) > 1)
        raise SensitivityError(f"--param {twice}: given twice")
    return [v for path in paths for v in variants(scenario, path, delta_pct)]
