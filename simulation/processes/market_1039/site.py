"""The Hankou North market site of a 1039 process: facilities, places, activity codes, containers.

The reference model (:mod:`clearsim.simulation.processes.market_1039.reference`) receives one
:class:`MarketSite` with everything it works with: the agents, the inspection lanes and the
stuffing crews, the market's node, the departure timetable of every route, the container trucks'
waves and the containers being packed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import simpy

from clearsim.models.market_procurement import MarketProcurementSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import milestone
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.courier_waves import pickup_waves
from clearsim.simulation.processes.departures import Departures

FLOW = ("export", "market_1039")
"""The flow 1039 consignments report in."""


@dataclass(slots=True, eq=False)
class Container:
    """A container packed at the market for one route and one truck (not a shipment case).

    ``trip_min`` is its truck's drive to the port, drawn by its first consignment's pace;
    ``carrier`` the case of the vessel or train its first consignment boarded (-1 before).
    """

    case: int
    route: str
    truck_min: float
    trip_min: float
    loaded: list[int] = field(default_factory=list)
    carrier: int = -1


class MarketSite:
    """The collaborators of one 1039 process: facilities, sites, timetables, activity codes."""

    def __init__(self, spec: MarketProcurementSpec, ctx: ProcessContext) -> None:
        roles, log = spec.resources, ctx.log
        self.env = ctx.env
        self.spec = spec
        self.log = log
        self.router: Router = ctx.router
        self.control: RunControl = ctx.control
        self.declarants = ctx.facilities[roles.declarant]
        self.lanes = ctx.facilities[roles.inspection_lane]
        self.stuffing_crews = ctx.facilities[roles.stuffing_crew]
        self.market = log.node(spec.market_node)
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.platform_record = a("platform_record", milestone=True)
        self.line_declared = a("line_declared", milestone=True)
        self.container_gate_out = a("container_gate_out", milestone=True)
        self.consolidation = a("consolidation")
        self.declaration_preparation = a("declaration_preparation")
        self.statutory_inspection = a("statutory_inspection")
        self.risk_screening = a("risk_screening")
        self.inspection_transfer, self.inspection = a("inspection_transfer"), a("inspection")
        self.video_inspection, self.return_transfer = a("video_inspection"), a("return_transfer")
        self.container_stuffing, self.truck_wait = a("container_stuffing"), a("truck_wait")
        self.road_transport = a("road_transport")
        self.simplified_declaration = log.outcome(spec.name, "simplified_declaration")
        self.batch_covered = log.outcome(spec.name, "batch_covered")
        self.departures = {
            name: Departures(self.env, log, ctx.control, route.departure, spec.name, *FLOW)
            for name, route in spec.routes.items()
        }
        s = spec.supervision
        self.next_truck_min: Callable[[float], float] = pickup_waves(
            s.truck_offset_min, s.truck_interval_min
        )
        self._open: dict[tuple[str, float], Container] = {}

    def container_for(self, route: str, trip_u: float) -> Container:
        """The container a consignment just packed goes in: its route's box on the next truck.

        A box takes ``consignments_per_container`` consignments; a full one goes on the same
        truck and a new one is opened. The truck's drive is drawn once, by the box's first
        consignment.
        """
        truck_min = self.next_truck_min(self.env.now)
        key = (route, truck_min)
        box = self._open.get(key)
        if box is None or len(box.loaded) >= self.spec.supervision.consignments_per_container:
            case = self.log.new_case(
                "container", self.spec.name, shipment=False, direction=FLOW[0], mode=FLOW[1]
            )
            port = self.spec.routes[route].departure.node
            trip_min = self.router.planned_trip_min(self.spec.market_node, port, trip_u)
            box = Container(case, route, truck_min, trip_min)
            self._open[key] = box
            self.env.process(self._gate_out(box))
        return box

    def _gate_out(self, box: Container) -> Generator[simpy.Event, object, None]:
        """The box leaves the market on its truck at the truck's time."""
        yield self.env.timeout(box.truck_min - self.env.now)
        self._open.pop((box.route, box.truck_min), None)
        port = self.spec.routes[box.route].departure.node
        self.router.count_trip(self.spec.market_node, port)
        milestone(self.env, self.log, box.case, self.container_gate_out, self.market)
        self.log.cases.finished[box.case] = True
