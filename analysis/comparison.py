"""Compare scenarios with a reference: per TRS segment and statistic, the difference and its CI.

Scenarios run with the same root seed and replication numbers share their streams (common
random numbers), so their differences are paired by replication (paired-t); otherwise the
scenarios are independent and Welch's interval applies. With more than one scenario compared
to the reference, each interval is widened by Bonferroni so that all hold jointly at the
family confidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearsim.analysis.statistics import (
    DEFAULT_CONFIDENCE,
    Estimate,
    bonferroni_confidence,
    paired_difference,
    welch_difference,
)
from clearsim.models.records import ResourceStat, RunSummary, SegmentStat

COMPARED_STATISTICS: tuple[str, ...] = ("mean_h", "median_h", "p90_h", "share_24h", "share_48h")
"""The per-replication statistics of a segment that comparisons report."""

SegmentKey = tuple[str, str, str, str]
"""(direction, mode, segment, channel)."""
PRACTICAL_DIFFERENCE: dict[str, float] = {
    "mean_h": 0.1,
    "median_h": 0.1,
    "p90_h": 0.1,
    "share_24h": 0.005,
    "share_48h": 0.005,
    "utilisation": 0.005,
    "mean_wait_min": 1.0,
}
"""The smallest difference worth reporting, per statistic (an estimate, not a published rule):
6 minutes of clearance time, half a percentage point of a share or of utilisation, a minute of
waiting. A difference whose interval excludes 0 but which is smaller is detectable, not material."""


MARKS_LEGEND = (
    "* = the interval excludes 0 and the difference is material (>= 0.1 h, 0.5 points of a "
    "share or utilisation, 1 min of waiting); ° = detectable but smaller"
)
"""What the marks of :func:`difference_mark` mean, for table titles and captions."""


def detectable(estimate: Estimate) -> bool:
    """True when the interval is finite and excludes zero."""
    return math.isfinite(estimate.half_width) and (estimate.low > 0 or estimate.high < 0)


def practically_significant(estimate: Estimate, threshold: float) -> bool:
    """Detectable (:func:`detectable`) and at least ``threshold`` in size."""
    return detectable(estimate) and abs(estimate.mean) >= threshold


def difference_mark(estimate: Estimate, statistic: str, threshold: float | None = None) -> str:
    """``" *"`` for a material difference, ``" °"`` for a detectable but immaterial one, or ``""``.

    Material: the interval excludes 0 and the difference is at least ``threshold``, by default
    :data:`PRACTICAL_DIFFERENCE` of its statistic (a 0.0% difference is never starred).
    """
    if not detectable(estimate):
        return ""
    limit = PRACTICAL_DIFFERENCE.get(statistic, 0.0) if threshold is None else threshold
    return " *" if practically_significant(estimate, limit) else " °"


@dataclass(frozen=True, slots=True)
class Difference:
    """One scenario minus the reference, for one segment, channel and statistic."""

    scenario: str
    direction: str
    mode: str
    segment: str
    channel: str
    statistic: str
    estimate: Estimate
    paired: bool
    confidence: float

    @property
    def significant(self) -> bool:
        """True when the interval excludes zero."""
        e = self.estimate
        return math.isfinite(e.half_width) and (e.low > 0 or e.high < 0)

    @property
    def material(self) -> bool:
        """Significant and at least :data:`PRACTICAL_DIFFERENCE` of the statistic."""
        return difference_mark(self.estimate, self.statistic) == " *"


def _by_segment(summaries: Sequence[RunSummary]) -> dict[SegmentKey, dict[int, SegmentStat]]:
    table: dict[SegmentKey, dict[int, SegmentStat]] = {}
    for summary in summaries:
        for stat in summary.segments:
            key = (stat.direction, stat.mode, stat.segment, stat.channel)
            table.setdefault(key, {})[summary.replication] = stat
    return table


def _same_streams(a: Sequence[RunSummary], b: Sequence[RunSummary]) -> bool:
    """Common random numbers: the same root seed and the same replication numbers."""
    return {(s.root_seed, s.replication) for s in a} == {(s.root_seed, s.replication) for s in b}


def compare(
    reference: Sequence[RunSummary],
    scenarios: Mapping[str, Sequence[RunSummary]],
    family_confidence: float = DEFAULT_CONFIDENCE,
) -> list[Difference]:
    """Every scenario's differences to ``reference`` in every segment they both report."""
    if not reference or any(not runs for runs in scenarios.values()):
        raise ValueError("every scenario needs at least one replication")
    confidence = bonferroni_confidence(family_confidence, max(1, len(scenarios)))
    base = _by_segment(reference)
    differences = []
    for name, runs in scenarios.items():
        paired = _same_streams(reference, runs)
        mine = _by_segment(runs)
        for key, base_stats in base.items():
            if key not in mine:
                continue
            replications = sorted(base_stats)
            for statistic in COMPARED_STATISTICS:
                ref = [getattr(base_stats[r], statistic) for r in replications]
                if paired:
                    new = [getattr(mine[key][r], statistic) for r in replications]
                    estimate = paired_difference(new, ref, confidence)
                else:
                    new = [getattr(s, statistic) for s in mine[key].values()]
                    estimate = welch_difference(new, ref, confidence)
                differences.append(Difference(name, *key, statistic, estimate, paired, confidence))
    return differences


