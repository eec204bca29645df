"""The report's response plots: a sweep's output against each swept parameter, with its CI.

For each swept parameter and each flow, the mean arrival->release of every point (its interval
as a whisker) is drawn against the parameter's value. A grid draws a line through the points,
one line per combination of the other axes' values; a Latin hypercube (whose points share no
values) draws a scatter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearsim.analysis.levers import LEVER_SEGMENT
from clearsim.analysis.statistics import Estimate
from clearsim.flows.report.render import flow_name, format_estimate
from clearsim.flows.report.study_report import StudyResults
from clearsim.flows.report.svg import (
    Scale,
    colour,
    dash,
    element,
    esc,
    line,
    nice_ticks,
    number,
    open_svg,
    polyline,
    text,
    x_axis,
    y_axis,
)


@dataclass(frozen=True)
class ResponsePoint:
    """One sweep point's output on one flow."""

    value: float
    """The swept parameter's value."""
    group: str
    """The other axes' values (``""`` with one axis or a hypercube)."""
    mean_h: Estimate
    """Mean arrival->release of the flow, hours, with its interval."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def response_points(
    results: StudyResults, parameter: str
) -> dict[tuple[str, str], list[ResponsePoint]]:
    """Per flow, every point of the sweep that sets ``parameter`` to a number."""
    table: dict[tuple[str, str], list[ResponsePoint]] = {}
    for row, report in zip(results.stored.scenarios, results.reports, strict=True):
        point = json.loads(row.parameters_json)
        value = _number(point.get(parameter))
        if value is None:
            continue
        group = ", ".join(f"{k}={v}" for k, v in point.items() if k != parameter)
        for seg in report.segments:
            if seg.segment == LEVER_SEGMENT and seg.channel == "all" and seg.cases.mean > 0:
                table.setdefault((seg.direction, seg.mode), []).append(
                    ResponsePoint(value, group, seg.mean_h)
                )
    return table


def swept_parameters(results: StudyResults) -> list[str]:
    """The parameters a sweep study varies, in the order its points name them."""
    if results.stored.study.kind != "sweep":
        return []
    names: dict[str, None] = {}
    for row in results.stored.scenarios:
        names.update(dict.fromkeys(json.loads(row.parameters_json)))
    return list(names)


def response_chart(
    points: Sequence[ResponsePoint], parameter: str, flow: tuple[str, str], scatter: bool
) -> str:
    """The flow's mean arrival->release against ``parameter``: points with CI whiskers.

    Without ``scatter``, a line joins the points of each group in the order of the value.
    """
    width, height, left, right, top, bottom = 420, 250, 52, 14, 14, 46
    xs = [p.value for p in points]
    ys = [v for p in points for v in (p.mean_h.low, p.mean_h.high, p.mean_h.mean)
          if math.isfinite(v)]  # fmt: skip
    x_pad = 0.05 * (max(xs) - min(xs) or 1.0)
    y_lo, y_hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    y_pad = 0.08 * (y_hi - y_lo or 1.0)
    x = Scale(min(xs) - x_pad, max(xs) + x_pad, left, width - right)
    y = Scale(y_lo - y_pad, y_hi + y_pad, height - bottom, top)
    label = f"{flow_name(*flow)}: mean {LEVER_SEGMENT} against {parameter}"
    parts = [open_svg(width, height, label)]
    parts.append(y_axis(y, left, nice_ticks(y.lo, y.hi), grid_to=width - right))
    parts.append(x_axis(x, height - bottom, nice_ticks(x.lo, x.hi), parameter))
    parts.append(text(left + 4, top + 10, f"mean {LEVER_SEGMENT}, h"))
    groups = list(dict.fromkeys(p.group for p in points))
    for index, group in enumerate(groups):
        mine = sorted((p for p in points if p.group == group), key=lambda p: p.value)
        stroke = colour(index)
        finite = [(x(p.value), y(p.mean_h.mean)) for p in mine if math.isfinite(p.mean_h.mean)]
        if not scatter and len(finite) > 1:
            line_title = f"<title>{esc(group or parameter)}</title>"
            parts.append(element("g", line_title + polyline(finite, stroke, dashes=dash(index)),
                                 class_="mark"))  # fmt: skip
        for p in mine:
            e = p.mean_h
            if not math.isfinite(e.mean):
                continue
            mark = element("circle", cx=x(p.value), cy=y(e.mean), r=3.0, fill=stroke)
            if math.isfinite(e.half_width):
                mark += line(x(p.value), y(e.low), x(p.value), y(e.high), stroke)
            where = f"{parameter}={number(p.value, 4)}" + (f", {group}" if group else "")
            title = f"<title>{esc(where)}: {esc(format_estimate(e, 2))} h</title>"
            parts.append(element("g", title + mark, class_="mark point"))
    parts.append("</svg>")
    return "".join(parts)


def response_section(results: StudyResults) -> str:
    """Every swept parameter's response plots, or a note that the study swept nothing."""
    parameters = swept_parameters(results)
    if not parameters:
        return (
            '<p class="note">Not a sweep: clearsim sweep FILE --set PATH=V1,V2,... (or --lhs) '
            "plots the output against each swept parameter here.</p>"
        )
    design = json.loads(results.stored.study.design_json or "{}")
    scatter = "lhs" in design
    level = f"{results.reports[0].confidence:.0%}"
    figures = []
    for parameter in parameters:
        for flow, points in response_points(results, parameter).items():
            groups = len({p.group for p in points})
            how = (
                "a scatter of the Latin hypercube's points"
                if scatter
                else "one line per combination of the other axes (hover for its values)"
                if groups > 1
                else "a line through the grid's points"
            )
            caption = (
                f"{flow_name(*flow)}: mean {LEVER_SEGMENT} against {parameter}; whiskers: "
                f"{level} interval; {how}"
            )
            figures.append(
                f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>'
                f"{response_chart(points, parameter, flow, scatter)}</figure>"
            )
    if not figures:
        return '<p class="note">No swept parameter is a number: nothing to plot.</p>'
    return '<div class="wide">' + "".join(figures) + "</div>"
