"""How many replications a comparison needs for its headline intervals to reach a precision.

The headline intervals are those ``clearsim compare`` puts first: for every scenario and flow,
the mean and the 90th percentile of arrival->release and arrival->exit over every case. Shares
and channel splits are reported too but not targeted: a share near 0 or 1, or a channel that
sees a handful of cases, would need unbounded replications for a relative precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.analysis.output_analysis import relative_half_width, replications_for_target

TARGETED_SEGMENTS = ("arrival->release", "arrival->exit")
TARGETED_STATISTICS = ("mean_h", "p90_h")


@dataclass(frozen=True, slots=True)
class Precision:
    """The widest headline interval relative to its mean, and the replications it asks for."""

    worst_relative_half_width: float
    worst: str
    """Which interval: ``scenario: flow segment statistic``."""
    replications_needed: int


def headline_precision(reports: Sequence[ScenarioReport], target: float) -> Precision:
    """Precision of the targeted intervals of every report, and the replications for ``target``.

    Intervals that are undefined (a flow without cases, a statistic with a value in fewer than
    two replications, a zero mean) are left out.
    """
    worst, where, needed = 0.0, "", 0
    for report in reports:
        for seg in report.segments:
            if seg.channel != "all" or seg.segment not in TARGETED_SEGMENTS:
                continue
            for statistic in TARGETED_STATISTICS:
                estimate = getattr(seg, statistic)
                ratio = relative_half_width(estimate)
                if not math.isfinite(ratio):  # fewer than 2 values, or a zero mean
                    continue
                # n counts the replications with a value; scale to all of them.
                scale = report.replications / estimate.n
                needed = max(needed, math.ceil(replications_for_target(estimate, target) * scale))
                if ratio > worst or not where:
                    worst = ratio
                    where = (
                        f"{report.scenario_name}: {seg.direction} {seg.mode} "
                        f"{seg.segment} {statistic}"
                    )
    return Precision(worst, where, needed)
