"""Cause attribution in a report: its JSON objects and the terminal table ``clearsim run`` prints.

(The stacked bars of the HTML report are :func:`clearsim.flows.report.cause_chart.cause_chart`.)
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.analysis.causes import CauseEstimate
from clearsim.flows.report.values import estimate_json, flow_name, format_estimate
from clearsim.models.vocabulary import CAUSES

TABLE_SEGMENTS = ("arrival->release", "release->exit")
"""The segments the terminal table splits: together they make arrival->exit."""

CAUSE_LABELS: dict[str, str] = {
    "declarant": "declarant",
    "consignee": "consignee",
    "carrier": "carrier/port",
    "queueing": "queueing",
    "calendar": "closed hours",
    "service": "service",
    "transport": "transport",
    "hold": "holds/queries",
}
"""Display names of the causes (tables, legends)."""


def cause_json(cause: CauseEstimate) -> dict[str, Any]:
    """One ``causes[]`` object of ``clearsim run --json``."""
    return {
        "direction": cause.direction,
        "mode": cause.mode,
        "segment": cause.segment,
        "cause": cause.cause,
        "cases": estimate_json(cause.cases),
        "mean_h": estimate_json(cause.mean_h),
        "share": estimate_json(cause.share),
    }


def causes_json(report: ScenarioReport) -> list[dict[str, Any]]:
    """Every (flow, segment, cause) estimate of the report, as JSON objects."""
    return [cause_json(c) for c in report.causes]


def cause_table(report: ScenarioReport) -> Table | None:
    """Arrival->release and release->exit of each flow in hours per cause (None: no causes).

    A cause no flow spends time on is left out; each cell is the mean ± half-width.
    """
    rows = sorted(
        (c for c in report.causes if c.segment in TABLE_SEGMENTS and c.cases.mean > 0),
        key=lambda c: TABLE_SEGMENTS.index(c.segment),
    )
    rows.sort(
        key=lambda c: [(r.direction, r.mode) for r in report.causes].index((c.direction, c.mode))
    )
    if not rows:
        return None
    used = [
        cause
        for cause in CAUSES
        if any(c.cause == cause and abs(c.mean_h.mean) >= 0.05 for c in rows)
    ]
    level = f"{report.confidence:.0%}"
    table = Table(
        title=f"Where the hours go: segment hours per cause (mean ± {level} CI half-width)"
    )
    for header in ("flow", "segment", *(CAUSE_LABELS[c] for c in used)):
        table.add_column(header, justify="left" if header in ("flow", "segment") else "right")
    cells: dict[tuple[str, str, str], dict[str, CauseEstimate]] = {}
    for c in rows:
        cells.setdefault((c.direction, c.mode, c.segment), {})[c.cause] = c
    previous = ""
    for (direction, mode, segment), by_cause in cells.items():
        flow = flow_name(direction, mode)
        table.add_row(
            flow if flow != previous else "",
            segment,
            *(format_estimate(by_cause[c].mean_h) if c in by_cause else "-" for c in used),
        )
        previous = flow
    return table
