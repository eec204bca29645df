"""The bonded zone of one 1210 export process: facilities, account book, lots, flights, codes."""

from __future__ import annotations

from collections import deque

from clearsim.models.bonded_export import BondedExportSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.processes.bonded_stock import BondedStock
from clearsim.simulation.processes.cbec_1210_export.entities import MODE
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.courier_waves import courier_waves
from clearsim.simulation.processes.departures import Departures


class EntryLots:
    """Which entry batch the units of each SKU came from, first in first out.

    The account book (:class:`BondedStock`) counts units; the lots say which batch's entry
    declaration they were declared on, so a parcel can be linked to its batch (``drawn_from``).
    """

    __slots__ = ("_lots",)

    def __init__(self, skus: int) -> None:
        self._lots: list[deque[list[int]]] = [deque() for _ in range(skus)]

    def book_in(self, sku: int, units: int, batch_case: int) -> None:
        """``units`` of ``sku`` entered on ``batch_case``'s declaration."""
        if units > 0:
            self._lots[sku].append([batch_case, units])

    def draw(self, sku: int, quantity: int) -> list[int]:
        """Take ``quantity`` units of ``sku``, oldest lot first; the batches they came from."""
        lots, batches = self._lots[sku], []
        while quantity > 0:
            lot = lots[0]
            taken = min(quantity, lot[1])
            batches.append(lot[0])
            lot[1] -= taken
            quantity -= taken
            if lot[1] == 0:
                lots.popleft()
        return batches


class ExportZone:
    """The collaborators of one 1210 export process.

    ``next_truck_min`` gives, for a time, the first truck to the airport at or after it.
    ``departed`` lists the parcels whose flight has left and that no consolidated declaration
    holds yet (汇总申报 merges them at the end of the period).
    """

    def __init__(self, spec: BondedExportSpec, ctx: ProcessContext, stock: BondedStock) -> None:
        roles, log, facilities = spec.resources, ctx.log, ctx.facilities
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router: Router = ctx.router
        self.control: RunControl = ctx.control
        self.stock = stock
        self.lots = EntryLots(spec.entry.skus)
        self.pickers: Facility = facilities[roles.picker]
        self.officers: Facility = facilities[roles.document_officer]
        self.xray_lines: Facility = facilities[roles.xray_line]
        self.check_officers: Facility = facilities[roles.check_officer]
        self.zone = log.node(spec.zone_node)
        self.origin = log.node(spec.entry.origin_node)
        self.airport = log.node(spec.exit.airport_node)
        a, out = log.activity, log.outcome
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.batch_dispatch = a("batch_dispatch", milestone=True)
        self.account_entry = a("bonded_account_entry", milestone=True)
        self.write_off = a("bonded_account_write_off", milestone=True)
        self.road_transport, self.entry_declaration = a("road_transport"), a("entry_declaration")
        self.entry_check, self.receiving = a("entry_check"), a("receiving")
        self.stock_wait = a("stock_wait")
        self.data_push, self.auto_review = a("data_push"), a("auto_review")
        self.document_review, self.pick_pack = a("document_review"), a("pick_pack")
        self.xray_check, self.parcel_check = a("xray_check"), a("parcel_check")
        self.truck_wait, self.zone_gate = a("truck_wait"), a("zone_gate")
        self.airline_handover = a("airline_handover")
        self.consolidated_declaration = a("consolidated_declaration")
        name = spec.name
        self.stock_shortage = out(name, "stock_shortage")
        self.out_of_stock_cancelled = out(name, "out_of_stock_cancelled")
        self.flights = Departures(
            ctx.env, log, ctx.control, spec.flights, name, direction="export", mode=MODE
        )
        x = spec.exit
        self.next_truck_min = courier_waves(x.truck_interval_min, x.truck_first_h, x.truck_last_h)
        self.departed: list[int] = []
        self.filing = ProcessSamplers(ctx.streams, name).durations(
            Purpose.DECLARATION, "consolidation_filing", spec.consolidation.filing_min
        )
