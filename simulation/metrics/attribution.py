"""Cause attribution: where every hour of a case's TRS segments goes.

Each measured case's segment ``[from, to]`` is split into the causes of
:data:`~clearsim.models.vocabulary.CAUSES` so that they add up to it exactly, by a backward
critical-path walk over the case's own steps (docs/background/trs.md):

1. From the segment's end, take the step of the case that completed last at or before the current
   time: the step the next one waited for (of parallel branches, the one that finished last).
2. Its start->complete is its own cause (:mod:`~clearsim.simulation.metrics.cause_table`); its
   schedule->start, queued for a resource, is ``calendar`` wait while the resource's calendar is
   closed and ``queueing`` while it is staffed; time between its complete and the current time,
   covered by no step of the case, goes to the ``gap`` cause of the step that ended it (or of the
   end milestone): the party whose move ended the wait.
3. Continue from its schedule time, until the segment's start, the case's first step, or a root
   (the lodgement, made when the declarant chooses: the time before it is the declarant's).

Every piece is clipped to the segment, and the pieces tile the time back from its end, so the
causes sum to the segment. A segment that runs backwards (lodged before arrival: a negative
arrival->lodgement) is the declarant's, whole. The walk is vectorised: all cases take their
step at once, for as many rounds as the longest path has steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from clearsim.models.records import SegmentCause
from clearsim.models.vocabulary import CAUSES, MILESTONES, TRS_SEGMENTS, Lifecycle, segment_name
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog
from clearsim.simulation.metrics.cases import Window, flow_masks, measured_cases, milestone_times
from clearsim.simulation.metrics.cause_table import END_GAPS, ROOTS, activity_cause
from clearsim.simulation.metrics.segments import flow_segments

Intervals = Mapping[str, list[tuple[float, float]]]
"""Each resource's staffed intervals over the run, minutes (``open_intervals``)."""
CAUSE = {name: index for index, name in enumerate(CAUSES)}
_FAR = 1e15  # beyond any run: the closed-time curve keeps rising after the last interval


@dataclass(frozen=True)
class Steps:
    """The measured cases' steps (instances with a start, and roots), by case and complete.

    ``lo[c]:hi[c]`` are case ``c``'s steps, in order of complete time (then instance id).
    """

    schedule: np.ndarray
    start: np.ndarray
    complete: np.ndarray
    resource: np.ndarray
    own: np.ndarray
    gap: np.ndarray
    root: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def case_steps(log: EventLog, cases: np.ndarray) -> Steps:
    """The steps of the cases marked in the boolean mask ``cases``.

    One pass over the log's columns: an instance is numbered by its start row (a dense lookup
    by instance id), and steps are taken in the order of their complete rows, which a settled
    log holds in time order (ties in recording order); a stable sort by case keeps that order.
    """
    cols = log.columns()
    lifecycle, instance, time = cols["lifecycle"], cols["instance"], cols["time"]
    started = lifecycle == Lifecycle.START
    ids = instance[started]
    lookup = np.full(int(instance.max(initial=0)) + 1, -1, dtype=np.int32)
    lookup[ids] = np.arange(ids.size, dtype=np.int32)
    queued = lifecycle == Lifecycle.SCHEDULE
    at = lookup[instance[queued]]
    schedule_of = np.full(ids.size, np.nan)
    schedule_of[at[at >= 0]] = time[queued][at >= 0]
    start_of, resource_of = time[started], cols["resource"][started].astype(np.int64)
    del started, queued, at
    closing = lifecycle == Lifecycle.COMPLETE
    closing &= cases[cols["case"]] if cases.size else closing
    case, activity = cols["case"][closing].astype(np.int64), cols["activity"][closing]
    step, complete = lookup[instance[closing]], time[closing]
    del lookup, closing
    root_codes = np.zeros(len(log.activities), dtype=bool)
    root_codes[[log.activities.index(name) for name in ROOTS if name in log.activities]] = True
    root = root_codes[activity]
    keep = (step >= 0) | root
    case, activity, step, complete, root = (
        case[keep],
        activity[keep],
        step[keep],
        complete[keep],
        root[keep],
    )
    if complete.size > 1 and bool((np.diff(complete) < 0).any()):  # a log not settled
        order = np.argsort(complete, kind="stable")
        case, activity, step, complete, root = (
            case[order],
            activity[order],
            step[order],
            complete[order],
            root[order],
        )
    order = np.argsort(case, kind="stable")
    case, activity, step, complete, root = (
        case[order],
        activity[order],
        step[order],
        complete[order],
        root[order],
    )
    step = np.where(root, 0, step)
    causes = [activity_cause(name) for name in log.activities]
    own_of = np.array([CAUSE[c.own] for c in causes], dtype=np.int64)
    gap_of = np.array([CAUSE[c.gap] for c in causes], dtype=np.int64)
    counts = np.bincount(case, minlength=len(log.cases))
    hi = np.cumsum(counts)
    return Steps(
        schedule=np.where(root, complete, schedule_of[step] if ids.size else complete),
        start=np.where(root, complete, start_of[step] if ids.size else complete),
        complete=complete,
        resource=np.where(root, NO_RESOURCE, resource_of[step] if ids.size else NO_RESOURCE),
        own=own_of[activity],
        gap=gap_of[activity],
        root=root,
        lo=hi - counts,
        hi=hi,
    )


