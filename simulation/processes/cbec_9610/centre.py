"""The 9610 supervision centre: its facilities, places, activity codes and courier waves.

Both versions of the process work at the same centre: the reference model
(:mod:`clearsim.simulation.processes.cbec_9610.reference`) requests its facilities directly; the
fast path (:mod:`clearsim.simulation.processes.cbec_9610.process`) puts computed lines and
planned chains in front of them. The activities are registered here, once, in one order, so both
versions give every activity the same code.
"""

from __future__ import annotations

from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.courier_waves import pickup_waves


class SupervisionCentre:
    """The collaborators of one 9610 process: facilities, sites, router, activity codes."""

    def __init__(self, spec: DirectPurchaseSpec, ctx: ProcessContext) -> None:
        roles, log = spec.resources, ctx.log
        self.spec = spec
        self.log = log
        self.router = ctx.router
        self.control = ctx.control
        self.unloaders = ctx.facilities[roles.unloader]
        self.xray_lines = ctx.facilities[roles.xray_line]
        self.officers = ctx.facilities[roles.unpack_officer]
        self.sorters = ctx.facilities[roles.sorter]
        self.centre = log.node(spec.centre_node)
        self.airport_codes = {name: log.node(name) for name in spec.airports}
        self.destination_codes = {name: log.node(name) for name in spec.destinations}
        self.minutes_per_parcel = 60.0 / spec.unloading_rate_per_hour
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.flight_arrival = a("flight_arrival", milestone=True)
        self.truck_arrival = a("truck_arrival", milestone=True)
        self.line_induction = a("line_induction", milestone=True)
        self.aircraft_unloading, self.sealed_transfer = (
            a("aircraft_unloading"),
            a("sealed_transfer"),
        )
        self.truck_unloading = a("truck_unloading")
        self.list_matching, self.data_correction = a("list_matching"), a("data_correction")
        self.risk_screening, self.xray_scan = a("risk_screening"), a("xray_scan")
        self.unpack_check, self.courier_sorting = a("unpack_check"), a("courier_sorting")
        self.courier_wait, self.road_transport = a("courier_wait"), a("road_transport")
        self.data_incomplete_held = log.outcome(spec.name, "data_incomplete_held")
        self.seized_or_returned = log.outcome(spec.name, "seized_or_returned")
        self.over_limit_rejected = log.outcome(spec.name, "over_limit_rejected")
        self.indivisible_full_duty = log.outcome(spec.name, "indivisible_full_duty")
        courier = spec.courier
        self.next_pickup_min = pickup_waves(courier.pickup_offset_min, courier.pickup_interval_min)

    def induction_min(self, dock_start_min: float, setup_min: float, index: int) -> float:
        """When a dock team that started at ``dock_start_min`` puts parcel ``index`` on the line.

        The team sets up, then inducts a parcel every ``60 / unloading_rate_per_hour`` minutes:
        a timetable from its start, not a sum of per-parcel steps.
        """
        return dock_start_min + setup_min + (index + 1) * self.minutes_per_parcel
