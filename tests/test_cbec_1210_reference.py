"""The 1210 fast path gives the reference model's event log (architecture rule 3).

The reference model (``simulation/processes/cbec_1210/reference.py``, engine option
``fast_path=False``) runs every order and batch as a SimPy process; the fast path plans runs of
steps and computes the warehouse's lines. On the same seed both must record the same events:
every (case, activity, lifecycle, time, node, resource) row, every activity instance's rows, the
case table, the counts, the shift (capacity) rows and the end time. Only the numbering of
activity instances and the order of rows at exactly equal times may differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from factories import SCENARIOS, assert_same_run, counted_run

import clearsim.simulation.processes.cbec_1210.reference as reference
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.log.recorder import check_event_log

PROCESS = "processes.east_lake_1210"
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

ENTITY = (reference, "consumer_order")
"""The reference model's generator of one entity: counted to tell the versions apart."""


def _short(file: str, **values: Any) -> Scenario:
    """A shipped 1210 scenario cut to one day of orders at half volume, drained."""
    scenario = load_scenario(
        SCENARIOS / file, horizon_min=1440, warmup_min=360, drain_limit_min=2880
    )
    return with_values(scenario, {f"{PROCESS}.order_multiplier": 0.5, **values})


def _double11(drain_limit_min: float, **values: Any) -> Scenario:
    """The Double-11 day at about 7,000 orders, staffing scaled alike (the loads of the file)."""
    scenario = load_scenario(SCENARIOS / "cbec_1210_double11.yaml", drain_limit_min=drain_limit_min)
    scaled: dict[str, Any] = {f"{PROCESS}.order_multiplier": 3 * 0.3}
    for name, spec in scenario.resources.items():
        scaled[f"resources.{name}.capacity"] = max(1, round(spec.capacity * 0.3))
    return with_values(scenario, {**scaled, **values})


def _lunch_break() -> Scenario:
    """The Double-11 day with pickers and the X-ray line off 12:00-13:30 at the peak's build-up.

    The pickers are busy at noon: each is taken by its blocker when its job ends (the shift runs
    over) and orders queue until 13:30.
    """
    base = load_scenario(SCENARIOS / "cbec_1210_double11.yaml")
    shifts = [{"days": WEEK, "start": "08:00", "end": "12:00"}]
    shifts.append({"days": WEEK, "start": "13:30", "end": "24:00"})
    calendars = {name: spec.model_dump() for name, spec in base.calendars.items()}
    calendars["lunch"] = {"kind": "weekly", "shifts": shifts}
    return _double11(
        4320.0,
        calendars=calendars,
        **{
            "resources.east_lake_pickers.calendar": "lunch",
            "resources.east_lake_xray_lines.calendar": "lunch",
        },
    )


@dataclass(frozen=True)
class Variant:
    """A scenario, and what its run must show for the comparison to mean something."""

    scenario: Callable[[], Scenario]
    recorded: tuple[str, ...] = ()
    """Activities or outcomes the variant is there to exercise."""
    stopped_at_min: float | None = None
    """The time limit the run must stop at, with orders still in the system."""
    closed: tuple[str, float, float] | None = None
    """A resource that must go off shift in [from, to) (a capacity row)."""


VARIANTS = {
    "baseline_drained": Variant(
        lambda: _short("cbec_1210_baseline.yaml"),
        ("split_two_parcels", "document_review", "unpack_check", "mismatch_cancelled"),
    ),
    "double11_stopped": Variant(
        lambda: _double11(240.0), ("nonbonded_road_transport",), stopped_at_min=1440.0 + 240.0
    ),
    "double11_lunch_break": Variant(
        _lunch_break, ("xray_check",), closed=("east_lake_pickers", 720.0, 810.0)
    ),
    "same_warehouse": Variant(
        lambda: _short("cbec_1210_same_warehouse.yaml"), ("one_parcel_mixed",)
    ),
    "short_stock": Variant(
        lambda: _short(
            "cbec_1210_baseline.yaml",
            **{
                f"{PROCESS}.stock.initial_stock_days": 0.2,
                f"{PROCESS}.stock.supply_ratio": 0.5,
                f"{PROCESS}.stock.max_stock_wait_min": 180,
            },
        ),
        ("stock_shortage", "out_of_stock_cancelled", "over_limit_rejected"),
    ),
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_fast_path_gives_the_reference_models_log(
    variant: Variant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both versions on seed 11: the same rows, instances, cases, counts, shift rows and end."""
    scenario = variant.scenario()
    reference_run, ref_orders = counted_run(
        scenario, False, monkeypatch, reference, "consumer_order"
    )
    fast_run, fast_orders = counted_run(scenario, True, monkeypatch, *ENTITY)
    (ref_log, ref_counts, ref_end), (fast_log, _, _) = reference_run, fast_run
    # The option chooses the version: every order a process in the reference, none on the
    # fast path.
    assert ref_orders == ref_counts.arrived > 3000 and fast_orders == 0
    check_event_log(ref_log)
    check_event_log(fast_log)
    recorded = {ref_log.activities[code] for code in np.unique(ref_log.column("activity"))}
    assert set(variant.recorded) <= recorded
    if variant.stopped_at_min is not None:
        assert ref_end == variant.stopped_at_min and ref_counts.in_system > 1000
    else:
        assert ref_end < scenario.horizon_min + scenario.drain_limit_min
    if variant.closed is not None:
        name, begin, end = variant.closed
        code = ref_log.resources.index(name)
        assert any(
            row[1] == code and row[2] == -1 and begin <= row[0] < end
            for row in ref_log.capacity_rows
        )
    assert_same_run(fast_run, reference_run)


def test_a_shared_lined_pool_keeps_the_reference_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """One pool playing the bonded and the non-bonded pickers: the fast path runs the reference.

    Two lines on one pool would not take their jobs in the order plain requests do (each line's
    waiting jobs request a server only when one of its feeders takes them), so the fast path
    applies only where each lined pool is its role's alone.
    """
    shared = {f"{PROCESS}.resources.nonbonded_picker": "east_lake_pickers"}
    scenario = _short("cbec_1210_baseline.yaml", **shared)
    (log, counts, _), orders = counted_run(scenario, True, monkeypatch, *ENTITY)
    check_event_log(log)
    assert orders == counts.arrived > 3000
    assert "nonbonded_pick_pack" in {log.activities[c] for c in np.unique(log.column("activity"))}
