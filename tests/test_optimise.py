"""Optimisation: the target's statistical check, the frontier and the choice, and ``clearsim
optimise`` on an M/M/c whose cheapest lane count meeting a sojourn target is known from Erlang C.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from factories import BASELINE
from test_levers import _runs
from typer.testing import CliRunner

from clearsim.analysis.optimise import (
    FEASIBLE,
    INFEASIBLE,
    UNDECIDED,
    Candidate,
    Check,
    TargetError,
    check_target,
    choose,
    daily_cost,
    frontier,
    parse_target,
)
from clearsim.flows.cli.main import app
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.optimise import (
    DecisionError,
    candidate_scenario,
    parse_servers,
    parse_staffing,
)

runner = CliRunner()
MMC = Path(__file__).parents[1] / "scenarios" / "validation" / "mmc_inspection.yaml"


def _sojourn_p90_h(c: int, lam: float = 2.4, mu: float = 1.0) -> float:
    """p90 of an M/M/c's time in system (wait + service), hours, from Erlang C."""
    a = lam / mu
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    erlang_c = tail / (head + tail)

    def survival(t: float) -> float:
        rate = c * mu - lam - mu  # the wait's excess rate over the service's
        return math.exp(-mu * t) * (1 + erlang_c * mu * (1 - math.exp(-rate * t)) / rate)

    low, high = 0.0, 50.0
    for _ in range(80):  # bisection on survival(t) = 0.1
        middle = (low + high) / 2
        low, high = (middle, high) if survival(middle) > 0.1 else (low, middle)
    return low


def test_targets_are_read_with_their_flow() -> None:
    p90 = parse_target("p90<=24", "import/sea")
    assert (p90.kind, p90.limit, p90.flow, p90.upper) == ("p90", 24.0, ("import", "sea"), True)
    within = parse_target("within48>=90%")
    assert (within.limit, within.hours, within.upper) == (0.9, 48.0, False)
    assert parse_target("within 48 h >= 0.9").limit == 0.9
    for bad in ("p50<=3", "p90<=0", "within48>=150%", ""):
        with pytest.raises(TargetError, match="--target"):
            parse_target(bad)
    with pytest.raises(TargetError, match="--flow"):
        parse_target("p90<=24", "sea")


def test_the_check_uses_the_one_sided_bound_and_leaves_the_boundary_undecided() -> None:
    rng = np.random.default_rng(1)
    noise = rng.standard_normal(8)
    noise -= noise.mean()
    target = parse_target("p90<=24")
    runs = _runs(np.full(8, 10.0), 20 + noise)  # p90 mean 20, well below 24
    assert check_target(runs, target)[0] == FEASIBLE
    assert check_target(_runs(np.full(8, 10.0), 30 + noise), target)[0] == INFEASIBLE
    verdict, (check,) = check_target(_runs(np.full(8, 10.0), 24 + noise), target)
    assert verdict == UNDECIDED and check.mean == pytest.approx(24)
    # The bound: mean + t(0.95, 7) s / sqrt(8) (one-sided 95%).
    assert check.half_width == pytest.approx(1.894579 * np.std(noise, ddof=1) / math.sqrt(8))


def _candidate(n: int, cost: float, verdict: str, mean: float) -> Candidate:
    check = Check(("import", "sea"), mean, 0.1, 5, verdict)
    return Candidate({"lanes": n}, cost, verdict, (check,), 5)


def test_the_choice_is_the_cheapest_feasible_and_the_frontier_is_undominated() -> None:
    target = parse_target("p90<=3")
    found = [
        _candidate(3, 300, INFEASIBLE, 4.5),
        _candidate(4, 400, FEASIBLE, 2.6),
        _candidate(5, 500, FEASIBLE, 2.4),
        _candidate(6, 600, FEASIBLE, 2.5),  # dearer and no better than 5
    ]
    chosen = choose(found, target)
    assert chosen is not None and chosen.servers == {"lanes": 4}
    assert [c.servers["lanes"] for c in frontier(found, target)] == [3, 4, 5]
    assert choose(found[:1], target) is None


