"""The study report: its figures' data from the event log, the HTML page, the CLI, a browser.

The report is drawn from the stored study alone; the browser test opens a real report in
headless Chromium and checks every figure and table in the rendered page.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest
import yaml
from browser import find_chromium, render
from factories import MMC, SCENARIOS
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.flows.execution.study_design import StudyPlan
from clearsim.flows.report.cause_chart import cause_bars, cause_chart
from clearsim.flows.report.charts import _short, _spans, ecdf_chart
from clearsim.flows.report.figures import EcdfPanel, SegmentBar, report_figures
from clearsim.flows.report.page import FIGURES, render_report
from clearsim.flows.report.study_report import StudyResults, study_results
from clearsim.flows.storage.persistence import open_database, store_replications
from clearsim.flows.storage.studies import finish_study, load_study, open_study
from clearsim.models.network import NetworkSpec
from clearsim.models.records import SegmentQuantiles
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import MILESTONES
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.shifts import open_intervals
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.segment_quantiles import pooled_ecdf, segment_quantiles
from clearsim.simulation.metrics.time_profiles import (
    queue_bin_min,
    resource_profiles,
    step_integral,
)
from clearsim.simulation.run import run_replication, run_summary

runner = CliRunner()


def short_sea_import(tmp: Path, base: str) -> Path:
    """A sea-import scenario cut to six days (two of warm-up): about a second a replication."""
    path = tmp / f"{base}.yaml"
    document = {
        "extends": str(SCENARIOS / f"{base}.yaml"),
        "warmup_min": 2880,
        "horizon_min": 8640,
        "drain_limit_min": 5760,
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, StudyResults]:
    """A complete stored comparison: sea import baseline vs two-step, 2 replications each."""
    tmp = tmp_path_factory.mktemp("report")
    specs = tuple(
        load_scenario(short_sea_import(tmp, base), replications=2)
        for base in ("sea_import_baseline", "sea_import_two_step")
    )
    url = f"sqlite:///{tmp / 'studies.db'}"
    engine = open_database(url)
    plan = StudyPlan("compare", specs, ({}, {}), root_seed=specs[0].seed, replications=2)
    study_id = open_study(engine, plan).study_id
    store_replications(engine, [run_summary(s, r, specs[0].seed) for s in specs for r in (0, 1)])
    finish_study(engine, study_id)
    return url, study_id, study_results(load_study(engine, study_id))


# --- the figures' data, from the event log ------------------------------------------------------


def test_step_integral_is_the_area_under_the_level() -> None:
    # Level 1 on [0, 2), 3 on [2, 5), 2 from 5 on (changes given out of order).
    times = np.array([5.0, 0.0, 2.0, 2.0])
    steps = np.array([-1.0, 1.0, 1.0, 1.0])
    at = np.array([-1.0, 0.0, 1.0, 2.0, 4.0, 5.0, 7.0])
    assert step_integral(times, steps, at).tolist() == [0.0, 0.0, 1.0, 2.0, 8.0, 11.0, 15.0]
    assert step_integral(np.array([np.nan]), np.array([1.0]), at).tolist() == [0.0] * 7


def test_hourly_profiles_add_up_to_the_window_figures(tmp_path: Path) -> None:
    """Hour-of-day utilisation, weighted by the hours each clock hour is in the window, is the
    window's utilisation; the queue bins inside the window average to its mean queue length."""
    path = tmp_path / "mmc.yaml"
    document = {"extends": str(MMC), "warmup_min": 600, "horizon_min": 3600}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    spec = load_scenario(path)
    result = run_replication(spec, 0, spec.seed)
    (stat,) = result.summary.resources
    (profile,) = result.summary.profiles
    assert (profile.resource, profile.bin_min) == ("inspection_lanes", 60.0)
    assert len(profile.queue_length) == 60
    offset = spec.start.hour + spec.start.minute / 60
    covered = np.bincount([int(k + offset) % 24 for k in range(10, 60)], minlength=24)
    by_hour = np.array(profile.utilisation_by_hour)
    assert np.isfinite(by_hour).all()  # the lanes are staffed around the clock
    assert float((by_hour * covered).sum() / covered.sum()) == pytest.approx(
        stat.utilisation, abs=1e-3
    )
    assert float(np.mean(profile.queue_length[10:60])) == pytest.approx(
        stat.mean_queue_length, abs=1e-3
    )
    again = resource_profiles(result.log, {"inspection_lanes": 3}, Window(600, 3600), offset * 60)
    assert again == result.summary.profiles


