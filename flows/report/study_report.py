"""A stored study's results: reports, differences, bottlenecks, as tables, markdown and JSON.

Everything here is computed from the stored study alone, so printing a study at the end of a
comparison and printing it again later with ``clearsim results ID`` give the same output.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearsim.analysis.aggregate import ScenarioReport, aggregate
from clearsim.analysis.comparison import (
    MARKS_LEGEND,
    Difference,
    ResourceDifference,
    bottleneck_resources,
    compare,
    compare_resources,
    difference_mark,
)
from clearsim.analysis.precision import Precision, headline_precision
from clearsim.flows.report.fit import print_fitted
from clearsim.flows.report.levers import (
    LeverResults,
    lever_sentences,
    lever_table,
    levers_json,
    levers_markdown,
    split_levers,
)
from clearsim.flows.report.optimise import (
    optimise_block,
    optimise_markdown,
    optimise_sentence,
    optimise_table,
)
from clearsim.flows.report.render import estimate_json, flow_name, format_estimate, markdown_cell
from clearsim.flows.report.render_comparison import (
    SHOWN_SEGMENTS,
    SHOWN_STATISTICS,
    STATISTIC_HEADERS,
    comparison_json,
    difference_table,
    headline_table,
)
from clearsim.flows.report.sensitivity import (
    SensitivityResults,
    sensitivity_json,
    sensitivity_markdown,
    sensitivity_table,
    split_sensitivity,
)
from clearsim.flows.storage.studies import StoredStudy
from clearsim.models.scenario import Scenario


@dataclass(frozen=True)
class StudyResults:
    """What a study shows: per scenario a report, then every difference to the reference."""

    stored: StoredStudy
    reports: tuple[ScenarioReport, ...]
    differences: tuple[Difference, ...]
    bottlenecks: tuple[str, ...]
    resource_differences: tuple[ResourceDifference, ...]
    precision: Precision | None
    levers: LeverResults | None = None
    """The reference's levers, when the study ran them (``--levers``)."""
    sensitivity: SensitivityResults | None = None
    """The reference's one-at-a-time sensitivity (``clearsim sensitivity``)."""


class IncompleteStudyError(ValueError):
    """A study lacks replications (it was stopped before the end)."""


def study_results(stored: StoredStudy, practical_h: float | None = None) -> StudyResults:
    """Aggregate and compare a stored study; it must hold every replication it asks for.

    A study's lever variants (:mod:`clearsim.flows.report.levers`) are kept apart from its
    scenarios: they are ranked against the reference at ``practical_h`` hours (default: the
    threshold the study was run with).
    """
    study = stored.study
    for row, summaries in zip(stored.scenarios, stored.summaries, strict=True):
        if len(summaries) != study.replications:
            raise IncompleteStudyError(
                f"study {study.id} has {len(summaries)} of {study.replications} replications of "
                f"{row.scenario_name}: run the same command again to finish it"
            )
    stored, levers = split_levers(stored, practical_h)
    stored, sensitivity = split_sensitivity(stored)
    specs = [Scenario.model_validate_json(row.scenario_json) for row in stored.scenarios]
    reports = tuple(
        aggregate(spec.name, summaries, spec.monitoring, study.confidence)
        for spec, summaries in zip(specs, stored.summaries, strict=True)
    )
    reference, *others = stored.summaries
    named = {spec.name: runs for spec, runs in zip(specs[1:], others, strict=True)}
    bottlenecks = bottleneck_resources(reference)
    return StudyResults(
        stored=stored,
        reports=reports,
        differences=tuple(compare(reference, named, study.confidence)),
        bottlenecks=bottlenecks,
        resource_differences=tuple(
            compare_resources(reference, named, bottlenecks, study.confidence)
        ),
        precision=(
            headline_precision(reports, study.target_halfwidth)
            if study.target_halfwidth is not None
            else None
        ),
        levers=levers,
        sensitivity=sensitivity,
    )


