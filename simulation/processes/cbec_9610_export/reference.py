"""跨境电子商务零售出口 9610 export, the reference model: one SimPy process per truck and parcel.

This is the procedure as it happens (docs/background/cbec-9610-export-model.md), read top to
bottom:

* :func:`trucks` brings each seller's truck and its parcels into being one advance window before
  it arrives and starts a process for each parcel's list and one for the truck;
* :func:`export_list`: the seller or its agent lodges the list (usually before the parcels
  arrive), the system matches it with the order, collection and waybill data (三单), holds it
  until corrected if they are incomplete, and screens it;
* :func:`inbound_truck`: the truck reaches the centre (the parcels' ``arrival``; the flight each
  is booked on is fixed then), waits for a dock team, which puts its parcels on the line while
  :func:`induction` hands each to its clearance;
* :func:`parcel_clearance`: every parcel is X-rayed; customs waits for the arrival report (运抵)
  and the screened list; a flagged list or an abnormal image sends it to an officer who unpacks
  it (some seized or returned); the others are released by list (清单核放), sorted into their
  flight's bags, wait for the shuttle, are trucked to the airport and handed to the airline
  (``exit``), board the first flight whose cut-off they make with room
  (:func:`~clearsim.simulation.processes.departures.board`: ``departure``, or ``missed_flight``
  when later than booked), and the carrier's departure data close the list (``departure_confirmed``,
  离境结关) with its export tax treatment;
* :func:`consolidation`: at the end of each period, the regime-B lists closed in it are
  consolidated per exporter into an export declaration (汇总申报), lodged by the due day; the
  goods never wait for it.

Servers are requested directly, so shift closures act on them as on any request. The fast path
(:mod:`clearsim.simulation.processes.cbec_9610_export.planned`) computes the same procedure
without a process per list or parcel and must give this model's event log;
``tests/test_cbec_9610_export_reference.py`` runs both on the same draws and compares the logs.
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
    delay_since,
    milestone,
    milestone_at,
    serve,
)
from clearsim.simulation.kernel.simpy_adapter import wake_at
from clearsim.simulation.processes.cbec_9610_export.centre import ExportCentre
from clearsim.simulation.processes.cbec_9610_export.entities import REGIME_B, ExportParcel, Truck
from clearsim.simulation.processes.declaration import lodge
from clearsim.simulation.processes.departures import board


def trucks(
    env: simpy.Environment, centre: ExportCentre, schedule: list[tuple[float, int, bool]]
) -> Process:
    """Create each truck with its parcels one advance window before it arrives, in order.

    ``schedule`` holds (arrival minute, parcels, measured) of every truck. A list may be lodged
    up to the window before its parcels arrive, so its process starts now.
    """
    window_min = centre.spec.parcel_list.advance_window_min
    for arrival_min, n, measured in schedule:
        create_min = arrival_min - window_min
        if create_min > env.now:
            yield env.timeout(create_min - env.now)
        truck = centre.factory.truck(env, centre.log, arrival_min, n, measured)
        for parcel in truck.parcels:
            env.process(export_list(env, parcel, centre))
        env.process(inbound_truck(env, truck, centre))


def export_list(env: simpy.Environment, parcel: ExportParcel, centre: ExportCentre) -> Process:
    """Lodge the list, match the three data sets, hold it until corrected if incomplete, screen.

    No step needs a server, so a list lodged before the run's start goes through them at their
    own times, in the past as far as they reach.
    """
    log, case, node = centre.log, parcel.case, centre.centre
    at = yield from lodge(env, log, case, centre.lodgement, node, parcel.lodgement_min)
    at = yield from delay_since(env, log, case, centre.list_matching, node, at, parcel.matching_min)
    if parcel.incomplete:
        # Missing or mismatched order, collection or waybill data: no release until re-sent.
        milestone_at(log, case, centre.data_incomplete_held, node, at)
        correction = parcel.correction_min
        at = yield from delay_since(env, log, case, centre.data_correction, node, at, correction)
    screening = parcel.screening_min
    yield from delay_since(env, log, case, centre.risk_screening, node, at, screening)
    parcel.screened.succeed()


def inbound_truck(env: simpy.Environment, truck: Truck, centre: ExportCentre) -> Process:
    """Arrive at the centre, wait for a dock team, which inducts the parcels while it unloads."""
    log, case, node = centre.log, truck.case, centre.centre
    if truck.arrival_min > env.now:
        yield env.timeout(truck.arrival_min - env.now)
    milestone(env, log, case, centre.truck_arrival, node)
    for parcel in truck.parcels:  # the goods reach the export supervision centre
        milestone(env, log, parcel.case, centre.arrival, node)
        centre.control.arrive()
        parcel.planned_index = centre.flights[parcel.line].planned_index(env.now)
    docks, instance = centre.unloaders, log.new_instance()
    row = (case, centre.truck_unloading, instance)
    log.emit((*row, SCHEDULE, env.now, docks.node, docks.code))
    with docks.request() as request:
        yield request
        log.emit((*row, START, env.now, docks.node, docks.code))
        truck.dock_start_min = env.now
        env.process(induction(env, truck, centre))
        yield env.timeout(truck.setup_min + len(truck.parcels) * centre.minutes_per_parcel)
        log.emit((*row, COMPLETE, env.now, docks.node, docks.code))
    log.cases.finished[case] = True


def induction(env: simpy.Environment, truck: Truck, centre: ExportCentre) -> Process:
    """The dock team puts the truck's parcels on the line, each at its turn of a timetable."""
    for parcel in truck.parcels:
        yield wake_at(
            env, centre.induction_min(truck.dock_start_min, truck.setup_min, parcel.index)
        )
        env.process(parcel_clearance(env, parcel, centre))


