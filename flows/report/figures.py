"""The numbers behind every figure of a study report, computed from the stored study alone."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clearsim.analysis.comparison import Difference
from clearsim.analysis.statistics import Estimate
from clearsim.flows.report.study_report import StudyResults
from clearsim.models.records import OverlongCase, RunSummary, SegmentQuantiles
from clearsim.simulation.metrics.segment_quantiles import pooled_ecdf

ECDF_POINTS = 241
STACKED_SEGMENTS = ("arrival->lodgement", "lodgement->release", "release->exit")
FOREST_SEGMENTS = ("arrival->release", "arrival->exit", "arrival->departure")
OVERLONG_SHOWN = 25
"""Overlong cases listed per scenario (the longest first); the count covers them all."""


@dataclass(frozen=True)
class EcdfPanel:
    """One flow's segment: the pooled ECDF of every scenario on a shared grid of hours."""

    flow: tuple[str, str]
    segment: str
    hours: np.ndarray
    curves: tuple[tuple[str, np.ndarray], ...]
    cases: tuple[tuple[str, int], ...]
    """Cases behind each curve (all replications)."""


@dataclass(frozen=True)
class SegmentBar:
    """A scenario's mean hours in the three consecutive TRS segments of one flow."""

    scenario: str
    flow: tuple[str, str]
    parts: tuple[float, float, float]
    arrival_release: float
    """Drawn instead of the first two parts when either is missing (a flow without lodgement)."""
    lodged: str = ""
    """``before_arrival`` or ``after_arrival``: the bar of the cases lodged on that side of their
    arrival only (their own means); empty: every case of the flow."""
    share: float = math.nan
    """The share of the flow's lodged cases on that side."""


@dataclass(frozen=True)
class ForestRow:
    """A paired difference of mean hours with its interval."""

    scenario: str
    flow: tuple[str, str]
    segment: str
    estimate: Estimate
    significant: bool


@dataclass(frozen=True)
class HeatMap:
    """A scenario's utilisation by resource and clock hour (mean over replications)."""

    scenario: str
    resources: tuple[str, ...]
    values: np.ndarray
    """Shape (resources, 24); NaN where a resource is never staffed in that hour."""


@dataclass(frozen=True)
class QueueSeries:
    """A resource's mean queue length over time in every scenario."""

    resource: str
    series: tuple[tuple[str, float, np.ndarray], ...]
    """(scenario, bin width in minutes, mean number waiting per bin)."""
    warmup_min: float


@dataclass(frozen=True)
class NetworkSite:
    """A site of the network where the report draws it."""

    name: str
    kind: str
    name_zh: str
    lat: float
    lon: float


@dataclass(frozen=True)
class NetworkMap:
    """The reference's network, and each scenario's trips per day on every leg (both ways).

    Only the legs some scenario sent trips over, and their sites, unless none did (a study stored
    without traffic figures shows the whole network).
    """

    sites: tuple[NetworkSite, ...]
    legs: tuple[tuple[str, str, str], ...]
    """(source, target, mode) of every edge of the spec."""
    trips_per_day: tuple[tuple[str, dict[tuple[str, str], float]], ...]
    """Per scenario: trips a day over each edge (its two directions added)."""


@dataclass(frozen=True)
class ReportFigures:
    """Everything the report draws besides the tables it takes from the results."""

    ecdfs: tuple[EcdfPanel, ...]
    bars: tuple[SegmentBar, ...]
    forest: tuple[ForestRow, ...]
    heat_maps: tuple[HeatMap, ...]
    queues: tuple[QueueSeries, ...]
    network: NetworkMap
    overlong: tuple[tuple[str, int, tuple[tuple[int, OverlongCase], ...]], ...]
    """Per scenario: how many overlong cases in all, and the longest ones."""
    missing: tuple[str, ...]
    """Figures the store has no data for (replications stored by an older clearsim)."""


def report_figures(results: StudyResults) -> ReportFigures:
    """Compute every figure's data from a complete stored study."""
    names = tuple(r.scenario_name for r in results.reports)
    summaries = results.stored.summaries
    missing = []
    if not all(s.distributions for runs in summaries for s in runs):
        missing.append("clearance-time distributions")
    if not all(s.profiles for runs in summaries for s in runs):
        missing.append("resource profiles")
        missing.append("network traffic")
    return ReportFigures(
        ecdfs=_ecdfs(names, summaries),
        bars=_bars(results),
        forest=_forest(results.differences),
        heat_maps=tuple(_heat_map(n, runs) for n, runs in zip(names, summaries, strict=True)),
        queues=_queues(results, names, summaries),
        network=_network(results, names, summaries),
        overlong=tuple(
            (r.scenario_name, len(r.overlong_cases), r.overlong_cases[:OVERLONG_SHOWN])
            for r in results.reports
        ),
        missing=tuple(missing),
    )


def _ecdfs(names: tuple[str, ...], summaries: Sequence[list[RunSummary]]) -> tuple[EcdfPanel, ...]:
    parts: dict[tuple[str, str, str], dict[str, list[SegmentQuantiles]]] = {}
    for name, runs in zip(names, summaries, strict=True):
        for run in runs:
            for part in run.distributions:
                key = (part.direction, part.mode, part.segment)
                parts.setdefault(key, {}).setdefault(name, []).append(part)
    panels = []
    for (direction, mode, segment), by_scenario in parts.items():
        filled = [p for ps in by_scenario.values() for p in ps if p.n]
        if not filled:
            continue
        low = min(p.hours[0] for p in filled)
        high = max(p.hours[99] for p in filled)
        if high <= low:
            high = low + 1.0
        hours = np.linspace(min(low, 0.0), high, ECDF_POINTS)
        panels.append(
            EcdfPanel(
                flow=(direction, mode),
                segment=segment,
                hours=hours,
                curves=tuple((n, pooled_ecdf(ps, hours)) for n, ps in by_scenario.items()),
                cases=tuple((n, sum(p.n for p in ps)) for n, ps in by_scenario.items()),
            )
        )
    return tuple(panels)


