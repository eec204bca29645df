"""Everything the engine relies on in SimPy beyond its public API, in one module.

* :func:`wake_at` and :func:`schedule_at` put an event on SimPy's queue at an exact planned
  time (``Environment._queue``, ``_eid``, ``Event._ok``, ``_value``), where a timeout's float
  arithmetic would miss it;
* :class:`FacilityResource` gives ``PriorityResource`` a cheaper request queue (a
  ``SortedQueue`` subclass, through the ``PutQueue`` class attribute).

``tests/test_simpy_adapter.py`` pins the behaviour each relies on, so a SimPy upgrade that
changes it fails there first.
"""

from __future__ import annotations

import bisect
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL
from simpy.resources.resource import SortedQueue


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


class RequestQueue(SortedQueue):
    """The waiting requests of a facility, kept sorted by their key as SimPy's ``SortedQueue``.

    SimPy re-sorts its whole queue on every request; a request that sorts last (the usual case:
    same priority, later time) is appended here, any other is inserted after its equals, which
    is the order SimPy's stable sort gives, at a cost of O(log n) comparisons instead of O(n).
    """

    def append(self, item: Any) -> None:
        """Sort ``item`` into the queue (facility queues have no maximum length)."""
        if self and item.key < self[-1].key:
            bisect.insort_right(self, item, key=_key)
        else:
            list.append(self, item)


def _key(request: Any) -> Any:
    return request.key


class FacilityResource(simpy.PriorityResource):
    """SimPy's ``PriorityResource`` with a :class:`RequestQueue` (same order, cheaper inserts)."""

    PutQueue = RequestQueue