@pytest.mark.prefect
def test_optimise_finds_the_erlang_c_answer_stores_it_and_resumes(
    prefect_harness: str, tmp_path: Path
) -> None:
    # Analytically (Erlang C, lambda 2.4/h, mean service 1 h): p90 of arrival->release is
    # 4.53 h with 3 lanes and 2.62 h with 4, so the cheapest set-up with p90 <= 3.5 h is 4 lanes.
    assert _sojourn_p90_h(3) == pytest.approx(4.53, abs=0.01)
    assert _sojourn_p90_h(4) == pytest.approx(2.62, abs=0.01)
    db = f"sqlite:///{tmp_path / 'opt.db'}"
    page = tmp_path / "opt.html"
    arguments = ["optimise", str(MMC), "--servers", "inspection_lanes=3:6:10",
                 "--target", "p90<=3.5", "-r", "3", "--grid", "--db-url", db]  # fmt: skip
    result = runner.invoke(app, [*arguments, "--json", "--report", str(page)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    block = data["optimise"]
    assert data["kind"] == "optimise"
    assert block["chosen"]["servers"] == {"inspection_lanes": 4}  # Erlang C's answer
    verdicts = {c["label"]: c["verdict"] for c in block["candidates"]}
    assert verdicts == {"inspection_lanes=3": INFEASIBLE, "inspection_lanes=4": FEASIBLE,
                        "inspection_lanes=5": FEASIBLE, "inspection_lanes=6": FEASIBLE}  # fmt: skip
    costs = {c["label"]: c["cost_per_day"] for c in block["candidates"]}
    assert costs["inspection_lanes=4"] == pytest.approx(4 * 10 * 24)  # staffed around the clock
    assert [c["frontier"] for c in block["candidates"]][:2] == [True, True]
    assert block["replications_spent"] == 12 and data["simulated"] >= 12
    html = page.read_text(encoding="utf-8")
    section = html.split('data-figure="optimise"')[1].split("</section>")[0]
    assert "<svg" in section and "chosen: inspection_lanes=4" in section
    again = runner.invoke(app, [*arguments, "--json"])
    assert again.exit_code == 0, again.stderr
    resumed = json.loads(again.stdout)
    assert resumed["simulated"] == 0 and resumed["study_id"] == data["study_id"]
    assert resumed["optimise"]["chosen"] == block["chosen"]
    table = runner.invoke(app, ["results", str(data["study_id"]), "--db-url", db])
    assert "Cheapest set-up meeting" in table.stdout and "inspection_lanes=4" in table.stdout


def test_a_staffing_variable_moves_the_resource_to_an_always_open_calendar() -> None:
    base = load_scenario(BASELINE)
    servers = parse_servers(["customs_officers=3:5:60"], base)
    (flag,) = parse_staffing(["customs_officers"], servers, base)
    assert (flag.resource, flag.low, flag.high) == ("customs_officers@24h", 0, 1)
    spec = candidate_scenario(base, {"customs_officers": 4, "customs_officers@24h": 1})
    officers = spec.resources["customs_officers"]
    assert officers.capacity == 4 and spec.calendars[officers.calendar].kind == "always"
    assert spec.resources["inspection_lanes"].calendar == "office_hours"
    kept = candidate_scenario(base, {"customs_officers": 4, "customs_officers@24h": 0})
    assert kept.resources["customs_officers"].calendar == "office_hours"
    with pytest.raises(DecisionError, match="--staff-24h gate_lanes: give its servers"):
        parse_staffing(["gate_lanes"], servers, base)
    with pytest.raises(DecisionError, match="already staffed 24 hours"):
        parse_staffing(["berths"], [*servers, *parse_servers(["berths=1:2:1"], base)], base)
    # Cost: servers x cost per server-hour x the candidate's staffed hours a day.
    counts = {"customs_officers": 4, "customs_officers@24h": 1}
    rates, hours = {"customs_officers": 60.0}, {"customs_officers": 24.0}
    assert daily_cost(counts, rates, hours) == 4 * 60 * 24
