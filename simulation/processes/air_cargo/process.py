"""Air cargo at an airport: conventional clearance and the three airside reforms.

Actors and steps (docs/background/air-cargo-model.md; SEED-003 section 2): a
cargo flight arrives, takes a stand (on-blocks) and is offloaded ULD by ULD; it departs when its
turnaround ends, taking the outbound ULDs that reached the stand before loading closed.

- Import, conventional: the ULD is towed to the cargo terminal, broken down by warehouse staff
  and tallied into the warehouse; once declared (in advance, 提前申报, or after arrival), screened
  into a channel, reviewed (yellow, red) and inspected (red), customs releases it; the
  consignee's truck arrives, is loaded at a truck dock and leaves (exit), then drives to the
  consignee (delivery). 机坪直提 apron pickup: a participant's ULD is tallied on the apron
  (机坪理货); if it is released by then, the consignee's truck takes it at the stand, skipping
  towing, breakdown and storage; otherwise (red, or a review still pending) it goes the
  conventional way.
- Transfer (空空中转), conventional: towed in, broken down, transfer formalities (release), built
  up again, towed to the first onward flight it can make, loaded (exit at off-blocks). 空侧直转
  / 整板转运 airside transfer: the whole pallet stays airside, customs checks it electronically
  (release) and it is towed stand to stand.
- Export, conventional: the shipper's truck reaches the terminal (arrival), is unloaded at a dock
  (acceptance), the cargo is security-screened (X-ray line), inspected if red, built up, released
  once declared and accepted, towed to its flight and loaded (exit at off-blocks). 机坪直装 apron
  loading: screened and built up before reaching the airport (前置安检打板) and declared in
  advance; released on arrival if cleared, it is driven straight to the stand. Otherwise it
  takes the conventional branch.

Cargo that reaches the stand after loading closed misses the flight and takes the next one.
"""

from __future__ import annotations

import simpy

from clearsim.models.air_cargo import AirCargoSpec
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
from clearsim.simulation.processes.air_cargo.chains import set_up_chains
from clearsim.simulation.processes.air_cargo.entities import (
    EXPORT,
    IMPORT,
    Flight,
    Shipment,
    ShipmentFactory,
)
from clearsim.simulation.processes.air_cargo.fresh_steps import (
    fresh_inspection,
    fresh_review,
    sample_result_of,
    spoilage_check,
)
from clearsim.simulation.processes.air_cargo.site import AirCargoSite
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.declaration import lodge, lodge_and_screen


def start_air_cargo(spec: AirCargoSpec, ctx: ProcessContext) -> None:
    """Set up the airport and schedule every flight arriving before the admission limit."""
    for direction, share in (
        ("import", spec.import_share),
        ("export", spec.export_share),
        ("transit", spec.transfer_share),
    ):
        if share > 0:
            ctx.log.declare_flow(direction, "air")
    site = AirCargoSite(spec, dict(ctx.facilities), ctx.log, ctx.router, ctx.control)
    factory = ShipmentFactory(spec, ctx.streams)
    site.flights = factory.flights(ctx.env, ctx.log, ctx.control, ctx.arrivals_until_min)
    site.chains = set_up_chains(spec, ctx, site.flights)
    env = ctx.env
    for flight in site.flights:
        env.process(turnaround(env, flight, site))
        for shipment in flight.shipments:
            if shipment.direction == IMPORT:
                env.process(declaration(env, shipment, site))
                env.process(import_shipment(env, shipment, site))
            elif shipment.direction == EXPORT:
                env.process(declaration(env, shipment, site))
                env.process(export_shipment(env, shipment, site))
            else:
                env.process(transfer_manifest(env, shipment, site))
                env.process(transfer_shipment(env, shipment, site))


def turnaround(env: simpy.Environment, flight: Flight, site: AirCargoSite) -> Process:
    """Arrive, hold a stand (on-blocks), offload, close loading, load, leave (off-blocks)."""
    log, airport = site.log, site.airport
    if flight.arrival_min > env.now:
        yield env.timeout(flight.arrival_min - env.now)
    # The stand is held across milestones, so it is recorded like the sea import's berth.
    stands, emit, instance = site.stands, log.emit, log.new_instance()
    emit((flight.case, site.stand, instance, SCHEDULE, env.now, airport, stands.code))
    with stands.resource.request(priority=1) as request:
        yield request
        emit((flight.case, site.stand, instance, START, env.now, airport, stands.code))
        milestone(env, log, flight.case, site.on_blocks, airport)
        inbound = [
            s for s in flight.shipments if s.direction != EXPORT and not site.chains.trucked(s)
        ]
        for shipment in inbound:
            milestone(env, log, shipment.case, site.arrival, airport)
            site.control.arrive()
        flight.on_stand.succeed()
        # Loading closes on schedule, but never before the last inbound ULD is off.
        offloaded_min = max((s.offload_min for s in inbound), default=0.0)
        wait_min = max(flight.turnaround_min - flight.loading_close_min, offloaded_min)
        yield env.timeout(wait_min)
        milestone(env, log, flight.case, site.loading_closed, airport)
        flight.closing.succeed()
        yield from delay(env, log, flight.case, site.loading, airport, flight.loading_close_min)
        emit((flight.case, site.stand, instance, COMPLETE, env.now, airport, stands.code))
    milestone(env, log, flight.case, site.off_blocks, airport)
    flight.departed.succeed()
    log.cases.finished[flight.case] = True


