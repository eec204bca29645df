"""Preemptive-resume priority at a station-flow stage.

The stage's facility stays a SimPy ``PriorityResource`` (its shift blockers unchanged): a
customer of a preemptive stage who finds every server busy and one of them serving a customer of
a preemptive stage with a lower priority (a larger number) interrupts that customer, the one of
lowest priority, latest started among equals. The interrupted customer gives its server back,
which goes to the interrupting one (it heads the queue: no waiting request outranks it), and
queues again with its remaining work (resume, not repeat).

Shift blockers take servers when free and are never preempted: they are not in the table of
preemptible jobs; they never preempt: they request servers directly; and no customer preempts
while a blocker waits, since the freed server would go to the blocker and stop a job at a shift
change, where work in progress otherwise runs over.

The log records each piece of service as its own activity instance of the stage (schedule,
start, complete): a preempted piece completes when it is interrupted, and its remainder is
scheduled again at once. Every lifecycle then keeps its meaning (check_event_log holds, busy time
is the sum of the pieces, waits between schedule and start are real waits), and a customer's
total wait at the stage is the sum over its instances (a per-instance mean counts pieces).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, NamedTuple

import simpy
from simpy.resources.resource import PriorityRequest

from clearsim.simulation.kernel.facilities import (
    BLOCKER_PRIORITY,
    COMPLETE,
    SCHEDULE,
    START,
    Facility,
)
from clearsim.simulation.log.recorder import EventLog


class Job(NamedTuple):
    """A preemptible piece of service in progress."""

    priority: int
    started: float
    process: simpy.Process


class Preemption:
    """Preemptive-resume service at the facilities of preemptive stages.

    The preemptible jobs are kept on each facility (``Facility.preemptible``), so customers of
    every flow's preemptive stages at one facility preempt each other by priority.
    """

    def preempt_for(self, facility: Facility, priority: int) -> None:
        """Interrupt the lowest-priority preemptible job of ``facility`` below ``priority``."""
        resource = facility.resource
        if resource.count < facility.capacity:
            return
        if any(request.priority == BLOCKER_PRIORITY for request in resource.queue):
            return
        jobs = facility.preemptible
        victims = [job for job in jobs if job.priority > priority]
        if victims:
            victim = max(victims, key=lambda job: (job.priority, job.started))
            jobs.remove(victim)
            victim.process.interrupt("preempted")

    def serve(
        self,
        env: simpy.Environment,
        facility: Facility,
        log: EventLog,
        case: int,
        activity: int,
        duration: float,
        priority: int,
    ) -> Generator[simpy.Event, Any, PriorityRequest]:
        """Serve ``duration`` in pieces until done; return the request still holding a server."""
        node, code, emit = facility.node, facility.code, log.emit
        jobs = facility.preemptible
        remaining = duration
        while True:
            instance = log.new_instance()
            emit((case, activity, instance, SCHEDULE, env.now, node, code))
            request = facility.request(priority=priority)
            if not request.triggered:
                self.preempt_for(facility, priority)
            yield request
            emit((case, activity, instance, START, env.now, node, code))
            process = env.active_process
            assert process is not None
            job = Job(priority, env.now, process)
            jobs.append(job)
            try:
                yield env.timeout(remaining)
            except simpy.Interrupt:
                remaining -= env.now - job.started
                emit((case, activity, instance, COMPLETE, env.now, node, code))
                facility.resource.release(request)
                continue
            jobs.remove(job)
            emit((case, activity, instance, COMPLETE, env.now, node, code))
            return request
