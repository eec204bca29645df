"""The reference model of the 1210 bonded import: every entity a SimPy process, top to bottom.

A replenishment batch (:func:`replenishment`) drives from the port to the zone, is entered and
perhaps spot-checked, and is booked on the bonded account. A consumer order
(:func:`consumer_order`) takes units of its SKU or waits for them, is declared and reviewed,
released, picked and packed, perhaps X-rayed and unpacked at the exit supervision line, and leaves
with a courier wave for the hub; the non-bonded item of a split order is a parcel of its own
(:func:`nonbonded_parcel`), and the order is delivered with the later of its two parcels. Every
queue is a plain request on the facility (``with resource.request() as req: yield req``, in
:func:`clearsim.simulation.kernel.facilities.serve`), every activity a timeout.

This is the model the engine option ``EngineOptions(fast_path=False)`` runs. The fast path
(:mod:`.process`) computes the same orders with planned chains and computed lines, and
``tests/test_cbec_1210_reference.py`` checks that both give the same event log on the same seed.
"""

from __future__ import annotations

import simpy

from clearsim.models.cbec_rules import LimitDecision
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Process, delay, milestone, serve
from clearsim.simulation.processes.cbec_1210.entities import (
    ConsumerOrder,
    OrderFactory,
    StockBatch,
)
from clearsim.simulation.processes.cbec_1210.zone import BondedZone


def start_reference_model(
    env: simpy.Environment,
    factory: OrderFactory,
    zone: BondedZone,
    arrivals_until_min: float,
) -> None:
    """Start every replenishment batch and the source of every order placed before the limit."""
    for batch in factory.batches(zone.log, arrivals_until_min):
        env.process(replenishment(env, batch, zone))
    orders = factory.plan_orders(zone.control, arrivals_until_min)
    env.process(order_source(env, factory, orders, zone))


def order_source(
    env: simpy.Environment, factory: OrderFactory, orders: int, zone: BondedZone
) -> Process:
    """Create each order when it is placed (in arrival order: its draws) and start it."""
    for index in range(orders):
        arrival_min = factory.arrival_min(index)
        if arrival_min > env.now:
            yield env.timeout(arrival_min - env.now)
        env.process(consumer_order(env, factory.order(zone.log, index), zone))


def replenishment(env: simpy.Environment, batch: StockBatch, zone: BondedZone) -> Process:
    """Port to zone by road, normal entry, a possible spot check, then onto the account book."""
    log, spec = zone.log, zone.spec
    if batch.departure_min > env.now:
        yield env.timeout(batch.departure_min - env.now)
    milestone(env, log, batch.case, zone.batch_dispatch, zone.origin)
    trip_min = zone.router.trip_min(spec.stock.origin_node, spec.zone_node, batch.trip_u)
    yield from delay(env, log, batch.case, zone.road_transport, zone.origin, trip_min)
    yield from delay(env, log, batch.case, zone.entry_declaration, zone.zone, batch.entry_min)
    if batch.spot_checked:
        yield from delay(env, log, batch.case, zone.spot_check, zone.zone, batch.spot_check_min)
    milestone(env, log, batch.case, zone.account_entry, zone.zone)
    for sku, units in batch.units:
        zone.stock.book_in(sku, units)
    log.cases.finished[batch.case] = True


