"""The 9610 export fast path gives the reference model's event log (one SimPy process per parcel).

``EngineOptions(fast_path=False)`` runs
:mod:`clearsim.simulation.processes.cbec_9610_export.reference`: every truck, list and parcel a
plain SimPy process requesting the facilities. The fast path
(:mod:`clearsim.simulation.processes.cbec_9610_export.planned`) plans chains and computes the
lines instead, and hands parcels to their flights through the same
:class:`~clearsim.simulation.processes.departures.Departures`. On the same seed both must record
the same events: every (case, activity, lifecycle, time, node, resource) row, every activity
instance's rows, the case table, the links (``carried_by``, ``consolidated_in``, in the same
order), the counts, the shift (capacity) rows and the end time. Only the numbering of activity
instances and the order of rows at exactly equal times may differ.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import simpy
from factories import SCENARIOS, assert_same_run, counted_run

import clearsim.simulation.processes.cbec_9610_export.reference as reference
from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.facilities import SCHEDULE, START
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.processes.cbec_9610_export.entities import ExportParcelFactory
from clearsim.simulation.processes.cbec_9610_export.planned_parcels import PlannedParcelFactory

BASELINE = SCENARIOS / "cbec_9610_export_baseline.yaml"
P = "processes.dongxihu_9610_export"
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
XRAY = "dongxihu_export_xray_lines"
OFFICERS = "dongxihu_export_unpack_officers"
SORTERS = "dongxihu_export_sorters"


def _baseline(drain_limit_min: float = 2880.0, **values: Any) -> Scenario:
    """Twelve hours of the baseline's trucks (about 9,000 parcels), none after, drained."""
    scenario = load_scenario(
        BASELINE, horizon_min=720.0, warmup_min=0.0, drain_limit_min=drain_limit_min
    )
    return with_values(scenario, {"kind": "terminating", **values})


def _open(*shifts: tuple[str, str]) -> dict[str, Any]:
    """A weekly calendar open every day in ``shifts`` (start, end)."""
    return {
        "kind": "weekly",
        "shifts": [{"days": WEEK, "start": start, "end": end} for start, end in shifts],
    }


def _stopped() -> Scenario:
    """Two sorting stations and two officers, stopped an hour after the last truck arrived."""
    return _baseline(
        60.0, **{f"resources.{SORTERS}.capacity": 2, f"resources.{OFFICERS}.capacity": 2}
    )


def _closures() -> Scenario:
    """The X-ray lines off 09:30-10:30, the sorters 03:00-04:00, the officers on office hours.

    The officers are closed when the run starts and over lunch, so red parcels queue for them
    overnight; the X-ray and sorting closures fall while trucks' parcels queue.
    """
    calendars = {
        "always": {"kind": "always"},
        "xray_break": _open(("00:00", "09:30"), ("10:30", "24:00")),
        "sorting_break": _open(("00:00", "03:00"), ("04:00", "24:00")),
        "office_hours": _open(("08:30", "12:00"), ("13:30", "17:30")),
    }
    return _baseline(
        calendars=calendars,
        **{
            f"resources.{XRAY}.calendar": "xray_break",
            f"resources.{SORTERS}.calendar": "sorting_break",
            f"resources.{OFFICERS}.calendar": "office_hours",
        },
    )


def _full_flights() -> Scenario:
    """Small flights (many parcels miss theirs), held lists, a 12-hour consolidation period.

    A third of the lists are incomplete and half are lodged after the parcels arrive, so
    parcels are X-rayed before their list is screened and wait for it; regime-B lists are
    consolidated twice a day, so the declarations and their links are made within the run.
    """
    return _baseline(
        5760.0,
        **{
            f"{P}.flights.0.timetable.capacity_units": 4000,
            f"{P}.flights.1.timetable.capacity_units": 400,
            f"{P}.flights.2.timetable.capacity_units": 800,
            f"{P}.parcel_list.incomplete_share": 0.3,
            f"{P}.parcel_list.advance_share": 0.5,
            f"{P}.regime.period_min": 720.0,
            f"{P}.regime.due_after_period_min": 120.0,
        },
    )


def _queued(log: EventLog, resource: str) -> int:
    """Services of ``resource`` scheduled and not started when the run ended."""
    columns = log.columns()
    lifecycle = columns["lifecycle"][columns["resource"] == log.resources.index(resource)]
    return int((lifecycle == SCHEDULE).sum() - (lifecycle == START).sum())


def _check_stopped(log: EventLog) -> None:
    """Parcels still queue for the sorters and the officers when the run stops."""
    assert _queued(log, SORTERS) > 100 and _queued(log, OFFICERS) > 5


