"""Levers: what one more server or 24-hour staffing does to arrival->release, ranked.

A lever is a variant of a scenario that changes one resource (a server more, or staffed around
the clock) or one shared calendar (24 h). Every variant runs on the reference's root seed and
replication numbers (common random numbers), so its effect is the paired difference, per
replication, of the flow's mean and 90th percentile of arrival->release. The intervals hold
jointly over the levers (Bonferroni, as in :mod:`clearsim.analysis.comparison`). Within each flow
the levers are ranked by their effect on the mean (the largest saving first, then by the p90).
An effect is practically significant when its interval excludes 0 and it is at least the user's
threshold (:data:`DEFAULT_PRACTICAL_H`), a bar far above the comparison tables' 0.1 h.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from clearsim.analysis.comparison import difference_mark, practically_significant
from clearsim.analysis.statistics import (
    DEFAULT_CONFIDENCE,
    Estimate,
    bonferroni_confidence,
    paired_difference,
)
from clearsim.models.records import RunSummary

LEVER_SEGMENT = "arrival->release"
"""The segment whose mean and p90 a lever is judged by (the WCO TRS headline)."""
DEFAULT_PRACTICAL_H = 0.5
"""Smallest effect on arrival->release worth acting on, hours [E]: half an hour of a clearance
that takes tens of hours; the user sets it (``--practical-h``)."""

Flow = tuple[str, str]
"""(direction, mode)."""


def practical_legend(threshold_h: float) -> str:
    """What a lever's marks mean at ``threshold_h``, for table titles and captions."""
    return (
        f"* = the interval excludes 0 and the effect is at least {threshold_h:g} h "
        "(practically significant); ° = detectable but smaller"
    )


@dataclass(frozen=True, slots=True)
class LeverEffect:
    """One lever's paired effect on one flow's arrival->release (variant minus reference)."""

    lever: str
    direction: str
    mode: str
    mean_h: Estimate
    """Difference of the mean arrival->release, hours."""
    p90_h: Estimate
    """Difference of the 90th percentile of arrival->release, hours."""
    confidence: float
    threshold_h: float
    rank: int = 0
    """1 for the flow's largest saving of the mean; 0 until ranked."""

    @property
    def flow(self) -> Flow:
        """(direction, mode)."""
        return (self.direction, self.mode)

    @property
    def practical(self) -> bool:
        """The effect on the mean is practically significant (either sign)."""
        return practically_significant(self.mean_h, self.threshold_h)

    @property
    def helps(self) -> bool:
        """A practically significant saving of the mean."""
        return self.practical and self.mean_h.mean < 0

    def mark(self, statistic: str = "mean_h") -> str:
        """``" *"`` practically significant, ``" °"`` detectable but smaller, else ``""``."""
        return difference_mark(getattr(self, statistic), statistic, self.threshold_h)


def _sort_value(value: float) -> float:
    return value if math.isfinite(value) else math.inf


def rank_levers(effects: Sequence[LeverEffect]) -> tuple[LeverEffect, ...]:
    """The effects ranked within each flow: the largest saving of the mean first.

    Ties (and equal means) go to the larger saving of the p90, then to the lever's name; an
    effect without a value ranks last. Flows keep the order they first appear in.
    """
    flows = list(dict.fromkeys(e.flow for e in effects))
    ranked: list[LeverEffect] = []
    for flow in flows:
        mine = sorted(
            (e for e in effects if e.flow == flow),
            key=lambda e: (_sort_value(e.mean_h.mean), _sort_value(e.p90_h.mean), e.lever),
        )
        ranked += [replace(e, rank=i) for i, e in enumerate(mine, start=1)]
    return tuple(ranked)


def _release_stats(runs: Sequence[RunSummary]) -> dict[Flow, dict[int, tuple[float, float]]]:
    """Per flow and replication: (mean, p90) of arrival->release over every channel."""
    table: dict[Flow, dict[int, tuple[float, float]]] = {}
    for summary in runs:
        for stat in summary.segments:
            if stat.segment == LEVER_SEGMENT and stat.channel == "all":
                key = (stat.direction, stat.mode)
                table.setdefault(key, {})[summary.replication] = (stat.mean_h, stat.p90_h)
    return table


def lever_effects(
    reference: Sequence[RunSummary],
    levers: Mapping[str, Sequence[RunSummary]],
    threshold_h: float = DEFAULT_PRACTICAL_H,
    family_confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[LeverEffect, ...]:
    """Every lever's paired effect on every flow of the reference, ranked (:func:`rank_levers`).

    Args:
        reference: The reference scenario's replications.
        levers: Lever name -> the replications of its variant, on the reference's root seed and
            replication numbers.
        threshold_h: Practical significance threshold, hours (>= 0).
        family_confidence: Confidence of all the intervals together (Bonferroni).

    Raises:
        ValueError: A negative threshold, no reference replication, or a lever not run on the
            reference's streams (its effect would not be paired).
    """
    if not math.isfinite(threshold_h) or threshold_h < 0:
        raise ValueError(f"the practical threshold must be >= 0 hours (got {threshold_h})")
    if not reference:
        raise ValueError("levers need the reference's replications")
    streams = {(s.root_seed, s.replication) for s in reference}
    for name, runs in levers.items():
        if {(s.root_seed, s.replication) for s in runs} != streams:
            raise ValueError(f"lever {name!r} did not run on the reference's streams")
    confidence = bonferroni_confidence(family_confidence, max(1, len(levers)))
    base = _release_stats(reference)
    effects = []
    for name, runs in levers.items():
        mine = _release_stats(runs)
        for flow, by_replication in base.items():
            replications = sorted(set(by_replication) & set(mine.get(flow, {})))
            if not replications:
                continue
            ref = [by_replication[r] for r in replications]
            new = [mine[flow][r] for r in replications]
            effects.append(
                LeverEffect(
                    lever=name,
                    direction=flow[0],
                    mode=flow[1],
                    mean_h=paired_difference([v[0] for v in new], [v[0] for v in ref], confidence),
                    p90_h=paired_difference([v[1] for v in new], [v[1] for v in ref], confidence),
                    confidence=confidence,
                    threshold_h=threshold_h,
                )
            )
    return rank_levers(effects)


def top_levers(effects: Sequence[LeverEffect]) -> dict[Flow, LeverEffect | None]:
    """Per flow, the best-ranked lever whose saving is practically significant (or None)."""
    best: dict[Flow, LeverEffect | None] = {}
    for effect in sorted(effects, key=lambda e: e.rank):
        best.setdefault(effect.flow, None)
        if best[effect.flow] is None and effect.helps:
            best[effect.flow] = effect
    return best
