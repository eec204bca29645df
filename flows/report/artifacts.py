"""The report's figures as Prefect artifacts of the study's flow run (markdown and tables)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from clearsim.flows.report.callout import bottleneck_sentences
from clearsim.flows.report.figures import STACKED_SEGMENTS, ReportFigures, report_figures
from clearsim.flows.report.render import flow_name, markdown_cell
from clearsim.flows.report.study_report import StudyResults

ECDF_LEVELS = (0.5, 0.9, 0.99)


def _hours(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "-"


def report_markdown(results: StudyResults, figures: ReportFigures) -> str:
    """Bottleneck in words, segment bars, distribution percentiles and overlong counts."""
    words = markdown_cell(bottleneck_sentences(results)) or "No resource figures."
    lines = ["# Study report", "", words, ""]
    lines += ["## TRS segments, mean hours", ""]
    lines += ["| scenario | flow | " + " | ".join(STACKED_SEGMENTS) + " |", "|---|---|---|---|---|"]
    for bar in figures.bars:
        cells = " | ".join(_hours(v) for v in bar.parts)
        lines.append(f"| {markdown_cell(bar.scenario)} | {flow_name(*bar.flow)} | {cells} |")
    lines += ["", "## Clearance-time distributions (pooled percentiles, hours)", ""]
    lines += ["| flow | segment | scenario | p50 | p90 | p99 |", "|---|---|---|---|---|---|"]
    for panel in figures.ecdfs:
        for name, values in panel.curves:
            levels = []
            for level in ECDF_LEVELS:
                above = np.flatnonzero(values >= level)
                levels.append(_hours(float(panel.hours[above[0]])) if above.size else "-")
            lines.append(
                f"| {flow_name(*panel.flow)} | {panel.segment} | {markdown_cell(name)} | "
                + " | ".join(levels)
                + " |"
            )
    lines += ["", "## Overlong declarations", ""]
    for scenario, total, _cases in figures.overlong:
        lines.append(
            f"- {markdown_cell(scenario)}: {total} case(s) past the threshold over all replications"
        )
    return "\n".join(lines) + "\n"


def utilisation_rows(figures: ReportFigures) -> list[dict[str, Any]]:
    """One row per scenario and resource: utilisation (%) by clock hour."""
    rows = []
    for heat in figures.heat_maps:
        for i, resource in enumerate(heat.resources):
            row: dict[str, Any] = {"scenario": heat.scenario, "resource": resource}
            for hour in range(24):
                value = float(heat.values[i, hour])
                row[f"{hour:02d}h"] = round(100 * value, 1) if math.isfinite(value) else None
            rows.append(row)
    return rows


def queue_rows(figures: ReportFigures) -> list[dict[str, Any]]:
    """One row per bottleneck resource and scenario: mean queue length per day of the run.

    Bins divide a day (or are whole days, then each day takes its bin's value).
    """
    rows = []
    for series in figures.queues:
        for name, bin_min, values in series.series:
            day_of_bin = np.floor(np.arange(len(values)) * bin_min / 1440.0).astype(int)
            row: dict[str, Any] = {"resource": series.resource, "scenario": name}
            for day in np.unique(day_of_bin).tolist():
                row[f"day {day + 1}"] = round(float(np.mean(values[day_of_bin == day])), 2)
            rows.append(row)
    return rows


def network_rows(figures: ReportFigures) -> list[dict[str, Any]]:
    """One row per leg of the network and scenario: trips a day (0 on a leg never used)."""
    legs = sorted({(min(a, b), max(a, b)) for a, b, _ in figures.network.legs})
    return [
        {"scenario": name, "leg": f"{a} - {b}", "trips_per_day": round(trips.get((a, b), 0.0), 2)}
        for name, trips in figures.network.trips_per_day
        for a, b in legs
    ]


def publish_report_artifacts(results: StudyResults, study_id: int) -> None:
    """Create the report's artifacts in the current flow run."""
    figures = report_figures(results)
    key = f"clearsim-study-{study_id}"
    create_markdown_artifact(
        markdown=report_markdown(results, figures),
        key=f"{key}-report",
        description=f"Study {study_id}: bottleneck, segments, distributions, overlong cases",
    )
    for suffix, rows, what in (
        ("utilisation-by-hour", utilisation_rows(figures), "utilisation (%) by clock hour"),
        ("queues", queue_rows(figures), "mean queue length per day, bottleneck resources"),
        ("network", network_rows(figures), "trips a day on each leg"),
    ):
        if rows:
            create_table_artifact(
                table=rows, key=f"{key}-{suffix}", description=f"Study {study_id}: {what}"
            )
