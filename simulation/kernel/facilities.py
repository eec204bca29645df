"""Stateful facilities: pools of servers with shift calendars, and the two ways a case uses time.

A facility is a SimPy ``PriorityResource``. Off-shift periods are modelled by blocker requests of
top priority that take every server when its current job ends (work in progress finishes: the
shift runs over) and give them back when the shift starts; waiting work stays queued for the next
shift. Blocker holdings are recorded in the log's capacity rows, never as events of a case.

A case uses time by :func:`serve` (a server) or :func:`delay` (none), and marks an instant by
:func:`milestone`. Work that began before the clock (a declaration lodged in advance before the
run's start) is recorded at its own time by :func:`milestone_at` and :func:`delay_since`: its
rows lie in the past until the log is settled into time order
(:meth:`clearsim.simulation.log.recorder.EventLog.settle`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

import simpy

from clearsim.models.vocabulary import Lifecycle
from clearsim.simulation.kernel.simpy_adapter import FacilityResource, wake_at
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog

BLOCKER_PRIORITY = -1
"""Priority of off-shift blockers; case priorities are >= 0 (lower goes first)."""

SCHEDULE, START, COMPLETE = int(Lifecycle.SCHEDULE), int(Lifecycle.START), int(Lifecycle.COMPLETE)
Process = Generator[simpy.Event, Any, None]
TimedProcess = Generator[simpy.Event, Any, float]
"""A step that returns the time it ended (which may lie before now)."""


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
        "preemptible",
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
        self.preemptible: list[Any] = []
        """Jobs in service that a higher-priority customer may interrupt (preemptive stages)."""
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


def milestone_at(log: EventLog, case: int, activity: int, node: int, time_min: float) -> None:
    """Record a milestone at ``time_min``, now or before (e.g. an advance lodgement)."""
    log.emit((case, activity, log.new_instance(), COMPLETE, time_min, node, NO_RESOURCE))


def delay_since(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    activity: int,
    node: int,
    start_min: float,
    duration: float,
) -> TimedProcess:
    """A :func:`delay` that began at ``start_min``, now or before; returns the time it ends.

    Begun now, it is :func:`delay`. Begun in the past (a screening after a lodgement before the
    run's start), its schedule and start are recorded at ``start_min`` and its complete at
    ``start_min + duration``: at once if that is past too, else when the clock reaches it.
    """
    if start_min > env.now:
        raise ValueError(f"a delay since minute {start_min} has not begun at {env.now}")
    if start_min == env.now:
        yield from delay(env, log, case, activity, node, duration)
        return env.now
    emit, instance, end = log.emit, log.new_instance(), start_min + duration
    emit((case, activity, instance, SCHEDULE, start_min, node, NO_RESOURCE))
    emit((case, activity, instance, START, start_min, node, NO_RESOURCE))
    if end > env.now:
        yield wake_at(env, end)  # exactly ``end``, as a chain planned from ``start_min`` has it
    emit((case, activity, instance, COMPLETE, end, node, NO_RESOURCE))
    return end
