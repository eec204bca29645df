"""When couriers collect parcels: wave schedules, as functions from a time to the next wave.

Minute 0 of a run is midnight (scenarios start at 00:00). A chain waits for the next wave with
``Wait(activity, waves)`` (:mod:`clearsim.simulation.fastpath.chains`); the functions close over
their constants, since a peak day asks them once per parcel.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MINUTES_PER_DAY = 1440.0


def next_wave_min(now_min: float, interval_min: float, first_h: float, last_h: float) -> float:
    """Time of the first courier pickup at or after ``now_min``.

    Waves run every ``interval_min`` from ``first_h`` o'clock, none after ``last_h``; minute 0
    of the run is midnight (scenarios start at 00:00).
    """
    return courier_waves(interval_min, first_h, last_h)(now_min)


def courier_waves(interval_min: float, first_h: float, last_h: float) -> Callable[[float], float]:
    """``now -> time of the first courier pickup at or after now`` (see :func:`next_wave_min`)."""
    first_min, last_min = first_h * 60.0, last_h * 60.0
    floor, ceil = math.floor, math.ceil

    def next_wave(now_min: float) -> float:
        day = floor(now_min / MINUTES_PER_DAY) * MINUTES_PER_DAY
        first, last = day + first_min, day + last_min
        if now_min <= first:
            return first
        wave = first + ceil((now_min - first) / interval_min) * interval_min
        return wave if wave <= last else first + MINUTES_PER_DAY

    return next_wave


def pickup_waves(offset_min: float, interval_min: float) -> Callable[[float], float]:
    """``now -> time of the first courier pickup wave at or after now``.

    Waves run every ``interval_min`` from ``offset_min`` on.
    """
    ceil = math.ceil

    def next_pickup(now: float) -> float:
        waves = ceil((now - offset_min) / interval_min)
        return offset_min + (waves if waves > 0 else 0) * interval_min

    return next_pickup
