"""9710 B2B direct export: the procedure's mechanics, its reforms under CRN, bad input, theory."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import simpy
from factories import SCENARIOS
from pydantic import ValidationError

from clearsim.analysis.queueing import mmc_mean_wait
from clearsim.analysis.statistics import mean_confidence_interval
from clearsim.models.b2b_export import B2BExportSpec
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import Channel
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.metrics.cases import Window, measured_cases, milestone_times
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.processes.cbec_9710.entities import ConsignmentFactory
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_9710_baseline.yaml"
P = "processes.wuhan_b2b_export"
SEED = 9710
REFORMS = ("inspect_before_loading", "batch_inspection", "video_inspection", "simplified_documents")


def _short(path: Any, days: float = 8.0) -> Scenario:
    return load_scenario(
        path, horizon_min=days * 1440.0, warmup_min=1440.0, drain_limit_min=14 * 1440.0
    )


def _spec(scenario: Scenario) -> B2BExportSpec:
    spec = scenario.processes[0]
    assert isinstance(spec, B2BExportSpec)
    return spec


def _times(log: EventLog, activity: str) -> dict[int, float]:
    """Per case, the time of ``activity``'s last complete."""
    if activity not in log.activities:
        return {}
    code = log.activities.index(activity)
    return {case: t for case, act, _, phase, t, *_ in log.rows if act == code and phase == 2}


def _count(log: EventLog, activity: str) -> int:
    return len(_times(log, activity))


@pytest.fixture(scope="module")
def runs() -> dict[str, RunResult]:
    results = {"baseline": run_replication(_short(BASELINE), 0, SEED)}
    for reform in REFORMS:
        scenario = _short(SCENARIOS / f"cbec_9710_{reform}.yaml")
        results[reform] = run_replication(scenario, 0, SEED)
    for result in results.values():
        check_event_log(result.log)
    return results


def _consignments(log: EventLog) -> list[int]:
    return [c for c, t in enumerate(log.cases.object_type) if t == "consignment"]


def test_every_consignment_is_linked_and_leaves_on_a_departure(runs: dict[str, RunResult]) -> None:
    log = runs["baseline"].log
    links = Counter(q for _, _, q in log.links)
    consignments = _consignments(log)
    assert links["part_of"] == len(consignments)
    departed = _times(log, "departure")
    exits, released = _times(log, "exit"), _times(log, "release")
    for case in consignments:
        if case in departed:
            assert released[case] <= exits[case] <= departed[case]
    assert links["consolidated_in"] >= len(departed.keys() & set(consignments))
    assert links["carried_by"] > 0
    types = set(log.cases.object_type)
    assert {"b2b_order", "consignment", "container", "uld", "flight", "train", "vessel"} <= types


def test_lists_are_small_unlicensed_uninspected_untaxed(runs: dict[str, RunResult]) -> None:
    log = runs["baseline"].log
    forms = Counter(log.cases.case_class[c] for c in _consignments(log))
    assert forms["list"] > 0 and forms["form"] > forms["list"]


def test_reforms_see_the_same_consignments_arrive(runs: dict[str, RunResult]) -> None:
    def measured(result: RunResult) -> dict[int, float]:
        return {c: t for c, t in _times(result.log, "arrival").items() if t < 8 * 1440.0}

    arrivals = measured(runs["baseline"])
    for reform in REFORMS:
        assert measured(runs[reform]) == arrivals, reform


def test_inspect_before_loading_no_longer_holds_containers(runs: dict[str, RunResult]) -> None:
    base, ibl = runs["baseline"].log, runs["inspect_before_loading"].log
    assert _count(base, "held_with_container") > 0
    assert _count(ibl, "inspected_before_loading") > 0
    assert _count(ibl, "held_with_container") < _count(base, "held_with_container")
    assert _count(ibl, "unstuffing") < _count(base, "unstuffing")
    # Air is untouched: no ULD is ever unpacked, in either run.
    assert _count(base, "lodgement") == _count(ibl, "lodgement")
    assert _times(base, "lodgement") == _times(ibl, "lodgement")


def test_batch_inspection_skips_later_consignments_of_a_batch(runs: dict[str, RunResult]) -> None:
    base, batch = runs["baseline"].log, runs["batch_inspection"].log
    assert _count(base, "batch_inspection_covered") == 0
    covered = _count(batch, "batch_inspection_covered")
    assert covered > 0
    assert _count(batch, "statutory_inspection") < _count(base, "statutory_inspection")
    base_lodged, batch_lodged = _times(base, "lodgement"), _times(batch, "lodgement")
    both = base_lodged.keys() & batch_lodged.keys()
    assert all(batch_lodged[c] <= base_lodged[c] + 1e-9 for c in both)


