"""The 9810 consolidation point: its facilities, timetable, containers and activity codes.

The reference model (:mod:`clearsim.simulation.processes.cbec_9810.reference`) requests these
facilities directly. The activities are registered here, once, in one order.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearsim.models.warehouse_export import WarehouseExportSpec
from clearsim.simulation.kernel.facilities import Process, milestone
from clearsim.simulation.kernel.simpy_adapter import wake_at
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.departures import Departure, Departures


@dataclass(slots=True, eq=False)
class Container:
    """A container being stuffed for one train (a case of the log, not a shipment)."""

    case: int
    departure: Departure
    consignments: int = 0
    closed: bool = False


class ConsolidationPoint:
    """The collaborators of one 9810 process: facilities, sites, trains, activity codes."""

    def __init__(self, spec: WarehouseExportSpec, ctx: ProcessContext) -> None:
        roles, log = spec.resources, ctx.log
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router = ctx.router
        self.control = ctx.control
        self.officers = ctx.facilities[roles.document_officer]
        self.lanes = ctx.facilities[roles.inspection_lane]
        self.crews = ctx.facilities[roles.stuffing_crew]
        self.node = log.node(spec.consolidation_node)
        self.border = log.node(spec.rail.border_node)
        self.terminal = log.node(spec.rail.overseas_node)
        self.trains = Departures(
            ctx.env, log, ctx.control, spec.trains, spec.name, "export", "cbec_9810"
        )
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.warehouse_registration = a("warehouse_registration")
        self.booking_data, self.document_preparation = a("booking_data"), a("document_preparation")
        self.statutory_inspection = a("statutory_inspection")
        self.risk_screening, self.document_review = a("risk_screening"), a("document_review")
        self.inspection, self.video_inspection = a("inspection"), a("video_inspection")
        self.container_stuffing = a("container_stuffing")
        self.container_closed = a("container_closed", milestone=True)
        self.rail_transport, self.border_handling = a("rail_transport"), a("border_handling")
        self.border_exit = a("border_exit", milestone=True)
        self.overseas_rail_arrival = a("overseas_rail_arrival", milestone=True)
        self.road_transport = a("road_transport")
        self.overseas_warehouse_arrival = a("overseas_warehouse_arrival", milestone=True)
        self.unregistered_exporter = log.outcome(spec.name, "unregistered_exporter")
        self.batch_covered = log.outcome(spec.name, "batch_inspection_covered")
        self._filling: dict[int, Container] = {}
        self._trips_counted = -1

    def stuff(self, case: int, departure: Departure) -> Container:
        """Put consignment ``case`` into the container being filled for ``departure``.

        A container holds ``consignments_per_container``; it closes when full, or at the train's
        cut-off with what it holds. Each container is ``carried_by`` its train.
        """
        container = self._filling.get(departure.index)
        if container is None or container.closed:
            container = Container(
                self.log.new_case(
                    "container",
                    self.spec.name,
                    shipment=False,
                    direction="export",
                    mode="cbec_9810",
                ),
                departure,
            )
            self._filling[departure.index] = container
            self.log.link(container.case, departure.case, "carried_by")
            self.env.process(self._close_at_cutoff(container))
        self.log.link(case, container.case, "consolidated_in")
        container.consignments += 1
        if container.consignments == self.spec.consolidation.consignments_per_container:
            self._close(container)
        return container

    def count_train_trips(self, index: int) -> None:
        """Count the rail legs of train ``index`` once, when its first consignment leaves."""
        if index > self._trips_counted:
            self._trips_counted = index
            rail = self.spec.rail
            self.router.count_trip(self.spec.consolidation_node, rail.border_node)
            self.router.count_trip(rail.border_node, rail.overseas_node)

    def _close(self, container: Container) -> None:
        container.closed = True
        milestone(self.env, self.log, container.case, self.container_closed, self.node)

    def _close_at_cutoff(self, container: Container) -> Process:
        """Close a container still open at its train's cut-off; it ends when the train leaves."""
        departure = container.departure
        cutoff_min = departure.departure_min - self.spec.trains.cutoff_before_min
        if cutoff_min > self.env.now:
            yield wake_at(self.env, cutoff_min)
        if not container.closed:
            self._close(container)
        if self._filling.get(departure.index) is container:
            del self._filling[departure.index]
        yield departure.left
        self.log.cases.finished[container.case] = True
