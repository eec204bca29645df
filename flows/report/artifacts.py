"""The report's figures as Prefect artifacts of the study's flow run (markdown, tables, a link).

Every key starts ``clearsim-{digest}-study-{id}``: the digest (:func:`store_digest`) names the
study store, so studies of two databases reporting to one Prefect server never share a key.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from clearsim.flows.report.callout import bottleneck_sentences
from clearsim.flows.report.figures import STACKED_SEGMENTS, ReportFigures, report_figures
from clearsim.flows.report.render import flow_name, markdown_cell
from clearsim.flows.report.study_report import StudyResults

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ECDF_LEVELS = (0.5, 0.9, 0.99)
DIGEST_CHARS = 8
"""Hex characters of a store's digest in artifact keys (32 bits: distinct for any few stores)."""
REPORTS_FOLDER = "reports"
"""Folder of a study's HTML report when no path is given: next to a SQLite file, else here."""


def _store_url(url: URL) -> URL:
    """The store's URL without its password; a SQLite file by its absolute path."""
    url = url._replace(password=None)  # ``set(password=None)`` keeps the password
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(url.database or "").resolve()))
    return url


def store_digest(url: URL) -> str:
    """A short stable digest of a study store: its URL without a password (SQLite: absolute)."""
    text = _store_url(url).render_as_string(hide_password=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def study_key(url: URL, study_id: int) -> str:
    """The artifact key of a study: ``clearsim-{digest}-study-{id}`` (suffixes follow it)."""
    return f"clearsim-{store_digest(url)}-study-{study_id}"


def default_report_path(url: URL, study_id: int) -> Path:
    """Where a study's report goes without a path: ``reports/{study key}.html``.

    The folder is next to a SQLite store's file, else in the working directory (a worker's is
    ``$CLEARSIM_HOME``).
    """
    store = _store_url(url)
    if store.get_backend_name() == "sqlite" and store.database not in (None, "", ":memory:"):
        folder = Path(store.database or "").parent / REPORTS_FOLDER
    else:
        folder = Path(REPORTS_FOLDER).resolve()
    return folder / f"{study_key(url, study_id)}.html"


def publish_report_link(path: Path, key: str, study_id: int) -> None:
    """A link artifact to the study's written HTML report (Prefect has no HTML artifact)."""
    target = path.resolve()
    create_link_artifact(
        link=target.as_uri(),
        link_text=f"Study {study_id} report ({target.name})",
        key=f"{key}-report-html",
        description=f"Study {study_id}: the self-contained HTML report, written to {target}",
    )


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


def publish_report_artifacts(results: StudyResults, study_id: int, key: str) -> None:
    """Create the report's artifacts in the current flow run, keys starting with ``key``."""
    figures = report_figures(results)
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
