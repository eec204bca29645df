"""特殊区域出口 1210 export: "集中入区、分散出区、汇总申报", flown from the airport.

Actors and steps (docs/background/cbec-1210-export-model.md; S60, S69, S70): domestic sellers
move goods into the zone in batches; each batch is declared on entry (the zone-entry export
declaration, the seller's tax-refund document: 入区退税), perhaps checked, received and booked
on the bonded account. An overseas consumer's order takes units of its SKU on the account (or
waits for the next batch, and is cancelled if none comes in time); the platform, the payment
firm and the logistics firm push order, collection and waybill and the per-parcel export list is
lodged (``lodgement``); customs screens it automatically, a flagged share by an officer
(yellow). The zone's warehouse picks and packs the parcel; a sampled share (or every parcel) is
X-rayed, a flagged image opened by an officer (red); customs releases the list (``release``) and
the units are written off the account. The parcel waits for the next truck to the airport, the
truck and its lists are released at the zone gate (出区, ``exit``), it drives to the airport
(区港联动), is handed to the airline before the cut-off and departs with the first flight with
room (``departure``; outcome ``missed_flight`` when later than the one booked at the sale). At
the end of every period the lists of the parcels flown in it are merged into one consolidated
declaration (汇总申报).

There is no fast path: the reference model (:mod:`.reference`) runs under either engine option.
"""

from __future__ import annotations

from clearsim.models.bonded_export import BondedExportSpec
from clearsim.simulation.processes.bonded_stock import BondedStock
from clearsim.simulation.processes.cbec_1210_export.entities import MODE, ExportOrderFactory
from clearsim.simulation.processes.cbec_1210_export.reference import start_reference_model
from clearsim.simulation.processes.cbec_1210_export.zone import ExportZone
from clearsim.simulation.processes.context import ProcessContext


def start_bonded_export(spec: BondedExportSpec, ctx: ProcessContext) -> None:
    """Open the account book with the opening stock; schedule batches, orders, consolidation."""
    ctx.log.declare_flow("export", MODE)
    factory = ExportOrderFactory(spec, ctx.streams)
    stock = BondedStock(factory.initial_units())
    zone = ExportZone(spec, ctx, stock)
    opening = ctx.log.new_case(
        "entry_batch",
        spec.name,
        shipment=False,
        direction="export",
        mode=MODE,
        case_class="opening_stock",
        destination=spec.zone_node,
    )
    start_reference_model(ctx.env, factory, zone, opening, ctx.arrivals_until_min)
