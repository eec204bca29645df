"""Present a comparison: each scenario's headline segments, then its differences to the first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.analysis.comparison import MARKS_LEGEND, Difference, difference_mark
from clearsim.flows.report.fit import print_fitted
from clearsim.flows.report.render import estimate_json, flow_name, format_estimate, report_json

SHOWN_SEGMENTS = ("arrival->release", "arrival->exit")
DIFFERENCE_SEGMENTS = (*SHOWN_SEGMENTS, "border_entry->arrival", "arrival->departure")
"""Segments of the differences table: a transit corridor's border segment and an export's whole
time to departure too, where a flow has them (a reform at the border, such as rail fast
clearance, or one that changes which departure export goods make shows there)."""
SHOWN_STATISTICS = ("mean_h", "p90_h", "share_24h", "share_48h")
_PERCENT = {"share_24h", "share_48h"}
STATISTIC_HEADERS = {
    "mean_h": "Δ mean h",
    "p90_h": "Δ p90 h",
    "share_24h": "Δ <= 24 h",
    "share_48h": "Δ <= 48 h",
}


def difference_json(difference: Difference) -> dict[str, Any]:
    """One difference as JSON (NaN becomes null)."""
    return {
        "scenario": difference.scenario,
        "direction": difference.direction,
        "mode": difference.mode,
        "segment": difference.segment,
        "channel": difference.channel,
        "statistic": difference.statistic,
        "difference": estimate_json(difference.estimate),
        "paired": difference.paired,
        "confidence": difference.confidence,
        "significant": difference.significant,
        "material": difference.material,
    }


def comparison_json(
    reports: Sequence[ScenarioReport],
    extras: Sequence[dict[str, Any]],
    differences: Sequence[Difference],
) -> dict[str, Any]:
    """The whole comparison: every scenario's report, then the differences to the first."""
    return {
        "reference": reports[0].scenario_name,
        "scenarios": [report_json(r, e) for r, e in zip(reports, extras, strict=True)],
        "differences": [difference_json(d) for d in differences],
    }


def headline_table(reports: Sequence[ScenarioReport]) -> Table:
    """Each scenario's mean arrival->release and arrival->exit per flow, every case."""
    level = f"{reports[0].confidence:.0%}"
    table = Table(title=f"Scenarios: mean hours (± {level} CI half-width over replications)")
    for header in ("scenario", "flow", *SHOWN_SEGMENTS):
        # A sweep point's long name folds onto more lines instead of being cut short.
        table.add_column(
            header,
            justify="left" if header in ("scenario", "flow") else "right",
            overflow="fold" if header == "scenario" else "ellipsis",
        )
    for report in reports:
        rows = [s for s in report.segments if s.channel == "all" and s.segment in SHOWN_SEGMENTS]
        flows = list(dict.fromkeys((s.direction, s.mode) for s in rows))
        for i, (direction, mode) in enumerate(flows):
            cells = [
                format_estimate(
                    next(
                        s.mean_h
                        for s in rows
                        if (s.direction, s.mode, s.segment) == (direction, mode, segment)
                    ),
                    2,
                )
                for segment in SHOWN_SEGMENTS
            ]
            table.add_row(
                escape(report.scenario_name) if i == 0 else "", flow_name(direction, mode), *cells
            )
    return table


def difference_table(differences: Sequence[Difference]) -> Table:
    """Differences to the reference for every case of each flow; * marks a CI excluding 0."""
    shown = [
        d
        for d in differences
        if d.channel == "all"
        and d.segment in DIFFERENCE_SEGMENTS
        and d.statistic in SHOWN_STATISTICS
    ]
    first = shown[0] if shown else None
    how = "paired by replication under common random numbers" if first and first.paired else "Welch"
    level = f"{first.confidence:.1%}" if first else ""
    table = Table(
        title=f"Difference to the reference ({how}; {level} CI each, Bonferroni across "
        f"scenarios; {MARKS_LEGEND})"
    )
    for header in ("scenario", "flow", "segment"):
        table.add_column(header, overflow="fold" if header == "scenario" else "ellipsis")
    for statistic in SHOWN_STATISTICS:
        table.add_column(STATISTIC_HEADERS[statistic], justify="right")
    keys = list(dict.fromkeys((d.scenario, d.direction, d.mode, d.segment) for d in shown))
    previous = ""
    for scenario, direction, mode, segment in keys:
        cells = []
        for statistic in SHOWN_STATISTICS:
            d = next(
                x
                for x in shown
                if (x.scenario, x.direction, x.mode, x.segment, x.statistic)
                == (scenario, direction, mode, segment, statistic)
            )
            percent = statistic in _PERCENT
            cell = format_estimate(d.estimate, 1 if percent else 2, percent=percent)
            cells.append(cell + difference_mark(d.estimate, d.statistic))
        table.add_row(
            escape(scenario) if scenario != previous else "",
            flow_name(direction, mode),
            segment,
            *cells,
        )
        previous = scenario
    return table


def print_comparison(
    console: Console,
    header: str,
    reports: Sequence[ScenarioReport],
    differences: Sequence[Difference],
) -> None:
    """The header line, the scenarios' headline table and the differences table."""
    console.print(header, markup=False, highlight=False)
    print_fitted(console, headline_table(reports))
    print_fitted(console, difference_table(differences))
