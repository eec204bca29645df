"""The 1039 market-procurement process does what it claims: lines, inspections, reforms, CRN.

Consignment attributes are re-drawn here from the same named streams the run used (a fresh
:class:`ConsignmentFactory` with the run's seed and replication), so a test can compare what each
consignment was meant to do with what the event log says it did.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import SCENARIOS, activities_of
from test_docs import _missing, _section, _spec_models

from clearsim.analysis.queueing import erlang_c, mmc_mean_wait
from clearsim.analysis.stability import offered_utilisation
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.market_procurement import MarketProcurementSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.kernel.network import Router, build_graph
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.processes.market_1039.entities import Consignment, ConsignmentFactory
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "market_1039_baseline.yaml"
BATCH = SCENARIOS / "market_1039_batch_inspection.yaml"
VIDEO = SCENARIOS / "market_1039_video_inspection.yaml"
REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "processes"
PROCESS = "hankou_north_1039"
P = f"processes.{PROCESS}"
SEED = 11
DAY = 1440.0


def _spec(scenario: Scenario) -> MarketProcurementSpec:
    spec = scenario.processes[0]
    assert isinstance(spec, MarketProcurementSpec)
    return spec


def _short(path: Path, horizon_min: float = 3 * DAY, warmup_min: float = 0.0) -> Scenario:
    return load_scenario(
        path, horizon_min=horizon_min, warmup_min=warmup_min, drain_limit_min=4 * DAY
    )


def _consignments(scenario: Scenario, replication: int, seed: int) -> list[Consignment]:
    """The consignments the run created, re-drawn from the same streams, in arrival order."""
    factory = ConsignmentFactory(_spec(scenario), Streams(seed, replication))
    until = scenario.horizon_min + scenario.drain_limit_min
    return [factory.consignment(t) for t in factory.arrivals(until)]


def _times(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """Per case, the time of ``activity``'s ``lifecycle`` row (the last one if several)."""
    code = log.activities.index(activity)
    return {
        case: time
        for case, act, _, phase, time, *_ in log.rows
        if act == code and phase == lifecycle
    }


def _shipments(log: EventLog) -> list[int]:
    return [c for c, kind in enumerate(log.cases.object_type) if kind == "consignment"]


def _activities(log: EventLog) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for case, activity, *_ in log.rows:
        seen[case].add(log.activities[activity])
    return seen


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    """Three days of the baseline and of each reform, same seed (conftest checks every log)."""
    return {
        name: run_replication(_short(path), 0, SEED)
        for name, path in (("base", BASELINE), ("batch", BATCH), ("video", VIDEO))
    }


def test_declared_lines_follow_the_simplified_rule_and_link_to_their_purchases(
    runs: dict[str, RunResult],
) -> None:
    log = runs["base"].log
    scenario = _short(BASELINE)
    drawn = _consignments(scenario, 0, SEED)
    cases = _shipments(log)
    lines_of: dict[int, list[int]] = defaultdict(list)
    purchases_of: dict[int, list[int]] = defaultdict(list)
    declared_as: dict[int, int] = {}
    for source, target, qualifier in log.links:
        if qualifier == "declared_in":
            lines_of[target].append(source)
        elif qualifier == "part_of":
            purchases_of[target].append(source)
        elif qualifier == "declared_as":
            declared_as[source] = target
    simplified = 0
    for case, goods in zip(cases, drawn, strict=False):
        items = len(goods.purchases)
        assert len(purchases_of[case]) == items
        assert len(lines_of[case]) == goods.lines
        assert {declared_as[p] for p in purchases_of[case]} == set(lines_of[case])
        if items >= 5:
            # top 5 itemised, the rest one line per chapter
            rest = sorted(goods.purchases, key=lambda p: -p.value_usd)[5:]
            assert goods.lines == 5 + len({p.chapter for p in rest})
            simplified += goods.lines < items
        else:
            assert goods.lines == items
        assert log.cases.case_class[case] == ("simplified" if goods.lines < items else "itemised")
        declared = log.cases.goods[case]
        assert declared is not None and declared.quantity == items and declared.tax_cny == 0.0
        assert goods.value_usd <= 150_000
    assert simplified > 50