def _resource_difference_json(difference: ResourceDifference) -> dict[str, Any]:
    return {
        "scenario": difference.scenario,
        "resource": difference.resource,
        "statistic": difference.statistic,
        "difference": estimate_json(difference.estimate),
        "paired": difference.paired,
        "confidence": difference.confidence,
        "significant": difference.significant,
        "material": difference.material,
    }


def study_json(results: StudyResults) -> dict[str, Any]:
    """The study as JSON: provenance, every scenario's report, every difference."""
    study = results.stored.study
    extras = [
        {
            "kind": json.loads(row.scenario_json)["kind"],
            "parameters": json.loads(row.parameters_json),
        }
        for row in results.stored.scenarios
    ]
    document: dict[str, Any] = {
        "study_id": study.id,
        "kind": study.kind,
        "status": study.status,
        "root_seed": study.root_seed,
        "replications": study.replications,
        "confidence": study.confidence,
        "code_version": study.code_version,
        "target_halfwidth": study.target_halfwidth,
    }
    if results.precision is not None:
        worst = results.precision.worst_relative_half_width
        document["precision"] = {
            "worst_relative_half_width": worst if math.isfinite(worst) else None,
            "worst": results.precision.worst,
            "reached": study.target_halfwidth is not None
            and results.precision.worst_relative_half_width <= study.target_halfwidth,
        }
    document.update(comparison_json(results.reports, extras, results.differences))
    document["bottlenecks"] = list(results.bottlenecks)
    document["resource_differences"] = [
        _resource_difference_json(d) for d in results.resource_differences
    ]
    document.update(levers_json(results.levers))
    document.update(sensitivity_json(results.sensitivity))
    block = optimise_block(study.design_json)
    if block is not None:
        document["optimise"] = block
    return document


def bottleneck_table(results: StudyResults) -> Table:
    """Utilisation of the reference's busiest resources in every scenario, and its difference."""
    level = f"{results.reports[0].confidence:.0%}"
    table = Table(
        title=f"Bottleneck resources: utilisation (± {level} CI) and difference to the reference "
        f"({MARKS_LEGEND})"
    )
    table.add_column("scenario", overflow="fold")
    for name in results.bottlenecks:
        table.add_column(escape(name), justify="right")
    for i, report in enumerate(results.reports):
        cells = []
        for name in results.bottlenecks:
            res = next((r for r in report.resources if r.resource == name), None)
            cell = "-" if res is None else format_estimate(res.utilisation, 1, percent=True)
            if i > 0:
                diff = next(
                    (
                        d
                        for d in results.resource_differences
                        if d.scenario == report.scenario_name
                        and d.resource == name
                        and d.statistic == "utilisation"
                    ),
                    None,
                )
                if diff is not None:
                    delta = format_estimate(diff.estimate, 1, percent=True)
                    cell += f"  Δ {delta}" + difference_mark(diff.estimate, diff.statistic)
            cells.append(cell)
        table.add_row(escape(report.scenario_name), *cells)
    return table


def study_header(results: StudyResults, note: str = "") -> str:
    """One line: the study, its scenarios' count, replications, seed and precision."""
    study = results.stored.study
    names = [r.scenario_name for r in results.reports]
    line = (
        f"study {study.id} ({study.kind}, {study.status}): {len(names)} scenarios, reference "
        f"{names[0]}; {study.replications} replications each from seed {study.root_seed} "
        "(common random numbers)"
    )
    if results.precision is not None and study.target_halfwidth is not None:
        reached = results.precision.worst_relative_half_width <= study.target_halfwidth
        line += (
            f"; widest headline CI ±{results.precision.worst_relative_half_width:.1%} of its mean "
            f"({results.precision.worst}), target ±{study.target_halfwidth:.1%}"
            + ("" if reached else f" NOT reached at the limit of {study.max_replications}")
        )
    if results.levers is not None:
        line += f"; {len(results.levers.scenarios)} levers of {names[0]}"
    if results.sensitivity is not None:
        line += (
            f"; {len(results.sensitivity.scenarios)} sensitivity variants of {names[0]} "
            f"(± {results.sensitivity.delta_pct:g}%)"
        )
    return line + (f"; {note}" if note else "")


