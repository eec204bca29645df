"""Shift calendars turned into closed intervals of simulated minutes."""

from __future__ import annotations

from datetime import datetime

from clearsim.models.calendars import MINUTES_PER_DAY, MINUTES_PER_WEEK, AlwaysOpen, Calendar


def week_offset_min(start: datetime) -> float:
    """Minutes from the Monday 00:00 before ``start`` to ``start``."""
    return start.weekday() * MINUTES_PER_DAY + start.hour * 60 + start.minute + start.second / 60


def open_intervals(
    calendar: Calendar, start: datetime, until_min: float
) -> list[tuple[float, float]]:
    """Merged staffed intervals of simulated minutes within ``[0, until_min)``."""
    if isinstance(calendar, AlwaysOpen):
        return [(0.0, until_min)]
    offset = week_offset_min(start)
    windows = calendar.week_windows()
    intervals: list[tuple[float, float]] = []
    week_start = -offset
    while week_start < until_min:
        for open_at, close_at in windows:
            a, b = max(0.0, week_start + open_at), min(until_min, week_start + close_at)
            if a < b:
                if intervals and intervals[-1][1] >= a:
                    intervals[-1] = (intervals[-1][0], max(intervals[-1][1], b))
                else:
                    intervals.append((a, b))
        week_start += MINUTES_PER_WEEK
    return intervals


def closed_intervals(
    calendar: Calendar, start: datetime, until_min: float
) -> list[tuple[float, float]]:
    """Unstaffed intervals within ``[0, until_min)``: the complement of :func:`open_intervals`."""
    closed: list[tuple[float, float]] = []
    cursor = 0.0
    for a, b in open_intervals(calendar, start, until_min):
        if a > cursor:
            closed.append((cursor, a))
        cursor = b
    if cursor < until_min:
        closed.append((cursor, until_min))
    return closed
