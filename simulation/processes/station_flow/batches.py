"""Batch service at a station-flow stage (a truck or ULD taking several customers at once).

The server takes up to ``size`` waiting customers at once, as soon as one waits and a server is
free, and serves them together for one service time drawn per batch; customers who arrive during
a batch's service wait for the next (the bulk-service model M/M^[N]/1 of Gross and Harris). There
is no minimum batch and no maximum wait: a free server never holds back for more customers.

One requester process at a time queues for a server on behalf of the waiting customers; when it
gets one it takes the batch and, if customers are still waiting, starts the next requester (so a
pool of servers serves several batches at once).

The log records a batch as what it is, one job of one server for several customers: the batch is
a case of its own (object type ``batch``, not a shipment) whose instance of the stage's activity
holds the server (schedule when it queues for one, start, complete), so the resource's busy time
and utilisation count server-minutes. Each customer records its own instance of the activity with
no resource (schedule on joining, start and complete with its batch: its wait for a batch is
queueing in the delay attribution) and is linked to its batch (``served_in``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility
from clearsim.simulation.kernel.sampling import DurationSampler
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog


@dataclass(frozen=True)
class BatchCarrier:
    """What a batch's own case is registered as: the flow's name, direction and mode."""

    process: str
    direction: str
    mode: str


class BatchStage:
    """The waiting customers of one batch stage and the draws of its batch service times."""

    def __init__(self, size: int, carrier: BatchCarrier, service: DurationSampler) -> None:
        self.size = size
        self.carrier = carrier
        self.service = service
        self.waiting: deque[tuple[int, int, int, int, simpy.Event]] = deque()
        self.requesting = False

    def serve(
        self,
        env: simpy.Environment,
        facility: Facility,
        log: EventLog,
        case: int,
        activity: int,
        priority: int,
    ) -> Generator[simpy.Event, Any, None]:
        """Wait for a batch, be served with it; return when the batch's service ends."""
        instance = log.new_instance()
        log.emit((case, activity, instance, SCHEDULE, env.now, facility.node, NO_RESOURCE))
        done = env.event()
        self.waiting.append((case, activity, instance, priority, done))
        if not self.requesting:
            env.process(self._server(env, facility, log, activity))
        yield done

    def _server(
        self, env: simpy.Environment, facility: Facility, log: EventLog, activity: int
    ) -> Generator[simpy.Event, Any, None]:
        self.requesting = True
        node, code, emit = facility.node, facility.code, log.emit
        carrier = self.carrier
        batch_case = log.new_case(
            "batch", carrier.process, shipment=False, direction=carrier.direction,
            mode=carrier.mode,
        )  # fmt: skip
        batch_instance = log.new_instance()
        emit((batch_case, activity, batch_instance, SCHEDULE, env.now, node, code))
        with facility.request(priority=self.waiting[0][3]) as request:
            yield request
            self.requesting = False
            batch = [self.waiting.popleft() for _ in range(min(self.size, len(self.waiting)))]
            if self.waiting:
                env.process(self._server(env, facility, log, activity))
            emit((batch_case, activity, batch_instance, START, env.now, node, code))
            for case, member_activity, instance, _, _ in batch:
                emit((case, member_activity, instance, START, env.now, node, NO_RESOURCE))
                log.link(case, batch_case, "served_in")
            yield env.timeout(self.service())
            emit((batch_case, activity, batch_instance, COMPLETE, env.now, node, code))
            for case, member_activity, instance, _, _ in batch:
                emit((case, member_activity, instance, COMPLETE, env.now, node, NO_RESOURCE))
        log.cases.finished[batch_case] = True
        for *_, done in batch:
            done.succeed()
