"""Levers: the variants a scenario offers, their paired effects, the ranking and the threshold.

The ranking is checked on synthetic paired data (no simulation); a tandem M/M/3 -> M/M/2 line
checks that one more inspection lane is the top lever and that its paired effect on the mean
matches Erlang C's difference between three and four lanes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from factories import BASELINE
from test_studies import tiny_mmc
from typer.testing import CliRunner

import clearsim
from clearsim.analysis.levers import LeverEffect, lever_effects, rank_levers, top_levers
from clearsim.analysis.queueing import mmc_mean_wait
from clearsim.analysis.statistics import Estimate
from clearsim.flows.cli.main import app
from clearsim.flows.report.levers import LeverResults
from clearsim.flows.report.levers_page import levers_section, unmoved
from clearsim.models.calendars import AlwaysOpen
from clearsim.models.records import RunSummary, SegmentStat
from clearsim.models.scenario import Scenario
from clearsim.scenarios.levers import CALENDAR, SERVER, STAFFING, lever_variants
from clearsim.scenarios.load import load_scenario

# --- synthetic paired data ---------------------------------------------------------------


def _summary(replication: int, mean_h: float, p90_h: float, seed: int = 7) -> RunSummary:
    stat = SegmentStat("import", "sea", "arrival->release", "all", 100, mean_h, mean_h, p90_h,
                       0.5, 0.9)  # fmt: skip
    return RunSummary(
        scenario_hash="x", replication=replication, root_seed=seed, arrived=100, completed=100,
        in_system=0, measured=100, censored=0, events=0, end_time_min=0.0, segments=(stat,),
        resources=(), outcomes=(), overlong=(),
    )  # fmt: skip


def _runs(means: np.ndarray, p90s: np.ndarray) -> list[RunSummary]:
    return [
        _summary(r, float(m), float(p)) for r, (m, p) in enumerate(zip(means, p90s, strict=True))
    ]


@pytest.fixture
def synthetic() -> tuple[list[RunSummary], dict[str, list[RunSummary]]]:
    """Ten replications of a reference and four levers with known paired effects (hours)."""
    rng = np.random.default_rng(3)
    base = 30 + 5 * rng.standard_normal(10)  # replications differ a lot: only pairing sees effects
    p90 = base * 2
    noise = rng.standard_normal((4, 10))
    noise -= noise.mean(axis=1, keepdims=True)  # the effects below are the exact mean savings
    levers = {
        "24 h office_hours": _runs(base - 1.6 + 0.2 * noise[0], p90 - 3.0),  # large, precise
        "+1 inspection_lanes": _runs(base - 0.3 + 0.02 * noise[1], p90 - 0.4),  # small, precise
        "+1 customs_officers": _runs(base - 0.7 + 3.0 * noise[2], p90),  # large but noisy
        "+1 gate_lanes": _runs(base, p90),  # nothing at all
    }
    return _runs(base, p90), levers


def test_levers_are_ranked_by_their_paired_saving(synthetic: tuple) -> None:
    reference, levers = synthetic
    effects = lever_effects(reference, levers, threshold_h=0.5)
    order = [e.lever for e in effects]
    assert order[0] == "24 h office_hours"
    assert [e.rank for e in effects] == [1, 2, 3, 4]
    by = {e.lever: e for e in effects}
    assert by["24 h office_hours"].practical and by["24 h office_hours"].mark() == " *"
    # Detectable, but under the threshold: not practically significant.
    assert not by["+1 inspection_lanes"].practical and by["+1 inspection_lanes"].mark() == " °"
    # Larger than the threshold on average, but its interval holds 0.
    assert not by["+1 customs_officers"].practical
    assert by["+1 gate_lanes"].mean_h.mean == 0
    assert top_levers(effects) == {("import", "sea"): by["24 h office_hours"]}
    # Intervals hold jointly over the four levers (Bonferroni).
    assert math.isclose(by["+1 gate_lanes"].confidence, 1 - 0.05 / 4)


def test_the_threshold_decides_what_is_practical(synthetic: tuple) -> None:
    reference, levers = synthetic
    strict = lever_effects(reference, levers, threshold_h=2.0)
    assert not any(e.practical for e in strict)
    assert top_levers(strict) == {("import", "sea"): None}
    loose = {e.lever: e for e in lever_effects(reference, levers, threshold_h=0.1)}
    assert loose["+1 inspection_lanes"].practical


def test_ranking_breaks_ties_by_p90_then_name_and_puts_missing_values_last() -> None:
    def effect(name: str, mean: float, p90: float) -> LeverEffect:
        return LeverEffect(name, "import", "sea", Estimate(mean, 0.1, 5), Estimate(p90, 0.1, 5),
                           0.95, 0.5)  # fmt: skip

    ranked = rank_levers(
        [effect("b", -1, -1), effect("a", -1, -1), effect("c", -1, -2), effect("d", math.nan, 0)]
    )
    assert [e.lever for e in ranked] == ["c", "a", "b", "d"]


def test_bad_inputs_are_refused(synthetic: tuple) -> None:
    reference, levers = synthetic
    with pytest.raises(ValueError, match=">= 0 hours"):
        lever_effects(reference, levers, threshold_h=-0.5)
    other_seed = {"x": [_summary(r, 30, 60, seed=8) for r in range(10)]}
    with pytest.raises(ValueError, match="reference's streams"):
        lever_effects(reference, other_seed)


# --- variants ----------------------------------------------------------------------------


def test_the_baselines_levers_are_servers_resources_and_the_shared_calendar() -> None:
    base = load_scenario(BASELINE)
    levers = lever_variants(base)
    names = [lever.name for lever in levers]
    assert names == [
        *(f"+1 {name}" for name in base.resources),
        "24 h customs_officers",
        "24 h inspection_lanes",
        "24 h office_hours",
    ]
    assert [lever.change for lever in levers][-3:] == [STAFFING, STAFFING, CALENDAR]
    officers = next(lever for lever in levers if lever.name == "+1 customs_officers")
    assert officers.change == SERVER
    assert officers.scenario.resources["customs_officers"].capacity == 7
    assert base.resources["customs_officers"].capacity == 6  # the base is untouched
    assert officers.scenario.name == "sea_import_baseline[+1 customs_officers]"
    shared = levers[-1].scenario
    assert isinstance(shared.calendars["office_hours"], AlwaysOpen)
    hashes = {lever.scenario.scenario_hash for lever in levers} | {base.scenario_hash}
    assert len(hashes) == len(levers) + 1
    for lever in levers:  # every variant is a valid scenario, the same after a round trip
        again = Scenario.model_validate_json(lever.scenario.resolved_json())
        assert again.scenario_hash == lever.scenario.scenario_hash
        assert (lever.scenario.seed, lever.scenario.replications) == (base.seed, base.replications)


# --- a tandem line against Erlang C ------------------------------------------------------

ARRIVALS_PER_H, INSPECTION_H, LANES = 2.4, 1.0, 3


def _tandem() -> Scenario:
    """M/M/3 inspection (rho 0.8) then a lightly loaded M/M/2 desk (rho 0.12) before release."""
    return Scenario.model_validate(
        {
            "name": "tandem",
            "kind": "steady_state",
            "warmup_min": 3000,
            "horizon_min": 43000,  # ~1,600 measured arrivals per replication
            "drain_limit_min": 20000,
            "seed": 11,
            "network": {"nodes": {"SITE": {"kind": "inspection_area", "lat": 30.0, "lon": 114.0}}},
            "resources": {
                "lanes": {"capacity": LANES, "node": "SITE"},
                "desk": {"capacity": 2, "node": "SITE"},
            },
            "processes": [
                {
                    "kind": "station_flow",
                    "name": "station",
                    "node": "SITE",
                    "arrivals": {"kind": "poisson", "rate_per_hour": ARRIVALS_PER_H},
                    "stages": [
                        {
                            "activity": "inspection",
                            "resource": "lanes",
                            "service_min": {"kind": "exponential", "mean_min": 60 * INSPECTION_H},
                        },
                        {
                            "activity": "review",
                            "resource": "desk",
                            "service_min": {"kind": "exponential", "mean_min": 6},
                            "milestone_on_complete": "release",
                        },
                    ],
                }
            ],
        }
    )


def test_one_more_lane_is_the_top_lever_and_matches_erlang_c() -> None:
    """Through the Python API: one DataFrame row per lever, ranked."""
    table = clearsim.levers(_tandem(), replications=6, practical_h=0.5)
    wq3 = mmc_mean_wait(LANES, ARRIVALS_PER_H, INSPECTION_H)
    wq4 = mmc_mean_wait(LANES + 1, ARRIVALS_PER_H, INSPECTION_H)
    top = table.iloc[0]
    print(
        f"Erlang C: Wq(3) = {wq3:.3f} h, Wq(4) = {wq4:.3f} h, difference {wq4 - wq3:+.3f} h; "
        f"paired estimate {top.mean_h:+.3f} ± {top.mean_h_half_width:.3f} h"
    )
    assert list(table["lever"]) == ["+1 lanes", "+1 desk"]
    assert list(table["rank"]) == [1, 2]
    assert (top.change, top.target) == (SERVER, "lanes")
    assert top.practical and top.mean_h < 0
    assert abs(top.mean_h - (wq4 - wq3)) <= top.mean_h_half_width
    assert not table.iloc[1].practical
    with pytest.raises(ValueError, match=">= 0 hours"):
        clearsim.levers(_tandem(), replications=2, practical_h=-1)


# --- the command line --------------------------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "A", "--levers", "--practical-h", "-1"], "number of hours >= 0"),
        (["run", "A", "--practical-h", "1"], "--practical-h only applies with --levers"),
        (["run", "A", "--levers", "--set", "seed=3"], "do not apply with --levers"),
        (["compare", "A", "A", "--levers", "--target-halfwidth", "0.1"], "do not apply with"),
        (["compare", "A", "A", "--levers", "--practical-h", "nan"], "--practical-h must be"),
    ],
)  # fmt: skip
def test_bad_lever_options_exit_2_with_one_line(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    path = str(tiny_mmc(tmp_path, "tiny"))
    result = runner.invoke(app, [path if a == "A" else a for a in arguments])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.prefect
def test_run_and_compare_with_levers_store_rank_and_report_them(
    prefect_harness: str, tmp_path: Path
) -> None:
    tiny = str(tiny_mmc(tmp_path, "tiny"))
    db = f"sqlite:///{tmp_path / 'levers.db'}"
    result = runner.invoke(app, ["run", tiny, "--levers", "-r", "3", "--json", "--db-url", db])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "levers" and data["simulated"] == 6  # the reference and its lever
    assert [s["scenario"]["name"] for s in data["scenarios"]] == ["tiny"]
    assert data["practical_h"] == 0.5 and data["levers_of"] == "tiny"
    (lever,) = data["levers"]
    assert (lever["rank"], lever["lever"], lever["change"]) == (1, "+1 inspection_lanes", "server")
    assert lever["scenario"] == "tiny[+1 inspection_lanes]"
    assert lever["mean_h"]["mean"] < 0 and lever["mean_h"]["n"] == 3
    assert set(lever) >= {"p90_h", "practical", "significant", "confidence"}

    # Stored: the study shows its levers again, in JSON, as a table and in the report.
    study = str(data["study_id"])
    again = runner.invoke(app, ["results", study, "--db-url", db, "--json"])
    assert json.loads(again.stdout)["levers"] == data["levers"]
    table = runner.invoke(app, ["results", study, "--db-url", db])
    assert "Levers of tiny" in table.stdout and "+1 inspection_lanes" in table.stdout
    page = tmp_path / "levers.html"
    written = runner.invoke(app, ["report", study, "--out", str(page), "--db-url", db])
    assert written.exit_code == 0, written.stderr
    html = page.read_text(encoding="utf-8")
    assert 'data-figure="levers"' in html and "+1 inspection_lanes" in html
    assert ("The top lever for" in html) == lever["practical"]
    assert "Utilisation is not a lever" not in html

    # A higher threshold on the same study: resumed, nothing simulated, nothing practical.
    strict = runner.invoke(
        app, ["run", tiny, "--levers", "-r", "3", "--practical-h", "50", "--json", "--db-url", db]
    )
    strict_data = json.loads(strict.stdout)
    assert (strict_data["simulated"], strict_data["practical_h"]) == (0, 50)
    assert not strict_data["levers"][0]["practical"]

    # compare --levers: the other file is compared as usual; the levers are the reference's.
    four = str(tiny_mmc(tmp_path, "four", 4))
    both = runner.invoke(
        app, ["compare", tiny, four, "--levers", "-r", "3", "--json", "--db-url", db]
    )
    assert both.exit_code == 0, both.stderr
    compared = json.loads(both.stdout)
    assert [s["scenario"]["name"] for s in compared["scenarios"]] == ["tiny", "four"]
    assert {d["scenario"] for d in compared["differences"]} == {"four"}
    assert [lever["lever"] for lever in compared["levers"]] == ["+1 inspection_lanes"]
    # Four lanes is the reference's "+1 inspection_lanes": the same scenario hash, so the same
    # stored replications, and the same paired effect.
    assert compared["simulated"] == 0
    (difference,) = [
        d
        for d in compared["differences"]
        if (d["segment"], d["channel"], d["statistic"]) == ("arrival->release", "all", "mean_h")
    ]
    assert difference["difference"]["mean"] == pytest.approx(
        compared["levers"][0]["mean_h"]["mean"]
    )


def test_a_flows_chart_leaves_out_the_levers_that_changed_nothing(synthetic: tuple) -> None:
    """A lever on a resource the flow does not use is counted in the caption, not drawn."""
    base, levers = synthetic
    effects = rank_levers(lever_effects(base, levers, 0.5))
    assert [e.lever for e in effects if unmoved(e)] == ["+1 gate_lanes"]
    results = LeverResults("reference", 0.5, tuple(effects), (), ())
    html = levers_section(results)
    chart = html[html.index("<figure") : html.index("</figure>")]
    assert "+1 gate_lanes" not in chart and "24 h office_hours" in chart
    assert "1 lever(s) on resources this flow does not use changed nothing" in chart
    assert html.count("+1 gate_lanes") == 1  # in the folded table only
