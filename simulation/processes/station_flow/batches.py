"""Batch service at a station-flow stage (a truck or ULD taking several customers at once).

The server takes up to ``size`` waiting customers at once, as soon as one waits and a server is
free, and serves them together for one service time drawn per batch; customers who arrive during
a batch's service wait for the next (the bulk-service model M/M^[N]/1 of Gross and Harris). There
is no minimum batch and no maximum wait: a free server never holds back for more customers.

One requester process at a time queues for a server on behalf of the waiting customers; when it
gets one it takes the batch and, if customers are still waiting, starts the next requester (so a
pool of servers serves several batches at once). Each customer records its own instance of the
stage's activity (schedule on joining, start and complete with its batch), all at the resource:
busy time summed from the log counts each member of a batch, so a batch stage's resource
utilisation from the log is customer-minutes, not server-minutes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import Any

import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility
from clearsim.simulation.kernel.sampling import DurationSampler
from clearsim.simulation.log.recorder import EventLog


class BatchStage:
    """The waiting customers of one batch stage and the draws of its batch service times."""

    def __init__(self, size: int, service: DurationSampler) -> None:
        self.size = size
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
        log.emit((case, activity, instance, SCHEDULE, env.now, facility.node, facility.code))
        done = env.event()
        self.waiting.append((case, activity, instance, priority, done))
        if not self.requesting:
            env.process(self._server(env, facility, log))
        yield done

    def _server(
        self, env: simpy.Environment, facility: Facility, log: EventLog
    ) -> Generator[simpy.Event, Any, None]:
        self.requesting = True
        node, code, emit = facility.node, facility.code, log.emit
        with facility.request(priority=self.waiting[0][3]) as request:
            yield request
            self.requesting = False
            batch = [self.waiting.popleft() for _ in range(min(self.size, len(self.waiting)))]
            if self.waiting:
                env.process(self._server(env, facility, log))
            for case, activity, instance, _, _ in batch:
                emit((case, activity, instance, START, env.now, node, code))
            yield env.timeout(self.service())
            for case, activity, instance, _, _ in batch:
                emit((case, activity, instance, COMPLETE, env.now, node, code))
        for *_, done in batch:
            done.succeed()
