"""9810 export to overseas warehouses: the procedure's mechanics, its reforms, one queue in theory.

A hand-computed trace (fixed durations) of a registered and an unregistered exporter's
consignment; containers and trains linked as the log's object graph; each SEED-003 s8 reform
moves what it should under common random numbers and nothing else; bad input; and the officers'
document review as an M/M/2 queue against Erlang C. Every simulated log passes
``check_event_log`` (conftest).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from factories import SCENARIOS, activities_of
from test_docs import _missing, _section, _spec_models

from clearsim.analysis.queueing import erlang_c, mmc_mean_wait
from clearsim.analysis.stability import offered_utilisation
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.scenario import Scenario
from clearsim.models.warehouse_export import WarehouseExportSpec
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import OverrideError, with_values
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_9810_baseline.yaml"
NO_REGISTRATION = SCENARIOS / "cbec_9810_no_registration.yaml"
SIMPLIFIED = SCENARIOS / "cbec_9810_simplified_documents.yaml"
REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "processes"
PROCESS = "wujiashan_9810"
P = f"processes.{PROCESS}"
SEED = 11
DAY = 1440.0


def _short(path: Path, horizon_min: float, warmup_min: float = 0.0) -> Scenario:
    return load_scenario(
        path, horizon_min=horizon_min, warmup_min=warmup_min, drain_limit_min=30 * DAY
    )


def _times(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """Per case, the time of ``activity``'s ``lifecycle`` row (the last one if several)."""
    code = log.activities.index(activity)
    return {
        case: time
        for case, act, _, phase, time, *_ in log.rows
        if act == code and phase == lifecycle
    }


def _fixed(value: float) -> dict[str, Any]:
    return {"kind": "deterministic", "value_min": value}


def _trace(path: Path, unregistered_share: float) -> RunResult:
    """One consignment at minute 100, every duration fixed, green, on a declaration form."""
    scenario = with_values(
        load_scenario(path, horizon_min=DAY, warmup_min=0.0, drain_limit_min=30 * DAY),
        {
            f"{P}.consignment_arrivals": {"kind": "fixed_times", "times_min": [100.0]},
            f"{P}.registration.unregistered_share": unregistered_share,
            f"{P}.registration.registration_min": _fixed(600.0),
            f"{P}.goods.value_sigma": 0.0,  # CNY 20,000: a declaration form
            f"{P}.declaration.booking_min": _fixed(20.0),
            f"{P}.declaration.screening_min": _fixed(1.0),
            f"{P}.declaration.review_share": 0.0,
            f"{P}.inspection.statutory_share": 0.0,
            f"{P}.inspection.physical_share": 0.0,
            f"{P}.documents.documents": [
                {"name": "commercial_invoice", "prepare_min": _fixed(30.0)},
                {"name": "packing_list", "prepare_min": _fixed(30.0)},
                {
                    "name": "warehouse_agreement",
                    "prepare_min": _fixed(60.0),
                    "dropped_when_simplified": True,
                },
                {
                    "name": "sales_contract",
                    "prepare_min": _fixed(45.0),
                    "form_only": True,
                    "dropped_when_simplified": True,
                },
            ],
            f"{P}.consolidation.stuffing_min": _fixed(25.0),
            f"{P}.trains.planned_lead_min": 0.0,
            f"{P}.rail.border_handling_min": _fixed(360.0),
            f"{P}.rail.warehouse_trucking_min": _fixed(1440.0),
        },
    )
    return run_replication(scenario, 0, SEED)


def _milestones(result: RunResult) -> dict[str, float]:
    log = result.log
    (case,) = [c for c in range(len(log.cases)) if log.cases.object_type[c] == "consignment"]
    names = (
        "arrival",
        "lodgement",
        "release",
        "departure",
        "exit",
        "border_exit",
        "overseas_rail_arrival",
        "overseas_warehouse_arrival",
    )
    return {name: _times(log, name)[case] for name in names}


