"""An optimisation study's frontier and choice: CLI table, JSON, markdown and the report's chart.

``clearsim optimise`` stores its search in the study's design (``design["optimise"]``, written by
:mod:`clearsim.flows.execution.optimise_plan`): every candidate's servers, cost per day, verdict
and target statistic per flow; the frontier and the chosen set-up are marked there.
"""

from __future__ import annotations

import json
import math
from typing import Any

from rich.table import Table

from clearsim.flows.report.svg import (
    Scale,
    element,
    esc,
    line,
    nice_ticks,
    open_svg,
    text,
    x_axis,
    y_axis,
)

FEASIBLE_COLOUR = "#009E73"
"""A feasible candidate (Okabe-Ito green)."""
INFEASIBLE_COLOUR = "#D55E00"
"""An infeasible or undecided candidate (Okabe-Ito vermillion)."""


def optimise_block(design_json: str | None) -> dict[str, Any] | None:
    """The stored search of an optimisation study (None for any other study)."""
    block = json.loads(design_json or "{}").get("optimise")
    return block if isinstance(block, dict) else None


def _statistic(candidate: dict[str, Any]) -> tuple[float, float]:
    """The worst flow's mean and two-sided 90% half-width (one-sided 95% bounds)."""
    flows = candidate["flows"]
    if not flows:
        return math.nan, math.nan
    worst = max(flows, key=lambda f: f["mean"] + f["half_width_90"])
    return float(worst["mean"]), float(worst["half_width_90"])


def _cell(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else "-"


def optimise_table(block: dict[str, Any]) -> Table:
    """Every candidate by cost: verdict, replications, the target statistic and its bounds."""
    table = Table(title=f"Optimisation: {block['target']} (95% one-sided), by cost per day")
    for name in ("set-up", "cost/day", "verdict", "reps", "statistic ± 90%", "frontier"):
        table.add_column(name, justify="left" if name in ("set-up", "verdict") else "right")
    for c in sorted(block["candidates"], key=lambda c: (c["cost_per_day"], c["label"])):
        mean, half = _statistic(c)
        mark = " (chosen)" if c["chosen"] else ""
        table.add_row(c["label"] + mark, f"{c['cost_per_day']:.0f}", c["verdict"],
                      str(c["replications"]), f"{_cell(mean)} ± {_cell(half)}",
                      "yes" if c["frontier"] else "")  # fmt: skip
    return table


def optimise_sentence(block: dict[str, Any]) -> str:
    """The choice in a sentence, with the replications spent."""
    chosen = block["chosen"]
    spent = (f"{len(block['candidates'])} set-ups evaluated ({block['search']}), "
             f"{block['replications_spent']} replications")  # fmt: skip
    if chosen is None:
        return f"No set-up met {block['target']} with 95% confidence; {spent}."
    return (f"Cheapest set-up meeting {block['target']} with 95% confidence: {chosen['label']} "
            f"at {chosen['cost_per_day']:.0f} per day; {spent}.")  # fmt: skip


def optimise_markdown(block: dict[str, Any] | None) -> list[str]:
    """The sentence and the candidates as markdown lines (none for another study)."""
    if block is None:
        return []
    lines = ["", "## Optimisation", "", optimise_sentence(block), "",
             "| set-up | cost/day | verdict | reps |", "|---|---:|---|---:|"]  # fmt: skip
    lines += [
        f"| {c['label']} | {c['cost_per_day']:.0f} | {c['verdict']} | {c['replications']} |"
        for c in sorted(block["candidates"], key=lambda c: (c["cost_per_day"], c["label"]))
    ]
    return lines


def frontier_chart(block: dict[str, Any]) -> str:
    """Cost per day (x) against the target statistic (y) with its one-sided 95% bounds.

    Feasible candidates are green dots, the others vermillion crosses; the frontier is joined by
    a line, the target's limit is dashed and the chosen set-up is ringed.
    """
    points = [(c, *_statistic(c)) for c in block["candidates"]]
    points = [p for p in points if math.isfinite(p[1])]
    width, height, left, right, top, bottom = 560.0, 310.0, 56.0, 20.0, 26.0, 46.0
    limit = float(block["limit"])
    costs = [c["cost_per_day"] for c, _, _ in points] or [0.0, 1.0]
    values = [v for _, m, h in points for v in (m - h, m + h) if math.isfinite(v)] + [limit]
    pad_x = 0.05 * ((max(costs) - min(costs)) or 1.0)
    pad_y = 0.08 * ((max(values) - min(values)) or 1.0)
    x = Scale(min(costs) - pad_x, max(costs) + pad_x, left, width - right)
    y = Scale(min(values) - pad_y, max(values) + pad_y, height - bottom, top)
    parts = [open_svg(width, height, f"Cost against {block['target']}")]
    parts.append(y_axis(y, left, nice_ticks(y.lo, y.hi), grid_to=width - right))
    parts.append(x_axis(x, height - bottom, nice_ticks(x.lo, x.hi), "cost per day"))
    hours = str(block["target"]).startswith("p90")
    parts.append(text(left + 6, top - 4, "p90 arrival->release, h" if hours else "share released"))
    parts.append(line(left, y(limit), width - right, y(limit), "#555", stroke_dasharray="5 3"))
    parts.append(text(width - right - 4, y(limit) - 4, f"target {limit:g}", "end"))
    front = sorted((c["cost_per_day"], m) for c, m, _ in points if c["frontier"])
    if len(front) > 1:
        path = " ".join(f"{x(cost):.1f},{y(m):.1f}" for cost, m in front)
        parts.append(element("polyline", points=path, fill="none", stroke="#999"))
    for c, mean, half in points:
        cx, cy = x(c["cost_per_day"]), y(mean)
        if math.isfinite(half):
            parts.append(line(cx, y(mean - half), cx, y(mean + half), "#222"))
        title = element("title", esc(f"{c['label']}: {c['verdict']}, {c['replications']} reps"))
        if c["verdict"] == "feasible":
            parts.append(element("circle", title, cx=cx, cy=cy, r=4.0, fill=FEASIBLE_COLOUR))
        else:
            parts.append(line(cx - 4, cy - 4, cx + 4, cy + 4, INFEASIBLE_COLOUR, stroke_width=2)
                         + line(cx - 4, cy + 4, cx + 4, cy - 4, INFEASIBLE_COLOUR,
                                stroke_width=2))  # fmt: skip
        if c["chosen"]:
            parts.append(element("circle", cx=cx, cy=cy, r=8.0, fill="none", stroke="#000",
                                 stroke_width=1.5))  # fmt: skip
            parts.append(text(cx + 10, cy - 8, "chosen: " + c["label"]))
    return "".join(parts) + "</svg>"


def optimise_section(block: dict[str, Any] | None) -> str:
    """The report section's body: the chart and the sentence, or how to run an optimisation."""
    if block is None:
        return (
            '<p class="note">No optimisation in this study. Run clearsim optimise FILE --servers '
            "NAME=LOW:HIGH:COST --target 'p90<=24' to find the cheapest set-up meeting a target."
            "</p>"
        )
    caption = (f"Each set-up evaluated: cost per day against the worst flow's {block['target']} "
               "statistic; whiskers: one-sided 95% bounds; green dots feasible, crosses not; "
               "grey line: the frontier; dashed: the target")  # fmt: skip
    return (
        f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>'
        f"{frontier_chart(block)}</figure><p>{esc(optimise_sentence(block))}</p>"
    )