def declaration(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Lodgement, risk screening, document review (yellow, red) and, for imports, duty payment."""
    log, airport = site.log, site.airport
    fresh = site.fresh
    if s.perishable and fresh is not None and fresh.spec.appointment_inspection:
        yield from fresh_review(env, s, site.desk, fresh)
    else:
        yield from lodge_and_screen(
            env,
            site.desk,
            s.case,
            s.lodgement_min,
            s.screening_min,
            s.channel,
            s.review_min,
            s.priority,
        )
    if s.direction == IMPORT:
        yield from delay(env, log, s.case, site.tax_payment, airport, s.tax_min)
    s.declared.succeed()


def transfer_manifest(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """The carrier's transfer manifest, lodged before the inbound flight arrives."""
    yield from lodge(env, site.log, s.case, site.lodgement, site.airport, s.lodgement_min)


def import_shipment(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Offload; apron pickup if taking part and released on the apron; else via the warehouse."""
    log, airport = site.log, site.airport
    feeder = site.chains.feeder
    if feeder is not None and feeder.carries(s):
        yield from feeder.to_airport(env, s)
        yield from import_warehouse(env, s, site)
        return
    yield s.flight.on_stand
    yield from delay(env, log, s.case, site.offload, airport, s.offload_min)
    if s.direct:
        yield from delay(env, log, s.case, site.apron_tally, airport, s.tally_min)
        if s.declared.triggered and s.channel != Channel.RED:
            milestone(env, log, s.case, site.release, airport)
            yield from delay(
                env, log, s.case, site.apron_truck_loading, airport, s.truck_loading_min
            )
            yield from leave_airport(env, s, site)
            return
        milestone(env, log, s.case, site.apron_fallback, airport)
    yield from delay(env, log, s.case, site.tow_to_terminal, airport, s.tow_in_min)
    yield from import_warehouse(env, s, site)


def import_warehouse(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Break down, into the warehouse, clear, release, the consignee's truck at a dock."""
    log, airport = site.log, site.airport
    yield from serve(env, site.staff, log, s.case, site.breakdown, s.breakdown_min)
    milestone(env, log, s.case, site.into_warehouse, airport)
    if not s.declared.triggered:
        yield s.declared
    if s.channel == Channel.RED:
        yield from inspection(env, s, site)
    milestone(env, log, s.case, site.release, airport)
    yield from delay(env, log, s.case, site.truck_booking, airport, s.booking_min)
    yield from serve(env, site.docks, log, s.case, site.dock_loading, s.dock_min)
    yield from leave_airport(env, s, site)


def transfer_shipment(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Offload; airside stand to stand if taking part, else through the warehouse; onward flight."""
    log, airport = site.log, site.airport
    yield s.flight.on_stand
    yield from delay(env, log, s.case, site.offload, airport, s.offload_min)
    if s.direct:
        yield from delay(env, log, s.case, site.electronic_check, airport, s.electronic_check_min)
        milestone(env, log, s.case, site.release, airport)
        onward = site.next_departure(s.flight, env.now + s.connection_min)
        yield from board(env, s, site, onward, site.airside_tow, s.airside_tow_min)
        return
    yield from delay(env, log, s.case, site.tow_to_terminal, airport, s.tow_in_min)
    yield from serve(env, site.staff, log, s.case, site.breakdown, s.breakdown_min)
    milestone(env, log, s.case, site.into_warehouse, airport)
    yield from delay(env, log, s.case, site.transfer_formalities, airport, s.formalities_min)
    milestone(env, log, s.case, site.release, airport)
    if site.chains.ulds is not None:
        yield from site.chains.ulds.take(env, s.case)
    yield from serve(env, site.staff, log, s.case, site.build_up, s.build_up_min)
    onward = site.next_departure(s.flight, env.now + s.connection_min)
    yield from board(env, s, site, onward, site.tow_to_stand, s.tow_out_min)


def export_shipment(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Arrive; apron loading if taking part and cleared, else acceptance, screening, build-up."""
    log, airport = site.log, site.airport
    city = site.chains.city
    if city is not None and city.serves(s):
        env.process(export_release(env, s, site))
        yield from city.to_airport(env, s)
        if not s.accepted.triggered:
            yield from serve(env, site.docks, log, s.case, site.acceptance, s.dock_min)
            s.accepted.succeed()
            yield from serve(env, site.xray, log, s.case, site.security_screening, s.xray_min)
        yield from export_build_up(env, s, site)
        return
    if s.direct:
        # 前置安检打板: screened and built up off the airport, finishing as the truck arrives.
        start_min = max(env.now, s.arrival_min - s.advance_build_up_min)
        if start_min > env.now:
            yield env.timeout(start_min - env.now)
        build_min = s.arrival_min - start_min
        yield from delay(env, log, s.case, site.advance_build_up, airport, build_min)
    elif s.arrival_min > env.now:
        yield env.timeout(s.arrival_min - env.now)
    milestone(env, log, s.case, site.arrival, airport)
    site.control.arrive()
    if s.direct:
        if s.declared.triggered and s.channel != Channel.RED:
            # Cleared before arrival: released as the arrival report (运抵) comes in (S25).
            milestone(env, log, s.case, site.release, airport)
            yield from board(env, s, site, s.flight, site.stand_delivery, s.stand_delivery_min)
            return
        milestone(env, log, s.case, site.apron_fallback, airport)
    env.process(export_release(env, s, site))
    yield from serve(env, site.docks, log, s.case, site.acceptance, s.dock_min)
    s.accepted.succeed()
    yield from serve(env, site.xray, log, s.case, site.security_screening, s.xray_min)
    yield from export_build_up(env, s, site)


def export_build_up(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Inspect if red, build up (on a ULD of the pool, if any), await release, go to the flight."""
    log = site.log
    if s.channel == Channel.RED:
        if not s.declared.triggered:
            yield s.declared
        yield from inspection(env, s, site)
    s.inspected.succeed()
    if site.chains.ulds is not None:
        yield from site.chains.ulds.take(env, s.case)
    yield from serve(env, site.staff, log, s.case, site.build_up, s.build_up_min)
    if not s.released.triggered:
        yield s.released
    if site.chains.belly is not None and site.chains.belly.carries(s):
        yield from site.chains.belly.board(env, s)
        leave_on_flight(env, s, site, None)
        return
    yield from board(env, s, site, s.flight, site.tow_to_stand, s.tow_out_min)


def export_release(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Customs releases an export once declared, accepted at the terminal and (red) inspected."""
    yield s.declared & s.accepted & s.inspected
    milestone(env, site.log, s.case, site.release, site.airport)
    s.released.succeed()


def inspection(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Plan, examine on a lane in the terminal (S8: within 4 h), resolve a hold."""
    log, airport = site.log, site.airport
    yield from delay(env, log, s.case, site.inspection_planning, airport, s.plan_min)
    fresh = site.fresh
    if s.perishable and fresh is not None:
        yield from fresh_inspection(env, s, site.lanes, site.inspection, fresh)
    else:
        yield from serve(
            env, site.lanes, log, s.case, site.inspection, s.inspection_min, s.priority
        )
    if s.hold:
        yield from delay(env, log, s.case, site.inspection_hold, airport, s.hold_min)
    if s.perishable and fresh is not None and s.sampled:
        yield from sample_result_of(env, s, site.officers, fresh)


def board(
    env: simpy.Environment,
    s: Shipment,
    site: AirCargoSite,
    flight: Flight | None,
    move: int,
    move_min: float,
) -> Process:
    """Move to the flight's stand once it is there; loaded unless loading has closed, then go.

    Cargo reaching the stand after loading closed misses the flight (outcome ``missed_flight``)
    and waits for the next departure; with no later flight in the run it stays unfinished.
    """
    log, airport = site.log, site.airport
    while flight is not None:
        if not flight.on_stand.triggered:
            yield flight.on_stand
        if not flight.closing.triggered:
            yield from delay(env, log, s.case, move, airport, move_min)
            if not flight.closing.triggered:
                break
        milestone(env, log, s.case, site.missed_flight, airport)
        flight = site.next_departure(flight, env.now)
    if flight is None:
        return
    yield flight.departed
    leave_on_flight(env, s, site, flight)


def leave_on_flight(
    env: simpy.Environment, s: Shipment, site: AirCargoSite, flight: Flight | None
) -> None:
    """The flight has left with the cargo: exit (its ULD back to the pool, if any).

    ``flight`` is the freighter; a passenger departure records the departure itself.
    """
    log, airport = site.log, site.airport
    if site.chains.ulds is not None:
        site.chains.ulds.give_back(env, s.case)
    milestone(env, log, s.case, site.exit, airport)
    if flight is not None:
        milestone(env, log, s.case, site.departure, airport)  # it leaves China on the flight
        log.link(s.case, flight.case, "carried_by")
    site.control.exit()
    site.log.cases.finished[s.case] = True
    site.control.finish(s.measured)


def leave_airport(env: simpy.Environment, s: Shipment, site: AirCargoSite) -> Process:
    """Exit from the customs area (the truck leaves the airport), then the road to the consignee."""
    log, airport = site.log, site.airport
    milestone(env, log, s.case, site.exit, airport)
    site.control.exit()
    trip_min = site.router.trip_min(site.spec.airport_node, s.destination, s.trip_u)
    yield from delay(env, log, s.case, site.road_transport, airport, trip_min)
    milestone(env, log, s.case, site.delivery, site.destination_codes[s.destination])
    if s.perishable and site.fresh is not None:
        spoilage_check(env, s, site.fresh)
    log.cases.finished[s.case] = True
    site.control.finish(s.measured)
