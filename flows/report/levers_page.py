"""The report's Levers section: ranked bars of each lever's paired effect, the threshold drawn."""

from __future__ import annotations

import math
from collections.abc import Sequence

from clearsim.analysis.levers import LEVER_SEGMENT, LeverEffect, practical_legend
from clearsim.flows.report.levers import LeverResults, lever_sentences
from clearsim.flows.report.render import flow_name, format_estimate
from clearsim.flows.report.svg import (
    Scale,
    element,
    esc,
    line,
    nice_ticks,
    open_svg,
    text,
    text_width,
    x_axis,
)

SAVING = "#009E73"
"""A practically significant saving (Okabe-Ito green)."""
OTHER = "#999999"
"""Any other effect: detectable but small, not detectable, or a loss."""


def lever_chart(effects: Sequence[LeverEffect], threshold_h: float) -> str:
    """One flow's levers, ranked top down: a bar of the effect on the mean with its interval.

    Dashed lines mark ± the practical threshold; a bar is filled green when the saving is
    practically significant.
    """
    labels = [f"{e.rank}. {e.lever}" for e in effects]
    shown = [format_estimate(e.mean_h, 2) + e.mark() for e in effects]
    left = 12 + max((text_width(label) for label in labels), default=0.0)
    right = 16 + max((text_width(s) for s in shown), default=0.0)
    top, row = 16, 22
    width = left + 260 + right
    height = top + row * len(effects) + 46
    ends = [
        v for e in effects for v in (e.mean_h.low, e.mean_h.high, e.mean_h.mean) if math.isfinite(v)
    ]
    lo = min([0.0, -threshold_h, *ends])
    hi = max([0.0, threshold_h, *ends])
    pad = 0.05 * (hi - lo or 1.0)
    x = Scale(lo - pad, hi + pad, left, width - right)
    flow = flow_name(*effects[0].flow) if effects else ""
    parts = [open_svg(width, height, f"Levers of {flow}: effect on mean {LEVER_SEGMENT}")]
    bottom = top + row * len(effects)
    parts.extend(
        line(x(limit), top - 6, x(limit), bottom, "#D55E00", stroke_dasharray="4 3")
        for limit in (-threshold_h, threshold_h)
    )
    parts.append(line(x(0), top - 6, x(0), bottom, "#555"))
    for i, (effect, label, value) in enumerate(zip(effects, labels, shown, strict=True)):
        y0 = top + i * row + row / 2
        parts.append(text(left - 8, y0 + 4, label, "end"))
        e = effect.mean_h
        if math.isfinite(e.mean):
            fill = SAVING if effect.helps else OTHER
            bar = element(
                "rect",
                x=min(x(0), x(e.mean)),
                y=y0 - 6,
                width=abs(x(e.mean) - x(0)),
                height=12.0,
                fill=fill,
                fill_opacity=1.0 if effect.practical else 0.5,
            )
            if math.isfinite(e.half_width):
                bar += line(x(e.low), y0, x(e.high), y0, "#222", stroke_width=1.5)
                bar += line(x(e.low), y0 - 4, x(e.low), y0 + 4, "#222")
                bar += line(x(e.high), y0 - 4, x(e.high), y0 + 4, "#222")
            title = f"<title>{esc(effect.lever)}: {esc(value)} h</title>"
            parts.append(element("g", title + bar, class_="mark"))
        parts.append(text(width - right + 8, y0 + 4, value))
    parts.append(x_axis(x, bottom + 4, nice_ticks(x.lo, x.hi), f"Δ mean {LEVER_SEGMENT}, hours"))
    parts.append("</svg>")
    return "".join(parts)


def levers_section(levers: LeverResults | None) -> str:
    """The section's body: the call-out, a chart per flow and the ranked table."""
    words = f'<p class="bottleneck">{esc(lever_sentences(levers))}</p>'
    if levers is None or not levers.effects:
        return words
    flows = list(dict.fromkeys(e.flow for e in levers.effects))
    level = f"{levers.effects[0].confidence:.1%}"
    charts = "".join(_flow_figure(levers, flow, level) for flow in flows)
    rows = "".join(
        f'<tr><td class="l">{esc(flow_name(*e.flow))}</td><td>{e.rank}</td>'
        f'<td class="l">{esc(e.lever)}</td>'
        f'<td class="{"sig" if e.practical else ""}">'
        f"{esc(format_estimate(e.mean_h, 2) + e.mark())}</td>"
        f"<td>{esc(format_estimate(e.p90_h, 2) + e.mark('p90_h'))}</td></tr>"
        for e in levers.effects
    )
    table = (
        f"<details><summary>All {len(levers.effects)} levers by flow, ranked</summary>"
        '<table><thead><tr><th class="l">flow</th><th>rank</th><th class="l">lever</th>'
        "<th>Δ mean h</th><th>Δ p90 h</th></tr></thead><tbody>" + rows + "</tbody></table>"
        "</details>"
    )
    note = (
        f'<p class="note">One server more of each resource, and 24-hour staffing of each '
        f"resource on a shift calendar and of each shared calendar, each run on the reference's "
        f"seed and replications (common random numbers); {level} interval each (Bonferroni "
        f"across levers); {esc(practical_legend(levers.threshold_h))}; bold: practically "
        "significant.</p>"
    )
    return words + note + '<div class="wide">' + charts + "</div>" + table


def unmoved(effect: LeverEffect) -> bool:
    """The lever changed nothing in any replication: its resource is not on this flow's path."""
    return all(e.mean == 0.0 and e.half_width == 0.0 for e in (effect.mean_h, effect.p90_h))


def _flow_figure(levers: LeverResults, flow: tuple[str, str], level: str) -> str:
    """One flow's chart: the levers that moved it; those that changed nothing are counted."""
    effects = [e for e in levers.effects if e.flow == flow]
    moved = [e for e in effects if not unmoved(e)]
    idle = len(effects) - len(moved)
    left_out = (
        f"; {idle} lever(s) on resources this flow does not use changed nothing in any "
        "replication and are left out (see the table)"
        if idle
        else ""
    )
    caption = (
        f"{flow_name(*flow)}: each lever's effect on mean {LEVER_SEGMENT} (variant minus "
        f"{levers.reference}, paired by replication), ranked; whiskers: {level} interval; "
        f"dashed: ± {levers.threshold_h:g} h; green: a practically significant saving{left_out}"
    )
    chart = lever_chart(moved, levers.threshold_h) if moved else ""
    return f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>{chart}</figure>'
