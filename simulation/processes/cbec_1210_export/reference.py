"""The reference model of the 1210 special-zone export: every entity a SimPy process.

An entry batch (:func:`entry_batch`) drives from the seller to the zone, is declared on entry
(the seller's refund document), perhaps checked, received into the warehouse and booked on the
bonded account. An order (:func:`export_order`) takes units of its SKU or waits for the next
batch, is declared on its export list, screened, picked and packed, perhaps X-rayed and checked,
released, written off the account, trucked out of the zone to the airport, handed to the airline
and flown. At the end of every period the lists of the parcels that left in it are merged into
one consolidated declaration (:func:`consolidation`). Every queue is a plain request on the
facility (:func:`clearsim.simulation.kernel.facilities.serve`), every activity a timeout.
"""

from __future__ import annotations

import simpy

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import (
    COMPLETE,
    SCHEDULE,
    START,
    Process,
    delay,
    milestone,
    serve,
)
from clearsim.simulation.log.recorder import NO_RESOURCE
from clearsim.simulation.processes.cbec_1210_export.entities import (
    MODE,
    EntryBatch,
    ExportOrder,
    ExportOrderFactory,
)
from clearsim.simulation.processes.cbec_1210_export.zone import ExportZone
from clearsim.simulation.processes.departures import board


def start_reference_model(
    env: simpy.Environment,
    factory: ExportOrderFactory,
    zone: ExportZone,
    opening_case: int,
    arrivals_until_min: float,
) -> None:
    """Book the opening stock, start every entry batch, the order source and consolidation."""
    for sku, units in enumerate(zone.stock.initial):
        zone.lots.book_in(sku, units, opening_case)
    milestone(env, zone.log, opening_case, zone.account_entry, zone.zone)
    zone.log.cases.finished[opening_case] = True
    for batch in factory.batches(zone.log, arrivals_until_min):
        env.process(entry_batch(env, batch, zone))
    orders = factory.plan_orders(zone.control, arrivals_until_min)
    env.process(order_source(env, factory, orders, zone))
    env.process(consolidation(env, zone))


def order_source(
    env: simpy.Environment, factory: ExportOrderFactory, orders: int, zone: ExportZone
) -> Process:
    """Create each order when it is placed (in arrival order: its draws) and start it."""
    for index in range(orders):
        arrival_min = factory.arrival_min(index)
        if arrival_min > env.now:
            yield env.timeout(arrival_min - env.now)
        env.process(export_order(env, factory.order(zone.log, index), zone))


def entry_batch(env: simpy.Environment, batch: EntryBatch, zone: ExportZone) -> Process:
    """Seller to zone by road, zone-entry declaration, a possible check, receiving, booking."""
    log, spec, case, site = zone.log, zone.spec, batch.case, zone.zone
    if batch.departure_min > env.now:
        yield env.timeout(batch.departure_min - env.now)
    milestone(env, log, case, zone.batch_dispatch, zone.origin)
    trip_min = zone.router.trip_min(spec.entry.origin_node, spec.zone_node, batch.trip_u)
    yield from delay(env, log, case, zone.road_transport, zone.origin, trip_min)
    # The zone-entry export declaration: the seller's refund document (入区退税).
    yield from delay(env, log, case, zone.entry_declaration, site, batch.entry_min)
    if batch.checked:
        yield from delay(env, log, case, zone.entry_check, site, batch.check_min)
    yield from delay(env, log, case, zone.receiving, site, batch.receiving_min)
    milestone(env, log, case, zone.account_entry, site)
    for sku, units in batch.units:
        zone.lots.book_in(sku, units, case)
        zone.stock.book_in(sku, units)
    log.cases.finished[case] = True


