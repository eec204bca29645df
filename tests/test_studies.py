"""Studies without Prefect: designs, precision, resource differences, the study store.

The store tests run on SQLite and, when ``CLEARSIM_TEST_POSTGRES_URL`` is set, on PostgreSQL
(the ``engine`` fixture of tests/test_persistence.py).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from factories import MMC
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from test_persistence import engine  # noqa: F401  (the sqlite/postgres fixture)

from clearsim.analysis.aggregate import aggregate
from clearsim.analysis.comparison import bottleneck_resources, compare_resources
from clearsim.analysis.output_analysis import relative_half_width, replications_for_target
from clearsim.analysis.precision import headline_precision
from clearsim.analysis.statistics import Estimate, paired_difference
from clearsim.flows.execution.study_design import (
    StudyPlan,
    grid_points,
    latin_hypercube,
    point_label,
    split_values,
)
from clearsim.flows.execution.study_flow import plan_batches, sweep_scenario
from clearsim.flows.execution.study_plans import (
    PlanError,
    comparison_plan,
    parse_grid,
    parse_ranges,
    sweep_plan,
)
from clearsim.flows.report.study_report import IncompleteStudyError, study_json, study_results
from clearsim.flows.storage.persistence import store_replications, stored_replications
from clearsim.flows.storage.studies import (
    COMPLETE,
    RUNNING,
    finish_study,
    list_studies,
    load_study,
    open_study,
    set_study_replications,
)
from clearsim.models.scenario import Scenario
from clearsim.models.tables import ReplicationRow, SegmentStatRow
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import run_summary


def tiny_mmc(tmp_path: Path, name: str, lanes: int = 3) -> Path:
    """The M/M/3 validation scenario cut to ~120 measured arrivals (milliseconds a replication)."""
    path = tmp_path / f"{name}.yaml"
    document = {
        "extends": str(MMC),
        "name": name,
        "warmup_min": 500,
        "horizon_min": 3500,
        "drain_limit_min": 2000,
        "resources": {"inspection_lanes": {"capacity": lanes}},
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


# --- designs ---------------------------------------------------------------------------------


def test_split_values_keeps_brackets_whole() -> None:
    assert split_values("2,3, 4") == ["2", "3", "4"]
    assert split_values("[1,2],{a: 1, b: 2},x") == ["[1,2]", "{a: 1, b: 2}", "x"]
    with pytest.raises(ValueError, match="empty value"):
        split_values("1,,2")


def test_grid_is_every_combination_first_axis_slowest() -> None:
    points = grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(points) == 6
    assert points[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]
    assert points[-1] == {"a": 2, "b": "z"}
    with pytest.raises(ValueError, match="no values"):
        grid_points({"a": []})


def test_latin_hypercube_hits_every_stratum_once_per_parameter() -> None:
    samples = 10
    points = latin_hypercube({"share": (0.1, 0.5), "lanes": (2, 11)}, samples, seed=7)
    assert len(points) == samples
    shares = np.array([p["share"] for p in points])
    strata = np.floor((shares - 0.1) / 0.4 * samples).astype(int)
    assert sorted(strata.tolist()) == list(range(samples))  # one point in each tenth
    lanes = [p["lanes"] for p in points]
    assert all(isinstance(v, int) for v in lanes)
    assert sorted(lanes) == list(range(2, 12))  # 10 integer strata of width 1: each value once
    assert points == latin_hypercube({"share": (0.1, 0.5), "lanes": (2, 11)}, samples, seed=7)
    assert points != latin_hypercube({"share": (0.1, 0.5), "lanes": (2, 11)}, samples, seed=8)
    with pytest.raises(ValueError, match="low < high"):
        latin_hypercube({"x": (1.0, 1.0)}, 4, seed=1)
    with pytest.raises(ValueError, match=r"holds 4 integers, fewer than the 8 samples"):
        latin_hypercube({"x": (2, 5)}, 8, seed=1)


def test_point_label_names_the_values() -> None:
    label = point_label("base", {"resources.lanes.capacity": 4, "p": 0.1234567})
    assert label == "base[resources.lanes.capacity=4,p=0.123457]"


def test_integer_hypercube_never_repeats_a_value() -> None:
    # 4 integers in 3 strata: {1}, {2}, {3, 4}; every seed gives three different values.
    for seed in range(200):
        values = [p["x"] for p in latin_hypercube({"x": (1, 4)}, 3, seed=seed)]
        assert len(set(values)) == 3 and set(values) <= {1, 2, 3, 4}, values


def test_plan_batches_cover_every_pending_replication_once() -> None:
    pending = {0: list(range(10)), 1: [3, 7]}
    batches = plan_batches(pending, workers=2)
    flat = sorted((position, r) for position, batch in batches for r in batch)
    assert flat == sorted((p, r) for p, rs in pending.items() for r in rs)
    assert max(len(b) for _, b in batches) == 2  # ceil(12 / (2 workers * 4 batches each))
    assert plan_batches(pending, workers=2, batch_size=5)[0] == (0, [0, 1, 2, 3, 4])
    assert plan_batches({0: [], 1: []}, workers=2) == []


def test_comparison_plan_shares_seed_and_replications(tmp_path: Path) -> None:
    a, b = tiny_mmc(tmp_path, "a"), tiny_mmc(tmp_path, "b", lanes=4)
    plan = comparison_plan([str(a), str(b)], replications=3, seed=11)
    assert [s.replications for s in plan.scenarios] == [3, 3]
    assert [s.seed for s in plan.scenarios] == [11, 11]
    assert plan.key("v1") == comparison_plan([str(a), str(b)], 3, 11).key("v1")
    assert plan.key("v1") != plan.key("v2")
    assert plan.key("v1") != comparison_plan([str(b), str(a)], 3, 11).key("v1")
    with pytest.raises(PlanError, match="at least one other"):
        comparison_plan([str(a)])
    with pytest.raises(PlanError, match="names must differ"):
        comparison_plan([str(a), str(a)])
    with pytest.raises(PlanError, match="--replications must be >= 2"):
        comparison_plan([str(a), str(b)], replications=1)
    with pytest.raises(PlanError, match="only applies with --target-halfwidth"):
        comparison_plan([str(a), str(b)], max_replications=50)
    with pytest.raises(PlanError, match=r"missing\.yaml"):
        comparison_plan([str(a), str(tmp_path / "missing.yaml")])


def test_sweep_plan_puts_the_file_first_then_each_point(tmp_path: Path) -> None:
    base = tiny_mmc(tmp_path, "base")
    grid = parse_grid(["resources.inspection_lanes.capacity=4,5"])
    assert grid == {"resources.inspection_lanes.capacity": [4, 5]}
    plan = sweep_plan(str(base), grid=grid, replications=2)
    assert [s.name for s in plan.scenarios] == [
        "base",
        "base[resources.inspection_lanes.capacity=4]",
        "base[resources.inspection_lanes.capacity=5]",
    ]
    assert [s.resources["inspection_lanes"].capacity for s in plan.scenarios] == [3, 4, 5]
    assert plan.parameters[1] == {"resources.inspection_lanes.capacity": 4}
    ranges = parse_ranges(["resources.inspection_lanes.capacity=4:7"])
    lhs = sweep_plan(str(base), lhs=ranges, samples=4, replications=2)
    assert sorted(s.resources["inspection_lanes"].capacity for s in lhs.scenarios[1:]) == [
        4,
        5,
        6,
        7,
    ]
    with pytest.raises(PlanError, match="a sweep needs --set"):
        sweep_plan(str(base))
    with pytest.raises(PlanError, match="--samples"):
        sweep_plan(str(base), lhs=ranges)
    with pytest.raises(PlanError, match="low:high"):
        parse_ranges(["x=3"])
    with pytest.raises(PlanError, match="no_such_field"):
        sweep_plan(str(base), grid={"no_such_field": [1, 2]}, replications=2)


# --- precision and resource differences ---------------------------------------------------------


def test_replications_for_target_closed_form() -> None:
    # 10 replications, half-width 10% of the mean; 5% needs (0.10 / 0.05)^2 = 4 times as many.
    estimate = Estimate(mean=50.0, half_width=5.0, n=10)
    assert relative_half_width(estimate) == pytest.approx(0.1)
    assert replications_for_target(estimate, 0.05) == 40
    assert replications_for_target(estimate, 0.2) == 10  # already there: never fewer
    undefined = Estimate(mean=0.0, half_width=1.0, n=3)
    assert math.isinf(relative_half_width(undefined))
    assert replications_for_target(undefined, 0.05) == 6


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Scenario, list, list]:
    tmp = tmp_path_factory.mktemp("runs")
    a = load_scenario(tiny_mmc(tmp, "three_lanes"), replications=4)
    b = load_scenario(tiny_mmc(tmp, "four_lanes", lanes=4), replications=4)
    runs_a = [run_summary(a, r, a.seed) for r in range(4)]
    runs_b = [run_summary(b, r, b.seed) for r in range(4)]
    return a, b, runs_a, runs_b


def test_resource_differences_are_paired_t_on_crn(two_runs: tuple) -> None:
    _, b, runs_a, runs_b = two_runs
    assert bottleneck_resources(runs_a) == ("inspection_lanes",)
    (util, wait) = compare_resources(runs_a, {b.name: runs_b}, ("inspection_lanes",))
    assert util.statistic == "utilisation"
    assert wait.statistic == "mean_wait_min"
    assert util.paired
    expected = paired_difference(
        [s.resources[0].utilisation for s in runs_b],
        [s.resources[0].utilisation for s in runs_a],
        0.95,
    )
    assert util.estimate == expected
    # The same arrivals on four lanes instead of three: utilisation falls by about a quarter.
    assert util.estimate.mean < 0
    assert util.significant


def test_headline_precision_names_the_widest_interval(two_runs: tuple) -> None:
    a, b, runs_a, runs_b = two_runs
    reports = [aggregate(a.name, runs_a, a.monitoring), aggregate(b.name, runs_b, b.monitoring)]
    precision = headline_precision(reports, 0.05)
    widths = [
        relative_half_width(getattr(seg, statistic))
        for report in reports
        for seg in report.segments
        if seg.channel == "all" and seg.segment in ("arrival->release", "arrival->exit")
        for statistic in ("mean_h", "p90_h")
        if math.isfinite(getattr(seg, statistic).mean)
    ]
    assert precision.worst_relative_half_width == max(widths)
    assert precision.worst.split(":")[0] in (a.name, b.name)
    assert precision.replications_needed >= 4


# --- the study store ----------------------------------------------------------------------------


def test_study_is_resumed_by_its_key_and_read_back(engine: Engine, two_runs: tuple) -> None:  # noqa: F811
    a, b, runs_a, runs_b = two_runs
    plan = StudyPlan("compare", (a, b), ({}, {}), root_seed=a.seed, replications=4)
    first = open_study(engine, plan)
    assert not first.resumed
    assert first.stored == (frozenset(), frozenset())
    assert store_replications(engine, runs_a[:3]) == 3
    assert store_replications(engine, runs_a[:3]) == 0  # stored once, however often asked
    with pytest.raises(IncompleteStudyError, match="3 of 4 replications of three_lanes"):
        study_results(load_study(engine, first.study_id))

    again = open_study(engine, plan)
    assert again.resumed
    assert again.study_id == first.study_id
    assert again.stored == (frozenset({0, 1, 2}), frozenset())
    (listing,) = list_studies(engine)
    assert (listing.stored, listing.planned, listing.study.status) == (3, 8, RUNNING)

    store_replications(engine, [runs_a[3], *runs_b])
    finish_study(engine, first.study_id)
    stored = load_study(engine, first.study_id)
    assert stored.study.status == COMPLETE
    assert [repr(s) for s in stored.summaries[0]] == [repr(s) for s in runs_a]
    results = study_results(stored)
    document = study_json(results)
    assert document["reference"] == "three_lanes"
    assert document["bottlenecks"] == ["inspection_lanes"]
    assert {d["scenario"] for d in document["differences"]} == {"four_lanes"}
    assert stored_replications(engine, a.scenario_hash, a.seed) == {0, 1, 2, 3}

    set_study_replications(engine, first.study_id, 6)
    (listing,) = list_studies(engine)
    assert (listing.stored, listing.planned) == (8, 12)
    with Session(engine) as session:
        segments = session.exec(select(func.count()).select_from(SegmentStatRow)).one()
        replications = session.exec(select(func.count()).select_from(ReplicationRow)).one()
    assert segments == replications * len(runs_a[0].segments)


def test_the_sweep_flow_keeps_integer_hypercube_bounds() -> None:
    """Bounds reach the flow as JSON: integers must stay integers (capacities are swept)."""
    parameters = sweep_scenario.validate_parameters(
        {"scenario_path": "x.yaml", "lhs": {"a": [2, 5], "b": [0.1, 0.3]}, "samples": 2}
    )
    assert parameters["lhs"] == {"a": [2, 5], "b": [0.1, 0.3]}
    assert all(isinstance(v, int) for v in parameters["lhs"]["a"])


def test_max_replications_is_set_only_with_a_target(tmp_path: Path) -> None:
    a, b = str(tiny_mmc(tmp_path, "a")), str(tiny_mmc(tmp_path, "b", lanes=4))
    assert comparison_plan([a, b], replications=3).max_replications is None
    assert comparison_plan([a, b], 3, target_halfwidth=0.1).max_replications == 200
    assert (
        comparison_plan([a, b], 3, target_halfwidth=0.1, max_replications=9).max_replications == 9
    )
