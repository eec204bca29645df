"""跨境电子商务零售出口 9610 export, the fast path: parcels as chains of callbacks, computed lines.

The same procedure as the reference model
(:mod:`clearsim.simulation.processes.cbec_9610_export.reference`), on the same draws, without a
SimPy process per list or parcel (``EngineOptions.fast_path``, the default). A parcel's runs of
steps are planned at once as chains (:mod:`clearsim.simulation.fastpath.chains`), and the X-ray
lines, the unpacking officers and the sorters are computed FIFO lines, so a parcel costs an
event where it touches the rest of the run:

* its list, from lodgement to screening, is one chain planned when its truck is created
  (:func:`plan_list`); nothing else touches it;
* the truck is a process, as in the reference model: it queues for a dock team, which inducts
  a parcel at each turn of its timetable (:func:`_inducted`, one event a parcel), onto the X-ray;
* when the X-ray is done (:func:`_scanned`), the arrival report, which began at the truck's
  arrival, is planned; customs goes on once it and the screened list are in (:func:`_screened`):
  red parcels to the officers' line (seized ones end there, in the same chain), the others
  released and sorted; the sorting, the wait for the shuttle, the trip to the airport and the
  hand-over (``exit``) are planned at the release (:func:`_released`);
* the hand-over to the airline (:meth:`PlannedCentre.hand_over`) goes through
  :class:`~clearsim.simulation.processes.departures.Departures` itself, at the parcel's exit, in
  the reference model's order: by shuttle and then by the end of each parcel's sorting, one
  event for the parcels reaching the airport together; it records ``missed_flight`` and the
  ``carried_by`` link, and the departure's process records ``departure``;
* when the departure has left (:meth:`PlannedCentre.departed`), the departure data, the
  closing of the list and its tax treatment are one chain; a regime-B list is filed for its
  period's consolidation at the time it closes, in the order the lists close.

The consolidation into export declarations is the reference model's process.
``tests/test_cbec_9610_export_reference.py`` runs both versions and compares their logs.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import partial
from itertools import count

import simpy

from clearsim.models.parcel_export import ParcelExportSpec
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
    wake_at,
)
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Process, milestone
from clearsim.simulation.processes.cbec_9610_export.centre import ExportCentre
from clearsim.simulation.processes.cbec_9610_export.entities import (
    REGIME_B,
    ExportParcel,
    ExportParcelFactory,
    Truck,
)
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.departures import Departure

Handed = tuple[float, float, int, ExportParcel]
"""A parcel reaching the airport: the end of its shuttle wait, of its sorting, its order, it."""


class PlannedCentre(ExportCentre):
    """The centre as the fast path works it: computed lines and planned chains at its facilities."""

    def __init__(
        self, spec: ParcelExportSpec, ctx: ProcessContext, factory: ExportParcelFactory
    ) -> None:
        super().__init__(spec, ctx, factory)
        roles, log, centre_node = spec.resources, ctx.log, spec.centre_node
        self.env = ctx.env
        # A truck of a thousand parcels queues at the X-ray: computed FIFO lines (each pool this
        # role's alone, :func:`served_by_lines`) give each job's start and end as it joins.
        xray_lines = ctx.computed_line(roles.xray_line)
        officers = ctx.computed_line(roles.unpack_officer)
        sorters = ctx.computed_line(roles.sorter)

        def chain(*steps: Step, node: int = self.centre) -> Chain:
            return Chain(ctx.env, log, ctx.control, ctx.router, node, steps)

        lodged = (Milestone(self.lodgement), Delay(self.list_matching))
        self.listed = chain(*lodged, Delay(self.risk_screening))
        self.listed_after_hold = chain(
            *lodged,
            Milestone(self.data_incomplete_held),
            Delay(self.data_correction),
            Delay(self.risk_screening),
        )
        self.scanned = chain(Milestone(self.line_induction), Serve(xray_lines, self.xray_scan))
        self.reported = chain(Delay(self.arrival_report))
        self.unpacked = chain(Serve(officers, self.unpack_check))
        self.seized = chain(
            Serve(officers, self.unpack_check),
            Milestone(self.seized_or_returned),
            Milestone(self.exit),
            Exit(),
            Finish(),
        )
        self.sorted = chain(Milestone(self.release), Serve(sorters, self.flight_sorting))
        # Per flight line: the shuttle, the trip to its airport and the hand-over there; then,
        # once the flight has left, the departure data closing the list with its treatment.
        self.airports = tuple(line.timetable.node for line in spec.flights)
        self.shuttled = tuple(
            chain(
                Delay(self.shuttle_wait),
                Trip(centre_node, airport),
                Delay(self.airport_transfer),
                Milestone(self.exit, departures.node),
                Exit(),
            )
            for airport, departures in zip(self.airports, self.flights, strict=True)
        )
        self.closed = tuple(
            tuple(
                chain(
                    Delay(self.departure_data),
                    Milestone(self.departure_confirmed),
                    Milestone(treatment),
                    Finish(),
                    node=departures.node,
                )
                for treatment in self.treatments
            )
            for departures in self.flights
        )
        self._handed: dict[float, list[Handed]] = {}
        self._trips: dict[tuple[int, int], float] = {}
        self._boarded: dict[Departure, list[ExportParcel]] = {}
        self._order = count()
        self._closed_min: dict[tuple[int, int], list[float]] = {}

    def close_list(self, exporter: int, case: int, closed_min: float) -> None:
        """File a regime-B list closing at ``closed_min`` (planned ahead) in closing order.

        The reference model files each list when it closes; lists closed at the same time keep
        the order they were filed in.
        """
        period = int(closed_min // self.spec.regime.period_min)
        cases = self.closed_lists.setdefault(period, {}).setdefault(exporter, [])
        times = self._closed_min.setdefault((period, exporter), [])
        at = bisect_right(times, closed_min)
        times.insert(at, closed_min)
        cases.insert(at, case)

    def to_the_airline(self, parcel: ExportParcel, sorted_min: float) -> None:
        """Plan the shuttle, the trip and the hand-over of a parcel sorted at ``sorted_min``."""
        shuttle = self.shuttle_index(sorted_min)
        wait_min = self.shuttle_min(shuttle) - sorted_min
        trip_min = self._trips.get((shuttle, parcel.line))
        if trip_min is None:  # one pace a shuttle: its trip to each airport computed once
            u = self.factory.shuttle_u(shuttle)
            trip_min = self.router.planned_trip_min(
                self.spec.centre_node, self.airports[parcel.line], u
            )
            self._trips[shuttle, parcel.line] = trip_min
        exit_min = self.shuttled[parcel.line].run(parcel.case, sorted_min, (wait_min, trip_min))
        # Parcels of one shuttle reach the airport at one time: they are handed over in the
        # order their shuttle wait ended, then their sorting (as their processes would).
        handed = self._handed.get(exit_min)
        if handed is None:
            handed = self._handed[exit_min] = []
            wake_at(self.env, exit_min).callbacks.append(partial(self.hand_over, exit_min))
        handed.append((sorted_min + wait_min, sorted_min, next(self._order), parcel))

    def hand_over(self, exit_min: float, _: simpy.Event) -> None:
        """At the airline's desk: each parcel to the first flight it makes with room."""
        log, env = self.log, self.env
        for _waited, _sorted, _order, parcel in sorted(self._handed.pop(exit_min)):
            departures = self.flights[parcel.line]
            departure = departures.hand_over(parcel.case, 1)
            if departure.index > parcel.planned_index:
                milestone(env, log, parcel.case, departures.missed, departures.node)
            boarded = self._boarded.get(departure)
            if boarded is None:
                boarded = self._boarded[departure] = []
                departure.left.callbacks.append(partial(self.departed, departure))
            boarded.append(parcel)

    def departed(self, departure: Departure, _: simpy.Event) -> None:
        """The flight has left: the carrier's departure data close each list it carries."""
        now = self.env.now
        for parcel in self._boarded.pop(departure):
            closed = self.closed[parcel.line][parcel.treatment]
            closed_min = closed.run(parcel.case, now, (parcel.data_min,), parcel.measured)
            if parcel.regime == REGIME_B:
                self.close_list(parcel.exporter, parcel.case, closed_min)


