"""The study report as one self-contained HTML page: inline CSS and SVG, no script, no fetch."""

from __future__ import annotations

import json
from collections.abc import Sequence

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.analysis.comparison import (
    COMPARED_STATISTICS,
    MARKS_LEGEND,
    Difference,
    difference_mark,
)
from clearsim.flows.report.callout import bottleneck_sentences
from clearsim.flows.report.capacity_table import resources_section
from clearsim.flows.report.cause_chart import cause_section
from clearsim.flows.report.charts import (
    ecdf_chart,
    forest_chart,
    heat_map_chart,
    queue_chart,
    segment_bar_chart,
)
from clearsim.flows.report.figures import FOREST_SEGMENTS, ReportFigures, report_figures
from clearsim.flows.report.levers_page import levers_section
from clearsim.flows.report.network_map import network_chart
from clearsim.flows.report.optimise import optimise_block, optimise_section
from clearsim.flows.report.render import flow_name, format_estimate
from clearsim.flows.report.response import response_section
from clearsim.flows.report.study_report import StudyResults, study_header
from clearsim.flows.report.style import CSS
from clearsim.flows.report.svg import colour, dash, esc
from clearsim.flows.report.tornado import sensitivity_section

STATISTIC_LABELS = {
    "mean_h": "mean h",
    "median_h": "median h",
    "p90_h": "p90 h",
    "share_24h": "≤ 24 h",
    "share_48h": "≤ 48 h",
}
FIGURES = (
    "headline",
    "differences",
    "ecdf",
    "segment-bars",
    "causes",
    "forest",
    "levers",
    "sensitivity",
    "optimise",
    "response",
    "heat-map",
    "queues",
    "resources",
    "network",
    "overlong",
    "provenance",
)
"""The page's sections (``data-figure``), each present and non-empty in every report."""


def render_report(results: StudyResults) -> str:
    """The whole page for a complete stored study (the same study gives the same bytes)."""
    figures = report_figures(results)
    names = [r.scenario_name for r in results.reports]
    study = results.stored.study
    title = f"clearsim study {study.id}: " + " vs ".join(names)
    sections = [
        _section("headline", "TRS segments by scenario", _headline(results.reports)),
        _section("differences", "Differences to the reference", _differences(results)),
        _section("ecdf", "Clearance-time distributions", _ecdfs(figures, names)),
        _section("segment-bars", "Where the time goes: TRS segments", _bars(figures, names)),
        _section("causes", "Where the hours go: causes", cause_section(results.reports)),
        _section("forest", "Paired differences of mean hours", _forest(figures, names)),
        _section("levers", "Levers: a server more, 24 h staffing", levers_section(results.levers)),
        _section(
            "sensitivity",
            "Sensitivity: one at a time, by swing",
            sensitivity_section(results.sensitivity),
        ),
        _section(
            "optimise",
            "Optimisation: cost against the service target",
            optimise_section(optimise_block(study.design_json)),
        ),
        _section("response", "Response to the swept parameters", response_section(results)),
        _section("heat-map", "Resource utilisation by hour of day", _heat(results, figures)),
        _section("queues", "Queues at the bottleneck resources", _queues(figures, names)),
        _section(
            "resources",
            "Resources: utilisation, occupancy, blocking",
            resources_section(results.reports),
        ),
        _section("network", "The network and its traffic", _network(figures, names)),
        _section("overlong", "Overlong declarations", _overlong(results, figures)),
        _section("provenance", "Provenance", _provenance(results)),
    ]
    missing = (
        f'<p class="note">Not stored for this study (replications stored by an older clearsim): '
        f"{esc(', '.join(figures.missing))}. Run the study again to draw them.</p>"
        if figures.missing
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="lead">{esc(study_header(results))}</p>{missing}'
        + "".join(sections)
        + "</main></body></html>\n"
    )


def _section(key: str, heading: str, body: str) -> str:
    return f'<section data-figure="{key}" id="{key}"><h2>{esc(heading)}</h2>{body}</section>'


HEADLINE_SEGMENTS = ("arrival->release", "arrival->exit", "arrival->departure")
"""Shown at once (an export's departure where its flow records it); the consecutive segments are
folded under each table."""


