"""The cargo terminal's ULD pool: build-up takes a ULD, the departing flight gives it back.

A ULD (unit load device: an aircraft pallet or container) is a scenario resource whose capacity
is the ULDs the terminal holds for outbound cargo. Building up an outbound ULD (export,
conventional transfer) first takes one from the pool; the ULD goes back when its flight leaves
(the carrier's ULD stock turns over with its inbound flights). With none free, build-up waits.

Each use is recorded on a case of its own (object type ``uld``): ``uld_hold`` from the request
(schedule) through the grant (start) to the flight's off-blocks (complete), on the pool's
resource, so the pool's utilisation and waits are those of any resource. The shipment records
the wait as ``uld_wait`` (request to grant), a step of its own for cause attribution.
"""

from __future__ import annotations

import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility, Process
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog


class UldPool:
    """The ULDs a terminal holds, and the ones out on build-up or waiting for their flight."""

    def __init__(self, facility: Facility, log: EventLog, process: str, node: int) -> None:
        self.facility = facility
        self.log = log
        self.process = process
        self.node = node
        self.hold = log.activity("uld_hold")
        self.wait = log.activity("uld_wait")
        self._held: dict[int, tuple[simpy.resources.resource.PriorityRequest, int, int]] = {}

    def take(self, env: simpy.Environment, case: int) -> Process:
        """Wait for a free ULD for shipment ``case`` and hold it until :meth:`give_back`."""
        log, node, code = self.log, self.node, self.facility.code
        uld_case = log.new_case("uld", self.process, shipment=False, mode="air")
        hold, wait = log.new_instance(), log.new_instance()
        log.emit((uld_case, self.hold, hold, SCHEDULE, env.now, node, code))
        log.emit((case, self.wait, wait, SCHEDULE, env.now, node, NO_RESOURCE))
        log.emit((case, self.wait, wait, START, env.now, node, NO_RESOURCE))
        # Held across two generators (build-up to the flight's off-blocks), so released by
        # give_back rather than by a ``with`` block.
        request = self.facility.request(priority=1)
        yield request
        log.emit((case, self.wait, wait, COMPLETE, env.now, node, NO_RESOURCE))
        log.emit((uld_case, self.hold, hold, START, env.now, node, code))
        log.link(case, uld_case, "built_up_on")
        self._held[case] = (request, uld_case, hold)

    def give_back(self, env: simpy.Environment, case: int) -> None:
        """The shipment's flight has left: its ULD goes back to the pool."""
        held = self._held.pop(case, None)
        if held is None:
            return
        request, uld_case, hold = held
        self.facility.resource.release(request)
        self.log.emit((uld_case, self.hold, hold, COMPLETE, env.now, self.node, self.facility.code))
        self.log.cases.finished[uld_case] = True
