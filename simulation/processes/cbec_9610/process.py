"""直购进口 9610 direct-purchase import: parcels flown in, cleared one by one, handed to couriers.

Actors and steps (docs/background/cbec-9610-model.md): consumers order and pay abroad; a flight
lands a batch of parcels at Tianhe or Huahu; the cargo terminal breaks the batch down and seals
it onto a truck, which drives to the express / CBEC supervision centre (Dongxihu, S32c); a dock
team unloads the truck and inducts the parcels one by one onto the sorting line. Apart from that
physical flow, each parcel's list (清单) is lodged, usually before the landing, and matched
against the order, payment and waybill data (三单对碰); a list with missing or mismatched data is
held until the data is corrected; the matched list is risk-screened and checked against the
CBEC limits (S29; one annual limit per buyer across 1210 and 9610, the run's buyer ledger): over
a limit it is rejected and the parcel leaves the CBEC flow unreleased, one indivisible item over
the single limit is taxed in full. On the line every parcel passes an X-ray; a parcel flagged by the
risk engine or with an abnormal image is unpacked by an officer (the red channel), and a few
unpacked parcels are seized or returned. The others are released on their data (green). Released
parcels are sorted to courier cages, leave the centre with the next courier pickup wave (exit) and
reach the courier's hub (delivery).

This module is the fast path (``EngineOptions.fast_path``, the default): a parcel is no process
but a chain of callbacks (:func:`_inducted`, :func:`_scanned`, :func:`_screened`,
:func:`_unpacked`, :func:`_released`), its runs of steps planned at once and its queues computed
lines (:mod:`clearsim.simulation.fastpath.chains`). It must give the event log of the reference
model (:mod:`clearsim.simulation.processes.cbec_9610.reference`, one SimPy process per flight,
list and parcel), which :func:`start_direct_purchase` runs instead when the fast path is off or
a lined pool is shared; ``tests/test_cbec_9610_reference.py`` compares the two.
"""

from __future__ import annotations

from functools import partial

import simpy

from clearsim.models.cbec_rules import LimitDecision
from clearsim.models.direct_purchase import DirectPurchaseSpec
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
    wake_at,
)
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import (
    COMPLETE,
    SCHEDULE,
    START,
    Process,
    delay,
    milestone,
    milestone_at,
)
from clearsim.simulation.processes.cbec_9610 import reference
from clearsim.simulation.processes.cbec_9610.centre import SupervisionCentre
from clearsim.simulation.processes.cbec_9610.entities import Flight, Parcel, ParcelFactory
from clearsim.simulation.processes.context import ProcessContext


class PlannedCentre(SupervisionCentre):
    """The centre as the fast path works it: computed lines and planned chains at its facilities."""

    def __init__(self, spec: DirectPurchaseSpec, ctx: ProcessContext) -> None:
        super().__init__(spec, ctx)
        roles, log = spec.resources, ctx.log
        # Parcel queues run to thousands on a peak day: computed FIFO lines (each pool this
        # role's alone, :func:`served_by_lines`) give each job's start and end as it joins.
        xray_lines = ctx.computed_line(roles.xray_line)
        officers = ctx.computed_line(roles.unpack_officer)
        sorters = ctx.computed_line(roles.sorter)

        def chain(*steps: Step) -> Chain:
            return Chain(ctx.env, log, ctx.control, ctx.router, self.centre, steps)

        # A list from its lodgement to its screening, held until its data are corrected if
        # incomplete: nothing else in the run touches it (:func:`parcel_list`).
        lodged = (Milestone(self.lodgement), Delay(self.list_matching))
        self.listed = chain(*lodged, Delay(self.risk_screening))
        self.listed_after_hold = chain(
            *lodged,
            Milestone(self.data_incomplete_held),
            Delay(self.data_correction),
            Delay(self.risk_screening),
        )
        # Inducted onto the line and X-rayed (:func:`_inducted`); released, sorted, then the
        # courier wave, exit, trip and delivery (:func:`_released`).
        self.scanned = chain(Milestone(self.line_induction), Serve(xray_lines, self.xray_scan))
        self.unpacked = chain(Serve(officers, self.unpack_check))
        self.shipped = {
            name: chain(
                Milestone(self.release),
                Serve(sorters, self.courier_sorting),
                Wait(self.courier_wait, self.next_pickup_min),
                Milestone(self.exit),
                Exit(),
                Trip(spec.centre_node, name),
                Delay(self.road_transport),
                Milestone(self.delivery, self.destination_codes[name]),
                Finish(),
            )
            for name in spec.destinations
        }