def _headline(reports: Sequence[ScenarioReport]) -> str:
    level = f"{reports[0].confidence:.0%}"
    head = "".join(f"<th>{esc(STATISTIC_LABELS[s])}</th>" for s in COMPARED_STATISTICS)
    shown: list[str] = []
    folded: list[str] = []
    for report in reports:
        for seg in report.segments:
            if seg.channel != "all" or seg.cases.mean == 0:
                continue
            cells = "".join(
                f"<td>{esc(_cell(getattr(seg, s), s))}</td>" for s in COMPARED_STATISTICS
            )
            (shown if seg.segment in HEADLINE_SEGMENTS else folded).append(
                f'<tr><td class="l">{esc(report.scenario_name)}</td>'
                f'<td class="l">{esc(flow_name(seg.direction, seg.mode))}</td>'
                f'<td class="l">{esc(seg.segment)}</td><td>{seg.cases.mean:,.0f}</td>{cells}</tr>'
            )
    header = (
        '<thead><tr><th class="l">scenario</th><th class="l">flow</th>'
        f'<th class="l">segment</th><th>cases</th>{head}</tr></thead>'
    )
    return (
        f'<p class="note">Every case of each flow; mean over replications ± the {level} '
        "confidence half-width; shares are of cases released or out within 24 and 48 hours.</p>"
        + _table(header, shown)
        + _folded("arrival->lodgement, lodgement->release and release->exit", header, folded)
    )


def _table(header: str, rows: Sequence[str]) -> str:
    return f"<table>{header}<tbody>{''.join(rows)}</tbody></table>"


def _folded(what: str, header: str, rows: Sequence[str]) -> str:
    if not rows:
        return ""
    return f"<details><summary>{esc(what)}</summary>{_table(header, rows)}</details>"


def _cell(estimate: object, statistic: str) -> str:
    percent = statistic.startswith("share")
    return format_estimate(estimate, 1 if percent else 2, percent=percent)  # type: ignore[arg-type]


def _differences(results: StudyResults) -> str:
    shown = [d for d in results.differences if d.channel == "all"]
    if not shown:
        return '<p class="note">One scenario only: nothing to compare.</p>'
    first = shown[0]
    how = "paired by replication (common random numbers)" if first.paired else "Welch"
    rows: dict[tuple[str, str, str, str], dict[str, Difference]] = {}
    for d in shown:
        rows.setdefault((d.scenario, d.direction, d.mode, d.segment), {})[d.statistic] = d
    head = "".join(f"<th>Δ {esc(STATISTIC_LABELS[s])}</th>" for s in COMPARED_STATISTICS)
    body: list[str] = []
    folded: list[str] = []
    for (scenario, direction, mode, segment), by in rows.items():
        cells = ""
        for statistic in COMPARED_STATISTICS:
            found = by.get(statistic)
            if found is None:
                cells += "<td>-</td>"
                continue
            text = _cell(found.estimate, statistic) + difference_mark(found.estimate, statistic)
            cells += f'<td class="{"sig" if found.material else ""}">{esc(text)}</td>'
        (body if segment in HEADLINE_SEGMENTS else folded).append(
            f'<tr><td class="l">{esc(scenario)}</td><td class="l">'
            f'{esc(flow_name(direction, mode))}</td><td class="l">{esc(segment)}</td>{cells}</tr>'
        )
    header = (
        '<thead><tr><th class="l">scenario</th><th class="l">flow</th>'
        f'<th class="l">segment</th>{head}</tr></thead>'
    )
    return (
        f'<p class="note">Scenario minus the reference, {how}; {first.confidence:.1%} interval '
        f"each (Bonferroni across scenarios); {esc(MARKS_LEGEND)}; bold: material.</p>"
        + _table(header, body)
        + _folded("arrival->lodgement, lodgement->release and release->exit", header, folded)
    )


def _swatch(index: int) -> str:
    if dash(index) is None:
        return f"background:{colour(index)}"
    return f"height:0;border-top:3px dashed {colour(index)}"


def _key(names: Sequence[str]) -> str:
    """The scenarios' colours, once above a section's charts."""
    keys = "".join(
        f'<span><i style="{_swatch(i)}"></i>{esc(name)}</span>' for i, name in enumerate(names)
    )
    return f'<p class="key">{keys}</p>'


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>{svg}</figure>'


def _ecdfs(figures: ReportFigures, names: list[str]) -> str:
    if not figures.ecdfs:
        return '<p class="note">No distribution stored.</p>'
    charts = [
        _figure(ecdf_chart(panel, names), f"{flow_name(*panel.flow)} · {panel.segment}")
        for panel in figures.ecdfs
    ]
    note = (
        '<p class="note">Share of each flow\'s cases cleared within x hours, all replications '
        "pooled (each weighted by its cases); a line to the left is faster.</p>"
    )
    return note + _key(names) + '<div class="grid">' + "".join(charts) + "</div>"


def _bars(figures: ReportFigures, names: list[str]) -> str:
    flows = list(dict.fromkeys(bar.flow for bar in figures.bars))
    charts = [
        _figure(
            segment_bar_chart([b for b in figures.bars if b.flow == flow], names),
            f"{flow_name(*flow)}: mean hours of each TRS segment, laid end to end from the "
            "arrival, for the cases lodged ahead of their arrival (a dashed box: from lodgement "
            "to arrival) and those lodged after it apart, each with its share of the flow's "
            "lodged cases",
        )
        for flow in flows
    ]
    return '<div class="wide">' + "".join(charts) + "</div>"  # long labels: the wide grid