def test_trace_of_a_registered_and_an_unregistered_exporters_consignment() -> None:
    """By hand: arrival 100; documents 30 + 30 + 60 + 45 = 165 after booking 20; screening 1.

    Registered: lodged 100 + 20 + 165 = 285, released 286, stuffed by 311, before the first
    train's cut-off (1200 - 360 = 840): leaves at 1200. Unregistered: the filing takes 600
    first, lodged 885, released 886, stuffed 911, after the cut-off: the next train, 2640
    (``missed_train``). Each: the border stop 360 before ``border_exit``, the truck 1440 after
    the terminal. Without the filing rule the unregistered exporter's consignment runs as the
    registered one; simplified documents drop the agreement (60) and the contract (45).
    """
    registered, unregistered = _trace(BASELINE, 0.0), _trace(BASELINE, 1.0)
    reg, unreg = _milestones(registered), _milestones(unregistered)
    assert (reg["arrival"], reg["lodgement"], reg["release"]) == (100.0, 285.0, 286.0)
    assert reg["departure"] == reg["exit"] == 1200.0
    assert (unreg["lodgement"], unreg["release"], unreg["departure"]) == (885.0, 886.0, 2640.0)
    for m in (reg, unreg):
        ran = m["overseas_rail_arrival"] - m["departure"]
        assert ran > m["border_exit"] - m["departure"] >= 360.0
        assert m["overseas_warehouse_arrival"] - m["overseas_rail_arrival"] == 1440.0
        assert 12 * DAY <= m["overseas_warehouse_arrival"] - m["arrival"] <= 20 * DAY  # S32g
    outcomes = Counter(unregistered.log.activities[a] for _, a, *_ in unregistered.log.rows)
    assert outcomes["unregistered_exporter"] == outcomes["missed_train"] == 1
    assert _milestones(_trace(NO_REGISTRATION, 1.0))["release"] == 286.0
    assert _milestones(_trace(SIMPLIFIED, 0.0))["release"] == 286.0 - 105.0


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    """Baseline and both reforms, three days of arrivals, the same seed (CRN)."""
    return {
        path.stem: run_replication(_short(path, 3 * DAY), 0, SEED)
        for path in (BASELINE, NO_REGISTRATION, SIMPLIFIED)
    }


def test_consignments_ride_in_containers_on_trains(runs: dict[str, RunResult]) -> None:
    log = runs["cbec_9810_baseline"].log
    types = log.cases.object_type
    links: dict[str, dict[int, int]] = defaultdict(dict)
    for source, target, qualifier in log.links:
        links[f"{types[source]} {qualifier} {types[target]}"][source] = target
    consignments = [c for c in range(len(types)) if types[c] == "consignment"]
    departed = _times(log, "departure")
    for case in consignments:
        if case in departed:
            container = links["consignment consolidated_in container"][case]
            train = links["container carried_by train"][container]
            assert links["consignment carried_by train"][case] == train
    per_container = Counter(links["consignment consolidated_in container"].values())
    assert max(per_container.values()) <= 8
    shipped = {links["consignment consolidated_in container"][c] for c in departed}
    assert shipped <= set(_times(log, "container_closed"))  # closed before its train left


def _by_consignment(log: EventLog, activity: str, lifecycle: int = 2) -> dict[int, float]:
    """``_times`` keyed by the consignment's rank (k-th created): containers and trains are
    cases too, created as trains fill, so case ids differ between scenarios."""
    types = log.cases.object_type
    rank = {c: k for k, c in enumerate(c for c in range(len(types)) if types[c] == "consignment")}
    return {rank[c]: t for c, t in _times(log, activity, lifecycle).items() if c in rank}


def _attributes(log: EventLog) -> list[tuple[int, str]]:
    types = log.cases.object_type
    return [
        (log.cases.channel[c], log.cases.case_class[c])
        for c in range(len(types))
        if types[c] == "consignment"
    ]


