"""The collaborators of one air-cargo process: its facilities, flights and activity codes."""

from __future__ import annotations

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.air_cargo.chains import AirChains
from clearsim.simulation.processes.air_cargo.entities import Flight
from clearsim.simulation.processes.air_cargo.fresh_steps import FreshSite
from clearsim.simulation.processes.declaration import DeclarationDesk


class AirCargoSite:
    """The collaborators of one air-cargo process: facilities, flights, router, activity codes."""

    def __init__(
        self,
        spec: AirCargoSpec,
        facilities: dict[str, Facility],
        log: EventLog,
        router: Router,
        control: RunControl,
    ) -> None:
        roles = spec.resources
        self.spec = spec
        self.log = log
        self.router = router
        self.control = control
        self.flights: list[Flight] = []
        self.stands = facilities[roles.stand]
        self.staff = facilities[roles.warehouse_staff]
        self.xray = facilities[roles.xray_line]
        self.officers = facilities[roles.document_officer]
        self.lanes = facilities[roles.inspection_lane]
        self.docks = facilities[roles.truck_dock]
        self.airport = log.node(spec.airport_node)
        self.destination_codes = {name: log.node(name) for name in spec.destinations}
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.departure = a("departure")
        self.on_blocks = a("on_blocks", milestone=True)
        self.loading_closed = a("loading_closed", milestone=True)
        self.off_blocks = a("off_blocks", milestone=True)
        self.into_warehouse = a("into_warehouse", milestone=True)
        self.stand, self.loading, self.offload = a("stand"), a("loading"), a("offload")
        self.tow_to_terminal, self.breakdown = a("tow_to_terminal"), a("breakdown")
        self.desk = DeclarationDesk.at(log, self.officers, self.airport)
        self.tax_payment = a("tax_payment")
        self.inspection_planning, self.inspection = a("inspection_planning"), a("inspection")
        self.inspection_hold = a("inspection_hold")
        self.truck_booking, self.dock_loading = a("truck_booking"), a("dock_loading")
        self.road_transport = a("road_transport")
        self.apron_tally, self.apron_truck_loading = a("apron_tally"), a("apron_truck_loading")
        self.acceptance, self.security_screening = a("acceptance"), a("security_screening")
        self.build_up, self.tow_to_stand = a("build_up"), a("tow_to_stand")
        self.transfer_formalities = a("transfer_formalities")
        self.electronic_check, self.airside_tow = a("electronic_check"), a("airside_tow")
        self.advance_build_up, self.stand_delivery = a("advance_build_up"), a("stand_delivery")
        self.missed_flight = log.outcome(spec.name, "missed_flight")
        self.apron_fallback = log.outcome(spec.name, "apron_fallback")
        self.fresh = FreshSite.at(spec, facilities, log, self.airport)
        self.chains = AirChains()  # the optional chains, set up with the flights

    def next_departure(self, after: Flight, earliest_close_min: float) -> Flight | None:
        """The first flight after ``after`` whose loading is open at ``earliest_close_min``."""
        for flight in self.flights[after.index + 1 :]:
            if not flight.closing.triggered and flight.planned_closing_min >= earliest_close_min:
                return flight
        return None
