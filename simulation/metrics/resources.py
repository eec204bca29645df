"""Resource statistics over the measurement window: staffed share, utilisation, queues, waits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsim.models.records import ResourceStat, WaitStat
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog
from clearsim.simulation.metrics.cases import Window


@dataclass(frozen=True)
class ServiceIntervals:
    """Per instance that used a resource: resource, schedule, start, complete (NaN: open)."""

    resource: np.ndarray
    schedule: np.ndarray
    start: np.ndarray
    complete: np.ndarray


def service_intervals(log: EventLog) -> ServiceIntervals:
    """Pair the lifecycle rows of every instance that queued for a resource."""
    cols = log.columns()
    uses = cols["resource"] != NO_RESOURCE
    instance = cols["instance"][uses]
    if instance.size == 0:
        empty = np.empty(0)
        return ServiceIntervals(np.empty(0, dtype=np.int64), empty, empty, empty)
    # Instance ids are counters: number the used ones in increasing order through a lookup
    # table (what np.unique gives, without sorting a million-row column of 8-byte positions).
    used = np.zeros(int(instance.max()) + 1, dtype=bool)
    used[instance] = True
    ids = np.flatnonzero(used)
    del used
    lookup = np.empty(int(ids[-1]) + 1, dtype=np.int32)
    lookup[ids] = np.arange(ids.size, dtype=np.int32)
    index = lookup[instance]
    del lookup, instance
    resource = np.full(ids.size, NO_RESOURCE, dtype=np.int64)
    resource[index] = cols["resource"][uses]
    columns = [np.full(ids.size, np.nan) for _ in range(3)]
    lifecycle, time = cols["lifecycle"][uses], cols["time"][uses]
    for phase, column in enumerate(columns):
        at = lifecycle == phase
        column[index[at]] = time[at]
    return ServiceIntervals(resource, *columns)


def _clipped(a: np.ndarray, b: np.ndarray, window: Window) -> np.ndarray:
    """Overlap of intervals [a, b) with the window (open ends run to the window's end)."""
    b = np.where(np.isnan(b), window.end_min, b)
    low, high = np.maximum(a, window.start_min), np.minimum(b, window.end_min)
    overlap: np.ndarray = np.clip(high - low, 0.0, None)
    return overlap


def staffed_server_minutes(
    capacity: int, open_intervals: list[tuple[float, float]], window: Window
) -> float:
    """Server-minutes the calendar staffs within the window (``capacity`` servers while open).

    From the calendar, not from when servers actually left: a service that overruns closing time
    is busy time beyond the staffed time, as in the offered utilisation ``clearsim validate``
    prints (offered work over the calendar's staffed capacity).
    """
    open_min = sum(
        max(0.0, min(b, window.end_min) - max(a, window.start_min)) for a, b in open_intervals
    )
    return capacity * open_min


def _max_queue(schedule: np.ndarray, start: np.ndarray, window: Window) -> int:
    start = np.where(np.isnan(start), np.inf, start)
    times = np.concatenate([schedule, start])
    steps = np.concatenate([np.ones(schedule.size), -np.ones(start.size)])
    order = np.lexsort((steps, times))  # at equal times leave before joining
    level = np.cumsum(steps[order])
    inside = (times[order] >= window.start_min) & (times[order] < window.end_min)
    before = level[times[order] < window.start_min]
    at_start = int(before[-1]) if before.size else 0
    return int(max(at_start, level[inside].max(initial=0)))


def _peak_in_use(start: np.ndarray, complete: np.ndarray, window: Window) -> int:
    """Most services in progress at once in the window (held servers: slots, positions)."""
    started = ~np.isnan(start)
    start, complete = start[started], complete[started]
    complete = np.where(np.isnan(complete), np.inf, complete)
    return _max_queue(start, complete, window)


def resource_stats(
    log: EventLog,
    capacities: dict[str, int],
    window: Window,
    open_intervals: dict[str, list[tuple[float, float]]],
    intervals: ServiceIntervals | None = None,
) -> list[ResourceStat]:
    """Utilisation (two estimators), queue length and wait of every resource in the window.

    ``open_intervals`` are each resource's staffed intervals by its calendar (simulated minutes).
    ``utilisation`` is busy server-minutes over the calendar's staffed server-minutes
    (:func:`staffed_server_minutes`; work that overruns closing time can take it above the
    staffed share's 100%). ``utilisation_check``
    estimates the same by Little's law on the servers, from counts rather than busy time: visits
    that joined the queue in the window times the mean duration of services that started in it,
    over staffed server-minutes. The two differ by how the backlog and the services in progress
    change across the window, so a gap between them flags a window too short for steady state.
    """
    if intervals is None:
        intervals = service_intervals(log)
    stats = []
    for name, capacity in capacities.items():
        code = log.resource(name)
        mine = intervals.resource == code
        sched, start, comp = (
            intervals.schedule[mine],
            intervals.start[mine],
            intervals.complete[mine],
        )
        available = staffed_server_minutes(capacity, open_intervals[name], window)
        started = ~np.isnan(start)
        busy = float(_clipped(start[started], comp[started], window).sum())
        in_window = started & (start >= window.start_min) & (start < window.end_min)
        done = in_window & ~np.isnan(comp)
        joined = int(((sched >= window.start_min) & (sched < window.end_min)).sum())
        mean_service = float((comp[done] - start[done]).mean()) if done.any() else float("nan")
        waiting = float(_clipped(sched, start, window).sum())
        queued = (sched >= window.start_min) & (sched < window.end_min) & started
        waits = start[queued] - sched[queued]
        served = int(((comp >= window.start_min) & (comp < window.end_min)).sum())
        stats.append(
            ResourceStat(
                resource=name,
                capacity=capacity,
                available_fraction=available / (capacity * window.length_min),
                utilisation=busy / available if available > 0 else float("nan"),
                utilisation_check=(
                    (joined * mean_service / available if joined else 0.0)
                    if available > 0
                    else float("nan")
                ),
                mean_queue_length=waiting / window.length_min,
                mean_wait_min=float(waits.mean()) if waits.size else float("nan"),
                max_queue_length=_max_queue(sched, start, window),
                served=served,
                wait_probability=float((waits > 0).mean()) if waits.size else float("nan"),
                peak_in_use=float(_peak_in_use(start, comp, window)),
            )
        )
    return stats


@dataclass(frozen=True)
class Waits:
    """Queue waits at one resource: the case, the queue-entry time and the wait of each visit."""

    case: np.ndarray
    schedule: np.ndarray
    wait: np.ndarray


def resource_waits(log: EventLog, resource: str) -> Waits:
    """Every visit to ``resource`` that started service, with its wait (minutes)."""
    cols = log.columns()
    code = log.resource(resource)
    mine = cols["resource"] == code
    case, instance = cols["case"][mine], cols["instance"][mine]
    lifecycle, time = cols["lifecycle"][mine], cols["time"][mine]
    scheduled = lifecycle == 0
    started = lifecycle == 1
    start_of = dict(zip(instance[started].tolist(), time[started].tolist(), strict=True))
    keep = [i for i, inst in enumerate(instance[scheduled].tolist()) if inst in start_of]
    sched_case, sched_time = case[scheduled][keep], time[scheduled][keep]
    starts = np.array([start_of[inst] for inst in instance[scheduled][keep].tolist()], dtype=float)
    return Waits(sched_case, sched_time, starts - sched_time)


def wait_stats(log: EventLog, window: Window) -> list[WaitStat]:
    """Waits per (resource, activity, class of case) of the visits that joined in the window.

    Rows are in order of resource, activity and class; a group whose visits none started service
    in the run is left out, as :func:`resource_stats` leaves them out of ``mean_wait_min``.
    """
    cols = log.columns()
    uses = cols["resource"] != NO_RESOURCE
    lifecycle = cols["lifecycle"][uses]
    instance, time = cols["instance"][uses], cols["time"][uses]
    joined, began = lifecycle == 0, lifecycle == 1
    if not began.any():
        return []
    # Each queue entry's start: the start row of the same instance, found by binary search.
    order = np.argsort(instance[began], kind="stable")
    started_instances, start_times = instance[began][order], time[began][order]
    queued_instances = instance[joined]
    at = np.minimum(np.searchsorted(started_instances, queued_instances), order.size - 1)
    started = started_instances[at] == queued_instances
    schedule = time[joined]
    keep = started & (schedule >= window.start_min) & (schedule < window.end_min)
    waits = start_times[at[keep]] - schedule[keep]
    resource = cols["resource"][uses][joined][keep]
    activity = cols["activity"][uses][joined][keep]
    case_class = np.asarray(log.cases.case_class, dtype=object)[cols["case"][uses][joined][keep]]
    groups: dict[tuple[str, str, str], list[float]] = {}
    for r, a, c, w in zip(
        resource.tolist(), activity.tolist(), case_class.tolist(), waits.tolist(), strict=True
    ):
        groups.setdefault((log.resources[r], log.activities[a], c), []).append(w)
    return [
        WaitStat(
            resource=r,
            activity=a,
            case_class=c,
            visits=len(values),
            mean_wait_min=float(np.mean(values)),
            wait_probability=float(np.mean(np.asarray(values) > 0)),
        )
        for (r, a, c), values in sorted(groups.items())
    ]
