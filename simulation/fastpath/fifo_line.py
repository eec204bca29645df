"""A first-come-first-served line in front of a facility, for queues thousands of parcels long.

SimPy's ``PriorityResource`` keeps its waiting requests in a list it re-sorts on every request,
so a queue of n requests costs O(n) per arrival: a flight's thousand parcels queueing for one
X-ray line make that quadratic. A :class:`FifoLine` holds the waiting jobs in a deque (append and
pop, no sort) and lets one feeder per server take them in arrival order, each feeder requesting a
server of the facility as :func:`clearsim.simulation.kernel.facilities.serve` would. The facility's
shift blockers therefore work unchanged, and the rows recorded are those ``serve`` records:
schedule when the job joins the line, start when a server takes it, complete when it is done.

A job either fires an event its process waits on (:meth:`FifoLine.serve`) or, when nothing needs
to wait for it, hands over to a callback (:meth:`FifoLine.serve_then`): a line a hundred
thousand orders long then holds plain records, not suspended processes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility, Process
from clearsim.simulation.log.recorder import EventLog


@dataclass(slots=True, eq=False)
class _Job:
    case: int
    activity: int
    instance: int
    duration: float
    done: simpy.Event | Callable[[], None]
    """The event to trigger when the job is done, or the callback to call then."""


class FifoLine:
    """One FIFO queue of equal-priority jobs in front of every server of ``facility``."""

    __slots__ = ("_env", "_idle", "_log", "_waiting", "facility")

    def __init__(self, env: simpy.Environment, facility: Facility, log: EventLog) -> None:
        self._env = env
        self._log = log
        self._waiting: deque[_Job] = deque()
        self._idle: deque[simpy.Event] = deque()  # wake-up calls of feeders with nothing to do
        self.facility = facility
        for _ in range(facility.capacity):
            env.process(self._feeder())

    def serve(self, case: int, activity: int, duration: float) -> simpy.Event:
        """Join the line to be served for ``duration`` by one server (three lifecycles recorded).

        Returns the event that fires when the job is done: ``yield line.serve(...)``. A plain
        function, not a generator, so a job waiting in a line thousands long holds no frame of
        its own.
        """
        done = self._env.event()
        self._join(_Job(case, activity, self._log.new_instance(), duration, done))
        return done

    def serve_then(
        self, case: int, activity: int, duration: float, then: Callable[[], None]
    ) -> None:
        """Join the line like :meth:`serve`; when the job is done, call ``then``.

        ``then`` runs at the instant the job completes, from the feeder, where a process
        waiting on :meth:`serve`'s event would resume a step later at the same instant (rows
        of equal time may come in another order, ``tests/test_fast_paths.py``). Waiting holds
        only the job record: no event, no process.
        """
        self._join(_Job(case, activity, self._log.new_instance(), duration, then))

    def _join(self, job: _Job) -> None:
        facility, now = self.facility, self._env.now
        row = (job.case, job.activity, job.instance, SCHEDULE, now, facility.node, facility.code)
        self._log.emit(row)
        self._waiting.append(job)
        if self._idle:
            self._idle.popleft().succeed()

    def _feeder(self) -> Process:
        """Take the oldest waiting job, hold a server of the facility for it, repeat.

        A feeder keeps its server for the next job in the line when no other request waits
        for one of the facility's servers (an off-shift blocker, a case served directly):
        releasing it and requesting it again would grant it back to the feeder at once.
        """
        env, emit, facility, waiting = self._env, self._log.emit, self.facility, self._waiting
        node, code, others = facility.node, facility.code, facility.resource.queue
        while True:
            if not waiting:
                wake = env.event()
                self._idle.append(wake)
                yield wake
                continue  # another feeder woken at the same instant may have taken the job
            job = waiting.popleft()
            with facility.request(priority=1) as request:
                yield request
                while True:
                    emit((job.case, job.activity, job.instance, START, env.now, node, code))
                    yield env.timeout(job.duration)
                    emit((job.case, job.activity, job.instance, COMPLETE, env.now, node, code))
                    if others or not waiting:
                        break
                    _done(env, job)
                    job = waiting.popleft()
            _done(env, job)


def _done(env: simpy.Environment, job: _Job) -> None:
    """Trigger the job's event, or go on with the job's callback now."""
    done = job.done
    if isinstance(done, simpy.Event):
        done.succeed()
    else:
        done()
