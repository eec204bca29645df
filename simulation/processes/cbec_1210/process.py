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

This module is the fast path: an order is a SimPy process only while it waits for stock or for
an officer, and the rest are planned chains (:mod:`clearsim.simulation.fastpath.chains`) and
computed lines. The reference model, the same procedure as plain SimPy processes, is
:mod:`.reference`; :func:`start_bonded_import` runs it under ``EngineOptions(fast_path=False)``
and where a lined pool is shared (:func:`served_by_lines`), and
``tests/test_cbec_1210_reference.py`` checks that both give the same event log.
"""

from __future__ import annotations

from enum import IntEnum
from functools import partial

import simpy

from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.cbec_rules import LimitDecision
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
from clearsim.simulation.kernel.facilities import Process, milestone, serve
from clearsim.simulation.processes.bonded_stock import BondedStock
from clearsim.simulation.processes.cbec_1210.entities import ConsumerOrder, OrderFactory
from clearsim.simulation.processes.cbec_1210.reference import (
    leave_without_exit,
    replenishment,
    start_reference_model,
)
from clearsim.simulation.processes.cbec_1210.zone import BondedZone
from clearsim.simulation.processes.context import ProcessContext


class ParcelKind(IntEnum):
    """How an order ships.

    Bonded items alone; a mixed order in one parcel (the 同仓同包 pilot); a mixed order split
    into two parcels.
    """

    BONDED = 0
    ONE_PARCEL = 1
    SPLIT = 2


class PlannedZone(BondedZone):
    """The zone with the fast path's computed lines and planned chains, compiled once.

    Set up only where each lined pool is its role's alone (:func:`served_by_lines`), so every
    line is a :class:`~clearsim.simulation.fastpath.computed_line.ComputedLine` and every chain
    is planned.
    """

    def __init__(self, spec: BondedImportSpec, ctx: ProcessContext, stock: BondedStock) -> None:
        roles = spec.resources
        self.picker_line = ctx.computed_line(roles.picker)
        self.nonbonded_picker_line = ctx.computed_line(roles.nonbonded_picker)
        self.xray_line = ctx.computed_line(roles.xray_line)
        self.unpack_line = ctx.computed_line(roles.unpack_officer)
        super().__init__(spec, ctx, stock)
        self._compile_chains(ctx)

    def _compile_chains(self, ctx: ProcessContext) -> None:
        """The runs of an order's steps that nothing else touches (planned chains)."""
        spec = self.spec

        def chain(*steps: Step) -> Chain:
            return Chain(ctx.env, self.log, ctx.control, ctx.router, self.zone, steps)

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
        picking = Serve(self.picker_line, self.pick_pack)
        self.picked = [chain(*steps, picking) for steps in released]
        # The exit supervision line of a sampled parcel: X-ray, unpacked if abnormal.
        self.xrayed = chain(Serve(self.xray_line, self.xray_check))
        self.unpacked = chain(Serve(self.unpack_line, self.unpack_check))
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
                Serve(self.nonbonded_picker_line, self.nonbonded_pick_pack),
                Wait(self.nonbonded_courier_wait, self.next_wave_min),
                Delay(self.nonbonded_handover),
                Trip(spec.zone_node, name),
                Delay(self.nonbonded_transport),
            )


def served_by_lines(spec: BondedImportSpec, exclusive_resources: frozenset[str]) -> bool:
    """Whether every pool an order queues for in a line serves that role of this process alone.

    The pickers, the non-bonded pickers, the X-ray line and the unpacking officers are computed
    lines on the fast path. Lines on a pool that another role or process also requests would not
    take its jobs in the order plain requests do (each line's waiting jobs request a server only
    when one of its feeders takes them), so such a process keeps the reference model.
    """
    roles = spec.resources
    lined = (roles.picker, roles.nonbonded_picker, roles.xray_line, roles.unpack_officer)
    return all(name in exclusive_resources for name in lined)


