"""Stateful facilities: pools of servers with shift calendars, and the two ways a case uses time.

A facility is a SimPy ``PriorityResource``. Off-shift periods are modelled by blocker requests of
top priority that take every server when its current job ends (work in progress finishes: the
shift runs over) and give them back when the shift starts; waiting work stays queued for the next
shift. Blocker holdings are recorded in the log's capacity rows, never as events of a case.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

import simpy

from clearsim.models.vocabulary import Lifecycle
from clearsim.simulation.kernel.simpy_adapter import FacilityResource
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog

BLOCKER_PRIORITY = -1
"""Priority of off-shift blockers; case priorities are >= 0 (lower goes first)."""

SCHEDULE, START, COMPLETE = int(Lifecycle.SCHEDULE), int(Lifecycle.START), int(Lifecycle.COMPLETE)
Process = Generator[simpy.Event, Any, None]


class ShiftKeeper(Protocol):
    """What takes over a facility's shift changes (a computed line)."""

    def settle_shifts(self, end_min: float) -> None:
        """Record the shift changes up to ``end_min`` that no job has recorded yet."""


class Facility:
    """A pool of identical servers at a site, staffed by a calendar.

    ``closed`` lists the off-shift intervals and ``shift_starts`` when the blockers of each
    closure are created (as SimPy's clock reaches it, timeout after timeout). A line that
    computes its jobs instead of requesting servers claims the facility before the run starts
    (:meth:`claim`): the blockers then never request, and the line records the shift changes.
    """

    __slots__ = (
        "_keeper",
        "capacity",
        "closed",
        "code",
        "name",
        "node",
        "request",
        "resource",
        "shift_starts",
    )

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        capacity: int,
        node: int,
        log: EventLog,
        closed: list[tuple[float, float]],
    ) -> None:
        self.name = name
        self.capacity = capacity
        self.code = log.resource(name)
        self.node = node
        self.resource = FacilityResource(env, capacity=capacity)
        # SimPy binds ``resource.request`` anew on every access; bind it once.
        self.request = self.resource.request
        self.closed = tuple(closed)
        self._keeper: ShiftKeeper | None = None
        starts, now = [], env.now
        for start, _ in closed:
            if start > now:
                now = now + (start - now)  # where the shift-change process's timeout ends
            starts.append(now)
        self.shift_starts = tuple(starts)
        if closed and closed[0][0] <= env.now:
            # Closed from the start: block now, before any process created later can request.
            for _ in range(capacity):
                env.process(self._off_shift(env, closed[0][1], log))
            closed = closed[1:]
        if closed:
            env.process(self._shift_changes(env, closed, log))

    def claim(self, keeper: ShiftKeeper) -> None:
        """Hand the shift changes to ``keeper``, which serves every job itself (before the run)."""
        if self._keeper is not None:
            raise RuntimeError(f"facility {self.name!r} is claimed twice")
        self._keeper = keeper

    def settle(self, end_min: float) -> None:
        """The run ended at ``end_min``: a keeper records the shift changes it has not yet."""
        if self._keeper is not None:
            self._keeper.settle_shifts(end_min)

    def _shift_changes(
        self, env: simpy.Environment, closed: list[tuple[float, float]], log: EventLog
    ) -> Process:
        if self._keeper is not None:
            return
        for start, end in closed:
            if start > env.now:
                yield env.timeout(start - env.now)
            for _ in range(self.capacity):
                env.process(self._off_shift(env, end, log))

    def _off_shift(self, env: simpy.Environment, end: float, log: EventLog) -> Process:
        if self._keeper is not None:
            return
        with self.resource.request(priority=BLOCKER_PRIORITY) as request:
            yield request
            log.capacity_rows.append((env.now, self.code, -1))
            if env.now < end:
                yield env.timeout(end - env.now)
            log.capacity_rows.append((env.now, self.code, +1))


def serve(
    env: simpy.Environment,
    facility: Facility,
    log: EventLog,
    case: int,
    activity: int,
    duration: float,
    priority: int = 1,
) -> Process:
    """Queue for ``facility``, hold one server for ``duration``, recording the three lifecycles."""
    node, code, emit, instance = facility.node, facility.code, log.emit, log.new_instance()
    emit((case, activity, instance, SCHEDULE, env.now, node, code))
    with facility.request(priority=priority) as request:
        yield request
        emit((case, activity, instance, START, env.now, node, code))
        yield env.timeout(duration)
        emit((case, activity, instance, COMPLETE, env.now, node, code))


def delay(
    env: simpy.Environment, log: EventLog, case: int, activity: int, node: int, duration: float
) -> Process:
    """An activity that needs no server: scheduled and started now, complete after ``duration``."""
    emit, instance, now = log.emit, log.new_instance(), env.now
    emit((case, activity, instance, SCHEDULE, now, node, NO_RESOURCE))
    emit((case, activity, instance, START, now, node, NO_RESOURCE))
    yield env.timeout(duration)
    emit((case, activity, instance, COMPLETE, env.now, node, NO_RESOURCE))


def milestone(env: simpy.Environment, log: EventLog, case: int, activity: int, node: int) -> None:
    """Record an instantaneous milestone (a single complete)."""
    log.emit((case, activity, log.new_instance(), COMPLETE, env.now, node, NO_RESOURCE))
