"""An event at an exact planned time, where a timeout's float arithmetic would miss it."""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL


def wake_at(env: simpy.Environment, time: float) -> simpy.Event:
    """An event processed at exactly ``time`` (>= now), as a timeout ending then would be.

    ``env.timeout(time - now)`` ends at ``now + (time - now)``, which floating point does not
    always round back to ``time`` (3.497348228390933 + (7.815000241272652 - 3.497348228390933)
    is 7.815000241272653), while the process version reaches ``time`` itself: delay by delay,
    as a chain computed it. So the event goes on SimPy's queue at ``time``, with the normal
    priority and the next event id, as ``Environment.schedule`` puts a timeout.
    """
    event = simpy.Event(env)
    schedule_at(env, event, time)
    return event


def schedule_at(env: simpy.Environment, event: simpy.Event, time: float) -> None:
    """Trigger the pending ``event`` so that it is processed at exactly ``time`` (>= now)."""
    event._ok = True
    event._value = None
    heappush(env._queue, (time, NORMAL, next(env._eid), event))
