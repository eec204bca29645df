"""Present a scenario report: Rich tables for people, JSON for programs."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from clearsim.analysis.aggregate import (
    OutcomeEstimate,
    OverlongEstimate,
    ResourceEstimate,
    ScenarioReport,
    SegmentEstimate,
    TimingEstimate,
    WaitEstimate,
)
from clearsim.flows.report.causes import cause_table, causes_json
from clearsim.flows.report.fit import print_fitted
from clearsim.flows.report.values import estimate_json, flow_name, format_estimate

__all__ = [  # estimate_json, flow_name and format_estimate live in values, kept importable here
    "channel_table",
    "estimate_json",
    "flow_name",
    "format_estimate",
    "markdown_cell",
    "outcome_table",
    "overlong_list",
    "overlong_table",
    "print_report",
    "report_json",
    "resource_rows",
    "resource_table",
    "segment_table",
    "trs_markdown",
]


def _segment_json(seg: SegmentEstimate) -> dict[str, Any]:
    return {
        "direction": seg.direction,
        "mode": seg.mode,
        "segment": seg.segment,
        "channel": seg.channel,
        "cases": estimate_json(seg.cases),
        "mean_h": estimate_json(seg.mean_h),
        "median_h": estimate_json(seg.median_h),
        "p90_h": estimate_json(seg.p90_h),
        "share_24h": estimate_json(seg.share_24h),
        "share_48h": estimate_json(seg.share_48h),
    }


def _resource_json(res: ResourceEstimate) -> dict[str, Any]:
    return {
        "resource": res.resource,
        "capacity": res.capacity,
        "available_fraction": estimate_json(res.available_fraction),
        "utilisation": estimate_json(res.utilisation),
        "utilisation_check": estimate_json(res.utilisation_check),
        "mean_queue_length": estimate_json(res.mean_queue_length),
        "mean_wait_min": estimate_json(res.mean_wait_min),
        "max_queue_length": estimate_json(res.max_queue_length),
        "wait_probability": estimate_json(res.wait_probability),
        "peak_in_use": estimate_json(res.peak_in_use),
    }


def _wait_json(wait: WaitEstimate) -> dict[str, Any]:
    return {
        "resource": wait.resource,
        "activity": wait.activity,
        "case_class": wait.case_class,
        "visits": estimate_json(wait.visits),
        "mean_wait_min": estimate_json(wait.mean_wait_min),
        "wait_probability": estimate_json(wait.wait_probability),
    }


def _timing_json(timing: TimingEstimate) -> dict[str, Any]:
    return {
        "direction": timing.direction,
        "mode": timing.mode,
        "lodged": timing.lodged,
        "share": estimate_json(timing.share),
        "arrival_lodgement_h": estimate_json(timing.arrival_lodgement_h),
        "lodgement_release_h": estimate_json(timing.lodgement_release_h),
        "release_exit_h": estimate_json(timing.release_exit_h),
    }


def report_json(report: ScenarioReport, extra: dict[str, Any]) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (NaN becomes null)."""
    return {
        "scenario": {
            "name": report.scenario_name,
            "hash": report.scenario_hash,
            "seed": report.root_seed,
            "replications": report.replications,
            "confidence": report.confidence,
        },
        **extra,
        "counts": {
            "arrived": estimate_json(report.arrived),
            "completed": estimate_json(report.completed),
            "in_system": estimate_json(report.in_system),
            "measured": estimate_json(report.measured),
            "censored": estimate_json(report.censored),
        },
        "warmup_mser5_min": estimate_json(report.warmup_mser5_min),
        "segments": [_segment_json(s) for s in report.segments],
        "resources": [_resource_json(r) for r in report.resources],
        "waits": [_wait_json(w) for w in report.waits],
        "lodgement_timing": [_timing_json(t) for t in report.lodgement_timing],
        "causes": causes_json(report),
        "outcomes": [_outcome_json(o) for o in report.outcomes],
        "overlong": {
            "threshold_h": report.overlong_threshold_h,
            "counts": [_overlong_json(o) for o in report.overlong],
            "cases": [
                {
                    "replication": replication,
                    "case_id": case.case_id,
                    "process": case.process,
                    "direction": case.direction,
                    "mode": case.mode,
                    "segment": case.segment,
                    "start_min": case.start_min,
                    "hours": case.hours,
                    "open": case.open,
                }
                for replication, case in report.overlong_cases
            ],
        },
    }


