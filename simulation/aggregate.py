"""Combine the summaries of a scenario's replications into one report with confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.records import RunSummary
from simulation.statistics import DEFAULT_CONFIDENCE, Estimate, mean_confidence_interval


@dataclass(frozen=True, slots=True)
class SegmentEstimate:
    """A TRS segment for one channel split, each statistic averaged across replications."""

    segment: str
    channel: str
    cases: Estimate
    mean_h: Estimate
    median_h: Estimate
    p90_h: Estimate
    share_24h: Estimate
    share_48h: Estimate


@dataclass(frozen=True, slots=True)
class ResourceEstimate:
    """A resource's figures averaged across replications."""

    resource: str
    capacity: int
    available_fraction: Estimate
    utilisation: Estimate
    utilisation_check: Estimate
    mean_queue_length: Estimate
    mean_wait_min: Estimate
    max_queue_length: Estimate


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    """Everything ``clearsim run`` prints for one scenario."""

    scenario_name: str
    scenario_hash: str
    root_seed: int
    replications: int
    confidence: float
    arrived: Estimate
    completed: Estimate
    in_system: Estimate
    measured: Estimate
    censored: Estimate
    segments: tuple[SegmentEstimate, ...]
    resources: tuple[ResourceEstimate, ...]


def _estimate(values: Sequence[float], confidence: float) -> Estimate:
    return mean_confidence_interval(values, confidence)


def aggregate(
    scenario_name: str, summaries: Sequence[RunSummary], confidence: float = DEFAULT_CONFIDENCE
) -> ScenarioReport:
    """Report of one scenario from its replications (sorted by replication before combining)."""
    if not summaries:
        raise ValueError("no replication to aggregate")
    runs = sorted(summaries, key=lambda s: (s.scenario_hash, s.replication))
    first = runs[0]
    if any(r.scenario_hash != first.scenario_hash for r in runs):
        raise ValueError("summaries of different scenarios cannot be aggregated together")
    segments = []
    for seg in first.segments:
        key = (seg.segment, seg.channel)
        rows = [next(s for s in r.segments if (s.segment, s.channel) == key) for r in runs]
        segments.append(
            SegmentEstimate(
                segment=seg.segment,
                channel=seg.channel,
                cases=_estimate([float(s.n) for s in rows], confidence),
                mean_h=_estimate([s.mean_h for s in rows], confidence),
                median_h=_estimate([s.median_h for s in rows], confidence),
                p90_h=_estimate([s.p90_h for s in rows], confidence),
                share_24h=_estimate([s.share_24h for s in rows], confidence),
                share_48h=_estimate([s.share_48h for s in rows], confidence),
            )
        )
    resources = []
    for res in first.resources:
        rows_r = [next(s for s in r.resources if s.resource == res.resource) for r in runs]
        resources.append(
            ResourceEstimate(
                resource=res.resource,
                capacity=res.capacity,
                available_fraction=_estimate([s.available_fraction for s in rows_r], confidence),
                utilisation=_estimate([s.utilisation for s in rows_r], confidence),
                utilisation_check=_estimate([s.utilisation_check for s in rows_r], confidence),
                mean_queue_length=_estimate([s.mean_queue_length for s in rows_r], confidence),
                mean_wait_min=_estimate([s.mean_wait_min for s in rows_r], confidence),
                max_queue_length=_estimate([float(s.max_queue_length) for s in rows_r], confidence),
            )
        )
    return ScenarioReport(
        scenario_name=scenario_name,
        scenario_hash=first.scenario_hash,
        root_seed=first.root_seed,
        replications=len(runs),
        confidence=confidence,
        arrived=_estimate([float(r.arrived) for r in runs], confidence),
        completed=_estimate([float(r.completed) for r in runs], confidence),
        in_system=_estimate([float(r.in_system) for r in runs], confidence),
        measured=_estimate([float(r.measured) for r in runs], confidence),
        censored=_estimate([float(r.censored) for r in runs], confidence),
        segments=tuple(segments),
        resources=tuple(resources),
    )