def test_each_reform_moves_only_what_it_should(runs: dict[str, RunResult]) -> None:
    """Same arrivals and draws; no filing: only the unregistered consignments lodge earlier, by
    their registration; simplified: every consignment lodges earlier; channels and forms equal."""
    base = runs["cbec_9810_baseline"].log
    arrival, lodged = _by_consignment(base, "arrival"), _by_consignment(base, "lodgement")
    waited = set(_by_consignment(base, "unregistered_exporter"))
    assert waited and len(waited) < len(arrival)
    started = _by_consignment(base, "warehouse_registration", 1)
    registration = {
        k: end - started[k] for k, end in _by_consignment(base, "warehouse_registration").items()
    }
    for name in ("cbec_9810_no_registration", "cbec_9810_simplified_documents"):
        # Runs end once every measured case is done, so later arrivals differ in number.
        log = runs[name].log
        theirs = _by_consignment(log, "arrival")
        common = sorted(set(theirs) & set(arrival))
        assert len(common) > 200 and all(theirs[k] == arrival[k] for k in common)
        pairs = zip(_attributes(log)[: len(common)], _attributes(base)[: len(common)], strict=True)
        for (channel, form), (base_channel, base_form) in pairs:
            assert form == base_form
            assert channel == base_channel or 0 in (channel, base_channel)  # 0: not screened
    reform = runs["cbec_9810_no_registration"].log
    assert not _by_consignment(reform, "unregistered_exporter")
    no_filing = _by_consignment(reform, "lodgement")
    for k, time in lodged.items():
        if k not in no_filing:
            continue
        expected = time - registration[k] if k in waited else time
        assert no_filing[k] == pytest.approx(expected)
    simplified = _by_consignment(runs["cbec_9810_simplified_documents"].log, "lodgement")
    both = [k for k in lodged if k in simplified]
    # Earlier by the dropped documents, unless a statutory inspection is still running then.
    assert all(simplified[k] <= lodged[k] for k in both)
    assert sum(simplified[k] < lodged[k] for k in both) >= 0.9 * len(both)


def _review_queue() -> Scenario:
    """Poisson 3/h, every declaration reviewed (yellow), exponential 24 min, two officers: M/M/2.

    The steps before the review are delays of each consignment's own (no filing, no statutory
    inspection), and a Poisson stream displaced by iid delays is still Poisson.
    """
    return with_values(
        load_scenario(BASELINE, horizon_min=11 * DAY, warmup_min=DAY, drain_limit_min=20 * DAY),
        {
            f"{P}.consignment_arrivals": {"kind": "poisson", "rate_per_hour": 3.0},
            f"{P}.registration.unregistered_share": 0.0,
            f"{P}.inspection.statutory_share": 0.0,
            f"{P}.inspection.physical_share": 0.0,
            f"{P}.declaration.review_share": 1.0,
            f"{P}.declaration.review_min": {"kind": "exponential", "mean_min": 24.0},
        },
    )


def test_document_review_is_an_mmc_queue_erlang_c() -> None:
    """a = 0.05/min x 24 min = 1.2, rho 0.6; Wq = C(2, 1.2) x 24 / 0.8 = 0.45 x 30 = 13.5 min."""
    scenario = _review_queue()
    rho = offered_utilisation(scenario)["wujiashan_export_officers"]
    assert rho == pytest.approx(0.6, rel=1e-3)
    assert erlang_c(2, 1.2) == pytest.approx(0.45)
    theory = mmc_mean_wait(2, 0.05, 24.0)
    assert theory == pytest.approx(13.5)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    waits = []
    for replication in range(5):
        result = run_replication(scenario, replication, SEED)
        queue = resource_waits(result.log, "wujiashan_export_officers")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    estimate = mean_confidence_interval(waits, 0.99)
    print(
        f"review wait: {estimate.mean:.2f} ± {estimate.half_width:.2f} min, Erlang C {theory:.2f}"
    )
    assert abs(estimate.mean - theory) <= estimate.half_width, (estimate, theory)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("trains.conveyance", "flight", "conveyance"),
        ("trains.node", "YANGLUO_PORT", "consolidation_node"),
        ("declaration.review_share", 0.99, "review_share"),
        ("registration.unregistered_share", 1.5, "unregistered_share"),
    ],
)
def test_invalid_specs_are_refused(path: str, value: object, message: str) -> None:
    with pytest.raises(OverrideError, match=message):
        with_values(load_scenario(BASELINE), {f"{P}.{path}": value})


def test_every_activity_and_field_is_in_the_process_reference(
    runs: dict[str, RunResult],
) -> None:
    text = (REFERENCE / "cbec_9810.md").read_text(encoding="utf-8")
    log = runs["cbec_9810_baseline"].log
    names = activities_of(log) | {name for _, name in log.process_outcomes}
    names -= {"border_entry", "delivery"}  # other flows' milestones, registered in every log
    assert not sorted(n for n in names if f"`{n}`" not in text)
    text += (REFERENCE / "export_shared.md").read_text(encoding="utf-8")  # the shared specs
    own = [m for m in _spec_models(WarehouseExportSpec, []) if f"## `{m.__name__}`" in text]
    assert len(own) >= 12
    for model in own:
        assert not _missing(_section(text, model.__name__), model.model_fields), model.__name__
