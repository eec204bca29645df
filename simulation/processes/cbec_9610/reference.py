"""直购进口 9610, the reference model: one SimPy process per flight, per list and per parcel.

This is the procedure as it happens (docs/background/cbec-9610-model.md), read top to bottom:

* :func:`flights` brings each flight and its parcels into being one advance window before it
  lands, and starts a process for each parcel's list and one for the flight;
* :func:`parcel_list`: the list is lodged, matched with the order, payment and waybill data
  (三单对碰), held until corrected if they are incomplete, and risk-screened; the limits are
  checked with it (S29): over a limit the list is rejected, one indivisible item over the
  single limit is taxed in full;
* :func:`inbound_flight`: the flight lands, is broken down and sealed onto a truck, which drives
  to the supervision centre and waits for a dock team; the team unloads it while
  :func:`induction` puts its parcels onto the sorting line one by one;
* :func:`parcel_clearance`: on the line every parcel is X-rayed; once its list is screened too,
  a parcel whose list was rejected over a limit leaves the CBEC flow there, not released (it
  must be returned or declared as general trade); a flagged parcel or one with an abnormal image
  is unpacked by an officer (red channel) and perhaps seized or returned; the others (green) and the
  unpacked parcels not seized are released, sorted into their courier's cage, wait for the next
  courier pickup wave, leave the centre and reach the courier's hub.

Servers are requested directly (``with facility.request() as request: yield request``, through
:func:`~clearsim.simulation.kernel.facilities.serve`), so shift closures act on them as on any
request. The fast path (:mod:`clearsim.simulation.processes.cbec_9610.process`) computes the
same procedure without a process per parcel and must give this model's event log;
``tests/test_cbec_9610_reference.py`` runs both on the same draws and compares the logs.
"""

from __future__ import annotations

import simpy

from clearsim.models.cbec_rules import LimitDecision
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import (
    COMPLETE,
    SCHEDULE,
    START,
    Process,
    delay,
    delay_since,
    milestone,
    milestone_at,
    serve,
)
from clearsim.simulation.kernel.simpy_adapter import wake_at
from clearsim.simulation.processes.cbec_9610.centre import SupervisionCentre
from clearsim.simulation.processes.cbec_9610.entities import Flight, Parcel, ParcelFactory
from clearsim.simulation.processes.declaration import lodge


def flights(
    env: simpy.Environment,
    factory: ParcelFactory,
    centre: SupervisionCentre,
    schedule: list[tuple[float, int, bool]],
) -> Process:
    """Create each flight with its parcels one advance window before it lands, in landing order.

    ``schedule`` holds (landing minute, parcels, measured) of every flight. A list may be lodged
    up to the window before its flight lands, so its process starts now; the parcel's clearance
    on the line waits for that process to end (its list screened).
    """
    window_min = centre.spec.parcel_list.advance_window_min
    for arrival_min, parcels, measured in schedule:
        create_min = arrival_min - window_min
        if create_min > env.now:
            yield env.timeout(create_min - env.now)
        flight = factory.flight(centre.log, arrival_min, parcels, measured)
        lists = [env.process(parcel_list(env, p, centre)) for p in flight.parcels]
        env.process(inbound_flight(env, flight, lists, centre))


def parcel_list(env: simpy.Environment, parcel: Parcel, centre: SupervisionCentre) -> Process:
    """Lodge the list, match the three data sets, hold it until corrected if incomplete, screen.

    The process ends when the list is screened: the parcel's clearance waits for it. None of
    these steps needs a server, so a list lodged before the run's start (its flight landing
    within the advance window of it) goes through them at their own times, in the past as far
    as they reach.
    """
    log, case, node = centre.log, parcel.case, centre.centre
    at = yield from lodge(env, log, case, centre.lodgement, node, parcel.lodgement_min)
    matching, screening = parcel.matching_min, parcel.screening_min
    at = yield from delay_since(env, log, case, centre.list_matching, node, at, matching)
    if parcel.incomplete:
        # Missing or mismatched order, payment or waybill data: no release until re-sent.
        milestone_at(log, case, centre.data_incomplete_held, node, at)
        correction = parcel.correction_min
        at = yield from delay_since(env, log, case, centre.data_correction, node, at, correction)
    at = yield from delay_since(env, log, case, centre.risk_screening, node, at, screening)
    # The limit check of the screened list (S29): rejected over a limit, or taxed in full.
    if parcel.decision == LimitDecision.OVER:
        milestone_at(log, case, centre.over_limit_rejected, node, at)
    elif parcel.decision == LimitDecision.INDIVISIBLE:
        milestone_at(log, case, centre.indivisible_full_duty, node, at)
    parcel.declared_min = at


