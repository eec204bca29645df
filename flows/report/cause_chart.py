"""The report's cause bars: per flow, a stacked bar per scenario and segment, one colour a cause.

Each bar is a segment's mean hours split into the causes of
:data:`~clearsim.models.vocabulary.CAUSES` (cause attribution, docs/background/trs.md); the
parts add up to the segment's mean, so the bar's length is the segment bar's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.flows.report.causes import CAUSE_LABELS, TABLE_SEGMENTS
from clearsim.flows.report.svg import (
    Scale,
    colour,
    element,
    esc,
    line,
    nice_ticks,
    number,
    open_svg,
    text,
    text_width,
    x_axis,
)
from clearsim.flows.report.values import flow_name
from clearsim.models.vocabulary import CAUSES

CAUSE_COLOURS: dict[str, str] = {
    "declarant": "#0072B2",
    "consignee": "#56B4E9",
    "carrier": "#009E73",
    "queueing": "#D55E00",
    "calendar": "#E69F00",
    "service": "#CC79A7",
    "transport": "#999999",
    "hold": "#882255",
}
"""One colour a cause (Okabe-Ito, with grey and wine for the last two)."""
LABEL_CHARS = 40


@dataclass(frozen=True)
class CauseBar:
    """One scenario's segment of one flow: mean hours per cause, in :data:`CAUSES` order."""

    scenario: str
    flow: tuple[str, str]
    segment: str
    hours: tuple[float, ...]


def cause_bars(reports: Sequence[ScenarioReport]) -> tuple[CauseBar, ...]:
    """The bars of every scenario, flow and segment of :data:`TABLE_SEGMENTS` with cases."""
    bars = []
    for report in reports:
        found = {(c.direction, c.mode, c.segment, c.cause): c for c in report.causes}
        flows = dict.fromkeys((c.direction, c.mode) for c in report.causes)
        for direction, mode in flows:
            for segment in TABLE_SEGMENTS:
                rows = [found.get((direction, mode, segment, cause)) for cause in CAUSES]
                hours = tuple(
                    r.mean_h.mean if r is not None and math.isfinite(r.mean_h.mean) else 0.0
                    for r in rows
                )
                if any(r is not None and r.cases.mean > 0 for r in rows):
                    bars.append(CauseBar(report.scenario_name, (direction, mode), segment, hours))
    return tuple(bars)


def _label(bar: CauseBar) -> str:
    name = bar.scenario
    if len(name) > LABEL_CHARS:
        head = (LABEL_CHARS - 1) // 2
        name = name[:head] + "…" + name[len(name) - (LABEL_CHARS - 1 - head) :]
    return f"{name} · {bar.segment}"


def cause_chart(bars: Sequence[CauseBar], scenarios: Sequence[str]) -> str:
    """One flow: a bar per scenario and segment, its causes stacked from 0 h (negatives left)."""
    flow = bars[0].flow
    labels = [_label(bar) for bar in bars]
    left = max(60.0, 12 + max(text_width(label) for label in labels))
    right, top, row = 56, 8, 24
    width = left + 240 + right
    height = top + row * len(bars) + 44
    lows = [sum(h for h in bar.hours if h < 0) for bar in bars]
    highs = [sum(h for h in bar.hours if h > 0) for bar in bars]
    x = Scale(min(0.0, *lows), max(*highs, 1e-9), left, width - right)
    parts = [open_svg(width, height, f"Hours per cause of {flow_name(*flow)}")]
    for i, bar in enumerate(bars):
        y0 = top + i * row
        key = colour(scenarios.index(bar.scenario)) if bar.scenario in scenarios else "#333"
        label = text(left - 6, y0 + 13, labels[i], "end", fill=key)
        parts.append(element("g", f"<title>{esc(bar.scenario)}</title>{label}"))
        below, above = 0.0, 0.0
        for cause, hours in zip(CAUSES, bar.hours, strict=True):
            if hours == 0:
                continue
            if hours > 0:
                lo, above = above, above + hours
                hi = above
            else:
                hi, below = below, below + hours
                lo = below
            tip = f"{bar.scenario} · {bar.segment}: {CAUSE_LABELS[cause]} {number(hours)} h"
            parts.append(
                element(
                    "rect",
                    f"<title>{esc(tip)}</title>",
                    class_="mark",
                    x=x(lo),
                    y=y0 + 2,
                    width=max(x(hi) - x(lo), 0.6),
                    height=row - 8,
                    fill=CAUSE_COLOURS[cause],
                )
            )
        parts.append(text(x(above) + 4, y0 + 13, f"{number(above + below, 1)} h"))
    parts.append(line(x(0), top - 2, x(0), top + row * len(bars), "#333"))
    axis_y = top + row * len(bars) + 4
    parts.append(x_axis(x, axis_y, nice_ticks(x.lo, x.hi), "mean hours per cause"))
    parts.append("</svg>")
    return "".join(parts)


def cause_legend(bars: Sequence[CauseBar]) -> str:
    """The colours of the causes the bars show, once above the charts."""
    shown = [c for i, c in enumerate(CAUSES) if any(bar.hours[i] for bar in bars)]
    keys = "".join(
        f'<span><i style="background:{CAUSE_COLOURS[c]};height:10px;width:12px"></i>'
        f"{esc(CAUSE_LABELS[c])}</span>"
        for c in shown
    )
    return f'<p class="key">{keys}</p>'


def cause_section(reports: Sequence[ScenarioReport]) -> str:
    """The report section: a note, the legend and a chart per flow (a note when none stored)."""
    bars = cause_bars(reports)
    if not bars:
        return '<p class="note">No cause attribution stored for this study.</p>'
    names = [r.scenario_name for r in reports]
    note = (
        '<p class="note">Each segment\'s mean hours split into what they were spent on: the '
        "parties' own time (declarant, consignee, carrier and port), queueing for a busy "
        "resource, waiting while its calendar is closed, service, transport, holds and queries. "
        "The parts add up to the segment's mean (docs/background/trs.md).</p>"
    )
    flows = list(dict.fromkeys(bar.flow for bar in bars))
    charts = "".join(
        '<figure class="chart"><figcaption>'
        + esc(f"{flow_name(*flow)}: hours per cause, arrival->release and release->exit")
        + "</figcaption>"
        + cause_chart([b for b in bars if b.flow == flow], names)
        + "</figure>"
        for flow in flows
    )
    return note + cause_legend(bars) + '<div class="wide">' + charts + "</div>"
