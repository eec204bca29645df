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

from enum import IntEnum
from functools import partial

import simpy

from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.fastpath.chains import (
    Chain,
    Delay,
    Exit,
    Finish,
    Milestone,
    Serve,
    Step,
    Trip,
    Wait,
)
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.processes.cbec_1210.entities import ConsumerOrder, OrderFactory, StockBatch
from clearsim.simulation.processes.cbec_1210.rules import LimitDecision
from clearsim.simulation.processes.cbec_1210.stock import BondedStock
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.courier_waves import courier_waves


class ParcelKind(IntEnum):
    """How an order ships.

    Bonded items alone; a mixed order in one parcel (the 同仓同包 pilot); a mixed order split
    into two parcels.
    """

    BONDED = 0
    ONE_PARCEL = 1
    SPLIT = 2


class BondedZone:
    """The collaborators of one 1210 process: facilities, stock, sites, activity codes, chains."""

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
        self.pickers = ctx.line(roles.picker)
        self.nonbonded_pickers = ctx.line(roles.nonbonded_picker)
        self.officers: Facility = ctx.facilities[roles.document_officer]
        self.xray_lines = ctx.line(roles.xray_line)
        self.unpack_officers = ctx.line(roles.unpack_officer)
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

        x = spec.exit_supervision
        self.next_wave_min = courier_waves(
            x.courier_wave_interval_min, x.courier_first_wave_h, x.courier_last_wave_h
        )
        self._compile_chains(ctx)

    def _compile_chains(self, ctx: ProcessContext) -> None:
        """The runs of an order's steps that nothing else touches (planned chains)."""
        spec = self.spec

        def chain(*steps: Step) -> Chain:
            return Chain(
                ctx.env, self.log, ctx.control, ctx.router, self.zone, steps, ctx.options.fast_path
            )

        # Data push and list lodgement, automatic review, mismatch correction: nobody else
        # takes part until the review's outcome (:func:`reviewed`).
        lodged = (Delay(self.data_push), Milestone(self.lodgement), Delay(self.auto_review))
        mismatched = (*lodged, Milestone(self.three_document_mismatch))
        self.declared = chain(*lodged)
        self.declared_mismatched = chain(*mismatched)
        self.declared_corrected = chain(
            *mismatched, Delay(self.data_correction), Delay(self.auto_review)
        )
        # From the release: the picking (after the outcome of a mixed order, by ParcelKind),
        # then the courier wave, the gate, the exit and the trip; delivered at the hub unless
        # a second parcel is due. An order sampled for X-ray stops after the picking.
        released = [
            (Milestone(self.release),),
            (Milestone(self.release), Milestone(self.one_parcel_mixed)),
            (Milestone(self.release), Milestone(self.split_two_parcels)),
        ]
        picking = Serve(self.pickers, self.pick_pack)
        self.picked = [chain(*steps, picking) for steps in released]
        # The exit supervision line of a sampled parcel: X-ray, unpacked if abnormal.
        self.xrayed = chain(Serve(self.xray_lines, self.xray_check))
        self.unpacked = chain(Serve(self.unpack_officers, self.unpack_check))
        self.shipped: list[dict[str, Chain]] = [{}, {}, {}]
        self.first_parcels, self.departures, self.second_parcels = {}, {}, {}
        self.delivered: dict[str, Chain] = {}
        for name in spec.destinations:
            leaving = (
                Wait(self.courier_wait, self.next_wave_min),
                Delay(self.gate_association),
                Milestone(self.exit),
                Exit(),
                Trip(spec.zone_node, name),
                Delay(self.road_transport),
            )
            delivered = (Milestone(self.delivery, self.destination_codes[name]), Finish())
            for kind, steps in enumerate(released):
                tail = leaving if kind == ParcelKind.SPLIT else (*leaving, *delivered)
                self.shipped[kind][name] = chain(*steps, picking, *tail)
            self.first_parcels[name] = chain(*leaving)
            self.departures[name] = chain(*leaving, *delivered)
            self.delivered[name] = chain(*delivered)
            # Without the pilot, the non-bonded item is picked in its own warehouse.
            self.second_parcels[name] = chain(
                Serve(self.nonbonded_pickers, self.nonbonded_pick_pack),
                Wait(self.nonbonded_courier_wait, self.next_wave_min),
                Delay(self.nonbonded_handover),
                Trip(spec.zone_node, name),
                Delay(self.nonbonded_transport),
            )