def inbound_flight(
    env: simpy.Environment,
    flight: Flight,
    lists: list[simpy.Process],
    centre: SupervisionCentre,
) -> Process:
    """Land, unload and seal, truck to the centre, dock: parcels are inducted while it unloads.

    ``lists`` are the processes of the parcels' lists, in the flight's parcel order.
    """
    log, case = centre.log, flight.case
    airport = centre.airport_codes[flight.airport]
    if flight.arrival_min > env.now:
        yield env.timeout(flight.arrival_min - env.now)
    milestone(env, log, case, centre.flight_arrival, airport)
    for each in flight.parcels:  # every parcel on board arrives with the flight
        milestone(env, log, each.case, centre.arrival, airport)
        centre.control.arrive()
    yield from delay(env, log, case, centre.aircraft_unloading, airport, flight.unloading_min)
    trip_min = centre.router.trip_min(flight.airport, centre.spec.centre_node, flight.transfer_u)
    yield from delay(env, log, case, centre.sealed_transfer, airport, trip_min)
    milestone(env, log, case, centre.truck_arrival, centre.centre)
    # The truck queues for a dock team and holds it while the team sets up and puts every parcel
    # on the line (``serve``, with the team's start handed to the induction).
    docks, instance = centre.unloaders, log.new_instance()
    row = (case, centre.truck_unloading, instance)
    log.emit((*row, SCHEDULE, env.now, docks.node, docks.code))
    with docks.request(priority=1) as request:
        yield request
        log.emit((*row, START, env.now, docks.node, docks.code))
        flight.dock_start_min = env.now
        env.process(induction(env, flight, lists, centre))
        yield env.timeout(flight.setup_min + len(flight.parcels) * centre.minutes_per_parcel)
        log.emit((*row, COMPLETE, env.now, docks.node, docks.code))
    log.cases.finished[case] = True


def induction(
    env: simpy.Environment,
    flight: Flight,
    lists: list[simpy.Process],
    centre: SupervisionCentre,
) -> Process:
    """The dock team puts the flight's parcels onto the sorting line, each at its turn.

    The turns are a timetable from the team's start (setup, then one parcel every
    ``60 / unloading_rate_per_hour`` minutes), so each is reached exactly, not as a sum of steps.
    """
    for each, listed in zip(flight.parcels, lists, strict=True):
        turn = centre.induction_min(flight.dock_start_min, flight.setup_min, each.index)
        yield wake_at(env, turn)
        env.process(parcel_clearance(env, each, listed, centre))


def parcel_clearance(
    env: simpy.Environment, parcel: Parcel, listed: simpy.Process, centre: SupervisionCentre
) -> Process:
    """On the sorting line: X-ray, customs' decision, unpacking if red, release, courier, hub.

    ``listed`` is the process of the parcel's list: customs decides once it has ended.
    """
    log, case, node = centre.log, parcel.case, centre.centre
    milestone(env, log, case, centre.line_induction, node)
    # Every 9610 parcel passes the X-ray (the model's assumption).
    yield from serve(env, centre.xray_lines, log, case, centre.xray_scan, parcel.xray_min)
    yield listed  # the list is screened (usually long before)
    if parcel.decision == LimitDecision.OVER:
        leave_rejected(env, parcel, centre)
        return
    if parcel.unpacked:
        # Red channel: the risk engine flagged the list, or the X-ray image is abnormal.
        log.cases.channel[case] = int(Channel.RED)
        yield from serve(env, centre.officers, log, case, centre.unpack_check, parcel.unpack_min)
        if parcel.seized:
            # Seized or returned: handed to the seizure store or the return carrier, it leaves
            # the customs flow here (``exit``), never released, never delivered.
            milestone(env, log, case, centre.seized_or_returned, node)
            milestone(env, log, case, centre.exit, node)
            centre.control.exit()
            log.cases.finished[case] = True
            centre.control.finish(parcel.measured)
            return
    else:
        log.cases.channel[case] = int(Channel.GREEN)
    milestone(env, log, case, centre.release, node)
    yield from serve(env, centre.sorters, log, case, centre.courier_sorting, parcel.sorting_min)
    wave_min = centre.next_pickup_min(env.now)
    yield from delay(env, log, case, centre.courier_wait, node, wave_min - env.now)
    milestone(env, log, case, centre.exit, node)
    centre.control.exit()
    centre.router.count_trip(centre.spec.centre_node, parcel.destination)
    yield from delay(env, log, case, centre.road_transport, node, parcel.trip_min)
    milestone(env, log, case, centre.delivery, centre.destination_codes[parcel.destination])
    log.cases.finished[case] = True
    centre.control.finish(parcel.measured)


def leave_rejected(env: simpy.Environment, parcel: Parcel, centre: SupervisionCentre) -> None:
    """A parcel whose list was rejected over a limit leaves the CBEC flow at the centre.

    Not a CBEC retail import (Cai Guan Shui [2018] 49: beyond the annual limit it is handled as
    general trade), it is handed back to the carrier for return or a general-trade declaration
    outside this flow: it records ``exit`` so that it is not counted as still in the system, and
    no ``release`` nor ``delivery``.
    """
    log, node = centre.log, centre.centre
    milestone(env, log, parcel.case, centre.exit, node)
    centre.control.exit()
    log.cases.finished[parcel.case] = True
    centre.control.finish(parcel.measured)
