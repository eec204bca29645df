"""A study's levers read back from its stored runs: the ranked table, the JSON and the call-out.

A lever variant is stored as an ordinary scenario of its study, its parameters naming the lever
and the reference it varies (``{"lever": "+1 customs_officers", "lever_of": ...}``); its
replications are ordinary stored runs. Nothing else is stored: the effects are computed again
from the runs whenever the study is shown, at the threshold the study was run with unless the
caller gives another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from rich.markup import escape
from rich.table import Table

from clearsim.analysis.comparison import detectable
from clearsim.analysis.levers import (
    DEFAULT_PRACTICAL_H,
    LEVER_SEGMENT,
    LeverEffect,
    lever_effects,
    practical_legend,
    top_levers,
)
from clearsim.flows.report.render import (
    estimate_json,
    flow_name,
    format_estimate,
    markdown_cell,
)
from clearsim.flows.storage.studies import StoredStudy


@dataclass(frozen=True)
class LeverResults:
    """The reference's levers in a study: their ranked effects and how they were stored."""

    reference: str
    threshold_h: float
    effects: tuple[LeverEffect, ...]
    """Ranked within each flow (:func:`clearsim.analysis.levers.rank_levers`)."""
    parameters: tuple[dict[str, Any], ...]
    """Each variant's stored parameters (lever, change, target), in the study's order."""
    scenarios: tuple[str, ...]
    """Each variant's scenario name, in the same order."""

    def scenario_of(self, lever: str) -> str:
        """The stored scenario name of ``lever``."""
        names = [p["lever"] for p in self.parameters]
        return self.scenarios[names.index(lever)]


def split_levers(
    stored: StoredStudy, practical_h: float | None = None
) -> tuple[StoredStudy, LeverResults | None]:
    """The study without its lever variants, and the levers computed from their stored runs."""
    parameters = [json.loads(row.parameters_json) for row in stored.scenarios]
    kept = [i for i, p in enumerate(parameters) if "lever" not in p]
    variants = [i for i, p in enumerate(parameters) if "lever" in p]
    if not variants:
        return stored, None
    design = json.loads(stored.study.design_json or "{}")
    threshold = practical_h if practical_h is not None else design.get("practical_h")
    threshold = DEFAULT_PRACTICAL_H if threshold is None else float(threshold)
    effects = lever_effects(
        stored.summaries[0],
        {parameters[i]["lever"]: stored.summaries[i] for i in variants},
        threshold,
        stored.study.confidence,
    )
    main = replace(
        stored,
        scenarios=tuple(stored.scenarios[i] for i in kept),
        summaries=tuple(stored.summaries[i] for i in kept),
    )
    return main, LeverResults(
        reference=stored.scenarios[0].scenario_name,
        threshold_h=threshold,
        effects=effects,
        parameters=tuple(parameters[i] for i in variants),
        scenarios=tuple(stored.scenarios[i].scenario_name for i in variants),
    )


def _effect_json(levers: LeverResults, effect: LeverEffect) -> dict[str, Any]:
    stored = next(p for p in levers.parameters if p["lever"] == effect.lever)
    return {
        "rank": effect.rank,
        "lever": effect.lever,
        "change": stored.get("change"),
        "target": stored.get("target"),
        "scenario": levers.scenario_of(effect.lever),
        "direction": effect.direction,
        "mode": effect.mode,
        "segment": LEVER_SEGMENT,
        "mean_h": estimate_json(effect.mean_h),
        "p90_h": estimate_json(effect.p90_h),
        "confidence": effect.confidence,
        "significant": detectable(effect.mean_h),
        "practical": effect.practical,
        "p90_practical": effect.mark("p90_h") == " *",
    }


def levers_json(levers: LeverResults | None) -> dict[str, Any]:
    """``levers`` (ranked, per flow; empty without levers) and the ``practical_h`` they used."""
    if levers is None:
        return {"levers": []}
    return {
        "levers": [_effect_json(levers, e) for e in levers.effects],
        "practical_h": levers.threshold_h,
        "levers_of": levers.reference,
    }


def lever_table(levers: LeverResults) -> Table:
    """The levers ranked within each flow, with their paired effects on arrival->release."""
    level = f"{levers.effects[0].confidence:.1%}" if levers.effects else ""
    table = Table(
        title=f"Levers of {escape(levers.reference)}: paired effect on arrival->release (variant "
        f"minus reference, common random numbers; {level} CI each, Bonferroni across levers; "
        f"{practical_legend(levers.threshold_h)})"
    )
    table.add_column("flow", overflow="fold")
    table.add_column("rank", justify="right")
    table.add_column("lever", overflow="fold")
    table.add_column("Δ mean h", justify="right")
    table.add_column("Δ p90 h", justify="right")
    previous = None
    for effect in levers.effects:
        table.add_row(
            flow_name(*effect.flow) if effect.flow != previous else "",
            str(effect.rank),
            escape(effect.lever),
            format_estimate(effect.mean_h, 2) + effect.mark("mean_h"),
            format_estimate(effect.p90_h, 2) + effect.mark("p90_h"),
        )
        previous = effect.flow
    return table


def lever_sentences(levers: LeverResults | None) -> str:
    """The call-out: per flow, the best lever that is practically significant, or that none is.

    Without levers, it says that utilisation is not a lever and how to measure them.
    """
    if levers is None:
        return (
            "Utilisation is not a lever: the busiest resource need not be the one whose change "
            "shortens clearance. Run the study with --levers to measure what one more server or "
            "24-hour staffing of each resource would save."
        )
    sentences = []
    best = top_levers(levers.effects)
    for flow, effect in best.items():
        if effect is not None:
            sentences.append(
                f"The top lever for {flow_name(*flow)} is {effect.lever}: arrival->release "
                f"{format_estimate(effect.mean_h, 2)} h on the mean, "
                f"{format_estimate(effect.p90_h, 2)} h on the p90 (practically significant "
                f"from {levers.threshold_h:g} h)."
            )
            continue
        first = next((e for e in levers.effects if e.flow == flow and e.rank == 1), None)
        runner_up = (
            f" (the largest: {first.lever}, {format_estimate(first.mean_h, 2)} h)"
            if first is not None
            else ""
        )
        sentences.append(
            f"No lever of {levers.reference} shortens {flow_name(*flow)} arrival->release by "
            f"{levers.threshold_h:g} h or more with its interval clear of 0{runner_up}."
        )
    return " ".join(sentences)


def levers_markdown(levers: LeverResults | None) -> list[str]:
    """The ranked levers as markdown lines (the study's artifact in the Prefect UI)."""
    if levers is None:
        return []
    legend = practical_legend(levers.threshold_h)
    lines = ["", markdown_cell(f"Levers of {levers.reference} ({legend}):"), ""]
    lines += ["| flow | rank | lever | Δ mean h | Δ p90 h |", "|---|---|---|---|---|"]
    lines += [
        f"| {flow_name(*e.flow)} | {e.rank} | {markdown_cell(e.lever)} | "
        f"{format_estimate(e.mean_h, 2)}{e.mark()} | "
        f"{format_estimate(e.p90_h, 2)}{e.mark('p90_h')} |"
        for e in levers.effects
    ]
    return [*lines, "", markdown_cell(lever_sentences(levers))]
