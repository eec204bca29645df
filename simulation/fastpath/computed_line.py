"""A FIFO line whose jobs are computed as they join: start and end known at the join.

In a first-come-first-served line in front of c identical servers that nothing else requests, a
job's start depends only on the jobs that joined before it: it takes the server that frees first,
once it has joined (the Kiefer-Wolfowitz recursion). So when a job joins, its start and end are
computed at once and its three rows planned (:mod:`clearsim.simulation.fastpath.chains`): no feeder
process, request or timeout. A job that hands over to a callback or an event costs one event, at its
end; a chain that goes on without anyone else plans its next steps from the job's end.

Shift closures are computed as the facility's blockers
(:mod:`clearsim.simulation.kernel.facilities`) take the servers: a server is off from the closure's
start (:attr:`Facility.shift_starts`), or from the end of its job in progress if that is later,
until ``ref + (end - ref)`` (the blocker's timeout), and its next job starts then. Each off and on
is a capacity row, as the blocker records it; rows of shift changes that no job has reached yet are
recorded when the run ends (:meth:`ComputedLine.settle_shifts`), and rows past the end are dropped
with the log's.

The line claims its facility, whose blockers then never request. It is for facilities that one role
of one process uses (``ProcessContext.exclusive_resources``); ``tests/test_chains.py`` compares it
with the feeder line (:class:`clearsim.simulation.fastpath.fifo_line.FifoLine`) row for row, shift
changes included.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush

import numpy as np
import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility
from clearsim.simulation.kernel.simpy_adapter import wake_at
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.log.row_store import PACK_EVERY_INSTANCES, PLANNED, ROW_DTYPE, RowTemplate


class ComputedLine:
    """One FIFO queue of equal-priority jobs in front of every server of ``facility``, computed.

    The same interface as :class:`~clearsim.simulation.fastpath.fifo_line.FifoLine` (:meth:`serve`,
    :meth:`serve_then`), and :meth:`assign` for chains that plan past the job.
    """

    __slots__ = (
        "_closures",
        "_emit",
        "_env",
        "_free",
        "_last_join",
        "_log",
        "_next_closure",
        "_templates",
        "facility",
    )

    def __init__(self, env: simpy.Environment, facility: Facility, log: EventLog) -> None:
        facility.claim(self)
        self._env = env
        self._log = log
        self._emit = log.emit
        self.facility = facility
        self._closures = tuple(
            (start, end)
            for start, (_, end) in zip(facility.shift_starts, facility.closed, strict=True)
        )
        # (time the server is free, server): the first to free takes the next job.
        self._free = [(env.now, server) for server in range(facility.capacity)]
        self._next_closure = [0] * facility.capacity
        self._last_join = env.now
        self._templates: dict[int, tuple[int, list[tuple[float, ...]]]] = {}

    def assign(self, join_min: float, duration: float) -> tuple[float, float]:
        """Start and end of a job that joins at ``join_min`` to be served for ``duration``.

        Jobs join in time order; the server the job takes is busy until its end.
        """
        if join_min < self._last_join:
            raise ValueError(
                f"a job joins at {join_min}, before one that joined at {self._last_join}"
            )
        self._last_join = join_min
        free, server = heappop(self._free)
        start = join_min if join_min > free else free
        k = self._next_closure[server]
        closures = self._closures
        if k < len(closures) and closures[k][0] <= start:
            start = self._off_shift(server, join_min, free)
        end = start + duration
        heappush(self._free, (end, server))
        return start, end

    def _off_shift(self, server: int, join_min: float, free: float) -> float:
        """The server goes off for each closure its next job reaches; return the job's start."""
        closures, k = self._closures, self._next_closure[server]
        start = join_min if join_min > free else free
        while k < len(closures) and closures[k][0] <= start:
            free = self._closure(k, free)
            start = join_min if join_min > free else free
            k += 1
        self._next_closure[server] = k
        return start

    def _closure(self, k: int, free: float) -> float:
        """A server free from ``free`` goes off for closure ``k``; return when it is back.

        It is taken when the closure starts if idle, else when its job ends; it comes back
        when the blocker's timeout from then to the closure's end ends.
        """
        begin, end = self._closures[k]
        taken = begin if begin > free else free
        back = taken + (end - taken) if taken < end else taken
        rows, code = self._log.capacity_rows, self.facility.code
        rows.append((taken, code, -1))
        rows.append((back, code, +1))
        return back

    def settle_shifts(self, end_min: float) -> None:
        """Record the closures up to ``end_min`` that no job has reached, server by server."""
        closures = self._closures
        for free_min, server in self._free:
            available = free_min
            for k in range(self._next_closure[server], len(closures)):
                if closures[k][0] > end_min:
                    break
                available = self._closure(k, available)
            self._next_closure[server] = len(closures)

    def serve(self, case: int, activity: int, duration: float) -> simpy.Event:
        """Join the line; returns the event that fires when the job is done."""
        return wake_at(self._env, self.plan(case, activity, duration))

    def serve_then(
        self, case: int, activity: int, duration: float, then: Callable[[], None]
    ) -> None:
        """Join the line; ``then`` is called when the job is done."""
        done = wake_at(self._env, self.plan(case, activity, duration))
        done.callbacks.append(lambda _: then())

    def plan(self, case: int, activity: int, duration: float) -> float:
        """Join the line now and plan the job's three rows; return when the job is done."""
        now = self._env.now
        start, end = self.assign(now, duration)
        template = self._templates.get(activity)
        if template is None:
            template = self._templates[activity] = self._register(activity)
        code, pending = template
        pending.append((now, start, end))
        facility = self.facility
        self._emit((case, code, 0, PLANNED, now, facility.node, facility.code))
        if len(pending) >= PACK_EVERY_INSTANCES:
            self._log.pack()
        return end

    def _register(self, activity: int) -> tuple[int, list[tuple[float, ...]]]:
        """The template of a job of ``activity``: schedule, start and complete at the server."""
        facility = self.facility
        return self._log.plan_template(
            RowTemplate(
                activity=np.full(3, activity, dtype=ROW_DTYPE["activity"]),
                lifecycle=np.array([SCHEDULE, START, COMPLETE], dtype=ROW_DTYPE["lifecycle"]),
                node=np.full(3, facility.node, dtype=ROW_DTYPE["node"]),
                resource=np.full(3, facility.code, dtype=ROW_DTYPE["resource"]),
                time_index=np.arange(3),
                instance_index=np.zeros(3, dtype=np.intp),
                instances=1,
                times=3,
            )
        )
