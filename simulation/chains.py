"""Chains: runs of a case's activities that nothing else in the run can change, planned at once.

Between two interactions with the rest of the run (a server, the stock, the run control), a
case often goes through delays that need no server: a data push then an automatic review; a
wait for the courier wave, the gate, the road trip. Their times are fixed as soon as the first
starts. A process version yields a timeout per delay and SimPy pays for each (an event, a heap
push and pop, a process resumption). A :class:`Chain` records the rows of the whole run at once,
with the times the process version computes (each end is its start plus its duration, as SimPy
adds them), and calls back once at each point where the case interacts
with the run again.

Rows planned ahead of the clock make the log's recording order differ from time order, so a
group's log is *settled* when its run ends (:meth:`simulation.recorder.EventLog.settle`): rows
are sorted by time, stably, and rows planned beyond the end of the run are dropped, as the
process version never reaches them. What differs from the process version is only the order of
rows at exactly equal times and the numbering of activity instances; ``tests/test_chains.py``
runs both on the same draws and compares the logs row for row otherwise.

:data:`PLAN_AHEAD` switches between the two; ``False`` replays every chain as a SimPy process,
one timeout per delay (the reference the tests compare with).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL

from simulation.facilities import COMPLETE, SCHEDULE, START
from simulation.recorder import NO_RESOURCE, EventLog

PLAN_AHEAD = True
"""Plan chains at once (True) or replay them as processes (False, the reference version)."""

Callback = Callable[[], None]
_DELAY, _MILESTONE, _CALL = range(3)


def wake_at(env: simpy.Environment, time: float) -> simpy.Event:
    """An event processed at exactly ``time`` (>= now), as a timeout ending then would be.

    ``env.timeout(time - now)`` ends at ``now + (time - now)``, which floating point does not
    always round back to ``time`` (3.497348228390933 + (7.815000241272652 - 3.497348228390933)
    is 7.815000241272653), while the process version reaches ``time`` itself: delay by delay,
    as the chain computed it. So the event goes on SimPy's queue at ``time``, with the normal
    priority and the next event id, as ``Environment.schedule`` puts a timeout.
    """
    event = simpy.Event(env)
    event._ok = True
    event._value = None
    heappush(env._queue, (time, NORMAL, next(env._eid), event))
    return event


class Chain:
    """The next activities of one case at one node, from ``start`` (now unless given).

    ``delay`` and ``milestone`` record rows at :attr:`time`, the planned time the chain has
    reached, and move it on; ``call`` runs a callback at that time (where the case touches the
    run again); ``close`` ends the planning.
    """

    __slots__ = ("_steps", "case", "env", "log", "node", "start", "time")

    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        case: int,
        node: int,
        start: float | None = None,
    ) -> None:
        self.env = env
        self.log = log
        self.case = case
        self.node = node
        self.start = self.time = env.now if start is None else start
        self._steps: list[tuple[int, Any, Any]] = []

    def delay(self, activity: int, duration: float) -> float:
        """An activity without a server from :attr:`time` for ``duration``; returns its end."""
        start = self.time
        end = self.time = start + duration
        if PLAN_AHEAD:
            emit, instance = self.log.emit, self.log.new_instance()
            case, node = self.case, self.node
            emit((case, activity, instance, SCHEDULE, start, node, NO_RESOURCE))
            emit((case, activity, instance, START, start, node, NO_RESOURCE))
            emit((case, activity, instance, COMPLETE, end, node, NO_RESOURCE))
        else:
            self._steps.append((_DELAY, activity, duration))
        return end

    def milestone(self, activity: int, node: int | None = None) -> None:
        """An instantaneous milestone at :attr:`time` (at the chain's node unless given)."""
        node = self.node if node is None else node
        if PLAN_AHEAD:
            row = (self.case, activity, self.log.new_instance(), COMPLETE, self.time, node)
            self.log.emit((*row, NO_RESOURCE))
        else:
            self._steps.append((_MILESTONE, activity, node))

    def call(self, callback: Callback) -> None:
        """Run ``callback`` at :attr:`time`, when the case interacts with the run again."""
        if PLAN_AHEAD:
            event = wake_at(self.env, self.time)
            event.callbacks.append(lambda _: callback())
        else:
            self._steps.append((_CALL, callback, None))

    def close(self) -> None:
        """Done planning (the process version starts replaying the steps now)."""
        if not PLAN_AHEAD and self._steps:
            self.env.process(self._replay())

    def _replay(self) -> Generator[simpy.Event, Any, None]:
        """The process version: one timeout per delay, each row recorded when it happens."""
        env, log, case, node = self.env, self.log, self.case, self.node
        emit = log.emit
        if env.now < self.start:  # a chain planned ahead of its start
            yield wake_at(env, self.start)
        for kind, first, second in self._steps:
            if kind == _DELAY:
                instance = log.new_instance()
                emit((case, first, instance, SCHEDULE, env.now, node, NO_RESOURCE))
                emit((case, first, instance, START, env.now, node, NO_RESOURCE))
                yield env.timeout(second)
                emit((case, first, instance, COMPLETE, env.now, node, NO_RESOURCE))
            elif kind == _MILESTONE:
                emit((case, first, log.new_instance(), COMPLETE, env.now, second, NO_RESOURCE))
            else:
                first()