def served_by_lines(spec: DirectPurchaseSpec, exclusive_resources: frozenset[str]) -> bool:
    """Whether every pool a parcel queues for in a line serves that role of this process alone.

    The X-ray line, the unpacking officers and the sorters are computed lines on the fast path.
    Lines on a pool that another role or process also requests would not take their jobs in the
    order plain requests do (a line's waiting jobs request a server only when one of its feeders
    takes them), so such a process keeps the reference model.
    """
    roles = spec.resources
    lined = (roles.xray_line, roles.unpack_officer, roles.sorter)
    return all(name in exclusive_resources for name in lined)


def start_direct_purchase(spec: DirectPurchaseSpec, ctx: ProcessContext) -> None:
    """Set up the supervision centre and schedule every flight landing before the admission limit.

    The engine option ``fast_path`` chooses the version: planned chains and computed lines (this
    module), or the reference model (:mod:`clearsim.simulation.processes.cbec_9610.reference`),
    which gives the same log. The reference model also runs where a lined pool is shared
    (:func:`served_by_lines`).

    Every measured parcel is announced to the run control now, so the run cannot end between two
    flights; the flights and their parcels are created later, one advance window before each
    landing, so a run that ends early never builds the parcels it would not reach.
    """
    ctx.log.declare_flow("import", "cbec_9610")
    env = ctx.env
    fast = ctx.options.fast_path and served_by_lines(spec, ctx.exclusive_resources)
    centre = PlannedCentre(spec, ctx) if fast else SupervisionCentre(spec, ctx)
    factory = ParcelFactory(spec, ctx.streams, ctx.router, ctx.cbec_ledger)
    schedule = [
        (arrival_min, parcels, announce(ctx.control, arrival_min, parcels))
        for arrival_min, parcels in factory.schedule(ctx.arrivals_until_min)
    ]
    if isinstance(centre, PlannedCentre):
        env.process(flight_source(env, factory, centre, schedule))
    else:
        env.process(reference.flights(env, factory, centre, schedule))


def announce(control: RunControl, arrival_min: float, parcels: int) -> bool:
    """Register a flight's parcels with the run control; True when they are measured."""
    measured = False
    for _ in range(parcels):
        measured = control.expect(arrival_min)
    return measured


def flight_source(
    env: simpy.Environment,
    factory: ParcelFactory,
    centre: PlannedCentre,
    schedule: list[tuple[float, int, bool]],
) -> Process:
    """Create each flight with its parcels one advance window before it lands, in landing order."""
    window_min = centre.spec.parcel_list.advance_window_min
    for arrival_min, parcels, measured in schedule:
        create_min = arrival_min - window_min
        if create_min > env.now:
            yield env.timeout(create_min - env.now)
        flight = factory.flight(centre.log, arrival_min, parcels, measured)
        env.process(flight_process(env, flight, centre))
        for parcel in flight.parcels:
            parcel_list(env, parcel, centre)


def flight_process(env: simpy.Environment, flight: Flight, centre: PlannedCentre) -> Process:
    """Land, unload and seal, truck to the centre, dock: parcels are inducted while it unloads."""
    log, spec = centre.log, centre.spec
    airport = centre.airport_codes[flight.airport]
    if flight.arrival_min > env.now:
        yield env.timeout(flight.arrival_min - env.now)
    milestone(env, log, flight.case, centre.flight_arrival, airport)
    for parcel in flight.parcels:
        milestone(env, log, parcel.case, centre.arrival, airport)
        centre.control.arrive()
    yield from delay(
        env, log, flight.case, centre.aircraft_unloading, airport, flight.unloading_min
    )
    trip_min = centre.router.trip_min(flight.airport, spec.centre_node, flight.transfer_u)
    yield from delay(env, log, flight.case, centre.sealed_transfer, airport, trip_min)
    milestone(env, log, flight.case, centre.truck_arrival, centre.centre)
    docks, emit, instance = centre.unloaders, log.emit, log.new_instance()
    per_parcel = centre.minutes_per_parcel
    emit((flight.case, centre.truck_unloading, instance, SCHEDULE, env.now, docks.node, docks.code))
    with docks.resource.request(priority=1) as request:
        yield request
        emit(
            (flight.case, centre.truck_unloading, instance, START, env.now, docks.node, docks.code)
        )
        flight.dock_start_min = env.now
        if flight.parcels:
            _induct(env, flight, 0, centre)
        unloading_min = flight.setup_min + len(flight.parcels) * per_parcel
        yield env.timeout(unloading_min)
        emit(
            (
                flight.case,
                centre.truck_unloading,
                instance,
                COMPLETE,
                env.now,
                docks.node,
                docks.code,
            )
        )
    log.cases.finished[flight.case] = True


