"""The report's charts as static SVG: ECDFs, segment bars, forest plot, heat map, queues."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from clearsim.analysis.comparison import difference_mark
from clearsim.flows.report.figures import EcdfPanel, ForestRow, HeatMap, QueueSeries, SegmentBar
from clearsim.flows.report.render import flow_name
from clearsim.flows.report.svg import (
    Scale,
    colour,
    dash,
    element,
    esc,
    heat_colour,
    line,
    nice_ticks,
    number,
    open_svg,
    polyline,
    text,
    text_width,
    x_axis,
    y_axis,
)

LABEL_CHARS = 48
"""Scenario labels longer than this are cut in the middle (the full name is the tooltip)."""
BAR_SEGMENTS = ("arrival->lodgement", "lodgement->release", "release->exit", "arrival->release")
SEGMENT_COLOURS = ("#9ecae1", "#3182bd", "#fd8d3c", "#6baed6")
"""The colours of :data:`BAR_SEGMENTS`."""


def ecdf_chart(panel: EcdfPanel, scenarios: Sequence[str]) -> str:
    """One flow's segment: a cumulative distribution line per scenario."""
    width, height, left, right, top, bottom = 400, 236, 46, 14, 14, 46
    x = Scale(float(panel.hours[0]), float(panel.hours[-1]), left, width - right)
    y = Scale(0.0, 1.0, height - bottom, top)
    parts = [open_svg(width, height, f"ECDF of {flow_name(*panel.flow)} {panel.segment}")]
    parts.append(y_axis(y, left, [0, 0.25, 0.5, 0.75, 1.0], "percent", grid_to=width - right))
    parts.append(x_axis(x, height - bottom, nice_ticks(x.lo, x.hi), f"{panel.segment}, hours"))
    cases = dict(panel.cases)
    for name, values in panel.curves:
        index = scenarios.index(name)
        points = [
            (x(float(h)), y(float(v)))
            for h, v in zip(panel.hours, values, strict=True)
            if math.isfinite(v)
        ]
        median = _crossing(panel.hours, values, 0.5)
        parts.append(
            f'<g class="mark"><title>{esc(name)}: median {number(median)} h, '
            f"{cases.get(name, 0):,} cases</title>"
            f"{polyline(points, colour(index), dashes=dash(index))}</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _crossing(hours: np.ndarray, values: np.ndarray, level: float) -> float:
    above = np.flatnonzero(values >= level)
    return float(hours[above[0]]) if above.size else math.nan


def segment_bar_chart(bars: Sequence[SegmentBar], scenarios: Sequence[str]) -> str:
    """One flow: a bar per scenario of its mean segments laid end to end from arrival (0 h)."""
    flow = bars[0].flow
    labels = [_bar_label(bar) for bar in bars]
    left = max(60.0, 12 + max(text_width(label) for label in labels))
    right, top, row = 56, 34, 26
    width = left + 200 + right
    height = top + row * len(bars) + 44
    spans = [_spans(bar) for bar in bars]
    ends = [v for s in spans for lo, hi, _, _ in s for v in (lo, hi)] or [0.0, 1.0]
    x = Scale(min(0.0, *ends), max(*ends, 1e-9), left, width - right)
    parts = [open_svg(width, height, f"TRS segments of {flow_name(*flow)}")]
    for i, (bar, span) in enumerate(zip(bars, spans, strict=True)):
        y0 = top + i * row
        key = colour(scenarios.index(bar.scenario))
        label = text(left - 6, y0 + 14, labels[i], "end", fill=key)
        parts.append(element("g", f"<title>{esc(bar.scenario)}</title>{label}"))
        for lo, hi, segment, value in span:
            name = BAR_SEGMENTS[segment]
            dashed = "3 2" if segment == 0 and value < 0 else None
            fill = "none" if dashed else SEGMENT_COLOURS[segment]
            parts.append(
                element(
                    "rect",
                    f"<title>{esc(bar.scenario)}: {name} {number(value)} h</title>",
                    class_="mark",
                    x=x(lo),
                    y=y0 + 2,
                    width=max(x(hi) - x(lo), 0.8),
                    height=row - 8,
                    fill=fill,
                    stroke=SEGMENT_COLOURS[segment],
                    stroke_dasharray=dashed,
                )
            )
        total = sum(value for _, _, _, value in span)
        end = max((hi for _, hi, _, _ in span), default=0.0)
        parts.append(text(x(end) + 4, y0 + 14, f"{number(total, 1)} h"))
    parts.append(line(x(0), top - 4, x(0), top + row * len(bars), "#333"))
    axis_y = top + row * len(bars) + 4
    parts.append(x_axis(x, axis_y, nice_ticks(x.lo, x.hi), "hours from arrival (mean)"))
    shown = sorted({segment for span in spans for _, _, segment, _ in span})
    for k, segment in enumerate(shown):
        kx = 8.0 + 132 * (k % 3)
        ky = 6.0 + 12 * (k // 3)
        parts.append(
            element("rect", x=kx, y=ky, width=10, height=10, fill=SEGMENT_COLOURS[segment])
            + text(kx + 14, ky + 9, BAR_SEGMENTS[segment])
        )
    parts.append("</svg>")
    return "".join(parts)


SIDE_NAMES = {"before_arrival": "lodged ahead", "after_arrival": "lodged after arrival"}


def _bar_label(bar: SegmentBar) -> str:
    """The scenario, and for a side of arrival its name and share of the flow's lodged cases."""
    name = _short(bar.scenario, LABEL_CHARS)
    if not bar.lodged:
        return name
    return f"{name} · {SIDE_NAMES[bar.lodged]} {bar.share:.0%}"


def _spans(bar: SegmentBar) -> list[tuple[float, float, int, float]]:
    """(from, to, segment, hours) of each segment laid end to end from the arrival.

    Segments are indexed as :data:`BAR_SEGMENTS`; when arrival->lodgement or lodgement->release
    is missing (a flow without a lodgement milestone) arrival->release is drawn whole instead.
    """
    a, b, c = bar.parts
    if math.isfinite(a) and math.isfinite(b):
        pieces = [(0, a), (1, b)]
    else:
        pieces = [(3, bar.arrival_release)]
    pieces.append((2, c))
    spans, at = [], 0.0
    for segment, value in pieces:
        if math.isfinite(value):
            spans.append((min(at, at + value), max(at, at + value), segment, value))
            at += value
    return spans


def _short(text: str, size: int) -> str:
    """At most ``size`` characters, cut in the middle: sweep points differ at their ends."""
    if len(text) <= size:
        return text
    head = (size - 1) // 2
    return text[:head] + "…" + text[len(text) - (size - 1 - head) :]


def forest_chart(rows: Sequence[ForestRow], scenarios: Sequence[str], segment: str) -> str:
    """Paired differences of mean hours with their intervals; filled dots are significant."""
    labels = [f"{flow_name(*r.flow)} · {_short(r.scenario, LABEL_CHARS)}" for r in rows]
    left = 12 + max((text_width(label) for label in labels), default=0.0)
    right, top, row = 130, 16, 20
    width = left + 240 + right
    height = top + row * len(rows) + 46
    lows = [r.estimate.low for r in rows if math.isfinite(r.estimate.low)]
    highs = [r.estimate.high for r in rows if math.isfinite(r.estimate.high)]
    means = [r.estimate.mean for r in rows if math.isfinite(r.estimate.mean)]
    lo, hi = min([0.0, *lows, *means]), max([0.0, *highs, *means])
    pad = 0.05 * (hi - lo or 1.0)
    x = Scale(lo - pad, hi + pad, left, width - right)
    parts = [open_svg(width, height, f"Differences of mean {segment} to the reference")]
    parts.append(
        f'<line x1="{x(0):.1f}" y1="{top - 6}" x2="{x(0):.1f}" y2="{top + row * len(rows)}" '
        'stroke="#888" stroke-dasharray="4 3"/>'
    )
    for i, r in enumerate(rows):
        y0 = top + i * row + row / 2
        c = colour(scenarios.index(r.scenario))
        e = r.estimate
        parts.append(text(left - 8, y0 + 4, labels[i], "end"))
        shown = "-"
        if math.isfinite(e.mean):
            fill = c if r.significant else "#fff"
            mark = element(
                "circle", cx=x(e.mean), cy=y0, r=4, stroke=c, stroke_width=1.5, fill=fill
            )
            shown = f"{e.mean:+.2f}"
            if math.isfinite(e.half_width):
                mark = line(x(e.low), y0, x(e.high), y0, c, stroke_width=2) + mark
                shown += f" ± {e.half_width:.2f}"
            shown += difference_mark(e, "mean_h")
            title = f"<title>{esc(r.scenario)}, {esc(flow_name(*r.flow))}: {esc(shown)} h</title>"
            parts.append(element("g", title + mark, class_="mark"))
        parts.append(text(width - right + 8, y0 + 4, shown))
    parts.append(
        x_axis(x, top + row * len(rows) + 4, nice_ticks(x.lo, x.hi), f"Δ mean {segment}, hours")
    )
    parts.append("</svg>")
    return "".join(parts)


def heat_map_chart(heat: HeatMap) -> str:
    """Resources by clock hour, each cell its mean utilisation (grey: never staffed then)."""
    cell_w, cell_h, top = 22, 16, 34
    left = 12 + max((text_width(r) for r in heat.resources), default=0.0)
    width = left + 24 * cell_w + 100
    height = top + max(cell_h * len(heat.resources), 10 * 12 + 28) + 10
    parts = [open_svg(width, height, f"Utilisation by hour of day, {heat.scenario}")]
    parts.extend(
        text(left + hour * cell_w + cell_w / 2, top - 6, f"{hour:02d}", "middle")
        for hour in range(0, 24, 2)
    )
    for i, resource in enumerate(heat.resources):
        y0 = top + i * cell_h
        parts.append(text(left - 6, y0 + 12, resource, "end"))
        for hour in range(24):
            value = float(heat.values[i, hour])
            shown = f"{value:.0%}" if math.isfinite(value) else "not staffed"
            parts.append(
                f'<rect class="mark" x="{left + hour * cell_w}" y="{y0}" width="{cell_w - 1}" '
                f'height="{cell_h - 1}" fill="{heat_colour(value)}"><title>{esc(resource)} '
                f"{hour:02d}:00-{hour + 1:02d}:00: {shown}</title></rect>"
            )
    scale_x = left + 24 * cell_w + 16
    steps = 10
    parts.extend(
        element(
            "rect",
            x=scale_x,
            y=top + k * 12,
            width=14,
            height=12,
            fill=heat_colour(1 - (k + 0.5) / steps),
        )
        for k in range(steps)
    )
    for share in (1.0, 0.75, 0.5, 0.25, 0.0):
        y = top + (1 - share) * steps * 12
        parts.append(line(scale_x + 14, y, scale_x + 18, y, "#555"))
        parts.append(text(scale_x + 21, y + 4, f"{share:.0%}"))
    grey_y = top + steps * 12 + 8
    parts.append(
        element("rect", x=scale_x, y=grey_y, width=14, height=12, fill=heat_colour(math.nan))
    )
    parts.append(text(scale_x + 21, grey_y + 10, "not staffed"))
    parts.append(f'<text x="{left}" y="12" fill="#333">clock hour (Asia/Shanghai)</text></svg>')
    return "".join(parts)


def queue_chart(series: QueueSeries, scenarios: Sequence[str]) -> str:
    """Mean number waiting for one resource over the run, a line per scenario.

    The scale fits the measurement window: a start-up queue in the warm-up runs off the top.
    """
    width, height, left, right, top, bottom = 660, 216, 50, 14, 14, 46
    longest = max(len(values) * bin_min for _, bin_min, values in series.series) / 1440.0
    peak = max(
        _window_peak(values, bin_min, series.warmup_min) for _, bin_min, values in series.series
    )
    x = Scale(0.0, longest, left, width - right)
    y = Scale(0.0, max(peak, 1.0) * 1.05, height - bottom, top)
    parts = [open_svg(width, height, f"Queue length of {series.resource} over time")]
    if series.warmup_min > 0:
        parts.append(
            f'<rect x="{x(0):.1f}" y="{top}" width="{x(series.warmup_min / 1440) - x(0):.1f}" '
            f'height="{height - bottom - top}" fill="#f0f0f0"/>'
            f'<text x="{x(0) + 4:.1f}" y="{top + 12}" fill="#777">warm-up</text>'
        )
    parts.append(y_axis(y, left, nice_ticks(0.0, y.hi), grid_to=width - right))
    parts.append(x_axis(x, height - bottom, nice_ticks(0.0, longest), "day of the run"))
    for name, bin_min, values in series.series:
        index = scenarios.index(name)
        days = (np.arange(len(values)) + 0.5) * bin_min / 1440.0
        shown = np.minimum(values, y.hi)
        points = [(x(float(d)), y(float(v))) for d, v in zip(days, shown, strict=True)]
        parts.append(
            f'<g class="mark"><title>{esc(name)}: mean {float(np.mean(values)):.2f} waiting, '
            f"peak {float(np.max(values)):.1f}</title>"
            f"{polyline(points, colour(index), 1.4, dash(index))}</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _window_peak(values: np.ndarray, bin_min: float, warmup_min: float) -> float:
    """The largest bin from the warm-up's end (the whole series when it has no bin there)."""
    after = values[np.arange(len(values)) * bin_min >= warmup_min]
    chosen = after if after.size else values
    return float(np.max(chosen)) if chosen.size else 0.0
