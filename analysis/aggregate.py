"""Combine the summaries of a scenario's replications into one report with confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clearsim.analysis.causes import CauseEstimate, cause_estimates
from clearsim.analysis.statistics import DEFAULT_CONFIDENCE, Estimate, mean_confidence_interval
from clearsim.models.monitoring import MonitoringSpec
from clearsim.models.records import LodgementTiming, OverlongCase, RunSummary


@dataclass(frozen=True, slots=True)
class SegmentEstimate:
    """A TRS segment of one flow and channel split, each statistic averaged over replications."""

    direction: str
    mode: str
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
    wait_probability: Estimate
    peak_in_use: Estimate
    """Most servers held at once (occupancy peak of yard slots, positions, trucks)."""


@dataclass(frozen=True, slots=True)
class TimingEstimate:
    """One flow's segment means for the cases lodged on one side of arrival, across replications.

    ``share`` is the side's share of the flow's lodged cases; a replication without a case on
    the side counts as missing (NaN) for the means.
    """

    direction: str
    mode: str
    lodged: str
    share: Estimate
    arrival_lodgement_h: Estimate
    lodgement_release_h: Estimate
    release_exit_h: Estimate


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """Waits at a resource for one activity and class, across replications.

    A replication in which the group had no visit in the window counts as missing (NaN) for the
    means, and as 0 visits.
    """

    resource: str
    activity: str
    case_class: str
    visits: Estimate
    mean_wait_min: Estimate
    wait_probability: Estimate


@dataclass(frozen=True, slots=True)
class OutcomeEstimate:
    """Cases per replication of one process that recorded one outcome."""

    process: str
    outcome: str
    cases: Estimate


@dataclass(frozen=True, slots=True)
class OverlongEstimate:
    """Overlong cases per replication of one flow in one monitored segment."""

    direction: str
    mode: str
    segment: str
    cases: Estimate
    open_cases: Estimate


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
    outcomes: tuple[OutcomeEstimate, ...]
    overlong: tuple[OverlongEstimate, ...]
    overlong_threshold_h: float
    overlong_cases: tuple[tuple[int, OverlongCase], ...]
    """(replication, case) of every overlong case, longest first."""
    warmup_mser5_min: Estimate
    """MSER-5's warm-up over the replications (NaN for a terminating scenario)."""
    waits: tuple[WaitEstimate, ...] = ()
    """Waits per resource, activity and class of case."""
    lodgement_timing: tuple[TimingEstimate, ...] = ()
    """Segment means per flow for cases lodged before and after their arrival."""
    causes: tuple[CauseEstimate, ...] = ()
    """Each segment's hours per cause, per flow (cause attribution)."""


def _estimate(values: Sequence[float], confidence: float) -> Estimate:
    return mean_confidence_interval(values, confidence)


def _timing(runs: Sequence[RunSummary], confidence: float) -> tuple[TimingEstimate, ...]:
    """Per (flow, side of arrival) seen in any replication: share of cases, segment means."""
    keys = list(
        dict.fromkeys((t.direction, t.mode, t.lodged) for r in runs for t in r.lodgement_timing)
    )
    estimates = []
    for direction, mode, lodged in keys:
        shares: list[float] = []
        parts: list[LodgementTiming | None] = []
        for run in runs:
            flow = [t for t in run.lodgement_timing if (t.direction, t.mode) == (direction, mode)]
            mine = next((t for t in flow if t.lodged == lodged), None)
            total = sum(t.n for t in flow)
            shares.append(mine.n / total if mine and total else math.nan)
            parts.append(mine if mine and mine.n else None)

        def mean_of(field: str, rows: list[LodgementTiming | None] = parts) -> Estimate:
            return _estimate([getattr(t, field) if t else math.nan for t in rows], confidence)

        estimates.append(
            TimingEstimate(
                direction,
                mode,
                lodged,
                share=_estimate(shares, confidence),
                arrival_lodgement_h=mean_of("arrival_lodgement_h"),
                lodgement_release_h=mean_of("lodgement_release_h"),
                release_exit_h=mean_of("release_exit_h"),
            )
        )
    return tuple(estimates)