def _forest(figures: ReportFigures, names: list[str]) -> str:
    if not figures.forest:
        return '<p class="note">One scenario only: nothing to compare.</p>'
    charts = []
    for segment in FOREST_SEGMENTS:
        rows = [r for r in figures.forest if r.segment == segment]
        if rows:
            charts.append(
                _figure(
                    forest_chart(rows, names, segment),
                    f"{segment}: difference of mean hours to the reference with its interval "
                    "(filled: the interval excludes 0; * material, ° detectable but under "
                    "0.1 h)",
                )
            )
    return '<div class="wide">' + "".join(charts) + "</div>"


def _heat(results: StudyResults, figures: ReportFigures) -> str:
    charts = [
        _figure(
            heat_map_chart(heat),
            f"{heat.scenario}: busy over staffed server-minutes by clock hour in the "
            "measurement window (grey: not staffed)",
        )
        for heat in figures.heat_maps
        if heat.resources
    ]
    words = bottleneck_sentences(results)
    named = f'<p class="bottleneck">{esc(words)}</p>' if words else ""
    return named + '<div class="wide">' + "".join(charts) + "</div>"


def _queues(figures: ReportFigures, names: list[str]) -> str:
    if not figures.queues:
        return '<p class="note">No resource profile stored.</p>'
    charts = [
        _figure(
            queue_chart(series, names),
            f"{series.resource}: mean number waiting, averaged over replications "
            f"({series.series[0][1]:.0f}-minute bins; shaded: the reference's warm-up, whose "
            "start-up queue may run off the scale)",
        )
        for series in figures.queues
    ]
    return _key(names) + '<div class="wide">' + "".join(charts) + "</div>"


def _network(figures: ReportFigures, names: list[str]) -> str:
    charts = [
        _figure(
            network_chart(figures.network, name),
            f"{name}: trips routed over each leg per simulated day (both directions), mean over "
            "replications",
        )
        for name in names
    ]
    return '<div class="wide">' + "".join(charts) + "</div>"


def _overlong(results: StudyResults, figures: ReportFigures) -> str:
    parts = [
        '<p class="note">Measured cases whose monitored segment ran past the scenario\'s '
        "threshold (open: not yet ended when the run stopped), the longest first.</p>"
    ]
    rows = []
    for scenario, total, cases in figures.overlong:
        report = next(r for r in results.reports if r.scenario_name == scenario)
        parts.append(
            f'<p class="note">{esc(scenario)}: {total:,} case(s) past '
            f"{report.overlong_threshold_h:g} h over {report.replications} replication(s)"
            + (f", the {len(cases)} longest listed" if total > len(cases) else "")
            + ".</p>"
        )
        for replication, case in cases:
            rows.append(
                f'<tr><td class="l">{esc(scenario)}</td><td>{replication}</td>'
                f'<td class="l">{esc(case.case_id)}</td><td class="l">'
                f'{esc(flow_name(case.direction, case.mode))}</td><td class="l">'
                f"{esc(case.segment)}</td><td>{case.start_min / 1440:.2f}</td>"
                f"<td>{case.hours:.1f}</td><td>{'open' if case.open else 'ended'}</td></tr>"
            )
    if not rows:
        rows.append('<tr><td class="l" colspan="8">No case passed the threshold.</td></tr>')
    parts.append(
        '<table><thead><tr><th class="l">scenario</th><th>replication</th><th class="l">case</th>'
        '<th class="l">flow</th><th class="l">segment</th><th>started (day)</th><th>hours</th>'
        "<th>state</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return "".join(parts)


def _provenance(results: StudyResults) -> str:
    study = results.stored.study
    rows = []
    details = []
    for row in results.stored.scenarios:
        parameters = json.loads(row.parameters_json)
        rows.append(
            f'<tr><td>{row.position}</td><td class="l">{esc(row.scenario_name)}</td>'
            f'<td class="l"><code>{esc(row.scenario_hash)}</code></td>'
            f'<td class="l">{esc(json.dumps(parameters, sort_keys=True) if parameters else "-")}'
            "</td></tr>"
        )
        resolved = json.dumps(json.loads(row.scenario_json), indent=2, ensure_ascii=False)
        details.append(
            f"<details><summary>Resolved scenario {esc(row.scenario_name)}</summary>"
            f"<pre>{esc(resolved)}</pre></details>"
        )
    facts = (
        f"Study {study.id} ({study.kind}), {study.status}; root seed {study.root_seed}; "
        f"{study.replications} replications per scenario; confidence {study.confidence:.0%}; "
        f"code version {study.code_version}; libraries {study.library_versions}."
    )
    return (
        f'<p class="note">{esc(facts)}</p>'
        '<table><thead><tr><th>#</th><th class="l">scenario</th><th class="l">scenario hash</th>'
        '<th class="l">parameters</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + "".join(details)
    )