def _check_closures(log: EventLog) -> None:
    """Every closure was taken; red parcels queued overnight started when the office opened."""
    codes = {log.resources.index(name) for name in (XRAY, SORTERS, OFFICERS)}
    off = {code for _, code, change in log.capacity_rows if change < 0}
    assert codes <= off
    columns = log.columns()
    unpacking = columns["resource"] == log.resources.index(OFFICERS)
    queued = columns["time"][unpacking & (columns["lifecycle"] == SCHEDULE)]
    unpacked = columns["time"][unpacking & (columns["lifecycle"] == START)]
    assert (queued < 510.0).sum() > 10 and unpacked.min() == 510.0


def _check_links(log: EventLog) -> None:
    """Many parcels missed their flight; declarations consolidated the closed lists."""
    qualifiers = [qualifier for _, _, qualifier in log.links]
    assert qualifiers.count("consolidated_in") > 1000 and qualifiers.count("carried_by") > 5000
    missed = log.activities.index("missed_flight")
    assert (log.column("activity") == missed).sum() > 1000


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
    "baseline_drained": Variant(
        _baseline,
        ("data_incomplete_held", "seized_or_returned", "departure", "departure_confirmed"),
    ),
    "baseline_stopped": Variant(_stopped, stopped_at_min=780.0, check=_check_stopped),
    "shift_closures": Variant(_closures, ("unpack_check",), check=_check_closures),
    "full_flights_held_lists": Variant(
        _full_flights,
        ("missed_flight", "consolidated_lodgement", "data_correction"),
        check=_check_links,
    ),
}


SLOW_VARIANTS = ("baseline_stopped",)
"""Run with ``pytest -m slow`` (.ci/run); test_reference_models also compares a stopped run."""


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(v, id=k, marks=[pytest.mark.slow] if k in SLOW_VARIANTS else [])
        for k, v in VARIANTS.items()
    ],
)
def test_the_fast_path_gives_the_reference_models_log(
    variant: Variant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both versions on seed 11: the same rows, instances, cases, links, counts, shifts, end.

    A stopped run ends with parcels in the queues: the fast path plans rows past the end and
    drops them, the reference model never gets there.
    """
    scenario = variant.scenario()
    reference_run, ref_parcels = counted_run(
        scenario, False, monkeypatch, reference, "parcel_clearance"
    )
    fast_run, fast_parcels = counted_run(scenario, True, monkeypatch, reference, "parcel_clearance")
    (ref_log, ref_counts, ref_end), (fast_log, _, _) = reference_run, fast_run
    # The option chooses the version: every parcel on the line a process in the reference,
    # none on the fast path.
    assert ref_counts.arrived > 5000 and ref_parcels > 5000 and fast_parcels == 0
    check_event_log(ref_log)
    check_event_log(fast_log)
    recorded = {ref_log.activities[code] for code in np.unique(ref_log.column("activity"))}
    assert set(variant.recorded) <= recorded
    if variant.stopped_at_min is not None:
        assert ref_end == variant.stopped_at_min and ref_counts.in_system > 100
        assert fast_log.column("time").max() < ref_end
    else:  # every measured parcel finished before the limit
        assert ref_end < scenario.horizon_min + scenario.drain_limit_min
    if variant.check is not None:
        variant.check(ref_log)
    assert_same_run(fast_run, reference_run)
    assert fast_log.links == ref_log.links


def test_a_shared_lined_pool_keeps_the_reference_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sorting stations also unpack: the fast path runs the reference model."""
    scenario = _baseline(**{f"{P}.resources.unpack_officer": SORTERS})
    (log, counts, _), parcels = counted_run(
        scenario, True, monkeypatch, reference, "parcel_clearance"
    )
    check_event_log(log)
    assert parcels == counts.arrived > 5000
    columns = log.columns()
    served = columns["activity"][columns["resource"] == log.resources.index(SORTERS)]
    assert {log.activities[code] for code in np.unique(served)} == {
        "flight_sorting",
        "unpack_check",
    }


def test_the_fast_paths_factory_creates_the_parcels_the_reference_creates() -> None:
    """A truck's parcels at once (fast path) or one at a time: the same trucks and parcels."""
    spec = load_scenario(BASELINE).processes[0]
    assert isinstance(spec, ParcelExportSpec)
    one = ExportParcelFactory(spec, Streams(11, 0))
    bulk = PlannedParcelFactory(spec, Streams(11, 0))
    one_log, bulk_log = EventLog(("X",), ()), EventLog(("X",), ())
    env = simpy.Environment()
    skipped = {"truck", "screened", "reported"}
    for arrival_min, n in [(30.0, 700), (95.5, 1), (200.0, 1700), (260.0, 300)]:
        a = one.truck(env, one_log, arrival_min, n, True)
        b = bulk.truck(env, bulk_log, arrival_min, n, True)
        assert (a.case, a.setup_min, len(a.parcels)) == (b.case, b.setup_min, n)
        for x, y in zip(a.parcels, b.parcels, strict=True):
            fields = [f.name for f in dataclasses.fields(x) if f.name not in skipped]
            assert [getattr(x, f) for f in fields] == [getattr(y, f) for f in fields]
    assert one_log.cases == bulk_log.cases
