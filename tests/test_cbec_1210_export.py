"""The 1210 special-zone export does what it claims: traces, stock-outs, flights, links, theory."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from factories import SCENARIOS, activities_of
from test_docs import _missing, _section, _spec_models

from clearsim.analysis.queueing import mmc_mean_wait
from clearsim.analysis.stability import offered_utilisation
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.bonded_export import BondedExportSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_1210_export_baseline.yaml"
REFORM = SCENARIOS / "cbec_1210_export_7x24.yaml"
REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "processes"
PROCESS = "dongxihu_1210_export"
P = f"processes.{PROCESS}"
SEED = 11


def _short(path: Path, horizon_min: float, warmup_min: float = 0.0) -> Scenario:
    return load_scenario(
        path, horizon_min=horizon_min, warmup_min=warmup_min, drain_limit_min=2880.0
    )


def _rows(log: EventLog, case: int) -> list[tuple[str, int, float]]:
    return [
        (log.activities[act], phase, time) for c, act, _, phase, time, *_ in log.rows if c == case
    ]


def _at(log: EventLog, case: int, activity: str, lifecycle: int = 2) -> float:
    times = [t for name, phase, t in _rows(log, case) if name == activity and phase == lifecycle]
    assert len(times) == 1, (activity, times)
    return times[0]


def _fixed(name: str, value: float) -> tuple[str, dict[str, object]]:
    return name, {"kind": "deterministic", "value_min": value}


def _trace_scenario(times: list[float], stock_days: float, max_wait: float) -> Scenario:
    """One SKU, fixed order times and durations, every parcel X-rayed and flagged."""
    fixed = dict(
        [
            _fixed(f"{P}.declaration.data_push_min", 2.0),
            _fixed(f"{P}.declaration.auto_review_min", 1.0),
            _fixed(f"{P}.exit.pick_pack_min", 3.0),
            _fixed(f"{P}.exit.xray_min", 0.5),
            _fixed(f"{P}.exit.check_min", 10.0),
            _fixed(f"{P}.exit.gate_min", 2.0),
            _fixed(f"{P}.exit.handover_min", 20.0),
            _fixed(f"{P}.entry.entry_declaration_min", 60.0),
            _fixed(f"{P}.entry.receiving_min", 100.0),
        ]
    )
    return with_values(
        load_scenario(BASELINE, horizon_min=1440.0, warmup_min=0.0, drain_limit_min=2880.0),
        {
            **fixed,
            f"{P}.orders": {"kind": "fixed_times", "times_min": times},
            f"{P}.quantity": {"kind": "fixed", "value": 1},
            f"{P}.entry.skus": 1,
            f"{P}.entry.skus_per_batch": 1,
            f"{P}.entry.initial_stock_days": stock_days,
            f"{P}.entry.max_stock_wait_min": max_wait,
            f"{P}.entry.batches": {"kind": "fixed_times", "times_min": [500.0]},
            f"{P}.entry.entry_check_share": 0.0,
            f"{P}.declaration.review_share": 0.0,
            f"{P}.exit.xray_share": 1.0,
            f"{P}.exit.flagged_share": 1.0,
            **{f"resources.{r}.calendar": "always" for r in _resources()},
        },
    )


def _resources() -> tuple[str, ...]:
    default = BondedExportSpec.model_fields["resources"].default
    return tuple(default.model_dump().values())


def test_hand_computed_trace_of_an_order_from_sale_to_departure() -> None:
    """Sale at 420 (07:00), in stock: push 2 -> lodged 422; review 1, pick 3, X-ray 0.5, check 10
    -> released 436.5; the hourly truck at 480 (08:00); gate 2 -> exit 482; trip; hand-over 20.
    Flights leave at 90, 810, 1530 (cut-offs -150, 570, 1290): the booking (cut-off at or after
    420 + 480 = 900) is the 1530 one, the parcel makes the 810 one: no missed flight."""
    scenario = _trace_scenario([420.0], stock_days=10.0, max_wait=600.0)
    log = run_replication(scenario, 0, SEED).log
    case = next(c for c in range(len(log.cases)) if log.cases.shipment[c])
    assert _at(log, case, "arrival") == 420.0
    assert _at(log, case, "lodgement") == 422.0
    assert _at(log, case, "release") == pytest.approx(436.5)
    assert _at(log, case, "bonded_account_write_off") == pytest.approx(436.5)
    assert _at(log, case, "truck_wait") == 480.0
    assert _at(log, case, "exit") == 482.0
    trip = _at(log, case, "road_transport") - _at(log, case, "road_transport", 1)
    assert 10.0 < trip < 60.0  # the router's lognormal leg around 25 min
    assert _at(log, case, "airline_handover") == pytest.approx(482.0 + trip + 20.0)
    assert _at(log, case, "departure") == 810.0
    assert "missed_flight" not in {n for n, _, _ in _rows(log, case)}
    assert log.cases.channel[case] == 3  # red: X-rayed and opened
    qualifiers = {q for source, _, q in log.links if source == case}
    assert qualifiers == {"drawn_from", "carried_by", "consolidated_in"}


def test_hand_computed_trace_of_out_of_stock_orders() -> None:
    """One unit in stock (a tiny opening cover rounds up to 1): the order at 100 takes it and
    lodges at 102. The orders at 200 and 300 wait for the batch leaving at 500 (trip, entry 60,
    receiving 100); each waits at most 540 min, so it lodges 2 min after the booking, or the
    one at 300 is cancelled at 840 when the booking comes later."""
    scenario = _trace_scenario([100.0, 200.0, 300.0], stock_days=1e-6, max_wait=540.0)
    log = run_replication(scenario, 0, SEED).log
    orders = [c for c in range(len(log.cases)) if log.cases.shipment[c]]
    batch = next(c for c in range(len(log.cases)) if log.cases.object_type[c] == "entry_batch"
                 and log.cases.case_class[c] != "opening_stock")  # fmt: skip
    trip = _at(log, batch, "road_transport") - _at(log, batch, "road_transport", 1)
    booked = 500.0 + trip + 60.0 + 100.0
    assert _at(log, batch, "bonded_account_entry") == pytest.approx(booked)
    first, second, third = orders
    assert _at(log, first, "lodgement") == 102.0
    names = {n for n, _, _ in _rows(log, second)}
    assert {"stock_shortage", "stock_wait"} <= names
    if booked - 200.0 <= 540.0:
        assert _at(log, second, "stock_wait") == pytest.approx(booked)
        assert _at(log, second, "lodgement") == pytest.approx(booked + 2.0)
        assert (second, batch, "drawn_from") in log.links
    # The third waits from 300: cancelled at 840 unless the batch is booked by then.
    if booked > 840.0:
        assert _at(log, third, "out_of_stock_cancelled") == 840.0
        assert "lodgement" not in {n for n, _, _ in _rows(log, third)}
    else:
        assert _at(log, third, "lodgement") == pytest.approx(booked + 2.0)


@pytest.fixture(scope="module")
def baseline_run() -> RunResult:
    return run_replication(_short(BASELINE, 1440.0, 360.0), 0, SEED)


def test_conservation_links_and_consolidation(baseline_run: RunResult) -> None:
    summary, log = baseline_run.summary, baseline_run.log
    assert summary.arrived == summary.completed + summary.in_system
    departed = {c for c, act, _, _, _, *_ in log.rows if log.activities[act] == "departure"}
    carried = {s for s, _, q in log.links if q == "carried_by"}
    assert departed and departed <= carried
    declarations = {t for _, t, q in log.links if q == "consolidated_in"}
    assert declarations
    assert {log.cases.object_type[d] for d in declarations} == {"consolidated_declaration"}
    # Every consolidated parcel departed before its period's end.
    period = 1440.0
    by_declaration: dict[int, list[int]] = defaultdict(list)
    for source, target, q in log.links:
        if q == "consolidated_in":
            by_declaration[target].append(source)
    departure, filed = _times(log, "departure"), _times(log, "consolidated_declaration", 1)
    for declaration, parcels in by_declaration.items():
        start = filed[declaration]
        assert all(departure[p] <= start for p in parcels)
        assert start % period == pytest.approx(0.0)


def _times(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    code = log.activities.index(activity)
    return {c: t for c, act, _, phase, t, *_ in log.rows if act == code and phase == lifecycle}


def test_the_reform_moves_only_yellow_lists_under_crn() -> None:
    base, reform = (run_replication(_short(p, 1440.0), 0, SEED).log for p in (BASELINE, REFORM))

    def arrivals(log: EventLog) -> dict[int, float]:
        return {r[0]: r[4] for r in log.rows if log.activities[r[1]] == "arrival" and r[4] < 1440.0}

    assert arrivals(base) == arrivals(reform)
    for log in (base, reform):
        assert "document_review" in set(log.activities)
    wait_base = resource_waits(base, "dongxihu_cbz_officers").wait.mean()
    wait_reform = resource_waits(reform, "dongxihu_cbz_officers").wait.mean()
    print(f"officer wait: office hours {wait_base:.1f} min, 7x24 {wait_reform:.1f} min")
    assert wait_reform < wait_base


def _picker_queue() -> Scenario:
    """Poisson 30/h orders, exponential 2.4-min picking, 2 pickers always on: M/M/2, rho 0.6.

    Orders reach the pickers after iid push and review delays (no officer, ample stock), and a
    Poisson process displaced by iid delays is still Poisson.
    """
    return with_values(
        _short(BASELINE, horizon_min=600.0 + 2400.0, warmup_min=600.0),
        {
            f"{P}.orders": {"kind": "poisson", "rate_per_hour": 30.0},
            f"{P}.exit.pick_pack_min": {"kind": "exponential", "mean_min": 2.4},
            f"{P}.declaration.review_share": 0.0,
            f"{P}.entry.initial_stock_days": 30.0,
            "resources.dongxihu_cbz_pickers.capacity": 2,
            "resources.dongxihu_cbz_pickers.calendar": "always",
        },
    )


def test_pickers_are_an_mmc_queue_erlang_c() -> None:
    """rho = 0.5/min * 2.4 min / 2 = 0.6; Wq = C(2, 1.2) * 2.4 / (2 - 1.2) = 0.45 * 3 = 1.35 min."""
    scenario = _picker_queue()
    rho = offered_utilisation(scenario)["dongxihu_cbz_pickers"]
    assert rho == pytest.approx(0.6)
    theory = mmc_mean_wait(2, 0.5, 2.4)
    assert theory == pytest.approx(1.35)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    waits = []
    for replication in range(6):
        result = run_replication(scenario, replication, SEED)
        queue = resource_waits(result.log, "dongxihu_cbz_pickers")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    estimate = mean_confidence_interval(waits, 0.99)
    print(f"picker wait {estimate.mean:.3f} ± {estimate.half_width:.3f} min, Erlang C {theory:.3f}")
    assert abs(estimate.mean - theory) <= estimate.half_width, f"Erlang C Wq {theory:.3f} min"


def test_every_activity_and_outcome_is_in_the_process_reference(baseline_run: RunResult) -> None:
    text = (REFERENCE / "cbec_1210_export.md").read_text(encoding="utf-8")
    log = baseline_run.log
    names = activities_of(log) | {name for _, name in log.process_outcomes}
    names -= {"border_entry", "delivery"}  # other flows' milestones, registered in every log
    assert not sorted(name for name in names if f"`{name}`" not in text)


def test_every_spec_field_is_in_the_process_reference() -> None:
    text = (REFERENCE / "cbec_1210_export.md").read_text(encoding="utf-8")
    own = [m for m in _spec_models(BondedExportSpec, []) if "bonded_export" in m.__module__]
    assert len(own) == 6
    for model in own:
        assert not _missing(_section(text, model.__name__), model.model_fields), model.__name__


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("flights.node", "HUAHU_AIRPORT", "airport_node"),
        ("zone_node", "TIANHE_AIRPORT", "zone_node"),
        ("exit.truck_last_h", 3, "truck_last_h"),
        ("entry.skus_per_batch", 500, "skus_per_batch"),
        ("flights.cutoff_before_min", 800, "cutoff_before_min"),
    ],
)
def test_invalid_specs_are_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        with_values(load_scenario(BASELINE), {f"{P}.{path}": value})
