"""The sea import's truck pool: every pickup holds a truck until it is back from the consignee.

With ``SeaImportSpec.trucks`` a box leaves the port on a truck of the pool (a scenario resource
whose capacity is the number of trucks serving the port's consignees). A conventional pickup
waits after its booking for a free truck; a 船边直提 box lifted by the crane takes a free truck at
once, or, none being free, goes to the yard (outcome ``no_truck_at_berth``) and is picked up
later like any other box. The truck's holding is the pool's resource use (``truck_trip``).
With an appointment platform (:mod:`.appointments`) a pickup's truck comes in its booked window,
and a 船边直提 truck that does not show leaves its box to the yard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Process, milestone
from clearsim.simulation.processes.sea_import.entities import Container

if TYPE_CHECKING:
    from clearsim.simulation.processes.sea_import.process import SeaImportSite


def truck_at_berth(env: simpy.Environment, box: Container, site: SeaImportSite) -> bool:
    """The crane lifts a 船边直提 box: take a free truck; none free, the box goes to the yard."""
    trucks = site.trucks
    assert trucks is not None
    if site.appointments is not None and not site.appointments.truck_shows_at_berth(env, box):
        return False
    request = trucks.request(priority=1)
    if request.triggered:
        env.process(truck_trip(env, box, site, request, None))
        return True
    request.cancel()
    milestone(env, site.log, box.case, site.no_truck_at_berth, site.port)
    return False


def fetch_truck(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """With a truck pool, the booked pickup waits for a free truck (none: at once)."""
    trucks = site.trucks
    if trucks is None:
        return
    if site.appointments is not None:
        yield from site.appointments.keep(env, box)
    arrived = env.event()
    env.process(truck_trip(env, box, site, trucks.request(priority=1), arrived))
    yield arrived


def truck_trip(
    env: simpy.Environment,
    box: Container,
    site: SeaImportSite,
    request: simpy.resources.resource.Request,
    arrived: simpy.Event | None,
) -> Process:
    """One truck of the pool, held from its grant until back from the consignee.

    It carries the box through the port, passes the gate out, drives to the consignee and
    back (``round_trip_min``); the holding is the resource use of the truck pool. The box's
    case ends when its truck is back.
    """
    trucks, log = site.trucks, site.log
    assert trucks is not None and box.left_gate is not None and box.truck_back is not None
    emit, instance = log.emit, log.new_instance()
    emit((box.case, site.truck_trip, instance, SCHEDULE, env.now, trucks.node, trucks.code))
    with request:
        yield request
        emit((box.case, site.truck_trip, instance, START, env.now, trucks.node, trucks.code))
        if arrived is not None:
            arrived.succeed()
        yield box.left_gate
        yield env.timeout(box.round_trip_min)
        emit((box.case, site.truck_trip, instance, COMPLETE, env.now, trucks.node, trucks.code))
    box.truck_back.succeed()