def served_by_lines(spec: ParcelExportSpec, exclusive_resources: frozenset[str]) -> bool:
    """Whether every pool a parcel queues for in a line serves that role of this process alone.

    The X-ray lines, the unpacking officers and the sorters are computed lines on the fast path.
    Lines on a pool that another role or process also requests would not take their jobs in the
    order plain requests do, so such a process keeps the reference model.
    """
    roles = spec.resources
    lined = (roles.xray_line, roles.unpack_officer, roles.sorter)
    return all(name in exclusive_resources for name in lined)


def trucks(
    env: simpy.Environment, centre: PlannedCentre, schedule: list[tuple[float, int, bool]]
) -> Process:
    """Create each truck with its parcels one advance window before it arrives, in order."""
    window_min = centre.spec.parcel_list.advance_window_min
    for arrival_min, n, measured in schedule:
        create_min = arrival_min - window_min
        if create_min > env.now:
            yield env.timeout(create_min - env.now)
        truck = centre.factory.truck(env, centre.log, arrival_min, n, measured)
        declared = [plan_list(env, parcel, centre) for parcel in truck.parcels]
        env.process(inbound_truck(env, truck, declared, centre))


def plan_list(env: simpy.Environment, parcel: ExportParcel, centre: PlannedCentre) -> float:
    """Plan the list from its lodgement to its screening; return when it is screened.

    A list lodged before the run's start is planned from its lodgement, in the past, as the
    reference model records it (``declaration.lodge``).
    """
    now, lodged = env.now, parcel.lodgement_min
    if lodged < 0.0:
        start = lodged
    elif lodged > now:
        start = now + (lodged - now)  # where a timeout from now to the lodgement ends
    else:
        start = now
    if parcel.incomplete:
        # Missing or mismatched order, collection or waybill data: no release until re-sent.
        durations = (parcel.matching_min, parcel.correction_min, parcel.screening_min)
        return centre.listed_after_hold.run(parcel.case, start, durations)
    return centre.listed.run(parcel.case, start, (parcel.matching_min, parcel.screening_min))