def _waits(runs: Sequence[RunSummary], confidence: float) -> tuple[WaitEstimate, ...]:
    """Per (resource, activity, class) seen in any replication: visits, mean wait, P(wait)."""
    keys = sorted({(w.resource, w.activity, w.case_class) for r in runs for w in r.waits})
    estimates = []
    for key in keys:
        rows = [
            next((w for w in r.waits if (w.resource, w.activity, w.case_class) == key), None)
            for r in runs
        ]
        estimates.append(
            WaitEstimate(
                *key,
                visits=_estimate([float(w.visits) if w else 0.0 for w in rows], confidence),
                mean_wait_min=_estimate(
                    [w.mean_wait_min if w else math.nan for w in rows], confidence
                ),
                wait_probability=_estimate(
                    [w.wait_probability if w else math.nan for w in rows], confidence
                ),
            )
        )
    return tuple(estimates)


def _overlong(
    runs: Sequence[RunSummary],
    segments: Sequence[SegmentEstimate],
    monitored: Sequence[str],
    confidence: float,
) -> tuple[OverlongEstimate, ...]:
    """Overlong counts per (flow, monitored segment), zero where a replication had none."""
    flows = list(dict.fromkeys((s.direction, s.mode) for s in segments))
    estimates = []
    for direction, mode in flows:
        for segment in monitored:
            key = (direction, mode, segment)
            mine = [
                [c for c in run.overlong if (c.direction, c.mode, c.segment) == key] for run in runs
            ]
            estimates.append(
                OverlongEstimate(
                    direction=direction,
                    mode=mode,
                    segment=segment,
                    cases=_estimate([float(len(m)) for m in mine], confidence),
                    open_cases=_estimate([float(sum(c.open for c in m)) for m in mine], confidence),
                )
            )
    return tuple(estimates)


def _outcomes(runs: Sequence[RunSummary], confidence: float) -> tuple[OutcomeEstimate, ...]:
    estimates = []
    for outcome in runs[0].outcomes:
        key = (outcome.process, outcome.outcome)
        counts = [
            float(next(x.cases for x in run.outcomes if (x.process, x.outcome) == key))
            for run in runs
        ]
        estimates.append(
            OutcomeEstimate(outcome.process, outcome.outcome, _estimate(counts, confidence))
        )
    return tuple(estimates)


def aggregate(
    scenario_name: str,
    summaries: Sequence[RunSummary],
    monitoring: MonitoringSpec,
    confidence: float = DEFAULT_CONFIDENCE,
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
        key = (seg.direction, seg.mode, seg.segment, seg.channel)
        rows = [
            next(s for s in r.segments if (s.direction, s.mode, s.segment, s.channel) == key)
            for r in runs
        ]
        segments.append(
            SegmentEstimate(
                direction=seg.direction,
                mode=seg.mode,
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
                wait_probability=_estimate([s.wait_probability for s in rows_r], confidence),
                peak_in_use=_estimate([s.peak_in_use for s in rows_r], confidence),
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
        outcomes=_outcomes(runs, confidence),
        overlong=_overlong(runs, segments, monitoring.segments, confidence),
        overlong_threshold_h=monitoring.overlong_threshold_h,
        warmup_mser5_min=_estimate([r.warmup_mser5_min for r in runs], confidence),
        waits=_waits(runs, confidence),
        lodgement_timing=_timing(runs, confidence),
        causes=cause_estimates(runs, confidence),
        overlong_cases=tuple(
            sorted(
                ((run.replication, case) for run in runs for case in run.overlong),
                key=lambda item: (-item[1].hours, item[0], item[1].case_id, item[1].segment),
            )
        ),
    )