def test_hours_a_resource_is_never_scheduled_are_blank_even_after_overruns(
    stored: tuple,
) -> None:
    """Office-hour officers: an hour outside every shift is NaN in every replication (services
    that ran past closing do not make it 100 % busy), an hour inside a shift has a value."""
    _, _, results = stored
    spec = Scenario.model_validate_json(results.stored.scenarios[0].scenario_json)
    resource = spec.resources["customs_officers"]
    periods = open_intervals(spec.calendars[resource.calendar], spec.start, spec.horizon_min)
    scheduled = np.zeros(24)
    for a, b in periods:
        for minute in np.arange(max(a, spec.warmup_min), b, 1.0):
            scheduled[int((minute // 60) % 24)] += 1  # the scenario starts at midnight
    assert 0 < (scheduled > 0).sum() < 24
    for run in results.stored.summaries[0]:
        (profile,) = [p for p in run.profiles if p.resource == "customs_officers"]
        by_hour = np.array(profile.utilisation_by_hour)
        assert np.isnan(by_hour[scheduled == 0]).all()
        assert np.isfinite(by_hour[scheduled > 0]).all()


def test_queue_bins_divide_a_day() -> None:
    assert queue_bin_min(30240) == 60.0  # 21 days: 504 hourly bins
    assert queue_bin_min(43200) == 60.0  # 30 days: 720
    assert queue_bin_min(43201) == 120.0
    assert queue_bin_min(200 * 1440) == 480.0
    assert queue_bin_min(1000 * 1440) == 2 * 1440.0
    assert all(1440 % queue_bin_min(d * 1440) == 0 for d in (1, 45, 100, 300, 700))


def test_segment_quantiles_are_the_percentiles_of_the_measured_cases(tmp_path: Path) -> None:
    spec = load_scenario(short_sea_import(tmp_path, "sea_import_baseline"))
    log = run_replication(spec, 0, spec.seed).log
    window = Window(spec.warmup_min, spec.horizon_min)
    parts = segment_quantiles(log, window)
    assert [(p.direction, p.mode, p.segment) for p in parts] == [
        ("import", "sea", "arrival->release"),
        ("import", "sea", "arrival->exit"),
    ]
    times = milestone_times(log)
    measured = measured_cases(log, times, window)
    hours = (times[measured, MILESTONES.index("release")] - times[measured, 0]) / 60
    hours = hours[~np.isnan(hours)]
    assert parts[0].n == hours.size > 100
    assert parts[0].hours == tuple(np.round(np.percentile(hours, range(101)), 4).tolist())


def test_pooled_ecdf_weights_each_replication_by_its_cases() -> None:
    low = SegmentQuantiles("import", "sea", "arrival->release", 100, tuple(np.linspace(0, 1, 101)))
    high = SegmentQuantiles("import", "sea", "arrival->release", 300, tuple(np.linspace(1, 2, 101)))
    x = np.array([-0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
    assert pooled_ecdf([low, high], x).tolist() == pytest.approx(
        [0.0, 0.125, 0.25, 0.625, 1.0, 1.0]
    )
    # Half the cases at exactly 0 h, the rest spread over (0, 1]: a step of one half at 0.
    zeros = SegmentQuantiles("a", "b", "c", 10, (0.0,) * 51 + tuple(np.linspace(0.02, 1, 50)))
    assert pooled_ecdf([zeros], np.array([-0.01, 0.0, 1.0])).tolist() == pytest.approx(
        [0.0, 0.5, 1.0]
    )
    empty = SegmentQuantiles("a", "b", "c", 0, ())
    assert math.isnan(pooled_ecdf([empty], np.array([1.0]))[0])


def test_pooled_ecdf_jumps_at_a_tie_inside_the_distribution() -> None:
    """60 % of cases spread over [0, 1] h, 40 % at exactly 2 h: F is 0.6 up to 2 h, then 1."""
    data = np.concatenate([np.linspace(0, 1, 600), np.full(400, 2.0)])
    part = SegmentQuantiles(
        "a", "b", "c", data.size, tuple(np.percentile(data, range(101)).tolist())
    )
    x = np.array([0.5, 1.0, 1.5, 1.99, 2.0, 2.5])
    truth = [(data <= v).mean() for v in x]
    assert pooled_ecdf([part], x).tolist() == pytest.approx(truth, abs=0.011)


LEG = {"kind": "lognormal", "median_min": 20, "sigma": 0.1}


def test_trips_are_counted_on_every_leg_of_their_route() -> None:
    spec = NetworkSpec.model_validate(
        {
            "nodes": {n: {"kind": "bonded_zone", "lat": 30.0, "lon": 114.0 + i / 10}
                      for i, n in enumerate("ABC")},
            "edges": [
                {"source": "A", "target": "B", "mode": "road", "km": 10, "travel_min": LEG},
                {"source": "B", "target": "C", "mode": "road", "km": 10, "travel_min": LEG},
            ],
        }
    )  # fmt: skip
    router = Router(build_graph(spec))
    for source, target in (("A", "C"), ("A", "C"), ("C", "B")):
        router.trip_min(source, target, 0.5)
    assert router.trip_counts == {("A", "C"): 2, ("C", "B"): 1}
    assert router.leg_trips() == {("A", "B"): 2, ("B", "C"): 2, ("C", "B"): 1}


# --- the page ----------------------------------------------------------------------------------


def test_charts_escape_names_and_tell_ten_scenarios_apart() -> None:
    names = [f'point<{i}>&"q"[lanes={i}]' for i in range(10)]
    hours = np.linspace(0, 10, 11)
    panel = EcdfPanel(
        ("import", "sea"),
        "arrival->release",
        hours,
        tuple((n, hours / 10) for n in names),
        tuple((n, 5) for n in names),
    )
    svg = ecdf_chart(panel, names)
    root = ElementTree.fromstring(svg)  # well-formed: every name escaped
    lines = root.findall(".//{http://www.w3.org/2000/svg}polyline")
    styles = {(line.get("stroke"), line.get("stroke-dasharray")) for line in lines}
    assert len(lines) == len(styles) == 10  # colours repeat after 8, with another pattern
    assert _short(names[8], 24) != _short(names[9], 24)  # cut in the middle, ends kept


def test_segment_bars_split_the_cases_lodged_ahead_from_those_lodged_after(stored: tuple) -> None:
    """Each side of arrival gets its own bar with its own means, and the shares add to one.

    The stored baseline lodges part of its declarations ahead (advance_share): averaging them
    with those lodged after arrival gave a lodgement->release belonging to neither.
    """
    _, _, results = stored
    bars = report_figures(results).bars
    for report in results.reports:
        mine = [b for b in bars if b.scenario == report.scenario_name]
        assert {b.lodged for b in mine} == {"before_arrival", "after_arrival"}
        assert sum(b.share for b in mine) == pytest.approx(1.0)
        ahead = next(b for b in mine if b.lodged == "before_arrival")
        after = next(b for b in mine if b.lodged == "after_arrival")
        assert ahead.parts[0] < 0 <= after.parts[0]  # arrival->lodgement by sign
        timing = {t.lodged: t for t in report.lodgement_timing}
        assert ahead.parts[1] == timing["before_arrival"].lodgement_release_h.mean


def test_cause_bars_add_up_to_the_segment_means(stored: tuple) -> None:
    """A stacked bar per scenario and segment; its parts are the segment's mean hours."""
    _, _, results = stored
    bars = cause_bars(results.reports)
    names = [r.scenario_name for r in results.reports]
    assert {(b.scenario, b.segment) for b in bars} == {
        (name, segment) for name in names for segment in ("arrival->release", "release->exit")
    }
    for report in results.reports:
        means = {
            s.segment: s.mean_h.mean
            for s in report.segments
            if (s.direction, s.mode, s.channel) == ("import", "sea", "all")
        }
        for bar in (b for b in bars if b.scenario == report.scenario_name):
            assert sum(bar.hours) == pytest.approx(means[bar.segment])
    svg = cause_chart(bars, names)
    ElementTree.fromstring(svg)  # well-formed
    assert svg.count('class="mark"') == sum(1 for b in bars for h in b.hours if h)
    assert "declarant" in render_report(results)


def test_segment_bars_follow_the_milestones_from_the_arrival() -> None:
    advance = SegmentBar("s", ("export", "sea"), (-9.0, 2.5, 44.0), -6.5)
    assert _spans(advance) == [(-9.0, 0.0, 0, -9.0), (-9.0, -6.5, 1, 2.5), (-6.5, 37.5, 2, 44.0)]
    no_lodgement = SegmentBar("s", ("import", "x"), (math.nan, math.nan, 3.0), 1.5)
    assert _spans(no_lodgement) == [(0.0, 1.5, 3, 1.5), (1.5, 4.5, 2, 3.0)]


def test_the_page_has_every_section_and_loads_nothing_from_outside(stored: tuple) -> None:
    _, _, results = stored
    html = render_report(results)
    assert html == render_report(results)  # the same study, the same bytes
    for key in FIGURES:
        assert f'data-figure="{key}"' in html
    figures = report_figures(results)
    assert figures.missing == ()
    assert len(figures.ecdfs) == 2  # import sea: arrival->release and arrival->exit
    assert {name for name, _ in figures.ecdfs[0].curves} == {
        "sea_import_baseline",
        "sea_import_two_step",
    }
    causes = len({bar.flow for bar in cause_bars(results.reports)})
    assert html.count("<svg") == 2 + 1 + 2 + 2 + len(figures.queues) + 2 + causes
    # Without levers, the call-out claims no bottleneck from utilisation.
    assert "bottleneck of" not in html.lower()
    assert "Utilisation is not a lever" in html and "--levers" in html
    assert "The busiest resource of sea_import_baseline is" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert html.replace('xmlns="http://www.w3.org/2000/svg"', "").count("http") == 0
    two_step = dict(figures.network.trips_per_day)["sea_import_two_step"]
    assert two_step[("DONGXIHU_CBZ", "YANGLUO_PORT")] > 0
    # The map shows the legs the study used (a sea-import study: not the airports' legs).
    used = {k for _, trips in figures.network.trips_per_day for k, v in trips.items() if v > 0}
    assert {(min(a, b), max(a, b)) for a, b, _ in figures.network.legs} == used
    assert {s.name for s in figures.network.sites} == {n for leg in used for n in leg}
    assert "TIANHE_AIRPORT" not in {s.name for s in figures.network.sites}


def test_a_report_of_older_replications_says_what_is_missing(stored: tuple) -> None:
    _, _, results = stored
    bare = [
        [dataclasses.replace(s, distributions=(), profiles=(), leg_trips=()) for s in runs]
        for runs in results.stored.summaries
    ]
    older = dataclasses.replace(
        results, stored=dataclasses.replace(results.stored, summaries=tuple(bare))
    )
    html = render_report(older)
    assert "Not stored for this study" in html
    assert "clearance-time distributions, resource profiles" in html
    for key in FIGURES:
        assert f'data-figure="{key}"' in html


def test_report_command_writes_a_stored_study(stored: tuple, tmp_path: Path) -> None:
    url, study_id, results = stored
    out = tmp_path / "deep" / "report.html"
    done = runner.invoke(app, ["report", str(study_id), "--out", str(out), "--db-url", url])
    assert done.exit_code == 0, done.stderr
    assert f"report of study {study_id} written to {out}" in " ".join(done.stdout.split())
    assert out.read_text(encoding="utf-8") == render_report(results)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["99", "--out", "{tmp}/r.html"], "no study with id 99"),
        (["1", "--out", "{tmp}"], "is a directory"),
        (["1", "--out", "{tmp}/r.txt"], "name it *.html"),
        (["1", "--out", "/proc/clearsim/r.html"], "--out: cannot write /proc/clearsim/r.html"),
    ],
)
def test_report_command_errors(
    stored: tuple, tmp_path: Path, arguments: list[str], message: str
) -> None:
    url, _, _ = stored
    filled = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    done = runner.invoke(app, ["report", *filled, "--db-url", url])
    assert done.exit_code == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


# --- in a browser --------------------------------------------------------------------------------

PAGE_CHECK = """
(() => {
  const seen = (e) => { const b = e.getBoundingClientRect(); return b.width > 0 || b.height > 0; };
  const out = {};
  for (const s of document.querySelectorAll('section[data-figure]')) {
    const box = s.getBoundingClientRect();
    out[s.dataset.figure] = {
      width: box.width, height: box.height,
      svgs: [...s.querySelectorAll('svg')].filter(seen).length,
      marks: [...s.querySelectorAll('svg .mark')].filter(seen).length,
      rows: [...s.querySelectorAll('tbody tr')].filter(seen).length,
      text: s.innerText.length,
    };
  }
  // Text an SVG cuts off: a label outside its drawing's view box.
  out.clipped = [];
  for (const svg of document.querySelectorAll('svg')) {
    const view = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < view.x - 0.5 || b.y < view.y - 0.5 || b.x + b.width > view.x + view.width + 0.5
          || b.y + b.height > view.y + view.height + 0.5) out.clipped.push(t.textContent);
    }
  }
  return out;
})()
"""
CHART_SECTIONS = ("ecdf", "segment-bars", "causes", "forest", "heat-map", "queues", "network")
TABLE_SECTIONS = ("headline", "differences", "resources", "overlong", "provenance")


def test_the_report_renders_in_headless_chromium(stored: tuple, tmp_path: Path) -> None:
    browser = find_chromium()
    if browser is None:
        if os.environ.get("CLEARSIM_REQUIRE_BROWSER"):
            pytest.fail("CLEARSIM_REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip(
            "no Chromium to render the report: install Debian's chromium "
            "(apt-get install chromium) or set CLEARSIM_CHROMIUM to a Chromium binary"
        )
    _, _, results = stored
    page = tmp_path / "report.html"
    page.write_text(render_report(results), encoding="utf-8")
    shot = tmp_path / "report.png"
    rendered = render(browser, page, PAGE_CHECK, screenshot=shot)

    assert rendered.errors == []
    sections: dict[str, Any] = rendered.checks
    assert sections.pop("clipped") == []  # every label inside its chart
    assert set(sections) == set(FIGURES)
    for key, seen in sections.items():
        assert seen["width"] > 0 and seen["height"] > 0 and seen["text"] > 0, key
    figures = report_figures(results)
    for key in CHART_SECTIONS:
        assert sections[key]["svgs"] > 0 and sections[key]["marks"] > 0, key
    assert sections["ecdf"]["svgs"] == len(figures.ecdfs) == 2
    assert sections["ecdf"]["marks"] == 2 * 2  # a line per scenario in each panel
    resources = len(figures.heat_maps[0].resources)
    assert sections["heat-map"]["marks"] == 2 * resources * 24
    assert sections["network"]["svgs"] == 2
    for key in TABLE_SECTIONS:
        assert sections[key]["rows"] > 0, key
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000