def _bars(results: StudyResults) -> tuple[SegmentBar, ...]:
    """A bar per scenario and flow; per side of arrival where cases lodged on both sides.

    Means over every case mix declarations lodged days before arrival with those lodged after
    it, and lodgement->release then belongs to neither (ship-side pickup, all lodged ahead,
    looked twice as slow from lodgement to release as the baseline's mix). A flow whose cases
    lodge gets a bar per side that has cases; one without lodgement, a bar of every case.
    """
    bars = []
    for report in results.reports:
        sides: dict[tuple[str, str], list[SegmentBar]] = {}
        for t in report.lodgement_timing:
            share = t.share.mean
            a, b, c = (
                t.arrival_lodgement_h.mean,
                t.lodgement_release_h.mean,
                t.release_exit_h.mean,
            )
            if math.isfinite(share) and share > 0 and math.isfinite(a) and math.isfinite(b):
                flow = (t.direction, t.mode)
                bar = SegmentBar(report.scenario_name, flow, (a, b, c), a + b, t.lodged, share)
                sides.setdefault(flow, []).append(bar)
        means = {
            (s.direction, s.mode, s.segment): s.mean_h.mean
            for s in report.segments
            if s.channel == "all"
        }
        flows = list(dict.fromkeys(key[:2] for key in means))
        for direction, mode in flows:
            if sides.get((direction, mode)):
                bars.extend(sides[direction, mode])
                continue
            a, b, c = (means.get((direction, mode, seg), math.nan) for seg in STACKED_SEGMENTS)
            whole = means.get((direction, mode, "arrival->release"), math.nan)
            bars.append(SegmentBar(report.scenario_name, (direction, mode), (a, b, c), whole))
    return tuple(bars)


def _forest(differences: tuple[Difference, ...]) -> tuple[ForestRow, ...]:
    return tuple(
        ForestRow(d.scenario, (d.direction, d.mode), d.segment, d.estimate, d.significant)
        for d in differences
        if d.channel == "all" and d.statistic == "mean_h" and d.segment in FOREST_SEGMENTS
    )


def _heat_map(name: str, runs: list[RunSummary]) -> HeatMap:
    resources = tuple(p.resource for p in runs[0].profiles) if runs else ()
    stack = np.array(
        [[p.utilisation_by_hour for p in run.profiles] for run in runs if run.profiles],
        dtype=float,
    )
    if stack.size == 0:
        return HeatMap(name, resources, np.full((len(resources), 24), np.nan))
    with warnings.catch_warnings():  # an all-NaN hour: a resource never staffed then
        warnings.simplefilter("ignore", RuntimeWarning)
        values = np.nanmean(stack, axis=0)
    return HeatMap(name, resources, values)


def _queues(
    results: StudyResults, names: tuple[str, ...], summaries: Sequence[list[RunSummary]]
) -> tuple[QueueSeries, ...]:
    reference = json.loads(results.stored.scenarios[0].scenario_json)
    found = []
    for resource in results.bottlenecks:
        series = []
        for name, runs in zip(names, summaries, strict=True):
            profiles = [p for run in runs for p in run.profiles if p.resource == resource]
            if not profiles:
                continue
            length = min(len(p.queue_length) for p in profiles)
            mean = np.mean([p.queue_length[:length] for p in profiles], axis=0)
            series.append((name, profiles[0].bin_min, mean))
        if series:
            found.append(QueueSeries(resource, tuple(series), float(reference["warmup_min"])))
    return tuple(found)


def _days_of_arrivals(scenario: dict[str, object], run: RunSummary) -> float:
    """Days over which a run's trips arose.

    Arrivals stop at the horizon in a terminating run and continue until it stops in a
    steady-state one.
    """
    horizon = float(scenario["horizon_min"])  # type: ignore[arg-type]
    minutes = horizon if scenario["kind"] == "terminating" else run.end_time_min
    return max(minutes, 1.0) / 1440.0


def _network(
    results: StudyResults, names: tuple[str, ...], summaries: Sequence[list[RunSummary]]
) -> NetworkMap:
    spec = json.loads(results.stored.scenarios[0].scenario_json)["network"]
    sites = tuple(
        NetworkSite(name, node["kind"], node.get("name_zh", ""), node["lat"], node["lon"])
        for name, node in spec["nodes"].items()
    )
    legs = tuple((e["source"], e["target"], e["mode"]) for e in spec["edges"])
    per_scenario = []
    for row, name, runs in zip(results.stored.scenarios, names, summaries, strict=True):
        totals: dict[tuple[str, str], float] = {}
        scenario = json.loads(row.scenario_json)
        for run in runs:
            days = _days_of_arrivals(scenario, run)
            for leg in run.leg_trips:
                key = (min(leg.source, leg.target), max(leg.source, leg.target))
                totals[key] = totals.get(key, 0.0) + leg.trips / days
        per_scenario.append((name, {k: v / len(runs) for k, v in totals.items()}))
    used = {key for _, trips in per_scenario for key, value in trips.items() if value > 0}
    if used:  # only what the study sends trips over (the network may span every process)
        legs = tuple(leg for leg in legs if (min(leg[:2]), max(leg[:2])) in used)
        ends = {site for leg in legs for site in leg[:2]}
        sites = tuple(site for site in sites if site.name in ends)
    return NetworkMap(sites, legs, tuple(per_scenario))