def test_video_inspection_replaces_lane_checks(runs: dict[str, RunResult]) -> None:
    base, video = runs["baseline"].log, runs["video_inspection"].log
    assert _count(base, "video_inspection") == 0
    assert _count(video, "video_inspection") > 0
    assert _count(video, "inspection") < _count(base, "inspection")
    assert _times(base, "lodgement") == _times(video, "lodgement")


def test_simplified_documents_lodge_forms_earlier_lists_unchanged(
    runs: dict[str, RunResult],
) -> None:
    base, simple = runs["baseline"].log, runs["simplified_documents"].log
    base_lodged, simple_lodged = _times(base, "lodgement"), _times(simple, "lodgement")
    forms = [c for c in base_lodged if base.cases.case_class[c] == "form"]
    lists = [c for c in base_lodged if base.cases.case_class[c] == "list"]
    assert lists and all(simple_lodged[c] == base_lodged[c] for c in lists)
    earlier = [simple_lodged[c] < base_lodged[c] for c in forms]
    assert sum(earlier) > 0.8 * len(forms)  # forms waiting on a statutory result may not move


# --- hand-computed trace: one LCL container, one selected consignment -------------------------


def _trace(physical_min: float, before_loading: bool, seed: int) -> RunResult:
    det = lambda v: {"kind": "deterministic", "value_min": v}  # noqa: E731
    docs = [
        {"name": "order", "prepare_min": det(10)},
        {"name": "invoice", "prepare_min": det(20)},
        {"name": "booking", "prepare_min": det(10)},
        {"name": "packing_list", "prepare_min": det(20), "form_only": True},
        {"name": "contract", "prepare_min": det(30), "form_only": True},
    ]
    sea = {
        "share": 1.0, "unit": "container", "lcl": True, "site_node": "YANGLUO_PORT",
        "port_node": "YANGLUO_PORT", "inspection_node": "YANGLUO_PORT",
        "inspection_lane": "inspection_lanes", "consignments_per_unit": 8,
        "close_before_cutoff_min": 200, "packing_min": det(100), "unpacking_min": det(50),
        "departures": {"conveyance": "vessel", "node": "YANGLUO_PORT",
                       "first_departure_min": 2000, "interval_min": 1440, "capacity_units": 40,
                       "cutoff_before_min": 600, "planned_lead_min": 600},
    }  # fmt: skip
    values: dict[str, Any] = {
        f"{P}.order_arrivals": {"kind": "fixed_times", "times_min": [0.0]},
        f"{P}.consignments_per_order": {"kind": "fixed", "value": 2},
        f"{P}.trip_to_site_min": det(60),
        f"{P}.goods.value_sigma": 0.0,
        f"{P}.documents.documents": docs,
        f"{P}.screening_min": det(1),
        f"{P}.review_share": 0.0,
        f"{P}.inspection.statutory_share": 0.0,
        f"{P}.inspection.physical_share": 0.5,
        f"{P}.inspection.physical_min": det(physical_min),
        f"{P}.modes": {"sea": sea},
        "resources.inspection_lanes.calendar": "always",
    }
    if before_loading:
        values[f"{P}.inspect_before_loading"] = {"enabled": True, "share": 1.0}
    scenario = with_values(
        load_scenario(BASELINE, horizon_min=100.0, warmup_min=0.0, drain_limit_min=6000.0), values
    )
    result = run_replication(scenario, 0, seed)
    check_event_log(result.log)
    return result


def _one_selected_seed() -> int:
    """A seed whose order of two consignments has exactly one selected (found, not pinned)."""
    for seed in range(200):
        base = load_scenario(BASELINE, horizon_min=10.0, warmup_min=0.0, drain_limit_min=10.0)
        spec = with_values(
            base,
            {
                f"{P}.order_arrivals": {"kind": "fixed_times", "times_min": [0.0]},
                f"{P}.consignments_per_order": {"kind": "fixed", "value": 2},
                f"{P}.inspection.physical_share": 0.5,
            },
        ).processes[0]
        assert isinstance(spec, B2BExportSpec)
        env = simpy.Environment()
        log = EventLog(nodes=("YANGLUO_PORT",), resources=())
        (order,) = ConsignmentFactory(spec, Streams(seed, 0)).orders(
            env, log, RunControl(env, 10.0), 10.0
        )
        if sum(c.selected for c in order.consignments) == 1:
            return seed
    raise AssertionError("no seed with one selected consignment in 200")