def inbound_truck(
    env: simpy.Environment, truck: Truck, declared: list[float], centre: PlannedCentre
) -> Process:
    """Arrive at the centre, wait for a dock team, which inducts the parcels while it unloads.

    ``declared`` holds when each parcel's list is screened, in the truck's parcel order.
    """
    log, case, node = centre.log, truck.case, centre.centre
    if truck.arrival_min > env.now:
        yield env.timeout(truck.arrival_min - env.now)
    milestone(env, log, case, centre.truck_arrival, node)
    for parcel in truck.parcels:
        milestone(env, log, parcel.case, centre.arrival, node)
        centre.control.arrive()
        parcel.planned_index = centre.flights[parcel.line].planned_index(env.now)
    docks, emit, instance = centre.unloaders, log.emit, log.new_instance()
    emit((case, centre.truck_unloading, instance, SCHEDULE, env.now, docks.node, docks.code))
    with docks.request() as request:
        yield request
        emit((case, centre.truck_unloading, instance, START, env.now, docks.node, docks.code))
        truck.dock_start_min = env.now
        if truck.parcels:
            _induct(env, truck, declared, 0, centre)
        yield env.timeout(truck.setup_min + len(truck.parcels) * centre.minutes_per_parcel)
        emit((case, centre.truck_unloading, instance, COMPLETE, env.now, docks.node, docks.code))
    log.cases.finished[case] = True


def _induct(
    env: simpy.Environment, truck: Truck, declared: list[float], index: int, centre: PlannedCentre
) -> None:
    """The dock team inducts the truck's ``index``-th parcel at its turn (one event at a time)."""
    turn = centre.induction_min(truck.dock_start_min, truck.setup_min, index)
    inducted = partial(_inducted, env, truck, declared, index, centre)
    wake_at(env, turn).callbacks.append(inducted)


def _inducted(
    env: simpy.Environment,
    truck: Truck,
    declared: list[float],
    index: int,
    centre: PlannedCentre,
    _: simpy.Event,
) -> None:
    """On the line: every 9610 export parcel passes the X-ray; the next turn is booked first."""
    if index + 1 < len(truck.parcels):
        _induct(env, truck, declared, index + 1, centre)
    parcel = truck.parcels[index]
    then = partial(_scanned, env, parcel, declared[index], centre)
    centre.scanned.run(parcel.case, env.now, (parcel.xray_min,), then=then)


def _scanned(
    env: simpy.Environment,
    parcel: ExportParcel,
    declared_min: float,
    centre: PlannedCentre,
    _: simpy.Event,
) -> None:
    """X-rayed: the arrival report (since the truck arrived) and the screened list are awaited."""
    reported_min = centre.reported.run(parcel.case, parcel.truck.arrival_min, (parcel.report_min,))
    ready_min = max(reported_min, declared_min)
    if ready_min > env.now:
        wake_at(env, ready_min).callbacks.append(lambda _: _screened(env, parcel, centre))
    else:
        _screened(env, parcel, centre)


def _screened(env: simpy.Environment, parcel: ExportParcel, centre: PlannedCentre) -> None:
    """Red: to the officers' line (seized parcels end there); green: released."""
    case = parcel.case
    if not parcel.unpacked:
        centre.log.cases.channel[case] = int(Channel.GREEN)
        _released(env, parcel, centre)
        return
    # Red channel: the risk engine flagged the list, or the X-ray image is abnormal.
    centre.log.cases.channel[case] = int(Channel.RED)
    if parcel.seized:
        # Seized or returned to the seller: it leaves the customs flow here, never released.
        centre.seized.run(case, env.now, (parcel.unpack_min,), parcel.measured)
    else:
        then = partial(_unpacked, env, parcel, centre)
        centre.unpacked.run(case, env.now, (parcel.unpack_min,), then=then)


def _unpacked(
    env: simpy.Environment, parcel: ExportParcel, centre: PlannedCentre, _: simpy.Event
) -> None:
    _released(env, parcel, centre)


def _released(env: simpy.Environment, parcel: ExportParcel, centre: PlannedCentre) -> None:
    """Released by list (清单核放): sorted, then the shuttle to the airline (planned at once)."""
    sorted_min = centre.sorted.run(parcel.case, env.now, (parcel.sorting_min,))
    centre.to_the_airline(parcel, sorted_min)
