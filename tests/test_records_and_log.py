"""Record field lists are pinned; the event log invariant catches broken logs; metrics by hand."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest

import clearsim.simulation.run
from clearsim.models.records import (
    EventRecord,
    LegTrips,
    LodgementTiming,
    ResourceProfile,
    ResourceStat,
    RunSummary,
    SegmentCause,
    SegmentQuantiles,
    SegmentStat,
    ShipmentOutcome,
    WaitStat,
)
from clearsim.simulation.log.recorder import (
    NO_RESOURCE,
    EventLog,
    EventLogError,
    check_event_log,
)
from clearsim.simulation.log.row_store import PACK_EVERY_INSTANCES
from clearsim.simulation.metrics.cases import Window, shipment_outcomes
from clearsim.simulation.metrics.lodgement_timing import lodgement_timing
from clearsim.simulation.metrics.resources import resource_stats
from clearsim.simulation.metrics.segments import outcome_counts, overlong_cases, segment_stats


def test_record_fields_are_pinned() -> None:
    """Changing a record is a schema change: update docs/reference/results.md with it."""
    assert [f.name for f in fields(EventRecord)] == [
        "case_id", "activity", "instance_id", "lifecycle", "time_min", "node", "resource",
    ]  # fmt: skip
    assert [f.name for f in fields(ShipmentOutcome)] == [
        "case_id", "process", "object_type", "direction", "mode", "case_class", "channel", "aeo",
        "advance_declared", "two_step", "direct_path", "destination", "arrival_min",
        "lodgement_min", "release_min", "exit_min", "delivery_min",
    ]  # fmt: skip
    assert [f.name for f in fields(SegmentStat)] == [
        "direction", "mode", "segment", "channel", "n", "mean_h", "median_h", "p90_h",
        "share_24h", "share_48h",
    ]  # fmt: skip
    assert [f.name for f in fields(ResourceStat)] == [
        "resource", "capacity", "available_fraction", "utilisation", "utilisation_check",
        "mean_queue_length", "mean_wait_min", "max_queue_length", "served", "wait_probability",
        "peak_in_use",
    ]  # fmt: skip
    assert [f.name for f in fields(WaitStat)] == [
        "resource", "activity", "case_class", "visits", "mean_wait_min", "wait_probability",
    ]  # fmt: skip
    assert [f.name for f in fields(RunSummary)] == [
        "scenario_hash", "replication", "root_seed", "arrived", "completed", "in_system",
        "measured", "censored", "events", "end_time_min", "segments", "resources", "outcomes",
        "overlong", "warmup_mser5_min", "distributions", "profiles", "leg_trips", "waits",
        "lodgement_timing", "causes",
    ]  # fmt: skip
    assert [f.name for f in fields(SegmentCause)] == [
        "direction", "mode", "segment", "cause", "n", "mean_h", "share",
    ]  # fmt: skip
    assert [f.name for f in fields(LodgementTiming)] == [
        "direction", "mode", "lodged", "n", "arrival_lodgement_h", "lodgement_release_h",
        "release_exit_h",
    ]  # fmt: skip
    assert [f.name for f in fields(SegmentQuantiles)] == [
        "direction", "mode", "segment", "n", "hours",
    ]  # fmt: skip
    assert [f.name for f in fields(ResourceProfile)] == [
        "resource", "utilisation_by_hour", "bin_min", "queue_length",
    ]  # fmt: skip
    assert [f.name for f in fields(LegTrips)] == ["source", "target", "trips"]


def _log() -> EventLog:
    return EventLog(nodes=("PORT",), resources=("lanes",))


def _hand_log(inspection_end: float = 600.0) -> EventLog:
    """Two containers: one green (released at 10 h), one red inspected on the single lane."""
    log = _log()
    arrival, lodgement, release, exit_ = (
        log.activity(n) for n in ("arrival", "lodgement", "release", "exit")
    )
    inspection = log.activity("inspection")
    log.declare_flow("import", "sea")
    a = log.new_case("container", "p")
    b = log.new_case("container", "p")
    log.cases.channel[a], log.cases.channel[b] = 1, 3
    lane = log.resource("lanes")
    rows = [
        (a, arrival, 0, 0.0), (b, arrival, 0, 0.0),
        (a, lodgement, 0, 60.0), (b, lodgement, 0, 120.0),
    ]  # fmt: skip
    for case, activity, _, time in rows:
        log.emit((case, activity, log.new_instance(), 2, time, 0, NO_RESOURCE))
    instance = log.new_instance()
    log.emit((b, inspection, instance, 0, 120.0, 0, lane))
    log.emit((b, inspection, instance, 1, 180.0, 0, lane))
    log.emit((a, release, log.new_instance(), 2, 600.0, 0, NO_RESOURCE))
    log.emit((b, inspection, instance, 2, inspection_end, 0, lane))
    log.emit((b, release, log.new_instance(), 2, 1800.0, 0, NO_RESOURCE))
    log.emit((a, exit_, log.new_instance(), 2, 1800.0, 0, NO_RESOURCE))
    log.emit((b, exit_, log.new_instance(), 2, 3600.0, 0, NO_RESOURCE))
    log.cases.finished[a] = log.cases.finished[b] = True
    return log


def test_segments_by_hand() -> None:
    log = _hand_log()
    check_event_log(log)
    stats = {(s.segment, s.channel): s for s in segment_stats(log, Window(0, 100))}
    assert {(s.direction, s.mode) for s in stats.values()} == {("import", "sea")}
    release = stats[("arrival->release", "all")]
    assert release.n == 2
    assert release.mean_h == (10 + 30) / 2 and release.median_h == 20
    assert math.isclose(release.p90_h, 10 + 0.9 * 20)
    assert release.share_24h == 0.5 and release.share_48h == 1.0
    assert stats[("arrival->exit", "red")].mean_h == 60
    assert (
        stats[("arrival->exit", "red")].share_24h == 0
        and stats[("arrival->exit", "red")].share_48h == 0
    )
    assert stats[("lodgement->release", "green")].mean_h == 9
    assert stats[("arrival->release", "yellow")].n == 0
    assert math.isnan(stats[("arrival->release", "yellow")].mean_h)
    outcomes = shipment_outcomes(log)
    assert [o.channel for o in outcomes] == ["green", "red"]


def test_lodgement_timing_by_hand() -> None:
    """Both containers lodge after arriving: the after side holds them all, the before side none."""
    log = _hand_log()
    (ahead, after) = lodgement_timing(log, Window(0, 100))
    assert (ahead.lodged, ahead.n, after.lodged, after.n) == (
        "before_arrival",
        0,
        "after_arrival",
        2,
    )
    assert math.isnan(ahead.lodgement_release_h)
    assert after.arrival_lodgement_h == (60 + 120) / 2 / 60
    assert after.lodgement_release_h == (540 + 1680) / 2 / 60
    assert after.release_exit_h == (1200 + 1800) / 2 / 60


def test_warm_up_truncation_drops_early_arrivals() -> None:
    log = _hand_log()
    stats = {(s.segment, s.channel): s for s in segment_stats(log, Window(1, 100))}
    assert stats[("arrival->release", "all")].n == 0


def test_resource_stats_by_hand() -> None:
    """One lane, window [0, 1200): queued 120-180, busy 180-600; off shift 900-1200."""
    log = _hand_log()
    log.capacity_rows.extend([(900.0, 0, -1), (1200.0, 0, +1)])
    (stat,) = resource_stats(log, {"lanes": 1}, Window(0, 1200), {"lanes": [(0.0, 900.0)]})
    assert stat.available_fraction == 900 / 1200
    assert stat.utilisation == 420 / 900
    assert stat.utilisation_check == 420 / 900
    assert stat.mean_queue_length == 60 / 1200
    assert stat.mean_wait_min == 60
    assert stat.max_queue_length == 1 and stat.served == 1


def test_staffed_time_comes_from_the_calendar_not_from_an_overrun() -> None:
    """The shift closes at 900 but the lane serves until 1000: staffed 900, busy 820 (in window).

    Counting the overrun as staffed (the server left at 1000) gave 820 / 1000; the offered
    utilisation ``clearsim validate`` prints divides by the calendar's staffed time, 900.
    """
    log = _hand_log(inspection_end=1000.0)
    log.capacity_rows.extend([(1000.0, 0, -1), (1200.0, 0, +1)])
    (stat,) = resource_stats(log, {"lanes": 1}, Window(0, 1200), {"lanes": [(0.0, 900.0)]})
    assert stat.available_fraction == 900 / 1200
    assert stat.utilisation == 820 / 900


def test_export_records_use_names() -> None:
    records = list(_hand_log().records())
    assert records[0] == EventRecord(
        "p:container:000000", "arrival", 1, "complete", 0.0, "PORT", ""
    )
    assert records[4].resource == "lanes" and records[4].lifecycle == "schedule"


def _broken(mutate) -> EventLog:  # type: ignore[no-untyped-def]
    log = _hand_log()
    rows = list(log.rows)
    mutate(rows)
    log.rows = rows
    return log


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: rows.pop(4), "start without schedule"),
        (lambda rows: rows.pop(5), "complete after schedule"),
        (lambda rows: rows.__delitem__(slice(4, 6)), "complete without start"),
        (lambda rows: rows.insert(0, rows.pop(3)), "before previous row"),
        (lambda rows: rows.pop(7), "left open in finished case"),
        (lambda rows: rows.append((0, 4, 99, 0, 4000.0, 0, NO_RESOURCE)), "single complete"),
        (lambda rows: rows.append((7, 0, 98, 2, 4000.0, 0, NO_RESOURCE)), "unknown case"),
    ],
)
def test_check_event_log_catches_broken_logs(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EventLogError, match=message):
        check_event_log(_broken(mutate))


def test_columns_match_rows() -> None:
    log = _hand_log()
    cols = log.columns()
    assert cols["time"].tolist() == [row[4] for row in log.rows]
    assert np.array_equal(cols["resource"], [row[6] for row in log.rows])


def test_the_suite_checks_every_simulated_log() -> None:
    """conftest wraps the engine so that check_event_log runs on every simulated log."""
    assert clearsim.simulation.run.simulate.__name__ == "checked"


def test_flows_are_reported_apart() -> None:
    """An export case never enters the import statistics, and each flow gets its own rows."""
    log = _hand_log()
    log.declare_flow("export", "sea")
    arrival, release = log.activity("arrival"), log.activity("release")
    c = log.new_case("container", "p", direction="export")
    log.emit((c, arrival, log.new_instance(), 2, 3600.0, 0, NO_RESOURCE))
    log.emit((c, release, log.new_instance(), 2, 3660.0, 0, NO_RESOURCE))
    stats = {(s.direction, s.segment, s.channel): s for s in segment_stats(log, Window(0, 4000))}
    assert stats[("import", "arrival->release", "all")].n == 2
    assert stats[("export", "arrival->release", "all")].n == 1
    assert stats[("export", "arrival->release", "all")].mean_h == 1.0


def test_overlong_cases_by_hand() -> None:
    """Threshold 20 h on arrival->release: case b (30 h) is listed, case a (10 h) is not."""
    log = _hand_log()
    (case,) = overlong_cases(log, Window(0, 100), 20.0, ("arrival->release",), 3600.0)
    assert case.hours == 30.0 and not case.open and case.case_id.endswith("000001")
    # With release removed for b and b unfinished, it is open: elapsed to the run's end counts.
    log.rows = [r for r in log.rows if not (r[0] == 1 and log.activities[r[1]] == "release")]
    log.cases.finished[1] = False
    (case,) = overlong_cases(log, Window(0, 100), 20.0, ("arrival->release",), 3600.0)
    assert case.open and case.hours == 60.0
    # A finished case that never reached release (cancelled) is not overlong.
    log.cases.finished[1] = True
    assert overlong_cases(log, Window(0, 100), 20.0, ("arrival->release",), 3600.0) == []


def test_outcomes_count_measured_cases_of_their_process() -> None:
    log = _hand_log()
    late = log.outcome("p", "complete_declaration_late")
    log.outcome("q", "complete_declaration_late")
    log.emit((1, late, log.new_instance(), 2, 3600.0, 0, NO_RESOURCE))
    counts = {(c.process, c.outcome): c.cases for c in outcome_counts(log, Window(0, 100))}
    assert counts == {("p", "complete_declaration_late"): 1, ("q", "complete_declaration_late"): 0}
    assert outcome_counts(log, Window(1, 100))[0].cases == 0  # warm-up arrivals not counted


def test_packed_rows_read_back_as_appended() -> None:
    """Rows packed into column chunks read back as the tuples appended, in order."""
    log = _log()
    step = log.activity("inspection")
    case = log.new_case("container", "p")
    appended = []
    for k in range(3 * PACK_EVERY_INSTANCES + 5):
        row = (case, step, log.new_instance(), 2, float(k), 0, NO_RESOURCE)
        log.emit(row)
        appended.append(row)
    assert list(log.rows) == appended and log.rows == appended
    assert len(log.rows) == len(appended) and log.rows[-1] == appended[-1]
    assert log.columns()["instance"].tolist() == [row[2] for row in appended]
    assert [r.instance_id for r in log.records()][-2:] == [row[2] for row in appended[-2:]]


def test_packing_refuses_codes_its_columns_cannot_hold() -> None:
    log = _log()
    log.emit((2**31, 0, 1, 2, 0.0, 0, NO_RESOURCE))
    with pytest.raises(OverflowError):
        log.columns()