def start_bonded_import(spec: BondedImportSpec, ctx: ProcessContext) -> None:
    """Open the account book, schedule every stock batch and every order before the limit."""
    ctx.log.declare_flow("import", "cbec_1210")
    factory = OrderFactory(spec, ctx.streams, ctx.router)
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
    steps it is a chain of delays and callbacks (:mod:`clearsim.simulation.fastpath.chains`).
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
    then, case, now = partial(reviewed, env, order, zone), order.case, env.now
    if not order.mismatch:
        zone.declared.run(case, now, (order.push_min, order.review_min), then=then)
    elif order.corrected:
        durations = (order.push_min, order.review_min, order.correction_min)
        zone.declared_corrected.run(case, now, (*durations, order.second_review_min), then=then)
    else:
        zone.declared_mismatched.run(case, now, (order.push_min, order.review_min), then=then)


def reviewed(
    env: simpy.Environment, order: ConsumerOrder, zone: BondedZone, _woken: object = None
) -> None:
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
    """Customs releases the list: the pickers, then the courier; a second parcel if split.

    At a peak a hundred thousand released orders wait for the pickers. Where the pickers' line is
    computed (:mod:`clearsim.simulation.fastpath.computed_line`), the release, the picking and the
    whole way to the hub are one planned run; an order sampled for X-ray goes on to the exit check
    when its picking is done.
    """
    pilot = zone.spec.same_warehouse.enabled
    kind = (
        ParcelKind.BONDED
        if not order.mixed
        else (ParcelKind.ONE_PARCEL if pilot else ParcelKind.SPLIT)
    )
    pick_min = order.pick_min + (order.extra_pick_min if kind == ParcelKind.ONE_PARCEL else 0.0)
    case, now, destination = order.case, env.now, order.destination
    first, second = zone.shipped[kind][destination], zone.second_parcels[destination]
    durations = (pick_min, order.gate_min, order.trip_min)
    second_durations = (order.nonbonded_pick_min, order.handover_min, order.nonbonded_trip_min)
    if kind != ParcelKind.SPLIT:
        if order.xray:
            then = partial(_exit_check, env, order, zone, None)
            zone.picked[kind].run(case, now, (pick_min,), then=then)
        else:
            first.run(case, now, durations, order.measured)
    elif not order.xray and first.planned and second.planned:
        # Both parcels' runs are planned at once: the order is delivered when the later one
        # reaches the hub.
        delivery_min = max(first.run(case, now, durations), second.run(case, now, second_durations))
        zone.delivered[destination].run(case, delivery_min, (), order.measured)
    else:
        parcels = _Parcels(zone, order)
        if order.xray:
            then = partial(_exit_check, env, order, zone, parcels)
            zone.picked[kind].run(case, now, (pick_min,), then=then)
        else:
            first.run(case, now, durations, then=parcels.arrived)
        second.run(case, now, second_durations, then=parcels.arrived)


def _exit_check(
    env: simpy.Environment,
    order: ConsumerOrder,
    zone: BondedZone,
    parcels: _Parcels | None,
    _woken: object = None,
) -> None:
    """A parcel sampled at the exit supervision line, picked: X-rayed."""
    then = partial(_xrayed, env, order, zone, parcels)
    zone.xrayed.run(order.case, env.now, (order.xray_min,), then=then)


def _xrayed(
    env: simpy.Environment,
    order: ConsumerOrder,
    zone: BondedZone,
    parcels: _Parcels | None,
    _woken: object = None,
) -> None:
    """Unpacked by an officer if the image is abnormal (the red channel), then on its way."""
    if order.abnormal:
        zone.log.cases.channel[order.case] = int(Channel.RED)
        then = partial(departure, env, order, zone, parcels)
        zone.unpacked.run(order.case, env.now, (order.unpack_min,), then=then)
    else:
        departure(env, order, zone, parcels)


def departure(
    env: simpy.Environment,
    order: ConsumerOrder,
    zone: BondedZone,
    parcels: _Parcels | None,
    _woken: object = None,
) -> None:
    """Courier wave, gate, trip after the exit check: one chain.

    A split order is delivered when its second parcel is at the hub too.
    """
    now, destination = env.now, order.destination
    durations = (order.gate_min, order.trip_min)
    if parcels is None:
        zone.departures[destination].run(order.case, now, durations, order.measured)
    else:
        zone.first_parcels[destination].run(order.case, now, durations, then=parcels.arrived)


class _Parcels:
    """The two parcels of a split order: it is delivered when the later one is at the hub."""

    __slots__ = ("order", "waiting", "zone")

    def __init__(self, zone: BondedZone, order: ConsumerOrder) -> None:
        self.zone = zone
        self.order = order
        self.waiting = 2

    def arrived(self, _woken: object = None) -> None:
        """One parcel is at the hub."""
        self.waiting -= 1
        if not self.waiting:
            _delivered(self.zone, self.order)


def _delivered(zone: BondedZone, order: ConsumerOrder) -> None:
    case = order.case
    milestone(zone.env, zone.log, case, zone.delivery, zone.destination_codes[order.destination])
    zone.log.cases.finished[case] = True
    zone.control.finish(order.measured)


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