def test_without_the_simplified_rule_every_item_is_a_line_and_the_agent_works_longer() -> None:
    base = _short(BASELINE, horizon_min=DAY)
    itemised = with_values(base, {f"{P}.declaration.simplified": False})
    one, two = run_replication(base, 0, SEED).log, run_replication(itemised, 0, SEED).log
    work_one = _times(one, "declaration_preparation")
    work_two = _times(two, "declaration_preparation")
    start_one = _times(one, "declaration_preparation", 1)
    start_two = _times(two, "declaration_preparation", 1)
    spans_one = np.array([work_one[c] - start_one[c] for c in sorted(work_one)])
    spans_two = np.array([work_two[c] - start_two[c] for c in sorted(work_two)])
    n = min(len(spans_one), len(spans_two))
    assert n > 30
    # The same consignments, the same per-line draws: more lines, never less work.
    assert (spans_two[:n] >= spans_one[:n] - 1e-9).all() and spans_two.mean() > spans_one.mean()
    assert _times(one, "simplified_declaration") and not _times(two, "simplified_declaration")


def _trace(batch: bool) -> Scenario:
    """One consignment at minute 600, every duration fixed: a trace computed by hand."""
    fixed = {"kind": "deterministic"}
    values: dict[str, Any] = {
        f"{P}.consignment_arrivals": {"kind": "fixed_times", "times_min": [600.0]},
        f"{P}.consolidation_min": {**fixed, "value_min": 60.0},
        f"{P}.goods.items": {"kind": "fixed", "value": 8},
        f"{P}.goods.chapters": 1,
        f"{P}.declaration.setup_min": {**fixed, "value_min": 10.0},
        f"{P}.declaration.line_min": {**fixed, "value_min": 2.0},
        f"{P}.inspection.statutory_share": 1.0,
        f"{P}.inspection.consignments_per_batch": {"kind": "fixed", "value": 1000},
        f"{P}.inspection.statutory_inspection_min": {**fixed, "value_min": 240.0},
        f"{P}.inspection.physical_share": 0.0,
        f"{P}.supervision.stuffing_min": {**fixed, "value_min": 25.0},
        f"{P}.routes": {
            "yangluo_feeder": {
                "share": 1.0,
                "departure": {
                    "conveyance": "vessel",
                    "node": "YANGLUO_PORT",
                    "first_departure_min": 1020.0,
                    "interval_min": 1440.0,
                    "capacity_units": 10,
                    "cutoff_before_min": 60.0,
                    "planned_lead_min": 0.0,
                },
            }
        },
    }
    if batch:
        values[f"{P}.inspection.batch"] = {"enabled": True, "share": 1.0}
    return with_values(_short(BASELINE, horizon_min=DAY), values)


