"""Chains: runs of a case's activities that nothing else in the run can change, planned at once.

Between two interactions with the rest of the run (a server, the stock, the run control's
count of measured cases), a case often goes through delays that need no server: a data push
then an automatic review; a wait for the courier wave, the gate, the road trip. Their times are
fixed as soon as the first starts. A process version yields a timeout per delay and SimPy pays
for each (an event, a heap push and pop, a process resumption), and the log pays for each row.

A :class:`Chain` is the shape of such a run, compiled once where a process is set up: its delays and
milestones at one node, and what the case does to the run's counts on the way (its exit from the
customs area with a trip, its finish). A chain may start by joining a computed FIFO line
(:class:`Serve`, :mod:`clearsim.simulation.fastpath.computed_line`), whose job's start and end are
known the moment it joins: the release, the picking and everything up to the delivery of an order
are then one planned run. :meth:`Chain.run` plans one case's run from its start and the durations of
its delays. It computes the times the delays reach one by one (each end its start plus its duration,
as SimPy adds them), appends them to the chain's template and appends one placeholder row to the
log; when the log packs its rows, the placeholder becomes the run's rows in its place
(:class:`clearsim.simulation.log.row_store.RowTemplate`), so rows of equal time keep the order they
were recorded in, a run's rows counting as recorded when it was planned. The exit and the finish are
booked with the run control, the trip with the router, at their planned times; the run's counts take
those at or before the run's end. The one event a chain may cost is ``then``, a callback at the end
of the run, where the case touches the run again.

Rows planned ahead of the clock make the log's recording order differ from time order, so a group's
log is *settled* when its run ends (:meth:`clearsim.simulation.log.recorder.EventLog.settle`): rows
are sorted by time, stably, and rows planned beyond the end of the run are dropped, as the process
version never reaches them. What differs from the process version is only the order of rows at
exactly equal times and the numbering of activity instances; the reference models' tests
(``tests/test_reference_models.py`` and one per kind) run both on the same draws and compare the
logs row for row otherwise.

Chains are the fast path only (``EngineOptions.fast_path``): with the option off, or where a line's
facility is shared, a process runs its reference model, which requests the servers itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np
import simpy

from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.simpy_adapter import wake_at
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog
from clearsim.simulation.log.row_store import PACK_EVERY_INSTANCES, PLANNED, ROW_DTYPE, RowTemplate

Then = Callable[[Any], None]
"""A callback at the end of a run; it is given the event that woke it."""


@dataclass(frozen=True, slots=True)
class Delay:
    """An activity without a server: scheduled and started at once, complete after its duration."""

    activity: int


@dataclass(frozen=True, slots=True)
class Wait:
    """A delay until the time ``until`` gives for the time it starts (a courier wave, say)."""

    activity: int
    until: Callable[[float], float]


@dataclass(frozen=True, slots=True)
class Milestone:
    """An instantaneous milestone, at the chain's node unless ``node`` is given."""

    activity: int
    node: int | None = None


@dataclass(frozen=True, slots=True)
class Serve:
    """Join a FIFO line and be served, before the chain's first delay.

    The case joins at the chain's start, which must be now: a line takes its jobs in the order
    they join.
    """

    line: ComputedLine
    activity: int


@dataclass(frozen=True, slots=True)
class Exit:
    """The case leaves the customs area (the run control's exit)."""