def print_study(console: Console, results: StudyResults, note: str = "") -> None:
    """Header, headline table, differences table and bottleneck table."""
    console.print(study_header(results, note), markup=False, highlight=False)
    print_fitted(console, headline_table(results.reports))
    if results.differences or (results.levers is None and results.sensitivity is None):
        print_fitted(console, difference_table(results.differences))
    if results.bottlenecks:
        print_fitted(console, bottleneck_table(results))
    if results.levers is not None:
        print_fitted(console, lever_table(results.levers))
        console.print(lever_sentences(results.levers), markup=False, highlight=False)
    if results.sensitivity is not None:
        print_fitted(console, sensitivity_table(results.sensitivity))
    block = optimise_block(results.stored.study.design_json)
    if block is not None:
        print_fitted(console, optimise_table(block))
        console.print(optimise_sentence(block), markup=False, highlight=False)


def study_markdown(results: StudyResults) -> str:
    """The comparison as markdown (the flow's artifact in the Prefect UI)."""
    lines = [f"# {markdown_cell(study_header(results))}", ""]
    lines += ["| scenario | flow | segment | mean h |", "|---|---|---|---|"]
    for report in results.reports:
        for seg in report.segments:
            if seg.channel == "all" and seg.segment in SHOWN_SEGMENTS:
                lines.append(
                    f"| {markdown_cell(report.scenario_name)} | "
                    f"{flow_name(seg.direction, seg.mode)} | "
                    f"{seg.segment} | {format_estimate(seg.mean_h, 2)} |"
                )
    lines += ["", f"Differences to the reference ({MARKS_LEGEND}):", ""]
    lines += [
        "| scenario | flow | segment | " + " | ".join(STATISTIC_HEADERS.values()) + " |",
        "|---|---|---|" + "---|" * len(STATISTIC_HEADERS),
    ]
    for key, cells in _difference_cells(results.differences):
        scenario, direction, mode, segment = key
        lines.append(
            f"| {markdown_cell(scenario)} | {flow_name(direction, mode)} | {segment} | "
            + " | ".join(cells)
            + " |"
        )
    lines += levers_markdown(results.levers)
    lines += sensitivity_markdown(results.sensitivity)
    lines += optimise_markdown(optimise_block(results.stored.study.design_json))
    return "\n".join(lines) + "\n"


def _difference_cells(
    differences: Sequence[Difference],
) -> list[tuple[tuple[str, str, str, str], list[str]]]:
    shown = [
        d
        for d in differences
        if d.channel == "all" and d.segment in SHOWN_SEGMENTS and d.statistic in SHOWN_STATISTICS
    ]
    rows: dict[tuple[str, str, str, str], dict[str, Difference]] = {}
    for d in shown:
        rows.setdefault((d.scenario, d.direction, d.mode, d.segment), {})[d.statistic] = d
    result = []
    for key, by_statistic in rows.items():
        cells = []
        for statistic in SHOWN_STATISTICS:
            d = by_statistic[statistic]
            percent = statistic.startswith("share")
            cell = format_estimate(d.estimate, 1 if percent else 2, percent=percent)
            cells.append(cell + difference_mark(d.estimate, d.statistic))
        result.append((key, cells))
    return result


def difference_rows(results: StudyResults) -> list[dict[str, Any]]:
    """The shown differences as table rows (the flow's table artifact)."""
    rows = []
    for (scenario, direction, mode, segment), cells in _difference_cells(results.differences):
        row = {"scenario": scenario, "flow": flow_name(direction, mode), "segment": segment}
        row.update(dict(zip(STATISTIC_HEADERS.values(), cells, strict=True)))
        rows.append(row)
    return rows