def parcel_clearance(env: simpy.Environment, parcel: ExportParcel, centre: ExportCentre) -> Process:
    """X-ray, arrival report and list, unpacking if red, release, sorting, airport, flight."""
    log, case, node = centre.log, parcel.case, centre.centre
    milestone(env, log, case, centre.line_induction, node)
    # Every 9610 export parcel passes the X-ray (the model's assumption).
    yield from serve(env, centre.xray_lines, log, case, centre.xray_scan, parcel.xray_min)
    # Customs releases a list once the parcels are reported arrived (运抵) and the list screened.
    report = parcel.report_min
    arrived_min = parcel.truck.arrival_min
    yield from delay_since(env, log, case, centre.arrival_report, node, arrived_min, report)
    if not parcel.screened.triggered:
        yield parcel.screened
    if parcel.unpacked:
        # Red channel: the risk engine flagged the list, or the X-ray image is abnormal.
        log.cases.channel[case] = int(Channel.RED)
        yield from serve(env, centre.officers, log, case, centre.unpack_check, parcel.unpack_min)
        if parcel.seized:
            # Seized or returned to the seller: it leaves the customs flow here, never released.
            milestone(env, log, case, centre.seized_or_returned, node)
            milestone(env, log, case, centre.exit, node)
            centre.control.exit()
            log.cases.finished[case] = True
            centre.control.finish(parcel.measured)
            return
    else:
        log.cases.channel[case] = int(Channel.GREEN)
    milestone(env, log, case, centre.release, node)  # 清单核放
    yield from serve(env, centre.sorters, log, case, centre.flight_sorting, parcel.sorting_min)
    yield from to_the_airline(env, parcel, centre)
    departures = centre.flights[parcel.line]
    yield from board(env, departures, case, 1, parcel.planned_index)
    airport = departures.node
    yield from delay(env, log, case, centre.departure_data, airport, parcel.data_min)
    milestone(env, log, case, centre.departure_confirmed, airport)  # 离境结关
    milestone(env, log, case, centre.treatments[parcel.treatment], airport)
    if parcel.regime == REGIME_B:
        centre.close_list(parcel.exporter, case, env.now)
    log.cases.finished[case] = True
    centre.control.finish(parcel.measured)


def to_the_airline(env: simpy.Environment, parcel: ExportParcel, centre: ExportCentre) -> Process:
    """Wait for the next shuttle, drive to the flight's airport, hand over (``exit``)."""
    log, case, node = centre.log, parcel.case, centre.centre
    shuttle = centre.shuttle_index(env.now)
    yield from delay(
        env, log, case, centre.shuttle_wait, node, centre.shuttle_min(shuttle) - env.now
    )
    airport = centre.spec.flights[parcel.line].timetable.node
    u = centre.factory.shuttle_u(shuttle)
    trip_min = centre.router.planned_trip_min(centre.spec.centre_node, airport, u)
    # The trip is counted as starting now when the run settles: a shuttle leaving at the very
    # minute a run is stopped records nothing, and its trip is not counted either.
    centre.router.planned_trips(centre.spec.centre_node, airport).append(env.now)
    yield from delay(env, log, case, centre.airport_transfer, node, trip_min)
    milestone(env, log, case, centre.exit, centre.flights[parcel.line].node)
    centre.control.exit()


def consolidation(env: simpy.Environment, centre: ExportCentre) -> Process:
    """At each period's end, consolidate its closed regime-B lists per exporter (汇总申报)."""
    regime = centre.spec.regime
    period = 0
    while True:
        end_min = (period + 1) * regime.period_min
        yield wake_at(env, end_min)
        closed = centre.closed_lists.pop(period, {})
        for exporter in sorted(closed):
            declaration = centre.log.new_case(
                "consolidated_declaration",
                centre.spec.name,
                shipment=False,
                direction="export",
                mode="cbec_9610",
            )
            for case in closed[exporter]:
                centre.log.link(case, declaration, "consolidated_in")
            env.process(lodge_consolidated(env, declaration, centre))
        period += 1


def lodge_consolidated(env: simpy.Environment, declaration: int, centre: ExportCentre) -> Process:
    """The exporter compiles and lodges the declaration by the due day; the goods left long ago."""
    log, node, regime = centre.log, centre.centre, centre.spec.regime
    compile_min = min(centre.factory.consolidation_min(), regime.due_after_period_min)
    yield from delay(env, log, declaration, centre.declaration_consolidation, node, compile_min)
    milestone(env, log, declaration, centre.consolidated_lodgement, node)
    log.cases.finished[declaration] = True
