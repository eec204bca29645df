"""The 9610 fast path gives the reference model's event log (one SimPy process per parcel).

``EngineOptions(fast_path=False)`` runs :mod:`clearsim.simulation.processes.cbec_9610.reference`:
every flight, every parcel's list and every parcel a plain SimPy process requesting the
facilities. The fast path (:mod:`clearsim.simulation.processes.cbec_9610.process`) plans chains
and computes the lines instead. On the same seed both must record the same events: every (case,
activity, lifecycle, time, node, resource) row to the bit, every activity instance's rows, the
case table, the counts, the shift (capacity) rows and the end time. Only the numbering of
activity instances and the order of rows at exactly equal times may differ.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from factories import SCENARIOS, assert_same_run, counted_run

import clearsim.simulation.processes.cbec_9610.reference as reference
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START
from clearsim.simulation.log.recorder import EventLog, check_event_log

BASELINE = SCENARIOS / "cbec_9610_baseline.yaml"
DOUBLE11 = SCENARIOS / "cbec_9610_double11.yaml"
PROCESS = "processes.dongxihu_9610"
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
XRAY, OFFICERS, SORTERS = "dongxihu_xray_lines", "dongxihu_unpack_officers", "dongxihu_sorters"

ENTITY = (reference, "parcel_clearance")
"""The reference model's generator of one entity: counted to tell the versions apart."""


def _baseline(**values: Any) -> Scenario:
    """A day of the baseline's flights (about 9,000 parcels), drained."""
    scenario = load_scenario(BASELINE, horizon_min=1440.0, warmup_min=0.0, drain_limit_min=1440.0)
    return with_values(scenario, values)


def _double11(drain_limit_min: float) -> Scenario:
    """The Double-11 day at 30% of its parcels (about 7,000), staffing scaled alike."""
    scenario = load_scenario(DOUBLE11, drain_limit_min=drain_limit_min)
    values: dict[str, Any] = {f"{PROCESS}.parcel_multiplier": 0.9}
    for name, spec in scenario.resources.items():
        values[f"resources.{name}.capacity"] = max(1, round(spec.capacity * 0.3))
    return with_values(scenario, values)


def _off(start: str, end: str) -> dict[str, Any]:
    """A weekly calendar closed every day from ``start`` to ``end``."""
    shifts = [{"days": WEEK, "start": "00:00", "end": start}]
    shifts.append({"days": WEEK, "start": end, "end": "24:00"})
    return {"kind": "weekly", "shifts": shifts}


def _closures() -> Scenario:
    """The baseline day with the X-ray line off 09:30-10:30 and the sorters off 15:00-16:00.

    Each closure falls while a flight's parcels queue: the blockers wait for the jobs in
    progress, and the queue waits for the shift. The unpacking officers work office hours
    (the calendar the baseline keeps for that what-if): closed when the run starts, off for
    lunch, so red parcels queue overnight and over the lunch break.
    """
    base = load_scenario(BASELINE)
    calendars = {name: spec.model_dump() for name, spec in base.calendars.items()}
    calendars["xray_break"] = _off("09:30", "10:30")
    calendars["sorting_break"] = _off("15:00", "16:00")
    return _baseline(
        calendars=calendars,
        **{
            f"resources.{XRAY}.calendar": "xray_break",
            f"resources.{SORTERS}.calendar": "sorting_break",
            f"resources.{OFFICERS}.calendar": "office_hours",
        },
    )


def _holds() -> Scenario:
    """The baseline day with a third of the lists incomplete and half lodged after landing.

    A held list is corrected hours later, so many parcels are X-rayed long before their list
    is screened and wait for it on the line.
    """
    return _baseline(
        **{
            f"{PROCESS}.parcel_list.incomplete_share": 0.3,
            f"{PROCESS}.parcel_list.advance_share": 0.5,
        }
    )


def _queued(log: EventLog, resource: str) -> int:
    """Services of ``resource`` scheduled and not started when the run ended."""
    columns = log.columns()
    lifecycle = columns["lifecycle"][columns["resource"] == log.resources.index(resource)]
    return int((lifecycle == SCHEDULE).sum() - (lifecycle == START).sum())


def _ends(log: EventLog, activity: str) -> dict[int, float]:
    """Per case, when its ``activity`` completed."""
    columns = log.columns()
    mine = (columns["activity"] == log.activities.index(activity)) & (
        columns["lifecycle"] == COMPLETE
    )
    return dict(zip(columns["case"][mine].tolist(), columns["time"][mine].tolist(), strict=True))


def _check_stopped(log: EventLog) -> None:
    """Hundreds of parcels still queue for the sorters and the officers at the time limit."""
    assert _queued(log, SORTERS) > 100 and _queued(log, OFFICERS) > 10


