"""网购保税进口 1210 bonded e-commerce import: bonded stock in a zone, released per order.

Actors and steps (docs/background/cbec-1210-model.md; S27, S28, S29): a firm's bulk stock
leaves the port by road, enters the bonded zone under normal entry, a share is spot-checked by
customs (<= 2 days, S27b) and the batch is booked on the bonded account. A consumer order takes
units of its SKU (or waits for the next batch, and is cancelled if none comes in time). The
platform, the payment firm and the logistics firm push order, payment and waybill, and the
agent lodges the per-order list (清单): ``lodgement``. Customs reviews it automatically: the
three documents are matched (三单对碰; a mismatch is corrected and re-matched, or the order is
cancelled), identity and limits are checked (over a limit: rejected; one indivisible item over
the single limit: allowed at full duties, S29), the CBEC tax is computed; a flagged share goes
to an officer (yellow). Customs releases the list (``release``). Only then the warehouse picks
and packs: a released list is what lets a parcel leave, and the physical check is at the exit.
At the exit supervision line a sampled share is X-rayed; abnormal images are unpacked by an
officer (red). Parcels wait for the next courier pickup wave, the truck is associated with its
lists at the zone gate (``exit``), and the courier drives them to a hub (``delivery``).

Without the 同仓存储、同包发货 pilot (SEED-003 s13), an order that also holds a non-bonded item is
split: the non-bonded item is picked in its own warehouse and ships as a second parcel; the
order is delivered when its last parcel is. With the pilot both are packed in one parcel.
"""

from __future__ import annotations

import math
from functools import partial

import simpy

from models.bonded_import import BondedImportSpec
from models.vocabulary import Channel
from simulation.bonded_import_entities import ConsumerOrder, OrderFactory, StockBatch
from simulation.bonded_stock import BondedStock
from simulation.cbec_rules import LimitDecision
from simulation.chains import Chain
from simulation.context import ProcessContext
from simulation.control import RunControl
from simulation.facilities import Facility, Process, delay, milestone, serve
from simulation.fifo_line import FifoLine
from simulation.network import Router

MINUTES_PER_DAY = 1440.0


def next_wave_min(now_min: float, interval_min: float, first_h: float, last_h: float) -> float:
    """Time of the first courier pickup at or after ``now_min``.

    Waves run every ``interval_min`` from ``first_h`` o'clock, none after ``last_h``; minute 0
    of the run is midnight (scenarios start at 00:00).
    """
    day = math.floor(now_min / MINUTES_PER_DAY) * MINUTES_PER_DAY
    first, last = day + first_h * 60.0, day + last_h * 60.0
    if now_min <= first:
        return first
    wave = first + math.ceil((now_min - first) / interval_min) * interval_min
    return wave if wave <= last else first + MINUTES_PER_DAY


class BondedZone:
    """The collaborators of one 1210 process: facilities, stock, sites, activity codes."""

    def __init__(
        self,
        spec: BondedImportSpec,
        ctx: ProcessContext,
        stock: BondedStock,
    ) -> None:
        roles, log = spec.resources, ctx.log
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router: Router = ctx.router
        self.control: RunControl = ctx.control
        self.stock = stock
        self.pickers = FifoLine(ctx.env, ctx.facilities[roles.picker], log)
        self.nonbonded_pickers = FifoLine(ctx.env, ctx.facilities[roles.nonbonded_picker], log)
        self.officers: Facility = ctx.facilities[roles.document_officer]
        self.xray_lines: Facility = ctx.facilities[roles.xray_line]
        self.unpack_officers: Facility = ctx.facilities[roles.unpack_officer]
        self.zone = log.node(spec.zone_node)
        self.origin = log.node(spec.stock.origin_node)
        self.destination_codes = {name: log.node(name) for name in spec.destinations}
        a, out = log.activity, log.outcome
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.batch_dispatch = a("batch_dispatch", milestone=True)
        self.account_entry = a("bonded_account_entry", milestone=True)
        self.road_transport, self.entry_declaration = a("road_transport"), a("entry_declaration")
        self.spot_check = a("spot_check")
        self.data_push, self.auto_review = a("data_push"), a("auto_review")
        self.data_correction, self.document_review = a("data_correction"), a("document_review")
        self.pick_pack, self.xray_check = a("pick_pack"), a("xray_check")
        self.unpack_check, self.courier_wait = a("unpack_check"), a("courier_wait")
        self.gate_association = a("gate_association")
        self.nonbonded_pick_pack = a("nonbonded_pick_pack")
        self.nonbonded_courier_wait = a("nonbonded_courier_wait")
        self.nonbonded_handover = a("nonbonded_handover")
        self.nonbonded_transport = a("nonbonded_road_transport")
        name = spec.name
        self.stock_shortage = out(name, "stock_shortage")
        self.out_of_stock_cancelled = out(name, "out_of_stock_cancelled")
        self.three_document_mismatch = out(name, "three_document_mismatch")
        self.mismatch_cancelled = out(name, "mismatch_cancelled")
        self.over_limit_rejected = out(name, "over_limit_rejected")
        self.indivisible_full_duty = out(name, "indivisible_full_duty")
        self.split_two_parcels = out(name, "split_two_parcels")
        self.one_parcel_mixed = out(name, "one_parcel_mixed")

    def next_wave(self, now: float) -> float:
        """Minutes from ``now`` until the next courier pickup."""
        x = self.spec.exit_supervision
        wave = next_wave_min(
            now, x.courier_wave_interval_min, x.courier_first_wave_h, x.courier_last_wave_h
        )
        return wave - now


