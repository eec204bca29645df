"""The rail-export terminal: its facilities, train lines, trains on the way and activity codes.

The reference model (:mod:`clearsim.simulation.processes.rail_export.reference`) requests these
facilities directly. The activities are registered here, once, in one order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from clearsim.models.rail_export import RailExportSpec
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.departures import Departure, Departures
from clearsim.simulation.processes.rail_export.entities import Box


@dataclass(slots=True, eq=False)
class Train:
    """A departure of a line on its way: the boxes it carries and the events of its run."""

    line: str
    departure: Departure
    cleared: simpy.Event
    arrived: simpy.Event
    boxes: list[Box] = field(default_factory=list)


class RailExportSite:
    """The collaborators of one rail-export process: facilities, sites, lines, activity codes."""

    def __init__(self, spec: RailExportSpec, ctx: ProcessContext) -> None:
        roles, log = spec.resources, ctx.log
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router = ctx.router
        self.control = ctx.control
        self.officers = ctx.facilities[roles.document_officer]
        self.lanes = ctx.facilities[roles.inspection_lane]
        self.crews = ctx.facilities[roles.cfs_crew]
        self.terminal = log.node(spec.terminal_node)
        self.cfs = log.node(spec.cfs_node)
        self.border = log.node(spec.border_node)
        self.destination = log.node(spec.destination_node)
        self.origin_codes = {
            name: log.node(name) for name in (*spec.origins, spec.transit.origin_node)
        }
        self.lines = {
            "scheduled": Departures(
                ctx.env, log, ctx.control, spec.trains, spec.name, "export", "rail"
            ),
            "transit": Departures(
                ctx.env,
                log,
                ctx.control,
                spec.transit.dedicated_trains,
                spec.name,
                "export",
                "rail",
            ),
        }
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.road_transport = a("road_transport")
        self.risk_screening, self.document_review = a("risk_screening"), a("document_review")
        self.consolidation_wait, self.stuffing = a("consolidation_wait"), a("stuffing")
        self.yard_move, self.inspection = a("yard_move"), a("inspection")
        self.unstuffing, self.restuffing = a("unstuffing"), a("restuffing")
        self.transit_acceptance = a("transit_acceptance")
        self.rail_transport, self.border_handling = a("rail_transport"), a("border_handling")
        self.transit_formalities = a("transit_formalities")
        self.transit_steps = (
            a("transit_declaration"),
            a("transit_box_checks"),
            a("seal_check"),
        )
        self.border_arrival = a("border_arrival", milestone=True)
        self.border_departure = a("border_departure", milestone=True)
        self.border_exit = a("border_exit", milestone=True)
        self.train_arrival = a("train_arrival", milestone=True)
        self.overseas_rail_arrival = a("overseas_rail_arrival", milestone=True)
        self.held_with_container = log.outcome(spec.name, "held_with_container")
        self.inspected_before_loading = log.outcome(spec.name, "inspected_before_loading")
        self.consolidated_transit = log.outcome(spec.name, "transit_consolidated")
        self._trains: dict[tuple[str, int], Train] = {}

    def line_of(self, box: Box) -> str:
        """The line a box leaves on: transit goods not consolidated wait for a transit train."""
        return "transit" if box.kind == "transit" and not box.consolidated else "scheduled"

    def train(self, line: str, departure: Departure) -> Train | None:
        """The train of ``departure``; None when it is new (the caller starts its run)."""
        return self._trains.get((line, departure.index))

    def add_train(self, line: str, departure: Departure) -> Train:
        """Register the train of a departure first handed a box."""
        train = Train(line, departure, self.env.event(), self.env.event())
        self._trains[line, departure.index] = train
        return train

    def count_train_trips(self) -> None:
        """Count one train's rail legs on the network, when it leaves."""
        spec = self.spec
        self.router.count_trip(spec.terminal_node, spec.border_node)
        self.router.count_trip(spec.border_node, spec.destination_node)