@pytest.mark.parametrize("batch", [False, True], ids=["inspected", "batch_covered"])
def test_hand_computed_trace_of_one_consignment(batch: bool) -> None:
    """arrival 600; 6 lines: 10 + 6 x 2 = 22 min -> lodged 622; statutory 240 (or covered);
    screening 0.33; stuffing 25; next truck (120, 360, ..., every 240); trip; vessel 1020 (cut-off
    960) or the next day's 2460 (missed).

    Without batch inspection: release 862.33, packed 887.33, truck 1080, at the port after 960:
    past the cut-off, it sails at 2460 (missed_vessel). Under batch inspection the later
    consignment of an inspected batch goes on its result: release 622.33, packed 647.33,
    truck 840, at the port before 960, it sails at 1020.
    """
    scenario = _trace(batch)
    goods = _consignments(scenario, 0, SEED)[0]
    assert goods.batch_later and goods.lines == 6 and len(goods.purchases) == 8
    log = run_replication(scenario, 0, SEED).log
    case = _shipments(log)[0]
    router = Router(build_graph(scenario.network))
    trip = router.planned_trip_min("HANKOU_NORTH_MARKET", "YANGLUO_PORT", goods.trip_u)
    release = 622.33 if batch else 862.33
    truck = 840.0 if batch else 1080.0
    expected = {
        "arrival": 600.0,
        "lodgement": 622.0,
        "release": release,
        "container_stuffing": release + 25.0,
        "exit": truck,
        "road_transport": truck + trip,
        "departure": 1020.0 if batch else 2460.0,
    }
    for activity, time in expected.items():
        assert _times(log, activity)[case] == pytest.approx(time), activity
    covered, missed = _times(log, "batch_covered"), _times(log, "missed_vessel")
    assert (case in covered) == batch and (case in missed) == (not batch)
    assert (case in _times(log, "statutory_inspection")) == (not batch)


def test_each_reform_sees_the_same_consignments_and_moves_only_what_it_should(
    runs: dict[str, RunResult],
) -> None:
    """The k-th consignment is the same in every run (case ids differ: containers interleave)."""
    drawn = _consignments(_short(BASELINE), 0, SEED)
    base = runs["base"].log
    cases = _shipments(base)
    arrived, lodged = _times(base, "arrival"), _times(base, "lodgement")
    released = _times(base, "release")
    for name in ("batch", "video"):
        log = runs[name].log
        mine = _shipments(log)
        assert len(mine) == len(cases)
        times = _times(log, "arrival"), _times(log, "lodgement"), _times(log, "release")
        done = _activities(log)
        gained = []
        for case, other, goods in zip(cases, mine, drawn, strict=False):
            assert times[0].get(other) == arrived.get(case)
            assert times[1].get(other) == lodged.get(case)  # the agents work upstream of both
            if case not in released or other not in times[2]:
                continue
            gained.append(released[case] - times[2][other])
            if not goods.physical and (name == "video" or not goods.statutory):
                assert times[2][other] == released[case]
            if name == "video" and goods.physical:
                video = "video_inspection" in done[other]
                assert video != ("inspection" in done[other])
                assert video != ("inspection_transfer" in done[other])
        assert float(np.mean(gained)) > 0, name
    batch_log = runs["batch"].log
    statutory = {c for c, g in zip(_shipments(batch_log), drawn, strict=False) if g.statutory}
    covered = _times(batch_log, "batch_covered")
    assert covered and set(covered) <= statutory
    assert not _times(base, "batch_covered") and not _times(base, "video_inspection")


def test_conservation_and_every_consignment_departs(runs: dict[str, RunResult]) -> None:
    result = runs["base"]
    summary, log = result.summary, result.log
    assert summary.arrived == summary.completed + summary.in_system
    exits = milestone_times(log)[:, 3]
    assert int((~np.isnan(exits)).sum()) == summary.completed
    departed = _times(log, "departure")
    for case in _shipments(log):
        if log.cases.finished[case]:
            assert departed[case] >= _times(log, "exit")[case]
    carriers = {t for s, t, q in log.links if q == "carried_by"}
    boxes = {t for s, t, q in log.links if q == "consolidated_in"}
    assert {log.cases.object_type[c] for c in carriers} == {"vessel", "train"}
    assert {log.cases.object_type[c] for c in boxes} == {"container"}


def test_same_seed_gives_an_identical_log() -> None:
    scenario = _short(BASELINE, horizon_min=DAY)
    first, second = (run_replication(scenario, 1, SEED).log for _ in range(2))
    assert first.rows == second.rows
    assert first.links == second.links