def start_bonded_import(spec: BondedImportSpec, ctx: ProcessContext) -> None:
    """Open the account book, schedule every stock batch and every order before the limit."""
    ctx.log.declare_flow("import", "cbec_1210")
    factory = OrderFactory(spec, ctx.streams)
    zone = BondedZone(spec, ctx, BondedStock(factory.initial_units()))
    for batch in factory.batches(ctx.log, ctx.arrivals_until_min):
        ctx.env.process(stock_batch(ctx.env, batch, zone))
    orders = factory.plan_orders(ctx.control, ctx.arrivals_until_min)
    ctx.env.process(order_source(ctx.env, factory, orders, zone))


def order_source(
    env: simpy.Environment, factory: OrderFactory, orders: int, zone: BondedZone
) -> Process:
    """Create each order when it is placed (in arrival order) and place it."""
    for index in range(orders):
        arrival_min = factory.arrival_min(index)
        if arrival_min > env.now:
            yield env.timeout(arrival_min - env.now)
        place_order(env, factory.order(zone.log, index), zone)


def stock_batch(env: simpy.Environment, batch: StockBatch, zone: BondedZone) -> Process:
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


def place_order(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> None:
    """One order from placement to delivery, or to its cancellation or rejection.

    An order is a process only while it waits for stock or for an officer; between those
    steps it is a chain of delays and callbacks (:mod:`simulation.chains`).
    """
    milestone(env, zone.log, order.case, zone.arrival, zone.zone)
    zone.control.arrive()
    if zone.stock.take(order.sku, order.quantity):
        declaration(env, order, zone)
    else:
        env.process(stock_wait(env, order, zone))


def stock_wait(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> Process:
    """Queue for the SKU's next batch; cancelled if none comes within the maximum wait."""
    milestone(env, zone.log, order.case, zone.stock_shortage, zone.zone)
    claim = zone.stock.wait(env, order.sku, order.quantity)
    yield claim | env.timeout(zone.spec.stock.max_stock_wait_min)
    if claim.triggered:
        declaration(env, order, zone)
    else:
        zone.stock.withdraw(order.sku, claim)
        leave_without_exit(env, order, zone, zone.out_of_stock_cancelled)


def declaration(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> None:
    """Data push and list lodgement, automatic review, mismatch correction: one chain.

    Nobody else takes part until the review's outcome (:func:`reviewed`).
    """
    chain = Chain(env, zone.log, order.case, zone.zone)
    chain.delay(zone.data_push, order.push_min)
    chain.milestone(zone.lodgement)
    chain.delay(zone.auto_review, order.review_min)
    if order.mismatch:
        chain.milestone(zone.three_document_mismatch)
        if order.corrected:
            chain.delay(zone.data_correction, order.correction_min)
            chain.delay(zone.auto_review, order.second_review_min)
    chain.call(partial(reviewed, env, order, zone))
    chain.close()


def reviewed(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> None:
    """Cancel, reject, or release the list (after an officer's review when flagged)."""
    log, node, case = zone.log, zone.zone, order.case
    if order.mismatch and not order.corrected:
        leave_without_exit(env, order, zone, zone.mismatch_cancelled)
    elif order.decision == LimitDecision.OVER:
        leave_without_exit(env, order, zone, zone.over_limit_rejected)
    else:
        if order.decision == LimitDecision.INDIVISIBLE:
            milestone(env, log, case, zone.indivisible_full_duty, node)
        log.cases.channel[case] = int(Channel.YELLOW if order.flagged else Channel.GREEN)
        if order.flagged:
            env.process(officer_review(env, order, zone))
        else:
            release(env, order, zone)
        return
    # The reserved units go back on the account book for the orders behind.
    zone.stock.book_in(order.sku, order.quantity)


def officer_review(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> Process:
    """A flagged list (yellow channel) waits for an officer, then is released."""
    yield from serve(
        env, zone.officers, zone.log, order.case, zone.document_review, order.officer_min
    )
    release(env, order, zone)


def release(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> None:
    """Customs releases the list; the order goes to the pickers."""
    milestone(env, zone.log, order.case, zone.release, zone.zone)
    fulfilment(env, order, zone)


def fulfilment(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> None:
    """Join the pickers' line (and start the second parcel); the exit follows the picking.

    At a peak a hundred thousand released orders wait for the pickers: each waits as a record
    in the line, not as a suspended process, and goes on (an exit check if sampled, then
    :func:`departure`) from the line's callback when its picking is done.
    """
    log, node, case, pilot = zone.log, zone.zone, order.case, zone.spec.same_warehouse.enabled
    pick_min = order.pick_min + (order.extra_pick_min if order.mixed and pilot else 0.0)
    if order.mixed:
        milestone(env, log, case, zone.one_parcel_mixed if pilot else zone.split_two_parcels, node)
    second = env.process(nonbonded_parcel(env, order, zone)) if order.mixed and not pilot else None
    zone.pickers.serve_then(
        case, zone.pick_pack, pick_min, partial(_picked, env, order, zone, second)
    )


def _picked(
    env: simpy.Environment,
    order: ConsumerOrder,
    zone: BondedZone,
    second: simpy.Process | None,
) -> None:
    if order.xray:
        env.process(exit_check(env, order, zone, second))
    else:
        departure(env, order, zone, second)


def exit_check(
    env: simpy.Environment, order: ConsumerOrder, zone: BondedZone, second: simpy.Process | None
) -> Process:
    """A parcel sampled at the exit supervision line: X-ray, unpacked if the image is abnormal."""
    log, case = zone.log, order.case
    yield from serve(env, zone.xray_lines, log, case, zone.xray_check, order.xray_min)
    if order.abnormal:
        log.cases.channel[case] = int(Channel.RED)
        yield from serve(env, zone.unpack_officers, log, case, zone.unpack_check, order.unpack_min)
    departure(env, order, zone, second)


def departure(
    env: simpy.Environment, order: ConsumerOrder, zone: BondedZone, second: simpy.Process | None
) -> None:
    """Courier wave, gate, trip: one chain; delivered when the second parcel (if any) is too."""
    spec, case, now = zone.spec, order.case, env.now
    chain = Chain(env, zone.log, case, zone.zone)
    chain.delay(zone.courier_wait, zone.next_wave(now))
    chain.delay(zone.gate_association, order.gate_min)
    chain.milestone(zone.exit)
    chain.call(partial(_left, zone, order.destination))
    trip_min = zone.router.planned_trip_min(spec.zone_node, order.destination, order.trip_u)
    chain.delay(zone.road_transport, trip_min)
    chain.call(partial(_arrived, zone, order, second))
    chain.close()


def _left(zone: BondedZone, destination: str) -> None:
    zone.control.exit()
    zone.router.count_trip(zone.spec.zone_node, destination)


def _arrived(zone: BondedZone, order: ConsumerOrder, second: simpy.Process | None) -> None:
    """The order's first parcel is at the hub: delivered now, or when the second arrives."""
    if second is not None and not second.triggered:
        second.callbacks.append(lambda _: _delivered(zone, order))
    else:
        _delivered(zone, order)


def _delivered(zone: BondedZone, order: ConsumerOrder) -> None:
    case = order.case
    milestone(zone.env, zone.log, case, zone.delivery, zone.destination_codes[order.destination])
    zone.log.cases.finished[case] = True
    zone.control.finish(order.measured)


def nonbonded_parcel(env: simpy.Environment, order: ConsumerOrder, zone: BondedZone) -> Process:
    """Without the pilot: the non-bonded item, picked in its own warehouse, a second parcel."""
    log, node, case, spec = zone.log, zone.zone, order.case, zone.spec
    yield zone.nonbonded_pickers.serve(case, zone.nonbonded_pick_pack, order.nonbonded_pick_min)
    yield from delay(env, log, case, zone.nonbonded_courier_wait, node, zone.next_wave(env.now))
    yield from delay(env, log, case, zone.nonbonded_handover, node, order.handover_min)
    trip_min = zone.router.trip_min(spec.zone_node, order.destination, order.nonbonded_trip_u)
    yield from delay(env, log, case, zone.nonbonded_transport, node, trip_min)


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
