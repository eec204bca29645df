"""Cause attribution across replications: each segment's hours per cause, with intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clearsim.analysis.statistics import Estimate, mean_confidence_interval
from clearsim.models.records import RunSummary, SegmentCause


@dataclass(frozen=True, slots=True)
class CauseEstimate:
    """One flow's segment hours spent on one cause, across replications.

    ``mean_h`` of the causes of a segment add up to the segment's mean hours, replication by
    replication; ``share`` is of the segment's mean. A replication where no case reached the
    segment is left out (NaN).
    """

    direction: str
    mode: str
    segment: str
    cause: str
    cases: Estimate
    mean_h: Estimate
    share: Estimate


def cause_estimates(runs: Sequence[RunSummary], confidence: float) -> tuple[CauseEstimate, ...]:
    """Per (flow, segment, cause) seen in any replication, in the order first seen."""
    keys = list(
        dict.fromkeys((c.direction, c.mode, c.segment, c.cause) for r in runs for c in r.causes)
    )
    found = [{(c.direction, c.mode, c.segment, c.cause): c for c in r.causes} for r in runs]
    estimates = []
    for key in keys:
        rows = [run.get(key) for run in found]
        present = [row for row in rows if row is not None and row.n > 0]

        def of(field: str, rows: list[SegmentCause] = present) -> Estimate:
            values = [float(getattr(row, field)) for row in rows]
            return mean_confidence_interval(values or [math.nan], confidence)

        estimates.append(
            CauseEstimate(
                *key,
                cases=mean_confidence_interval(
                    [float(row.n) if row else 0.0 for row in rows], confidence
                ),
                mean_h=of("mean_h"),
                share=of("share"),
            )
        )
    return tuple(estimates)