def parcel_list(env: simpy.Environment, parcel: Parcel, centre: PlannedCentre) -> None:
    """Lodge the list, match the three data sets, hold until corrected if incomplete, screen.

    Nothing else in the run touches a list between its lodgement and its screening, so the
    steps are one chain, planned when the parcel is created; ``parcel.declared_min`` is when
    its screening ends. A list lodged before the run's start is planned from its lodgement, in
    the past, as the reference model records it (``declaration.lodge``).
    """
    now, lodged = env.now, parcel.lodgement_min
    if lodged < 0.0:
        start = lodged
    elif lodged > now:
        # Where a timeout from now to the lodgement ends (a float may round off the lodgement).
        start = now + (lodged - now)
    else:
        start = now
    if parcel.incomplete:
        # Missing or mismatched order, payment or waybill data: no release until re-sent.
        parcel.declared_min = centre.listed_after_hold.run(
            parcel.case, start, (parcel.matching_min, parcel.correction_min, parcel.screening_min)
        )
    else:
        parcel.declared_min = centre.listed.run(
            parcel.case, start, (parcel.matching_min, parcel.screening_min)
        )
    # The limit check of the screened list (S29): rejected over a limit, or taxed in full.
    outcome = {
        LimitDecision.OVER: centre.over_limit_rejected,
        LimitDecision.INDIVISIBLE: centre.indivisible_full_duty,
    }.get(parcel.decision)
    if outcome is not None:
        milestone_at(centre.log, parcel.case, outcome, centre.centre, parcel.declared_min)


def _induct(env: simpy.Environment, flight: Flight, index: int, centre: PlannedCentre) -> None:
    """The dock team inducts the flight's ``index``-th parcel at its turn (one event at a time)."""
    turn = centre.induction_min(flight.dock_start_min, flight.setup_min, index)
    wake_at(env, turn).callbacks.append(partial(_inducted, env, flight.parcels[index], centre))


def _inducted(
    env: simpy.Environment, parcel: Parcel, centre: PlannedCentre, _: simpy.Event
) -> None:
    """Inducted onto the line: every 9610 parcel passes the X-ray (the model's assumption).

    A parcel is no process: each step hands over to the next when its line is done with it
    (induct, X-ray, unpack if flagged, release or seize, sort, leave with a courier wave).
    The next parcel's turn is scheduled first, as when every turn was scheduled at docking.
    """
    flight = parcel.flight
    if parcel.index + 1 < len(flight.parcels):
        _induct(env, flight, parcel.index + 1, centre)
    then = partial(_scanned, env, parcel, centre)
    centre.scanned.run(parcel.case, env.now, (parcel.xray_min,), then=then)


def _scanned(
    env: simpy.Environment, parcel: Parcel, centre: PlannedCentre, _woken: object = None
) -> None:
    """Scanned: go on once the list is screened (usually long before)."""
    if parcel.declared_min > env.now:
        screened = wake_at(env, parcel.declared_min)
        screened.callbacks.append(lambda _: _screened(env, parcel, centre))
    else:
        _screened(env, parcel, centre)


def _screened(env: simpy.Environment, parcel: Parcel, centre: PlannedCentre) -> None:
    """Rejected over a limit: out; red channel to the officers' unpacking line; green released."""
    if parcel.decision == LimitDecision.OVER:
        reference.leave_rejected(env, parcel, centre)
        return
    centre.log.cases.channel[parcel.case] = int(Channel.RED if parcel.unpacked else Channel.GREEN)
    if parcel.unpacked:
        then = partial(_unpacked, env, parcel, centre)
        centre.unpacked.run(parcel.case, env.now, (parcel.unpack_min,), then=then)
    else:
        _released(env, parcel, centre)


def _unpacked(
    env: simpy.Environment, parcel: Parcel, centre: PlannedCentre, _woken: object = None
) -> None:
    if parcel.seized:
        seize(env, parcel, centre)
    else:
        _released(env, parcel, centre)


def _released(env: simpy.Environment, parcel: Parcel, centre: PlannedCentre) -> None:
    """Released: sorted, then the courier wave, the exit and the trip to the hub (one chain)."""
    centre.shipped[parcel.destination].run(
        parcel.case, env.now, (parcel.sorting_min, parcel.trip_min), parcel.measured
    )


def seize(env: simpy.Environment, parcel: Parcel, centre: PlannedCentre) -> None:
    """A seized or returned parcel leaves the customs flow at the centre, never released.

    It records ``exit`` when handed to the seizure store or the return carrier, so that it is
    not counted as still in the system; it records no ``release`` and no ``delivery``.
    """
    log, node = centre.log, centre.centre
    milestone(env, log, parcel.case, centre.seized_or_returned, node)
    milestone(env, log, parcel.case, centre.exit, node)
    centre.control.exit()
    log.cases.finished[parcel.case] = True
    centre.control.finish(parcel.measured)