class ClosedClock:
    """Closed (unstaffed) minutes of each resource's calendar between two times.

    ``open_intervals`` are each resource's staffed intervals over the run (minutes from 0);
    time outside them is closed. A resource not in the mapping is always open.
    """

    def __init__(self, resources: Sequence[str], open_intervals: Intervals) -> None:
        self._curves: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for code, name in enumerate(resources):
            if name not in open_intervals:
                continue
            xs, closed, cursor, total = [0.0], [0.0], 0.0, 0.0
            for opens, closes in sorted(open_intervals[name]):
                a, b = max(opens, cursor), max(closes, cursor)
                total += a - cursor
                xs += [a, b]
                closed += [total, total]
                cursor = b
            xs.append(_FAR)
            closed.append(total + _FAR - cursor)
            self._curves[code] = (np.asarray(xs), np.asarray(closed))

    def between(self, resource: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Closed minutes within ``[a, b]`` (``a <= b``) of each row's resource (0 before 0)."""
        out = np.zeros(a.size)
        for code in np.unique(resource[b > a]).tolist():
            curve = self._curves.get(int(code))
            if curve is None:
                continue
            mine = resource == code
            out[mine] = np.interp(b[mine], *curve) - np.interp(a[mine], *curve)
        return np.clip(out, 0.0, b - a)


def _add(
    acc: np.ndarray,
    rows: np.ndarray,
    lows: np.ndarray,
    high: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    cause: np.ndarray,
) -> None:
    """Add each row's piece ``[a, b]``, clipped to each of its segments, to its ``cause``."""
    for j in range(lows.shape[1]):
        low = lows[:, j]
        acc[rows, j, cause] += np.clip(b, low, high) - np.clip(a, low, high)


def _walk(
    steps: Steps,
    cases: np.ndarray,
    end: np.ndarray,
    starts: np.ndarray,
    end_gap: int,
    clock: ClosedClock,
) -> np.ndarray:
    """Minutes per cause ``(case, segment, cause)`` of segments ``[starts[:, j], end]``."""
    n, k = starts.shape
    acc = np.zeros((n, k, len(CAUSES)))
    seg_lo = np.where(np.isnan(starts), end[:, None], np.minimum(starts, end[:, None]))
    rows = np.arange(n)
    t = end.copy()
    p = steps.hi[cases] - 1
    lo = steps.lo[cases]
    floor = seg_lo.min(axis=1)
    ending = np.full(n, end_gap, dtype=np.int64)
    queueing, calendar = CAUSE["queueing"], CAUSE["calendar"]
    while rows.size:
        while True:  # back to the latest step completed at or before t
            late = p >= lo
            late[late] = steps.complete[p[late]] > t[late]
            if not late.any():
                break
            p[late] -= 1
        lows, high = seg_lo[rows], end[rows]
        done = (t <= floor) | (p < lo)
        if done.any():
            _add(acc, rows[done], lows[done], high[done], np.full(int(done.sum()), -np.inf),
                 t[done], ending[done])  # fmt: skip
            go = ~done
            rows, t, p, lo, floor, ending = rows[go], t[go], p[go], lo[go], floor[go], ending[go]
            lows, high = lows[go], high[go]
            if not rows.size:
                break
        complete, start, schedule = steps.complete[p], steps.start[p], steps.schedule[p]
        _add(acc, rows, lows, high, complete, t, ending)
        _add(acc, rows, lows, high, start, complete, steps.own[p])
        resource = steps.resource[p]
        for j in range(k):
            a = np.clip(schedule, lows[:, j], high)
            b = np.clip(start, lows[:, j], high)
            closed = clock.between(resource, a, b)
            acc[rows, j, calendar] += closed
            acc[rows, j, queueing] += (b - a) - closed
        root = steps.root[p]
        if root.any():
            _add(acc, rows[root], lows[root], high[root], np.full(int(root.sum()), -np.inf),
                 schedule[root], steps.gap[p[root]])  # fmt: skip
        go = ~root
        rows, lo, floor = rows[go], lo[go], floor[go]
        ending, t, p = steps.gap[p[go]], schedule[go], p[go] - 1
    backwards = starts > end[:, None]
    if backwards.any():  # lodged ahead: the whole (negative) span is the declarant's
        acc[backwards] = 0.0
        acc[backwards, CAUSE["declarant"]] = (end[:, None] - starts)[backwards]
    return acc


def case_causes(
    log: EventLog,
    window: Window,
    open_intervals: Intervals,
    times: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per TRS segment name, minutes per cause ``(n_cases, len(CAUSES))`` of every case.

    Rows of cases not measured, or missing either milestone of the segment, are NaN; the others
    sum to the segment. ``open_intervals`` are each resource's staffed intervals over the run.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    steps = case_steps(log, measured)
    clock = ClosedClock(log.resources, open_intervals)
    out = {}
    for end_name in dict.fromkeys(end for _, end in TRS_SEGMENTS):
        segments = [start for start, end in TRS_SEGMENTS if end == end_name]
        end = times[:, MILESTONES.index(end_name)]
        cases = np.flatnonzero(measured & ~np.isnan(end))
        starts = np.stack([times[cases, MILESTONES.index(s)] for s in segments], axis=1)
        gap = CAUSE[END_GAPS[end_name]]
        acc = _walk(steps, cases, end[cases], starts, gap, clock)
        for j, start_name in enumerate(segments):
            table = np.full((len(log.cases), len(CAUSES)), np.nan)
            defined = ~np.isnan(starts[:, j])
            table[cases[defined]] = acc[defined, j]
            out[segment_name(start_name, end_name)] = table
    return out


def segment_causes(
    log: EventLog,
    window: Window,
    open_intervals: Intervals,
    times: np.ndarray | None = None,
) -> list[SegmentCause]:
    """Each flow's TRS segments split into mean hours per cause over its measured cases.

    Flows in declared order, then the flow's segments in :data:`TRS_SEGMENTS` order (a corridor
    segment only where a case of the flow recorded its start, as in the segment statistics), then
    causes in :data:`CAUSES` order; a segment no case of the flow reached has ``n`` 0 and NaN hours.
    """
    times = milestone_times(log) if times is None else times
    tables = case_causes(log, window, open_intervals, times)
    records = []
    for direction, mode, in_flow in flow_masks(log):
        for start, end in flow_segments(times, in_flow):
            name = segment_name(start, end)
            table = tables[name][in_flow]
            table = table[~np.isnan(table[:, 0])]
            n = int(table.shape[0])
            means = table.mean(axis=0) / 60.0 if n else np.full(len(CAUSES), np.nan)
            total = float(means.sum())
            for cause, mean in zip(CAUSES, means.tolist(), strict=True):
                share = mean / total if n and total != 0 else float("nan")
                records.append(SegmentCause(direction, mode, name, cause, n, mean, share))
    return records