def start_bonded_import(spec: BondedImportSpec, ctx: ProcessContext) -> None:
    """Open the account book, schedule every stock batch and every order before the limit.

    The engine option ``fast_path`` chooses the version: planned chains and computed lines
    (this module), or the reference model (:mod:`.reference`), which gives the same log. The
    reference model also runs where a lined pool is shared (:func:`served_by_lines`).
    """
    ctx.log.declare_flow("import", "cbec_1210")
    factory = OrderFactory(spec, ctx.streams, ctx.router, ctx.cbec_ledger)
    stock = BondedStock(factory.initial_units())
    if not (ctx.options.fast_path and served_by_lines(spec, ctx.exclusive_resources)):
        zone = BondedZone(spec, ctx, stock)
        start_reference_model(ctx.env, factory, zone, ctx.arrivals_until_min)
        return
    planned = PlannedZone(spec, ctx, stock)
    for batch in factory.batches(ctx.log, ctx.arrivals_until_min):
        ctx.env.process(replenishment(ctx.env, batch, planned))
    orders = factory.plan_orders(ctx.control, ctx.arrivals_until_min)
    ctx.env.process(order_source(ctx.env, factory, orders, planned))


def order_source(
    env: simpy.Environment, factory: OrderFactory, orders: int, zone: PlannedZone
) -> Process:
    """Create each order when it is placed (in arrival order) and place it."""
    for index in range(orders):
        arrival_min = factory.arrival_min(index)
        if arrival_min > env.now:
            yield env.timeout(arrival_min - env.now)
        place_order(env, factory.order(zone.log, index), zone)


def place_order(env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone) -> None:
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


def stock_wait(env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone) -> Process:
    """Queue for the SKU's next batch; cancelled if none comes within the maximum wait."""
    milestone(env, zone.log, order.case, zone.stock_shortage, zone.zone)
    claim = zone.stock.wait(env, order.sku, order.quantity)
    yield claim | env.timeout(zone.spec.stock.max_stock_wait_min)
    if claim.triggered:
        declaration(env, order, zone)
    else:
        zone.stock.withdraw(order.sku, claim)
        leave_without_exit(env, order, zone, zone.out_of_stock_cancelled)


def declaration(env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone) -> None:
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
    env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone, _woken: object = None
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


def officer_review(env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone) -> Process:
    """A flagged list (yellow channel) waits for an officer, then is released."""
    yield from serve(
        env, zone.officers, zone.log, order.case, zone.document_review, order.officer_min
    )
    release(env, order, zone)


def release(env: simpy.Environment, order: ConsumerOrder, zone: PlannedZone) -> None:
    """Customs releases the list: the pickers, then the courier; a second parcel if split.

    At a peak a hundred thousand released orders wait for the pickers. Their line is computed
    (:mod:`clearsim.simulation.fastpath.computed_line`), so the release, the picking and the whole
    way to the hub are one planned run; an order sampled for X-ray goes on to the exit check when
    its picking is done.
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
    elif not order.xray:
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
    zone: PlannedZone,
    parcels: _Parcels | None,
    _woken: object = None,
) -> None:
    """A parcel sampled at the exit supervision line, picked: X-rayed."""
    then = partial(_xrayed, env, order, zone, parcels)
    zone.xrayed.run(order.case, env.now, (order.xray_min,), then=then)


def _xrayed(
    env: simpy.Environment,
    order: ConsumerOrder,
    zone: PlannedZone,
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
    zone: PlannedZone,
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

    def __init__(self, zone: PlannedZone, order: ConsumerOrder) -> None:
        self.zone = zone
        self.order = order
        self.waiting = 2

    def arrived(self, _woken: object = None) -> None:
        """One parcel is at the hub."""
        self.waiting -= 1
        if not self.waiting:
            _delivered(self.zone, self.order)


def _delivered(zone: PlannedZone, order: ConsumerOrder) -> None:
    case = order.case
    milestone(zone.env, zone.log, case, zone.delivery, zone.destination_codes[order.destination])
    zone.log.cases.finished[case] = True
    zone.control.finish(order.measured)