def _agent_queue() -> Scenario:
    """Poisson 60/h consignments, exponential 1.2-min declaration work, two agents: M/M/2.

    The work is the set-up alone (no per-line time): exponential. Arrivals reach the agents
    directly, so they see M/M/2 at rho = 1/min x 1.2 min / 2 = 0.6. Downstream steps are made
    large enough not to hold the run.
    """
    return with_values(
        _short(BASELINE, horizon_min=600.0 + 1200.0, warmup_min=600.0),
        {
            f"{P}.consignment_arrivals": {"kind": "poisson", "rate_per_hour": 60.0},
            f"{P}.goods.items": {"kind": "fixed", "value": 3},
            f"{P}.declaration.setup_min": {"kind": "exponential", "mean_min": 1.2},
            f"{P}.declaration.line_min": {"kind": "deterministic", "value_min": 0.0},
            f"{P}.inspection.physical_share": 0.0,
            "resources.hankou_north_declarants.capacity": 2,
            "resources.hankou_north_stuffing_crews.capacity": 200,
            f"{P}.routes.yangluo_feeder.departure.capacity_units": 100_000,
            f"{P}.routes.wujiashan_train.departure.capacity_units": 100_000,
        },
    )


def test_declaration_agents_are_an_mmc_queue_gross_harris_erlang_c() -> None:
    """Utilisation lambda E[S] / c = 0.6 and Wq = C(2, 1.2) x 1.2 / 0.8 = 0.675 min.

    C(2, 1.2) = 1.8 / (2.2 + 1.8) = 0.45 (Gross et al., section 2.3); both compared at 99%.
    """
    scenario = _agent_queue()
    rho = offered_utilisation(scenario)["hankou_north_declarants"]
    assert rho == pytest.approx(0.6)
    assert erlang_c(2, 1.2) == pytest.approx(0.45)
    theory_wait = mmc_mean_wait(2, 1.0, 1.2)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    utilisations, waits = [], []
    for replication in range(5):
        result = run_replication(scenario, replication, SEED)
        stat = next(r for r in result.summary.resources if r.resource == "hankou_north_declarants")
        utilisations.append(stat.utilisation)
        queue = resource_waits(result.log, "hankou_north_declarants")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    for label, values, theory in (
        ("utilisation", utilisations, rho),
        ("mean wait min", waits, theory_wait),
    ):
        estimate = mean_confidence_interval(values, 0.99)
        print(f"{label}: {estimate.mean:.4f} ± {estimate.half_width:.4f}, theory {theory:.4f}")
        assert abs(estimate.mean - theory) <= estimate.half_width, (label, theory)


def test_every_activity_and_outcome_is_in_the_process_reference(
    runs: dict[str, RunResult],
) -> None:
    text = (REFERENCE / "market_1039.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for result in runs.values():
        log = result.log
        names |= activities_of(log) | {name for _, name in log.process_outcomes}
    names -= {"border_entry", "delivery"}  # other flows' milestones, registered in every log
    missing = sorted(name for name in names if f"`{name}`" not in text)
    assert not missing


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("routes.yangluo_feeder.share", 0.9, "sum to 1"),
        ("supervision.truck_offset_min", 500.0, "truck_offset_min"),
        ("declaration.itemised_lines", 9, "itemised_lines"),
        ("routes.wujiashan_train.departure.node", "HANKOU_NORTH_MARKET", "must not be the market"),
        ("inspection.batch", {"enabled": True, "share": 0.0}, "batch inspection"),
    ],
)
def test_invalid_specs_are_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        with_values(load_scenario(BASELINE), {f"{P}.{path}": value})


def test_every_spec_field_is_in_the_process_reference() -> None:
    text = (REFERENCE / "market_1039.md").read_text(encoding="utf-8")
    own = [
        m
        for m in _spec_models(MarketProcurementSpec, [])
        if m.__module__ == "clearsim.models.market_procurement"
    ]
    assert len(own) == 6
    for model in own:
        assert not _missing(_section(text, model.__name__), model.model_fields), model.__name__