@pytest.mark.parametrize(
    ("physical_min", "before_loading", "clean_departs", "selected_release", "selected_departs"),
    [
        # Baseline: packed 1200-1300, unpacked at the port 1300-1350, checked 1350-1410,
        # repacked 1410-1460: past the 1400 cut-off, the whole container takes the 3440 vessel.
        (60.0, False, 3440.0, 1410.0, 3440.0),
        # Inspected at the CFS 151-211 before packing: the container makes the 2000 vessel.
        (60.0, True, 2000.0, 211.0, 2000.0),
        # A long check at the CFS (151-1351) misses the 1200 packing: only it waits.
        (1200.0, True, 2000.0, 1351.0, 3440.0),
    ],
)
def test_hand_computed_trace_of_an_lcl_container(
    physical_min: float,
    before_loading: bool,
    clean_departs: float,
    selected_release: float,
    selected_departs: float,
) -> None:
    """Ready 0, arrival 60, five documents 90 min (form), lodged 150, screened 151.

    The clean consignment is released at 151; the CFS packs at 1200 (departure 2000, cut-off
    1400, packing 200 before it) for 100 min.
    """
    result = _trace(physical_min, before_loading, _one_selected_seed())
    log = result.log
    released, departed = _times(log, "release"), _times(log, "departure")
    cases = _consignments(log)
    assert _times(log, "arrival") == dict.fromkeys(cases, 60.0)
    assert _times(log, "lodgement") == dict.fromkeys(cases, 150.0)
    selected = [c for c in cases if log.cases.channel[c] == int(Channel.RED)]
    (chosen,) = selected
    (clean,) = set(cases) - {chosen}
    assert released[clean] == pytest.approx(151.0)
    assert released[chosen] == pytest.approx(selected_release)
    assert departed[clean] == pytest.approx(clean_departs)
    assert departed[chosen] == pytest.approx(selected_departs)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (f"{P}.modes.air.share", 0.5, "modes shares"),
        (f"{P}.inspect_before_loading", {"enabled": True, "share": 0.0}, "share 0"),
        (f"{P}.modes.air.departures.node", "YANGLUO_PORT", "port_node"),
        (f"{P}.modes.air.lcl", True, "never LCL"),
    ],
)
def test_bad_input_is_rejected_with_a_reason(path: str, value: Any, reason: str) -> None:
    with pytest.raises((ValidationError, ValueError), match=reason):
        with_values(_short(BASELINE, 2.0), {path: value})


# --- theory: the form-review desk as M/M/c ---------------------------------------------------


def test_form_review_desk_is_an_mmc_queue_erlang_c() -> None:
    """Poisson orders of one form each, every form reviewed, exponential 12-min review, two
    officers always on: arrival at the desk is a Poisson process displaced by iid trip and
    document times (still Poisson), so the desk is M/M/2 at rho = 0.1 * 12 / 2 = 0.6 and
    Wq = C(2, 1.2) * 12 / (2 - 1.2) = 6.75 min (Erlang C, Gross et al. s2.3)."""
    scenario = with_values(
        load_scenario(BASELINE, horizon_min=6 * 1440.0, warmup_min=1440.0, drain_limit_min=7200.0),
        {
            f"{P}.order_arrivals": {"kind": "poisson", "rate_per_hour": 6.0},
            f"{P}.consignments_per_order": {"kind": "fixed", "value": 1},
            f"{P}.goods.value_sigma": 0.0,
            f"{P}.inspection.statutory_share": 0.0,
            f"{P}.review_share": 1.0,
            f"{P}.review_min": {"kind": "exponential", "mean_min": 12.0},
            "resources.b2b_customs_officers.capacity": 2,
            "resources.b2b_customs_officers.calendar": "always",
        },
    )
    theory = mmc_mean_wait(2, 0.1, 12.0)
    assert theory == pytest.approx(6.75)
    window = Window(scenario.warmup_min, scenario.horizon_min)
    waits = []
    for replication in range(6):
        result = run_replication(scenario, replication, SEED)
        queue = resource_waits(result.log, "b2b_customs_officers")
        measured = measured_cases(result.log, milestone_times(result.log), window)
        waits.append(float(queue.wait[measured[queue.case]].mean()))
    estimate = mean_confidence_interval(waits, 0.99)
    message = (
        f"desk wait {estimate.mean:.3f} ± {estimate.half_width:.3f} min, Erlang C {theory:.3f}"
    )
    print(message)
    assert abs(estimate.mean - theory) <= estimate.half_width, message