def consumer_order(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> Process:
    """One order from its placement to its delivery, or to its cancellation or rejection."""
    log, site, case, stock = zone.log, zone.zone, order.case, zone.stock
    milestone(env, log, case, zone.arrival, site)
    zone.control.arrive()

    # The order takes units of its SKU off the account book, or queues for the next batch.
    if not stock.take(order.sku, order.quantity):
        milestone(env, log, case, zone.stock_shortage, site)
        claim = stock.wait(env, order.sku, order.quantity)
        yield claim | env.timeout(zone.spec.stock.max_stock_wait_min)
        if not claim.triggered:
            stock.withdraw(order.sku, claim)
            leave_without_exit(env, order, zone, zone.out_of_stock_cancelled)
            return

    # Order, payment and waybill are pushed and the list lodged; customs reviews it automatically.
    yield from delay(env, log, case, zone.data_push, site, order.push_min)
    milestone(env, log, case, zone.lodgement, site)
    yield from delay(env, log, case, zone.auto_review, site, order.review_min)
    if order.mismatch:  # the three documents do not match: corrected and reviewed again
        milestone(env, log, case, zone.three_document_mismatch, site)
        if not order.corrected:
            leave_without_exit(env, order, zone, zone.mismatch_cancelled)
            stock.book_in(order.sku, order.quantity)  # the units go back on the account book
            return
        yield from delay(env, log, case, zone.data_correction, site, order.correction_min)
        yield from delay(env, log, case, zone.auto_review, site, order.second_review_min)

    # The limit check; a flagged list waits for an officer (yellow), the others pass (green).
    if order.decision == LimitDecision.OVER:
        leave_without_exit(env, order, zone, zone.over_limit_rejected)
        stock.book_in(order.sku, order.quantity)
        return
    if order.decision == LimitDecision.INDIVISIBLE:
        milestone(env, log, case, zone.indivisible_full_duty, site)
    log.cases.channel[case] = int(Channel.YELLOW if order.flagged else Channel.GREEN)
    if order.flagged:
        officers, review_min = zone.officers, order.officer_min
        yield from serve(env, officers, log, case, zone.document_review, review_min)

    # Released: the warehouse picks and packs; a mixed order is one parcel under the pilot,
    # else its non-bonded item leaves as a second parcel from its own warehouse.
    milestone(env, log, case, zone.release, site)
    pick_min, second_parcel = order.pick_min, None
    if order.mixed and zone.spec.same_warehouse.enabled:
        milestone(env, log, case, zone.one_parcel_mixed, site)
        pick_min = order.pick_min + order.extra_pick_min
    elif order.mixed:
        milestone(env, log, case, zone.split_two_parcels, site)
        second_parcel = env.process(nonbonded_parcel(env, order, zone))
    yield from serve(env, zone.pickers, log, case, zone.pick_pack, pick_min)

    # The exit supervision line: a sampled parcel is X-rayed, unpacked if abnormal (red).
    if order.xray:
        yield from serve(env, zone.xray_lines, log, case, zone.xray_check, order.xray_min)
        if order.abnormal:
            log.cases.channel[case] = int(Channel.RED)
            unpackers, unpack_min = zone.unpack_officers, order.unpack_min
            yield from serve(env, unpackers, log, case, zone.unpack_check, unpack_min)

    # The next courier wave; the truck and its lists at the zone gate; the trip to the hub.
    wave_min = zone.next_wave_min(env.now)
    yield from delay(env, log, case, zone.courier_wait, site, wave_min - env.now)
    yield from delay(env, log, case, zone.gate_association, site, order.gate_min)
    milestone(env, log, case, zone.exit, site)
    zone.control.exit()
    zone.router.count_trip(zone.spec.zone_node, order.destination)
    yield from delay(env, log, case, zone.road_transport, site, order.trip_min)
    if second_parcel is not None:
        yield second_parcel  # delivered with the later of its two parcels
    milestone(env, log, case, zone.delivery, zone.destination_codes[order.destination])
    log.cases.finished[case] = True
    zone.control.finish(order.measured)


def nonbonded_parcel(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> Process:
    """The non-bonded item of a split order: its own warehouse, courier wave and trip.

    It passes no customs gate, so the order's exit is its bonded parcel's.
    """
    log, site, case = zone.log, zone.zone, order.case
    pickers, pick_min = zone.nonbonded_pickers, order.nonbonded_pick_min
    yield from serve(env, pickers, log, case, zone.nonbonded_pick_pack, pick_min)
    wave_min = zone.next_wave_min(env.now)
    yield from delay(env, log, case, zone.nonbonded_courier_wait, site, wave_min - env.now)
    yield from delay(env, log, case, zone.nonbonded_handover, site, order.handover_min)
    zone.router.count_trip(zone.spec.zone_node, order.destination)
    yield from delay(env, log, case, zone.nonbonded_transport, site, order.nonbonded_trip_min)


def leave_without_exit(
    env: simpy.Environment, order: ConsumerOrder, zone: BondedZone, outcome: int
) -> None:
    """A cancelled or rejected order: its outcome, then it leaves the system without an exit.

    It counts as leaving (``control.exit``) so that arrivals = left + in system holds; it never
    records ``release``, ``exit`` or ``delivery``.
    """
    milestone(env, zone.log, order.case, outcome, zone.zone)
    zone.log.cases.finished[order.case] = True
    zone.control.exit()
    zone.control.finish(order.measured)
