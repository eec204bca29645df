"""The report's Sensitivity section: a tornado chart per flow and the table ranked by swing."""

from __future__ import annotations

import math
from collections.abc import Sequence

from clearsim.analysis.levers import LEVER_SEGMENT
from clearsim.analysis.sensitivity import SensitivityEffect
from clearsim.flows.report.render import flow_name, format_estimate
from clearsim.flows.report.sensitivity import LEGEND, SensitivityResults
from clearsim.flows.report.svg import (
    Scale,
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

LOW_COLOUR = "#0072B2"
"""The low variant's bar (Okabe-Ito blue)."""
HIGH_COLOUR = "#D55E00"
"""The high variant's bar (Okabe-Ito vermillion)."""


def _bar(x: Scale, y0: float, effect: SensitivityEffect, side: str, fill: str) -> str:
    e = getattr(effect, side).mean_h
    if not math.isfinite(e.mean):
        return ""
    value = effect.low_value if side == "low" else effect.high_value
    bar = element("rect", x=min(x(0), x(e.mean)), y=y0 - 5, width=abs(x(e.mean) - x(0)),
                  height=10.0, fill=fill)  # fmt: skip
    if math.isfinite(e.half_width):
        bar += line(x(e.low), y0, x(e.high), y0, "#222", stroke_width=1.2)
        bar += line(x(e.low), y0 - 3, x(e.low), y0 + 3, "#222")
        bar += line(x(e.high), y0 - 3, x(e.high), y0 + 3, "#222")
    title = (
        f"<title>{esc(effect.parameter)} {side} ({number(value, 4)}): "
        f"{esc(format_estimate(e, 2))} h</title>"
    )
    return element("g", title + bar, class_=f"mark {side}")


def tornado_chart(effects: Sequence[SensitivityEffect]) -> str:
    """One flow's parameters, widest swing on top: a low and a high bar each, with whiskers.

    Each bar is the paired effect of the variant on mean arrival->release (variant minus
    reference); the whiskers are its interval.
    """
    labels = [f"{e.rank}. {e.parameter}" for e in effects]
    swings = [f"swing {e.swing_h:.2f} h" for e in effects]
    left = 12 + max((text_width(label) for label in labels), default=0.0)
    right = 16 + max((text_width(s) for s in swings), default=0.0)
    top, row = 28, 30
    width = left + 280 + right
    bottom = top + row * len(effects)
    height = bottom + 46
    ends = [
        v
        for e in effects
        for side in (e.low, e.high)
        for v in (side.mean_h.low, side.mean_h.high, side.mean_h.mean)
        if math.isfinite(v)
    ]
    lo, hi = min([0.0, *ends]), max([0.0, *ends])
    pad = 0.05 * (hi - lo or 1.0)
    x = Scale(lo - pad, hi + pad, left, width - right)
    flow = flow_name(*effects[0].flow) if effects else ""
    parts = [open_svg(width, height, f"Tornado of {flow}: effect on mean {LEVER_SEGMENT}")]
    parts.append(element("rect", x=left, y=6.0, width=10.0, height=10.0, fill=LOW_COLOUR))
    parts.append(text(left + 14, 15, "low (-)"))
    parts.append(element("rect", x=left + 80, y=6.0, width=10.0, height=10.0, fill=HIGH_COLOUR))
    parts.append(text(left + 94, 15, "high (+)"))
    parts.append(line(x(0), top - 4, x(0), bottom, "#555"))
    for i, (effect, label, swing) in enumerate(zip(effects, labels, swings, strict=True)):
        y0 = top + i * row + row / 2
        parts.append(text(left - 8, y0 + 4, label, "end"))
        parts.append(_bar(x, y0 - 6, effect, "low", LOW_COLOUR))
        parts.append(_bar(x, y0 + 6, effect, "high", HIGH_COLOUR))
        parts.append(text(width - right + 8, y0 + 4, swing))
    parts.append(x_axis(x, bottom + 4, nice_ticks(x.lo, x.hi), f"Δ mean {LEVER_SEGMENT}, hours"))
    parts.append("</svg>")
    return "".join(parts)


def sensitivity_section(results: SensitivityResults | None) -> str:
    """The section's body: a tornado per flow and the table, or how to run a sensitivity."""
    if results is None:
        return (
            '<p class="note">No sensitivity in this study. Run clearsim sensitivity FILE --param '
            "PATH ... to move each parameter down and up one at a time and rank them by swing.</p>"
        )
    if not results.effects:
        return '<p class="note">No flow of the reference recorded arrival->release.</p>'
    level = f"{results.effects[0].low.confidence:.1%}"
    flows = list(dict.fromkeys(e.flow for e in results.effects))
    charts = "".join(
        '<figure class="chart"><figcaption>'
        + esc(
            f"{flow_name(*flow)}: each parameter at -{results.delta_pct:g}% (low) and "
            f"+{results.delta_pct:g}% (high), one at a time; bars: the paired effect on mean "
            f"{LEVER_SEGMENT} (variant minus {results.reference}); whiskers: {level} interval; "
            "sorted by swing |high - low|"
        )
        + "</figcaption>"
        + tornado_chart([e for e in results.effects if e.flow == flow])
        + "</figure>"
        for flow in flows
    )
    rows = "".join(
        f'<tr><td class="l">{esc(flow_name(*e.flow))}</td><td>{e.rank}</td>'
        f'<td class="l">{esc(e.parameter)}</td><td>{number(e.low_value, 4)}</td>'
        f"<td>{number(e.high_value, 4)}</td>"
        f"<td>{esc(format_estimate(e.low.mean_h, 2))}</td>"
        f"<td>{esc(format_estimate(e.high.mean_h, 2))}</td>"
        f"<td>{esc(format_estimate(e.low.p90_h, 2))}</td>"
        f"<td>{esc(format_estimate(e.high.p90_h, 2))}</td><td>{e.swing_h:.2f}</td></tr>"
        for e in results.effects
    )
    table = (
        f"<details><summary>All {len(results.effects)} rows by flow, ranked by swing</summary>"
        '<table><thead><tr><th class="l">flow</th><th>rank</th><th class="l">parameter</th>'
        "<th>low</th><th>high</th><th>Δ mean low h</th><th>Δ mean high h</th>"
        "<th>Δ p90 low h</th><th>Δ p90 high h</th><th>swing h</th></tr></thead><tbody>"
        + rows
        + "</tbody></table></details>"
    )
    note = (
        f'<p class="note">Each variant ran on the reference\'s seed and replications (common '
        f"random numbers); {level} interval each (Bonferroni across variants); {LEGEND}. A "
        "duration's value is its mean in minutes.</p>"
    )
    return note + '<div class="wide">' + charts + "</div>" + table
