"""A first-come first-served queue of orders in front of a pool of pickers.

A facility's queue is sorted on every request, which costs time in proportion to its length;
on a peak day thousands of orders wait for the pickers overnight, and a replication would take
minutes. Pickers take orders first-come first-served anyway, so orders wait here in a plain
FIFO, and one worker per picker takes the next order and only then requests a picker of the
facility: its queue never holds more than the pool's size. Shift calendars work as for any
facility (the worker waits for the next shift while holding its order). The three lifecycles
are recorded as :func:`simulation.facilities.serve` records them: schedule when the order joins
the queue, start and complete on the picker.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from simulation.facilities import COMPLETE, SCHEDULE, START, Facility, Process
from simulation.recorder import EventLog


@dataclass(slots=True, eq=False)
class _Job:
    case: int
    activity: int
    instance: int
    duration: float
    done: simpy.Event


class PickQueue:
    """A FIFO of jobs served by the servers of ``facility``, recorded in ``log``."""

    __slots__ = ("_jobs", "facility", "log")

    def __init__(self, env: simpy.Environment, facility: Facility, log: EventLog) -> None:
        self.facility = facility
        self.log = log
        self._jobs = simpy.Store(env)
        for _ in range(facility.capacity):
            env.process(self._worker(env))

    def serve(self, env: simpy.Environment, case: int, activity: int, duration: float) -> Process:
        """Join the queue and wait until a picker has done ``duration`` minutes of work."""
        facility, instance = self.facility, self.log.new_instance()
        self.log.rows.append(
            (case, activity, instance, SCHEDULE, env.now, facility.node, facility.code)
        )
        done = env.event()
        yield self._jobs.put(_Job(case, activity, instance, duration, done))
        yield done

    def _worker(self, env: simpy.Environment) -> Process:
        facility, emit = self.facility, self.log.rows.append
        while True:
            job = yield self._jobs.get()
            with facility.resource.request(priority=1) as request:
                yield request
                emit(
                    (
                        job.case,
                        job.activity,
                        job.instance,
                        START,
                        env.now,
                        facility.node,
                        facility.code,
                    )
                )
                yield env.timeout(job.duration)
                emit(
                    (
                        job.case,
                        job.activity,
                        job.instance,
                        COMPLETE,
                        env.now,
                        facility.node,
                        facility.code,
                    )
                )
            job.done.succeed()