def _outcome_json(outcome: OutcomeEstimate) -> dict[str, Any]:
    return {
        "process": outcome.process,
        "outcome": outcome.outcome,
        "cases": estimate_json(outcome.cases),
    }


def _overlong_json(overlong: OverlongEstimate) -> dict[str, Any]:
    return {
        "direction": overlong.direction,
        "mode": overlong.mode,
        "segment": overlong.segment,
        "cases": estimate_json(overlong.cases),
        "open_cases": estimate_json(overlong.open_cases),
    }


def markdown_cell(text: str) -> str:
    """Text for a markdown artifact: a ``|`` breaks no table column and ``<`` starts no tag."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _visible(seg: SegmentEstimate) -> bool:
    """A channel split with no case in any replication is left out of the tables."""
    return seg.cases.n > 0 and seg.cases.mean > 0


def _segment_cells(seg: SegmentEstimate) -> tuple[str, ...]:
    """Cases, mean, median, p90, shares within 24 h and 48 h, as mean ± half-width."""
    return (
        format_estimate(seg.cases, 0),
        format_estimate(seg.mean_h),
        format_estimate(seg.median_h),
        format_estimate(seg.p90_h),
        format_estimate(seg.share_24h, 1, percent=True),
        format_estimate(seg.share_48h, 1, percent=True),
    )


CHANNEL_SEGMENTS = ("arrival->release", "arrival->exit")
"""Segments the channel tables split by risk channel (the headline table shows every case)."""


def _headline(report: ScenarioReport) -> list[SegmentEstimate]:
    return [s for s in report.segments if s.channel == "all" and _visible(s)]


def _by_channel(report: ScenarioReport) -> list[SegmentEstimate]:
    return [
        s
        for s in report.segments
        if s.channel != "all" and s.segment in CHANNEL_SEGMENTS and _visible(s)
    ]


def trs_markdown(report: ScenarioReport) -> str:
    """The TRS segments per flow, then split by channel, as markdown (for Prefect artifacts)."""
    level = f"{report.confidence:.0%}"
    header = "| flow | segment | channel | cases | mean | median | p90 | ≤ 24 h | ≤ 48 h |"
    rule = "|---|---|---|--:|--:|--:|--:|--:|--:|"
    lines = [
        f"### {report.scenario_name} [{report.scenario_hash[:12]}]: WCO TRS segments, hours",
        "",
        f"{report.replications} replications from root seed {report.root_seed}; "
        f"each cell is the mean ± {level} CI half-width over replications.",
        "",
        header,
        rule,
    ]
    for seg in _headline(report):
        cells = (flow_name(seg.direction, seg.mode), seg.segment, seg.channel, *_segment_cells(seg))
        lines.append("| " + " | ".join(cells) + " |")
    if _by_channel(report):
        lines += ["", "By risk channel:", "", header, rule]
    for seg in _by_channel(report):
        cells = (flow_name(seg.direction, seg.mode), seg.segment, seg.channel, *_segment_cells(seg))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _rounded(value: float, digits: int) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def resource_rows(report: ScenarioReport) -> list[dict[str, Any]]:
    """One row per resource for a table artifact (means and CI half-widths; NaN becomes null)."""
    return [
        {
            "resource": res.resource,
            "servers": res.capacity,
            "staffed": _rounded(res.available_fraction.mean, 4),
            "utilisation": _rounded(res.utilisation.mean, 4),
            "utilisation_half_width": _rounded(res.utilisation.half_width, 4),
            "utilisation_check": _rounded(res.utilisation_check.mean, 4),
            "mean_queue": _rounded(res.mean_queue_length.mean, 3),
            "mean_wait_min": _rounded(res.mean_wait_min.mean, 2),
            "mean_wait_min_half_width": _rounded(res.mean_wait_min.half_width, 2),
            "max_queue": _rounded(res.max_queue_length.mean, 1),
            "peak_in_use": _rounded(res.peak_in_use.mean, 1),
            "waited_share": _rounded(res.wait_probability.mean, 4),
        }
        for res in report.resources
    ]


def _segments_table(title: str, segments: list[SegmentEstimate]) -> Table:
    table = Table(title=title)
    headers = ("flow", "segment", "channel", "cases", "mean", "median", "p90", "<= 24 h", "<= 48 h")
    for header in headers:
        left = header in ("flow", "segment", "channel")
        table.add_column(header, justify="left" if left else "right")
    previous_flow, previous_segment = "", ""
    for seg in segments:
        flow = flow_name(seg.direction, seg.mode)
        new_flow = flow != previous_flow
        table.add_row(
            flow if new_flow else "",
            seg.segment if new_flow or seg.segment != previous_segment else "",
            seg.channel,
            *_segment_cells(seg),
        )
        previous_flow, previous_segment = flow, seg.segment
    return table


def segment_table(report: ScenarioReport) -> Table:
    """TRS segments per flow, every case: mean, median, p90 (hours), shares within 24/48 h."""
    level = f"{report.confidence:.0%}"
    return _segments_table(
        f"WCO TRS segments, hours (mean ± {level} CI half-width over replications)",
        _headline(report),
    )


def channel_table(report: ScenarioReport) -> Table | None:
    """Arrival->release and arrival->exit per flow split by risk channel (None: no channels)."""
    if not _by_channel(report):
        return None
    level = f"{report.confidence:.0%}"
    return _segments_table(
        f"By risk channel, hours (mean ± {level} CI half-width over replications)",
        _by_channel(report),
    )


def outcome_table(report: ScenarioReport) -> Table | None:
    """Named outcomes per process (cases per replication), or None when no process has any."""
    if not report.outcomes:
        return None
    level = f"{report.confidence:.0%}"
    table = Table(title=f"Outcomes, measured cases per replication (mean ± {level} CI)")
    for header in ("process", "outcome", "cases"):
        table.add_column(header, justify="right" if header == "cases" else "left")
    for outcome in report.outcomes:
        table.add_row(outcome.process, outcome.outcome, format_estimate(outcome.cases, 1))
    return table


OVERLONG_LISTED = 10
"""How many of the longest overlong cases the table lists (``--json`` has them all)."""


def overlong_table(report: ScenarioReport) -> Table:
    """Overlong-case counts per flow and monitored segment, then the longest cases."""
    level = f"{report.confidence:.0%}"
    table = Table(
        title=f"Overlong cases (> {report.overlong_threshold_h:g} h), per replication "
        f"(mean ± {level} CI); open: not yet at the segment's end when the run stopped"
    )
    for header in ("flow", "segment", "cases", "open"):
        table.add_column(header, justify="left" if header in ("flow", "segment") else "right")
    for row in report.overlong:
        table.add_row(
            flow_name(row.direction, row.mode),
            row.segment,
            format_estimate(row.cases, 1),
            format_estimate(row.open_cases, 1),
        )
    return table


def overlong_list(report: ScenarioReport) -> Table | None:
    """The longest overlong cases over all replications, or None when there are none."""
    if not report.overlong_cases:
        return None
    shown = report.overlong_cases[:OVERLONG_LISTED]
    table = Table(
        title=f"Longest overlong cases ({len(shown)} of {len(report.overlong_cases)}; "
        "--json lists all)"
    )
    for header in ("replication", "case", "segment", "hours", "open"):
        table.add_column(header, justify="right" if header in ("replication", "hours") else "left")
    for replication, case in shown:
        table.add_row(
            str(replication),
            case.case_id,
            case.segment,
            f"{case.hours:.1f}",
            "yes" if case.open else "",
        )
    return table


def resource_table(report: ScenarioReport) -> Table:
    """Resources: staffed share, utilisation (two estimators), queue length and wait."""
    level = f"{report.confidence:.0%}"
    table = Table(title=f"Resources over the measurement window (mean ± {level} CI half-width)")
    headers = (
        "resource",
        "servers",
        "staffed",
        "utilisation",
        "check",
        "mean queue",
        "mean wait min",
        "max queue",
        "peak held",
        "waited",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "resource" else "right")
    for res in report.resources:
        table.add_row(
            res.resource,
            str(res.capacity),
            format_estimate(res.available_fraction, 1, percent=True),
            format_estimate(res.utilisation, 1, percent=True),
            format_estimate(res.utilisation_check, 1, percent=True),
            format_estimate(res.mean_queue_length, 2),
            format_estimate(res.mean_wait_min, 1),
            format_estimate(res.max_queue_length, 0),
            format_estimate(res.peak_in_use, 0),
            format_estimate(res.wait_probability, 1, percent=True),
        )
    return table


def print_report(console: Console, report: ScenarioReport, header: str) -> None:
    """Print the header line and the tables: segments, channels, resources, outcomes, overlong."""
    console.print(header, markup=False, highlight=False)
    tables = (
        segment_table(report),
        channel_table(report),
        cause_table(report),
        resource_table(report),
        outcome_table(report),
        overlong_table(report),
        overlong_list(report),
    )
    for table in tables:
        print_fitted(console, table)