@dataclass(frozen=True, slots=True)
class Trip:
    """A trip from ``source`` to ``target`` starts (the router counts it)."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Finish:
    """The case has done everything it will do (its finished flag; the run control's finish)."""


Step = Delay | Wait | Milestone | Serve | Exit | Trip | Finish
__all__ = [
    "Chain",
    "Delay",
    "Exit",
    "Finish",
    "Milestone",
    "Serve",
    "Step",
    "Trip",
    "Wait",
    "wake_at",
]


class Chain:
    """The shape of a run of one case's activities at ``node``: its steps, compiled once.

    ``steps`` holds at most one :class:`Serve`, :class:`Exit`, :class:`Trip` and
    :class:`Finish`. Its line, if any, is a computed line: the job's start and end are known
    when it joins.
    """

    __slots__ = (
        "_control",
        "_emit",
        "_exit_index",
        "_exits",
        "_finish_index",
        "_line",
        "_log",
        "_pending",
        "_router",
        "_timed",
        "_trip_index",
        "_trips",
        "_wait_first",
        "code",
        "env",
        "node",
        "steps",
    )

    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        control: RunControl,
        router: Router,
        node: int,
        steps: Sequence[Step],
    ) -> None:
        self.env = env
        self.node = node
        self.steps = tuple(steps)
        self._log, self._emit, self._control, self._router = log, log.emit, control, router
        # activity, lifecycle, node, resource, time, instance of each row
        rows: list[tuple[int, int, int, int, int, int]] = []
        point = instance = 0
        self._exit_index: int | None = None
        self._trip_index: int | None = None
        self._finish_index: int | None = None
        self._line: ComputedLine | None = None
        timed: list[Callable[[float], float] | None] = []  # after the line: None for a delay
        trip: Trip | None = None
        for step in self.steps:
            if isinstance(step, Delay | Wait):
                rows.append((step.activity, SCHEDULE, node, NO_RESOURCE, point, instance))
                rows.append((step.activity, START, node, NO_RESOURCE, point, instance))
                rows.append((step.activity, COMPLETE, node, NO_RESOURCE, point + 1, instance))
                timed.append(step.until if isinstance(step, Wait) else None)
                point += 1
                instance += 1
            elif isinstance(step, Milestone):
                at = node if step.node is None else step.node
                rows.append((step.activity, COMPLETE, at, NO_RESOURCE, point, instance))
                instance += 1
            elif isinstance(step, Serve):
                if point or self._line is not None:
                    raise ValueError("a chain joins one line, at its start (before any delay)")
                if not isinstance(step.line, ComputedLine):
                    raise ValueError("a chain's line is a computed line (its facility its alone)")
                self._line, facility = step.line, step.line.facility
                at, code = facility.node, facility.code
                rows.append((step.activity, SCHEDULE, at, code, 0, instance))
                rows.append((step.activity, START, at, code, 1, instance))
                rows.append((step.activity, COMPLETE, at, code, 2, instance))
                point = 2
                instance += 1
            elif isinstance(step, Exit):
                if self._exit_index is not None:
                    raise ValueError("a chain exits at most once")
                self._exit_index = point
            elif isinstance(step, Trip):
                if trip is not None:
                    raise ValueError("a chain starts at most one trip")
                self._trip_index, trip = point, step
            else:
                if self._finish_index is not None:
                    raise ValueError("a chain finishes at most once")
                self._finish_index = point
        # Waits make the times a loop, but for the usual shape: one wait, before any delay.
        waits = [i for i, until in enumerate(timed) if until is not None]
        self._wait_first = timed[0] if waits == [0] else None
        self._timed = tuple(timed) if waits and waits != [0] else None
        columns = list(zip(*rows, strict=True)) if rows else [()] * 6
        template = RowTemplate(
            activity=np.array(columns[0], dtype=ROW_DTYPE["activity"]),
            lifecycle=np.array(columns[1], dtype=ROW_DTYPE["lifecycle"]),
            node=np.array(columns[2], dtype=ROW_DTYPE["node"]),
            resource=np.array(columns[3], dtype=ROW_DTYPE["resource"]),
            time_index=np.array(columns[4], dtype=np.intp),
            instance_index=np.array(columns[5], dtype=np.intp),
            instances=instance,
            times=point + 1,
        )
        self.code, self._pending = log.plan_template(template)
        self._exits = control.exit_times if self._exit_index is not None else None
        self._trips = router.planned_trips(trip.source, trip.target) if trip else None

    def run(
        self,
        case: int,
        start: float,
        durations: Sequence[float],
        measured: bool = False,
        then: Then | None = None,
    ) -> float:
        """Plan ``case``'s run from ``start`` with its delays' ``durations``.

        ``start`` is now or later, or before the run's start for a run that began in the past
        (a list lodged in advance: its rows then lie before the clock until the log is settled).
        A chain that joins a line starts now, and its first duration is the service's; a
        :class:`Wait` takes no duration. ``measured`` is the case's flag for the run control's
        finish; ``then`` is called at the run's end, which must not be past. Returns the time the
        run ends.
        """
        times = self._times(start, durations)
        pending = self._pending
        pending.append(times)
        self._emit((case, self.code, 0, PLANNED, start, self.node, NO_RESOURCE))
        if self._exits is not None:
            self._exits.append(times[self._exit_index])  # type: ignore[index]
        if self._trips is not None:
            self._trips.append(times[self._trip_index])  # type: ignore[index]
        if self._finish_index is not None:
            self._control.finish_at(case, times[self._finish_index], measured)
        if then is not None:
            wake_at(self.env, times[-1]).callbacks.append(then)
        if len(pending) >= PACK_EVERY_INSTANCES:
            self._log.pack()
        return times[-1]

    def _times(self, start: float, durations: Sequence[float]) -> tuple[float, ...]:
        """The run's start, the line's start and end, then the end of each delay in turn.

        Each end is the previous time plus the duration, as SimPy adds a timeout to its clock;
        a wait lasts ``until(t) - t`` from the time ``t`` it starts.
        """
        line, timed, wait = self._line, self._timed, self._wait_first
        if line is None:
            if wait is not None:
                waited = start + (wait(start) - start)
                return (start, *accumulate(durations, initial=waited))
            if timed is None:
                return tuple(accumulate(durations, initial=start))
            times, time, rest = [start], start, iter(durations)
        else:
            if start != self.env.now:
                raise ValueError(
                    f"a chain that joins a line starts now ({self.env.now}), not {start}"
                )
            served, time = line.assign(start, durations[0])
            if wait is not None:
                waited = time + (wait(time) - time)
                return (start, served, time, *accumulate(durations[1:], initial=waited))
            if timed is None:
                return (start, served, *accumulate(durations[1:], initial=time))
            times, rest = [start, served, time], iter(durations[1:])
        for until in timed:
            time = time + next(rest) if until is None else time + (until(time) - time)
            times.append(time)
        return tuple(times)
