"""Resources over time: utilisation by clock hour and queue length by time bin.

Both are integrals of step functions (servers busy, servers held off shift, visits waiting)
over bins, taken from the event log's service intervals and capacity rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from clearsim.models.records import ResourceProfile
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window
from clearsim.simulation.metrics.resources import ServiceIntervals, service_intervals

MAX_QUEUE_BINS = 720
"""Queue-length series keep at most this many bins (hourly up to 30 days)."""
DAY_MIN = 1440.0
BIN_WIDTHS_MIN = (60.0, 120.0, 180.0, 240.0, 360.0, 480.0, 720.0, 1440.0)
"""Queue bin widths that divide a day, so that bins add up to days; longer runs use whole days."""
DECIMALS = 3


def step_integral(times: np.ndarray, steps: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``I(t) = integral from -inf to t`` of a level that starts at 0 and changes by ``steps``.

    ``times`` and ``steps`` are the changes (any order; NaN times are dropped), ``at`` the
    points where the integral is wanted.
    """
    keep = ~np.isnan(times)
    order = np.argsort(times[keep], kind="stable")
    t, level = times[keep][order], np.cumsum(steps[keep][order])
    if t.size == 0:
        return np.zeros(at.shape)
    integral = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(t))])
    k = np.searchsorted(t, at, side="right") - 1
    before = k < 0
    k = np.clip(k, 0, None)
    values: np.ndarray = np.where(before, 0.0, integral[k] + level[k] * (at - t[k]))
    return values


def queue_bin_min(horizon_min: float) -> float:
    """The narrowest bin dividing a day (or whole days) giving at most :data:`MAX_QUEUE_BINS`."""
    for width in BIN_WIDTHS_MIN:
        if horizon_min / width <= MAX_QUEUE_BINS:
            return width
    return DAY_MIN * math.ceil(horizon_min / DAY_MIN / MAX_QUEUE_BINS)


def resource_profiles(
    log: EventLog,
    capacities: Mapping[str, int],
    window: Window,
    clock_offset_min: float,
    open_periods: Mapping[str, Sequence[tuple[float, float]]] | None = None,
    intervals: ServiceIntervals | None = None,
) -> tuple[ResourceProfile, ...]:
    """Each resource's utilisation by clock hour (window) and queue length by bin (0..horizon).

    ``clock_offset_min`` is the scenario start's minutes after local midnight, so simulated
    minute ``t`` falls in clock hour ``floor((t + offset) / 60) mod 24``. Staffed time is the
    resource's scheduled open periods (``open_periods``; always open when a resource has none)
    times its capacity: an hour never scheduled open is NaN even when a service ran past
    closing into it, and an hour a shift ends in can pass 1 by such overruns.
    """
    if intervals is None:
        intervals = service_intervals(log)
    edges = _clock_hour_edges(window, clock_offset_min)
    hour_of_bin = (np.floor((edges[:-1] + clock_offset_min) / 60.0).astype(np.int64)) % 24
    bin_min = queue_bin_min(window.end_min)
    queue_edges = np.append(np.arange(0.0, window.end_min, bin_min), window.end_min)
    profiles = []
    for name, capacity in capacities.items():
        code = log.resource(name)
        mine = intervals.resource == code
        busy = np.diff(_busy_integral(intervals, mine, edges))
        periods = (open_periods or {}).get(name)
        staffed = capacity * (np.diff(edges) if periods is None else _open_minutes(periods, edges))
        busy_by_hour = np.bincount(hour_of_bin, weights=busy, minlength=24)
        staffed_by_hour = np.bincount(hour_of_bin, weights=staffed, minlength=24)
        with np.errstate(invalid="ignore", divide="ignore"):
            by_hour = np.where(staffed_by_hour > 1e-9, busy_by_hour / staffed_by_hour, np.nan)
        waiting = _waiting_integral(intervals, mine, queue_edges)
        profiles.append(
            ResourceProfile(
                resource=name,
                utilisation_by_hour=tuple(np.round(by_hour, DECIMALS).tolist()),
                bin_min=bin_min,
                queue_length=tuple(
                    np.round(np.diff(waiting) / np.diff(queue_edges), DECIMALS).tolist()
                ),
            )
        )
    return tuple(profiles)


def _clock_hour_edges(window: Window, clock_offset_min: float) -> np.ndarray:
    """The window's start, every clock hour inside it, and its end (simulated minutes)."""
    first = math.ceil((window.start_min + clock_offset_min) / 60.0) * 60.0 - clock_offset_min
    inner = np.arange(first, window.end_min, 60.0)
    inner = inner[inner > window.start_min]
    return np.concatenate([[window.start_min], inner, [window.end_min]])


def _busy_integral(intervals: ServiceIntervals, mine: np.ndarray, at: np.ndarray) -> np.ndarray:
    start, complete = intervals.start[mine], intervals.complete[mine]
    steps = np.concatenate([np.ones(start.size), -np.ones(complete.size)])
    return step_integral(np.concatenate([start, complete]), steps, at)


def _waiting_integral(intervals: ServiceIntervals, mine: np.ndarray, at: np.ndarray) -> np.ndarray:
    schedule, start = intervals.schedule[mine], intervals.start[mine]
    steps = np.concatenate([np.ones(schedule.size), -np.ones(start.size)])
    return step_integral(np.concatenate([schedule, start]), steps, at)


def _open_minutes(periods: Sequence[tuple[float, float]], edges: np.ndarray) -> np.ndarray:
    """Minutes of each bin between ``edges`` inside the open periods."""
    starts = np.array([a for a, _ in periods], dtype=float)
    ends = np.array([b for _, b in periods], dtype=float)
    steps = np.concatenate([np.ones(starts.size), -np.ones(ends.size)])
    minutes: np.ndarray = np.diff(step_integral(np.concatenate([starts, ends]), steps, edges))
    return minutes