COMPARED_RESOURCE_STATISTICS: tuple[str, ...] = ("utilisation", "mean_wait_min")
"""The per-replication figures of a resource that comparisons report."""


@dataclass(frozen=True, slots=True)
class ResourceDifference:
    """One scenario minus the reference, for one resource and figure."""

    scenario: str
    resource: str
    statistic: str
    estimate: Estimate
    paired: bool
    confidence: float

    @property
    def significant(self) -> bool:
        """True when the interval excludes zero."""
        e = self.estimate
        return math.isfinite(e.half_width) and (e.low > 0 or e.high < 0)

    @property
    def material(self) -> bool:
        """Significant and at least :data:`PRACTICAL_DIFFERENCE` of the statistic."""
        return difference_mark(self.estimate, self.statistic) == " *"


def bottleneck_resources(summaries: Sequence[RunSummary], count: int = 3) -> tuple[str, ...]:
    """The ``count`` resources with the highest mean utilisation over the replications."""
    totals: dict[str, list[float]] = {}
    for summary in summaries:
        for res in summary.resources:
            if math.isfinite(res.utilisation):
                totals.setdefault(res.resource, []).append(res.utilisation)
    ranked = sorted(totals, key=lambda name: (-sum(totals[name]) / len(totals[name]), name))
    return tuple(ranked[:count])


def compare_resources(
    reference: Sequence[RunSummary],
    scenarios: Mapping[str, Sequence[RunSummary]],
    resources: Sequence[str],
    family_confidence: float = DEFAULT_CONFIDENCE,
) -> list[ResourceDifference]:
    """Every scenario's differences to ``reference`` for the named resources they both have."""
    if not reference or any(not runs for runs in scenarios.values()):
        raise ValueError("every scenario needs at least one replication")
    confidence = bonferroni_confidence(family_confidence, max(1, len(scenarios)))

    def by_resource(runs: Sequence[RunSummary]) -> dict[str, dict[int, ResourceStat]]:
        table: dict[str, dict[int, ResourceStat]] = {}
        for summary in runs:
            for res in summary.resources:
                table.setdefault(res.resource, {})[summary.replication] = res
        return table

    base = by_resource(reference)
    differences = []
    for name, runs in scenarios.items():
        paired = _same_streams(reference, runs)
        mine = by_resource(runs)
        for resource in resources:
            if resource not in base or resource not in mine:
                continue
            replications = sorted(base[resource])
            for statistic in COMPARED_RESOURCE_STATISTICS:
                ref = [getattr(base[resource][r], statistic) for r in replications]
                if paired:
                    new = [getattr(mine[resource][r], statistic) for r in replications]
                    estimate = paired_difference(new, ref, confidence)
                else:
                    new = [getattr(s, statistic) for s in mine[resource].values()]
                    estimate = welch_difference(new, ref, confidence)
                differences.append(
                    ResourceDifference(name, resource, statistic, estimate, paired, confidence)
                )
    return differences