def _check_closures(log: EventLog) -> None:
    """On the first day: jobs in progress at the X-ray closure ran over, parcels waited."""
    xray, sorters = log.resources.index(XRAY), log.resources.index(SORTERS)
    officers = log.resources.index(OFFICERS)
    off = [(time, code) for time, code, change in log.capacity_rows if change < 0 and time < 1440]
    assert [time for time, code in off if code == xray] == [pytest.approx(570.0, abs=0.1)]
    assert all(time > 570.0 for time, code in off if code == xray)  # the blocker waited
    assert len([time for time, code in off if code == sorters]) == 2  # both stations
    assert (0.0, officers, -1) in log.capacity_rows  # closed from the start
    columns = log.columns()
    starts = columns["time"][(columns["resource"] == xray) & (columns["lifecycle"] == START)]
    assert not ((starts > 570.1) & (starts < 630.0)).any() and (starts == 630.0).sum() == 1
    # Red parcels queued overnight; every officer takes one when the office opens at 08:30.
    unpacking = columns["resource"] == officers
    queued = columns["time"][unpacking & (columns["lifecycle"] == SCHEDULE)]
    unpacked = columns["time"][unpacking & (columns["lifecycle"] == START)]
    assert (queued < 510.0).sum() > 20 and (unpacked == 510.0).sum() == 4
    assert unpacked.min() == 510.0


def _check_holds(log: EventLog) -> None:
    """Parcels X-rayed before their held list was corrected and screened waited for it."""
    screened, scanned = _ends(log, "risk_screening"), _ends(log, "xray_scan")
    waited = [case for case, time in scanned.items() if screened.get(case, math.inf) > time]
    assert len(_ends(log, "data_correction")) > 2000 and len(waited) > 1000


@dataclass(frozen=True)
class Variant:
    """A scenario, and what its run must show for the comparison to mean something."""

    scenario: Callable[[], Scenario]
    recorded: tuple[str, ...] = ()
    """Activities or outcomes the variant is there to exercise."""
    stopped_at_min: float | None = None
    """The time limit the run must stop at, with parcels still in the system."""
    check: Callable[[EventLog], None] | None = None
    """What else the reference model's log must show."""


VARIANTS = {
    "baseline_day": Variant(
        _baseline, ("data_incomplete_held", "unpack_check", "seized_or_returned", "courier_wait")
    ),
    "double11_drained": Variant(lambda: _double11(2880.0), ("unpack_check",)),
    "double11_stopped": Variant(
        lambda: _double11(120.0), stopped_at_min=1440.0 + 120.0, check=_check_stopped
    ),
    "shift_closures": Variant(_closures, ("unpack_check",), check=_check_closures),
    "data_incomplete_holds": Variant(_holds, ("data_incomplete_held",), check=_check_holds),
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_fast_path_gives_the_reference_models_log(
    variant: Variant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both versions on seed 11: the same rows, instances, cases, counts, shift rows and end.

    A stopped run ends with parcels in every queue: the fast path plans rows past the end and
    drops them, the reference model never gets there.
    """
    scenario = variant.scenario()
    reference_run, ref_parcels = counted_run(
        scenario, False, monkeypatch, reference, "parcel_clearance"
    )
    fast_run, fast_parcels = counted_run(scenario, True, monkeypatch, *ENTITY)
    (ref_log, ref_counts, ref_end), (fast_log, _, _) = reference_run, fast_run
    # The option chooses the version: every parcel on the line a process in the reference,
    # none on the fast path.
    assert ref_counts.arrived > 6000 and ref_parcels > 6000 and fast_parcels == 0
    check_event_log(ref_log)
    check_event_log(fast_log)
    recorded = {ref_log.activities[code] for code in np.unique(ref_log.column("activity"))}
    assert set(variant.recorded) <= recorded
    if variant.stopped_at_min is not None:
        assert ref_end == variant.stopped_at_min and ref_counts.in_system > 500
        assert fast_log.column("time").max() < ref_end
    else:  # every measured parcel finished before the limit
        assert ref_end < scenario.horizon_min + scenario.drain_limit_min
    if variant.check is not None:
        variant.check(ref_log)
    assert_same_run(fast_run, reference_run)


def test_a_shared_lined_pool_keeps_the_reference_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sorting stations also unpack: the fast path runs the reference model.

    Two lines on one pool would not take their jobs in the order plain requests do (a line's
    waiting jobs request a server only when one of its feeders takes them), so the fast path
    applies only where each lined pool is its role's alone.
    """
    scenario = _baseline(**{f"{PROCESS}.resources.unpack_officer": SORTERS})
    (log, counts, _), parcels = counted_run(
        scenario, True, monkeypatch, reference, "parcel_clearance"
    )
    check_event_log(log)
    assert parcels == counts.arrived > 6000
    columns = log.columns()
    served = columns["activity"][columns["resource"] == log.resources.index(SORTERS)]
    assert {log.activities[code] for code in np.unique(served)} == {
        "courier_sorting",
        "unpack_check",
    }