def export_order(env: simpy.Environment, order: ExportOrder, zone: ExportZone) -> Process:
    """One order from its sale to its flight's departure, or to its cancellation."""
    log, site, case, stock = zone.log, zone.zone, order.case, zone.stock
    milestone(env, log, case, zone.arrival, site)
    zone.control.arrive()
    planned = zone.flights.planned_index(env.now)

    # The order takes units of its SKU on the account, or waits for the next entry batch.
    if not stock.take(order.sku, order.quantity):
        milestone(env, log, case, zone.stock_shortage, site)
        instance = log.new_instance()
        log.emit((case, zone.stock_wait, instance, SCHEDULE, env.now, site, NO_RESOURCE))
        log.emit((case, zone.stock_wait, instance, START, env.now, site, NO_RESOURCE))
        claim = stock.wait(env, order.sku, order.quantity)
        yield claim | env.timeout(zone.spec.entry.max_stock_wait_min)
        log.emit((case, zone.stock_wait, instance, COMPLETE, env.now, site, NO_RESOURCE))
        if not claim.triggered:
            stock.withdraw(order.sku, claim)
            milestone(env, log, case, zone.out_of_stock_cancelled, site)
            log.cases.finished[case] = True
            zone.control.exit()
            zone.control.finish(order.measured)
            return
    for batch_case in zone.lots.draw(order.sku, order.quantity):
        log.link(case, batch_case, "drawn_from")

    # Order, collection and waybill pushed, the export list lodged; screened automatically.
    yield from delay(env, log, case, zone.data_push, site, order.push_min)
    milestone(env, log, case, zone.lodgement, site)
    yield from delay(env, log, case, zone.auto_review, site, order.review_min)
    log.cases.channel[case] = int(Channel.YELLOW if order.flagged else Channel.GREEN)
    if order.flagged:
        yield from serve(env, zone.officers, log, case, zone.document_review, order.officer_min)

    # Picked and packed in the zone's warehouse; a sampled parcel X-rayed, a flagged image
    # opened by an officer (red); then the list is released and written off the account.
    yield from serve(env, zone.pickers, log, case, zone.pick_pack, order.pick_min)
    if order.xray:
        yield from serve(env, zone.xray_lines, log, case, zone.xray_check, order.xray_min)
        if order.abnormal:
            log.cases.channel[case] = int(Channel.RED)
            check_min = order.check_min
            yield from serve(env, zone.check_officers, log, case, zone.parcel_check, check_min)
    milestone(env, log, case, zone.release, site)
    milestone(env, log, case, zone.write_off, site)

    # The next truck to the airport; the truck and its lists released at the zone gate (出区).
    truck_min = zone.next_truck_min(env.now)
    yield from delay(env, log, case, zone.truck_wait, site, truck_min - env.now)
    yield from delay(env, log, case, zone.zone_gate, site, order.gate_min)
    milestone(env, log, case, zone.exit, site)
    zone.control.exit()
    spec = zone.spec
    trip_min = zone.router.trip_min(spec.zone_node, spec.exit.airport_node, order.trip_u)
    yield from delay(env, log, case, zone.road_transport, site, trip_min)

    # Handed to the airline before the cut-off; departs with its flight.
    handover_min = order.handover_min
    yield from delay(env, log, case, zone.airline_handover, zone.airport, handover_min)
    yield from board(env, zone.flights, case, 1, planned)
    zone.departed.append(case)
    log.cases.finished[case] = True
    zone.control.finish(order.measured)


def consolidation(env: simpy.Environment, zone: ExportZone) -> Process:
    """汇总申报: at each period's end, the lists of parcels flown in it merged into one.

    The consolidated declaration is a case of its own (not a shipment), linked from each of its
    parcels (``consolidated_in``); periods in which no parcel left have none.
    """
    period = zone.spec.consolidation.period_min
    while True:
        yield env.timeout(period - env.now % period)
        parcels, zone.departed = zone.departed, []
        if parcels:
            env.process(consolidated_declaration(env, parcels, zone))


def consolidated_declaration(
    env: simpy.Environment, parcels: list[int], zone: ExportZone
) -> Process:
    """One consolidated declaration: its case, its parcels' links, the declarant's filing."""
    log = zone.log
    case = log.new_case(
        "consolidated_declaration",
        zone.spec.name,
        shipment=False,
        direction="export",
        mode=MODE,
    )
    for parcel in parcels:
        log.link(parcel, case, "consolidated_in")
    filing_min = zone.filing()
    yield from delay(env, log, case, zone.consolidated_declaration, zone.zone, filing_min)
    log.cases.finished[case] = True
