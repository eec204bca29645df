"""A study's sensitivity read back from its stored runs: the table by swing, the JSON, markdown.

A sensitivity variant is stored as an ordinary scenario of its study, its parameters naming the
parameter, the side and the values (``{"sensitivity": path, "side": "low", "value": 5, ...}``);
its replications are ordinary stored runs. The effects are computed again from the runs whenever
the study is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from rich.markup import escape
from rich.table import Table

from clearsim.analysis.comparison import detectable
from clearsim.analysis.levers import LEVER_SEGMENT
from clearsim.analysis.sensitivity import SensitivityEffect, sensitivity_effects
from clearsim.flows.report.render import estimate_json, flow_name, format_estimate, markdown_cell
from clearsim.flows.storage.studies import StoredStudy

LEGEND = "* = the interval excludes 0"


@dataclass(frozen=True)
class SensitivityResults:
    """The reference's one-at-a-time sensitivity: effects ranked by swing within each flow."""

    reference: str
    delta_pct: float
    effects: tuple[SensitivityEffect, ...]
    scenarios: tuple[str, ...]
    """Each variant's scenario name, in the study's order."""


def split_sensitivity(stored: StoredStudy) -> tuple[StoredStudy, SensitivityResults | None]:
    """The study without its sensitivity variants, and their effects from the stored runs."""
    parameters = [json.loads(row.parameters_json) for row in stored.scenarios]
    kept = [i for i, p in enumerate(parameters) if "sensitivity" not in p]
    variants = [i for i, p in enumerate(parameters) if "sensitivity" in p]
    if not variants:
        return stored, None
    keys = {i: (parameters[i]["sensitivity"], parameters[i]["side"]) for i in variants}
    effects = sensitivity_effects(
        stored.summaries[0],
        {keys[i]: stored.summaries[i] for i in variants},
        {keys[i]: float(parameters[i]["value"]) for i in variants},
        {parameters[i]["sensitivity"]: float(parameters[i]["base_value"]) for i in variants},
        stored.study.confidence,
    )
    main = replace(
        stored,
        scenarios=tuple(stored.scenarios[i] for i in kept),
        summaries=tuple(stored.summaries[i] for i in kept),
    )
    return main, SensitivityResults(
        reference=stored.scenarios[0].scenario_name,
        delta_pct=float(parameters[variants[0]]["delta_pct"]),
        effects=effects,
        scenarios=tuple(stored.scenarios[i].scenario_name for i in variants),
    )


def _mark(effect: SensitivityEffect, side: str, statistic: str = "mean_h") -> str:
    estimate = getattr(getattr(effect, side), statistic)
    return " *" if detectable(estimate) else ""


def _value(value: float) -> str:
    return f"{value:.4g}"


def sensitivity_json(results: SensitivityResults | None) -> dict[str, Any]:
    """``sensitivity`` (ranked by swing, per flow; empty without it) and its ``delta_pct``."""
    if results is None:
        return {"sensitivity": []}
    return {
        "sensitivity": [
            {
                "rank": e.rank,
                "parameter": e.parameter,
                "direction": e.direction,
                "mode": e.mode,
                "segment": LEVER_SEGMENT,
                "base_value": e.base_value,
                "low_value": e.low_value,
                "high_value": e.high_value,
                "low": {"mean_h": estimate_json(e.low.mean_h), "p90_h": estimate_json(e.low.p90_h)},
                "high": {
                    "mean_h": estimate_json(e.high.mean_h),
                    "p90_h": estimate_json(e.high.p90_h),
                },
                "swing_h": e.swing_h,
                "confidence": e.low.confidence,
            }
            for e in results.effects
        ],
        "delta_pct": results.delta_pct,
        "sensitivity_of": results.reference,
    }


def sensitivity_title(results: SensitivityResults) -> str:
    """The table's title: what was moved, how the intervals hold, the legend."""
    level = f"{results.effects[0].low.confidence:.1%}" if results.effects else ""
    return (
        f"Sensitivity of {results.reference}: each parameter ± {results.delta_pct:g}% one at a "
        f"time, paired effect on {LEVER_SEGMENT} (variant minus reference, common random "
        f"numbers; {level} CI each, Bonferroni across variants; {LEGEND}), ranked by swing"
    )


def sensitivity_table(results: SensitivityResults) -> Table:
    """Per flow, the parameters ranked by swing with their low and high effects."""
    table = Table(title=escape(sensitivity_title(results)))
    for name, justify in (("flow", "left"), ("rank", "right"), ("parameter", "left"),
                          ("low", "right"), ("high", "right"), ("Δ mean low h", "right"),
                          ("Δ mean high h", "right"), ("Δ p90 low h", "right"),
                          ("Δ p90 high h", "right"), ("swing h", "right")):  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    previous = None
    for e in results.effects:
        table.add_row(
            flow_name(*e.flow) if e.flow != previous else "",
            str(e.rank),
            escape(e.parameter),
            _value(e.low_value),
            _value(e.high_value),
            format_estimate(e.low.mean_h, 2) + _mark(e, "low"),
            format_estimate(e.high.mean_h, 2) + _mark(e, "high"),
            format_estimate(e.low.p90_h, 2) + _mark(e, "low", "p90_h"),
            format_estimate(e.high.p90_h, 2) + _mark(e, "high", "p90_h"),
            f"{e.swing_h:.2f}",
        )
        previous = e.flow
    return table


def sensitivity_markdown(results: SensitivityResults | None) -> list[str]:
    """The ranked sensitivity as markdown lines (the study's artifact in the Prefect UI)."""
    if results is None:
        return []
    lines = ["", markdown_cell(sensitivity_title(results) + ":"), ""]
    lines += [
        "| flow | rank | parameter | low | high | Δ mean low h | Δ mean high h | swing h |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {flow_name(*e.flow)} | {e.rank} | {markdown_cell(e.parameter)} | "
        f"{_value(e.low_value)} | {_value(e.high_value)} | "
        f"{format_estimate(e.low.mean_h, 2)}{_mark(e, 'low')} | "
        f"{format_estimate(e.high.mean_h, 2)}{_mark(e, 'high')} | {e.swing_h:.2f} |"
        for e in results.effects
    ]
    return lines
