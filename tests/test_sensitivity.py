"""Sensitivity: the variants (rounding, clipping, durations scaled), the paired effects (equal to
a comparison of the same variants), the tornado's order, and the response plots of a sweep.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from factories import BASELINE
from test_levers import _runs
from test_studies import tiny_mmc
from typer.testing import CliRunner

from clearsim.analysis.sensitivity import sensitivity_effects
from clearsim.flows.cli.main import app
from clearsim.flows.report.tornado import tornado_chart
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.scenarios.sensitivity import SensitivityError, variants

runner = CliRunner()
LANES = "resources.inspection_lanes.capacity"
RATE = "processes.inspection_queue.arrivals.rate_per_hour"


def test_an_integer_is_rounded_and_moves_by_at_least_one() -> None:
    base = load_scenario(BASELINE)
    low, high = variants(base, "resources.customs_officers.capacity", 20)
    assert (low.scenario.resources["customs_officers"].capacity, low.value) == (5, 5.0)
    assert high.scenario.resources["customs_officers"].capacity == 7
    low, high = variants(base, "resources.customs_officers.capacity", 5)  # 5.7 and 6.3 round to 6
    assert (low.value, high.value, low.base_value) == (5.0, 7.0, 6.0)
    assert low.scenario.seed == base.seed and low.scenario.replications == base.replications
    assert low.scenario.name == f"{base.name}[resources.customs_officers.capacity low]"


def test_a_share_is_clipped_to_the_unit_interval() -> None:
    base = load_scenario(BASELINE)
    path = "processes.yangluo_import.declaration.documents.taxable_share"
    low, high = variants(base, path, 20)
    assert low.value == pytest.approx(0.68) and high.value == 1.0


def test_a_duration_has_its_time_scale_multiplied() -> None:
    base = load_scenario(BASELINE)
    low, high = variants(base, "processes.yangluo_import.document_review_min", 20)
    review = next(p for p in high.scenario.processes if p.name == "yangluo_import")
    assert review.document_review_min.median_min == pytest.approx(36)  # type: ignore[union-attr]
    assert review.document_review_min.sigma == 0.6  # type: ignore[union-attr]
    assert high.value == pytest.approx(1.2 * low.base_value)  # the mean, minutes
    assert low.value == pytest.approx(0.8 * low.base_value)
    _, plan_high = variants(base, "processes.yangluo_import.inspection.plan_min", 20)
    assert plan_high.value == pytest.approx(3.0)  # uniform 0..6: both ends scaled


def test_a_refused_value_gives_the_validators_message() -> None:
    one = with_values(load_scenario(BASELINE), {"resources.customs_officers.capacity": 1})
    with pytest.raises(SensitivityError, match=r"\(low, 0\): .*capacity"):
        variants(one, "resources.customs_officers.capacity", 20)


def test_the_tornado_is_sorted_by_swing() -> None:
    rng = np.random.default_rng(5)
    base = 30 + 4 * rng.standard_normal(8)
    shifts = {("a", "low"): -0.5, ("a", "high"): 0.5, ("b", "low"): -4.0, ("b", "high"): 3.0,
              ("c", "low"): 1.0, ("c", "high"): 1.5}  # fmt: skip
    runs = {k: _runs(base + v, 2 * (base + v)) for k, v in shifts.items()}
    effects = sensitivity_effects(
        _runs(base, 2 * base), runs, dict.fromkeys(shifts, 1.0), {"a": 1, "b": 1, "c": 1}
    )
    assert [(e.parameter, e.rank) for e in effects] == [("b", 1), ("a", 2), ("c", 3)]
    assert [e.swing_h for e in effects] == pytest.approx([7.0, 1.0, 0.5])
    assert effects[0].low.confidence == pytest.approx(1 - 0.05 / 6)  # joint over six variants
    chart = tornado_chart(effects)
    labels = re.findall(r">(\d\. [abc])</text>", chart)
    assert labels == ["1. b", "2. a", "3. c"]
    assert chart.count('class="mark low"') == 3 and chart.count('class="mark high"') == 3


@pytest.mark.prefect
def test_the_paired_effects_equal_a_comparison_of_the_same_variants(
    prefect_harness: str, tmp_path: Path
) -> None:
    tiny = str(tiny_mmc(tmp_path, "tiny", 4))
    db = f"sqlite:///{tmp_path / 'sens.db'}"
    page = tmp_path / "sens.html"
    service = "processes.inspection_queue.stages.0.service_min"
    arguments = [
        "sensitivity",
        tiny,
        "--param",
        LANES,
        "--param",
        service,
        "-r",
        "3",
        "--db-url",
        db,
    ]
    result = runner.invoke(app, [*arguments, "--json", "--report", str(page)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "sensitivity" and data["simulated"] == 15
    assert data["delta_pct"] == 20 and [s["scenario"]["name"] for s in data["scenarios"]] == [
        "tiny"
    ]
    rows = {r["parameter"]: r for r in data["sensitivity"]}
    lanes = rows[LANES]
    assert (lanes["low_value"], lanes["high_value"]) == (3, 5)
    assert [r["rank"] for r in data["sensitivity"]] == [1, 2]
    assert data["sensitivity"][0]["swing_h"] >= data["sensitivity"][1]["swing_h"]

    three, five = tiny_mmc(tmp_path, "three", 3), tiny_mmc(tmp_path, "five", 5)
    other = f"sqlite:///{tmp_path / 'compare.db'}"
    compared = runner.invoke(
        app, ["compare", tiny, str(three), str(five), "-r", "3", "--json", "--db-url", other]
    )
    assert compared.exit_code == 0, compared.stderr
    mean = {
        d["scenario"]: d["difference"]["mean"]
        for d in json.loads(compared.stdout)["differences"]
        if d["segment"] == "arrival->release"
        and d["channel"] == "all"
        and d["statistic"] == "mean_h"
    }
    assert lanes["low"]["mean_h"]["mean"] == pytest.approx(mean["three"], rel=1e-9)
    assert lanes["high"]["mean_h"]["mean"] == pytest.approx(mean["five"], rel=1e-9)

    html = page.read_text(encoding="utf-8")
    section = html.split('data-figure="sensitivity"')[1].split("</section>")[0]
    assert "Tornado of" in section and section.count('class="mark low"') == 2
    table = runner.invoke(app, ["results", str(data["study_id"]), "--db-url", db])
    assert "Sensitivity of tiny" in table.stdout and "swing h" in table.stdout


@pytest.mark.prefect
def test_a_sweep_report_plots_the_output_against_each_parameter(
    prefect_harness: str, tmp_path: Path
) -> None:
    tiny = str(tiny_mmc(tmp_path, "tiny", 4))
    page = tmp_path / "sweep.html"
    result = runner.invoke(app, [
        "sweep", tiny, "--set", f"{LANES}=4,5", "--set", f"{RATE}=2.4,2.0", "-r", "2",
        "--db-url", f"sqlite:///{tmp_path / 'sweep.db'}", "--report", str(page), "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    section = page.read_text(encoding="utf-8").split('data-figure="response"')[1]
    section = section.split("</section>")[0]
    assert f"against {LANES}" in section and f"against {RATE}" in section
    assert section.count("<polyline") == 4  # two lines (the other axis's values) per parameter
    assert section.count('class="mark point"') == 8
