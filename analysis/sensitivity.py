"""One-at-a-time sensitivity: each parameter's low and high effect on arrival->release, by swing.

Each parameter has a low and a high variant of the reference
(:mod:`clearsim.scenarios.sensitivity`), run on the reference's root seed and replication
numbers, so each effect is a paired difference (variant minus reference) of a flow's mean and
p90 of arrival->release, as a lever's is
(:func:`clearsim.analysis.levers.lever_effects`); the intervals hold jointly over all the
variants (Bonferroni). Within each flow the parameters are ranked by their swing, the distance
between the high and the low effect on the mean: the bars of a tornado chart, widest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearsim.analysis.levers import LeverEffect, lever_effects
from clearsim.analysis.statistics import DEFAULT_CONFIDENCE
from clearsim.models.records import RunSummary

LOW = "low"
HIGH = "high"


@dataclass(frozen=True, slots=True)
class SensitivityEffect:
    """One parameter's low and high effect on one flow's arrival->release."""

    parameter: str
    low_value: float
    high_value: float
    base_value: float
    low: LeverEffect
    """The low variant's paired effect (variant minus reference, hours)."""
    high: LeverEffect
    rank: int = 0
    """1 for the flow's widest swing."""

    @property
    def flow(self) -> tuple[str, str]:
        """(direction, mode)."""
        return self.low.flow

    @property
    def direction(self) -> str:
        """The flow's direction (import, export)."""
        return self.low.direction

    @property
    def mode(self) -> str:
        """The flow's mode (sea, rail, air, ...)."""
        return self.low.mode

    @property
    def swing_h(self) -> float:
        """|high - low| of the effects on the mean, hours (NaN when either is missing)."""
        return abs(self.high.mean_h.mean - self.low.mean_h.mean)


def _swing_key(effect: SensitivityEffect) -> tuple[float, str]:
    swing = effect.swing_h
    return (-swing if math.isfinite(swing) else math.inf, effect.parameter)


def rank_by_swing(effects: Sequence[SensitivityEffect]) -> tuple[SensitivityEffect, ...]:
    """Within each flow, the widest swing first (ties by name; a missing swing last)."""
    flows = list(dict.fromkeys(e.flow for e in effects))
    ranked: list[SensitivityEffect] = []
    for flow in flows:
        mine = sorted((e for e in effects if e.flow == flow), key=_swing_key)
        ranked += [
            SensitivityEffect(
                e.parameter, e.low_value, e.high_value, e.base_value, e.low, e.high, i
            )
            for i, e in enumerate(mine, start=1)
        ]
    return tuple(ranked)


def sensitivity_effects(
    reference: Sequence[RunSummary],
    variants: Mapping[tuple[str, str], Sequence[RunSummary]],
    values: Mapping[tuple[str, str], float],
    base_values: Mapping[str, float],
    family_confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[SensitivityEffect, ...]:
    """Every parameter's paired low and high effects on every flow, ranked by swing.

    Args:
        reference: The reference scenario's replications.
        variants: (parameter, ``"low"`` or ``"high"``) -> the variant's replications, on the
            reference's root seed and replication numbers.
        values: The same keys -> the parameter's value in that variant.
        base_values: Parameter -> its value in the reference.
        family_confidence: Confidence of all the intervals together (Bonferroni over variants).

    Raises:
        ValueError: A parameter lacks a side, or a variant did not run on the reference's streams.
    """
    parameters = list(dict.fromkeys(p for p, _ in variants))
    for parameter in parameters:
        if (parameter, LOW) not in variants or (parameter, HIGH) not in variants:
            raise ValueError(f"parameter {parameter!r} needs both a low and a high variant")
    named = {f"{p} {side}": runs for (p, side), runs in variants.items()}
    effects = {(e.lever, e.flow): e for e in lever_effects(reference, named, 0.0,
                                                           family_confidence)}  # fmt: skip
    flows = list(dict.fromkeys(flow for _, flow in effects))
    rows = [
        SensitivityEffect(
            parameter=p,
            low_value=values[(p, LOW)],
            high_value=values[(p, HIGH)],
            base_value=base_values[p],
            low=effects[(f"{p} {LOW}", flow)],
            high=effects[(f"{p} {HIGH}", flow)],
        )
        for flow in flows
        for p in parameters
        if (f"{p} {LOW}", flow) in effects and (f"{p} {HIGH}", flow) in effects
    ]
    return rank_by_swing(rows)
