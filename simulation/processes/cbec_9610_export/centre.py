"""The 9610 export supervision centre: its facilities, places, flights and activity codes.

The activities are registered here, once, in one order, so every run of the process gives each
activity the same code.
"""

from __future__ import annotations

import math

from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.simulation.processes.cbec_9610_export.entities import ExportParcelFactory
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.departures import Departures

TREATMENTS: tuple[str, ...] = ("export_refund", "invoice_free_exemption", "no_tax_treatment")
"""The export tax treatment outcomes, in the order of :class:`ExportRegimeSpec` shares."""


class ExportCentre:
    """The collaborators of one 9610 export process: facilities, sites, flights, codes."""

    def __init__(
        self, spec: ParcelExportSpec, ctx: ProcessContext, factory: ExportParcelFactory
    ) -> None:
        roles, log = spec.resources, ctx.log
        self.spec = spec
        self.factory = factory
        self.closed_lists: dict[int, dict[int, list[int]]] = {}
        """Period -> exporter -> regime-B parcels whose list closed (离境结关) in that period."""
        self.log = log
        self.router = ctx.router
        self.control = ctx.control
        self.unloaders = ctx.facilities[roles.unloader]
        self.xray_lines = ctx.facilities[roles.xray_line]
        self.officers = ctx.facilities[roles.unpack_officer]
        self.sorters = ctx.facilities[roles.sorter]
        self.centre = log.node(spec.centre_node)
        self.minutes_per_parcel = 60.0 / spec.unloading_rate_per_hour
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.truck_arrival = a("truck_arrival", milestone=True)
        self.line_induction = a("line_induction", milestone=True)
        self.truck_unloading = a("truck_unloading")
        self.list_matching, self.data_correction = a("list_matching"), a("data_correction")
        self.risk_screening, self.arrival_report = a("risk_screening"), a("arrival_report")
        self.xray_scan, self.unpack_check = a("xray_scan"), a("unpack_check")
        self.flight_sorting, self.shuttle_wait = a("flight_sorting"), a("shuttle_wait")
        self.airport_transfer = a("airport_transfer")
        self.departure_data = a("departure_data")
        self.departure_confirmed = a("departure_confirmed", milestone=True)
        self.declaration_consolidation = a("declaration_consolidation")
        self.consolidated_lodgement = a("consolidated_lodgement", milestone=True)
        self.data_incomplete_held = log.outcome(spec.name, "data_incomplete_held")
        self.seized_or_returned = log.outcome(spec.name, "seized_or_returned")
        self.treatments = tuple(log.outcome(spec.name, name) for name in TREATMENTS)
        self.flights = tuple(
            Departures(ctx.env, log, ctx.control, line.timetable, spec.name, "export", "cbec_9610")
            for line in spec.flights
        )

    def close_list(self, exporter: int, case: int, closed_min: float) -> None:
        """File a regime-B list closed at ``closed_min`` for its period's consolidation."""
        period = int(closed_min // self.spec.regime.period_min)
        self.closed_lists.setdefault(period, {}).setdefault(exporter, []).append(case)

    def induction_min(self, dock_start_min: float, setup_min: float, index: int) -> float:
        """When a dock team that started at ``dock_start_min`` puts parcel ``index`` on the line.

        The team sets up, then inducts a parcel every ``60 / unloading_rate_per_hour`` minutes:
        a timetable from its start, not a sum of per-parcel steps.
        """
        return dock_start_min + setup_min + (index + 1) * self.minutes_per_parcel

    def shuttle_index(self, now_min: float) -> int:
        """Index of the first shuttle to the airport leaving at or after ``now_min``."""
        h = self.spec.handover
        return max(0, math.ceil((now_min - h.shuttle_offset_min) / h.shuttle_interval_min))

    def shuttle_min(self, index: int) -> float:
        """Minute shuttle ``index`` leaves the centre."""
        h = self.spec.handover
        return h.shuttle_offset_min + index * h.shuttle_interval_min
