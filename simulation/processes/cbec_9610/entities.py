"""9610 entities: flights and parcels, each sampling every attribute it might need at creation.

Every attribute a parcel might need on any path (list lead, data hold, risk flag, X-ray image,
unpacking, seizure, sorting, courier hub) is drawn when the parcel is created, each from its own
named stream, in flight order. What it declares (buyer, quantity, value, consumption-tax class) is
drawn for every parcel of the run when the flights are scheduled (:func:`parcel_claims`), since
the run's buyer ledger settles the annual limit over every CBEC order before the run starts. So the
k-th parcel of a replication gets the same draws in every scenario that shares the spec of that
attribute, whichever path it then takes. Flights draw their own attributes from streams parcels
never touch, and their parcel count from one stream before the multiplier scales it, so a peak-day
variant sees the same flights as its baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from clearsim.models.cbec_rules import LimitDecision, order_tax_many
from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.cbec_ledger import BuyerLedger, Claims, Settled, draw_buyers
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    ProcessSamplers,
    choose,
    choose_many,
    draw_counts,
)
from clearsim.simulation.log.recorder import EventLog

_DECISIONS = tuple(LimitDecision)


@dataclass(slots=True, eq=False)
class Flight:
    """One flight landing a batch of 9610 parcels (a carrier case, not a shipment).

    Durations are minutes; ``transfer_u`` fixes the pace of the sealed truck trip on any route.
    ``dock_start_min`` is when a dock team starts on the flight's truck (set when it does).
    """

    case: int
    arrival_min: float
    airport: str
    unloading_min: float
    setup_min: float
    transfer_u: float
    dock_start_min: float = 0.0
    parcels: list[Parcel] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Parcel:
    """One parcel under a 9610 list (a shipment case of the event log), with pre-drawn attributes.

    ``index`` is its place in the flight's induction order; ``flagged`` means the risk engine
    flags its list, ``abnormal`` that its X-ray image is abnormal; either sends it to unpacking.
    """

    case: int
    flight: Flight
    index: int
    measured: bool
    destination: str
    advance: bool
    lodgement_min: float
    matching_min: float
    incomplete: bool
    correction_min: float
    screening_min: float
    flagged: bool
    xray_min: float
    abnormal: bool
    unpack_min: float
    seized: bool
    sorting_min: float
    trip_min: float
    decision: LimitDecision = LimitDecision.WITHIN
    """The limit check's outcome (S29): within, indivisible at full duties, or over (rejected)."""
    declared_min: float = math.inf
    """When its list is matched and screened (set when the list's chain is planned)."""

    @property
    def unpacked(self) -> bool:
        """Whether the parcel goes to manual unpacking (the red channel)."""
        return self.flagged or self.abnormal


@dataclass(frozen=True)
class PlannedParcels:
    """The flights of a run and what every parcel on them declares, in landing order."""

    schedule: list[tuple[float, int]]
    """(landing minute, parcels) of every flight."""
    claims: Claims
    ct_rate: np.ndarray


def parcel_claims(spec: DirectPurchaseSpec, streams: Streams, until_min: float) -> PlannedParcels:
    """Every flight landing before ``until_min`` and what each of its parcels declares.

    The parcel count of a flight is drawn before ``parcel_multiplier`` scales it, so every variant
    of a scenario sees the same flights and, flight by flight, proportional batches; the goods are
    drawn per parcel in landing order from their own streams, so a peak day's first parcels
    declare what the baseline's do. A parcel's claim on the buyer ledger is timed at its landing.
    """
    name, goods = spec.name, spec.goods
    flights = streams.generator(Purpose.ARRIVALS, name, "flights")
    batches = streams.generator(Purpose.BATCH_SIZE, name, "parcels_per_flight")
    times = arrival_times(spec.flight_arrivals, flights, until_min)
    counts = draw_counts(spec.parcels_per_flight, batches, len(times))
    schedule = [
        (arrival_min, spec.scaled_parcels(count))
        for arrival_min, count in zip(times.tolist(), counts.tolist(), strict=True)
    ]
    sizes = np.array([n for _, n in schedule], dtype=np.int64)
    n = int(sizes.sum())
    quantities = draw_counts(
        goods.quantity, streams.generator(Purpose.ATTRIBUTES, name, "parcel_quantity"), n
    )
    units = goods.unit_value_median_cny * np.exp(
        goods.unit_value_sigma
        * streams.generator(Purpose.ATTRIBUTES, name, "parcel_unit_value").standard_normal(n)
    )
    liable = (
        streams.generator(Purpose.ATTRIBUTES, name, "parcel_consumption_tax").random(n)
        < goods.consumption_tax_share
    )
    claims = Claims(
        times_min=np.repeat(times, sizes),
        buyers=draw_buyers(streams, name, spec.buyers, n),
        values_cny=np.round(units * quantities, 2),
        quantities=quantities,
    )
    return PlannedParcels(schedule, claims, np.where(liable, goods.consumption_tax_rate, 0.0))


class ParcelFactory:
    """Creates flights and parcels, drawing every attribute from its own stream.

    ``ledger`` is the run's buyer ledger (one annual limit per buyer across 1210 and 9610);
    without one (a factory used alone) the parcels are settled against a ledger of their own.
    """

    def __init__(
        self,
        spec: DirectPurchaseSpec,
        streams: Streams,
        router: Router,
        ledger: BuyerLedger | None = None,
    ) -> None:
        self.spec = spec
        self._router = router
        self._streams = streams
        self._ledger = ledger
        self._planned: PlannedParcels | None = None
        self._settled: Settled | None = None
        self._next_parcel = 0
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        self._airport = uniforms(Purpose.ROUTING, "airport")
        self._transfer = uniforms(Purpose.TRANSPORT, "sealed_transfer")
        self._unloading = durations(
            Purpose.PORT_OPERATIONS, "aircraft_unloading", spec.aircraft_unloading_min
        )
        self._setup = durations(Purpose.PORT_OPERATIONS, "dock_setup", spec.dock_setup_min)
        lst, ins = spec.parcel_list, spec.inspection
        self._advance = uniforms(Purpose.DECLARATION, "advance")
        self._lead = durations(Purpose.DECLARATION, "advance_lead", lst.advance_lead_min)
        self._after = durations(Purpose.DECLARATION, "after_arrival", lst.after_arrival_delay_min)
        self._matching = durations(Purpose.DECLARATION, "list_matching", lst.matching_min)
        self._incomplete = uniforms(Purpose.DECLARATION, "data_incomplete")
        self._correction = durations(Purpose.DECLARATION, "data_correction", lst.correction_min)
        self._screening = durations(Purpose.RISK, "screening", ins.screening_min)
        self._flag = uniforms(Purpose.RISK, "risk_flag")
        self._xray = durations(Purpose.SERVICE, "xray_scan", ins.xray_scan_min)
        self._abnormal = uniforms(Purpose.INSPECTION, "abnormal_image")
        self._unpack = durations(Purpose.INSPECTION, "unpack", ins.unpack_min)
        self._seized = uniforms(Purpose.INSPECTION, "seized")
        self._sorting = durations(Purpose.SERVICE, "courier_sorting", spec.courier.sorting_min)
        self._destination = uniforms(Purpose.ROUTING, "destination")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        self._airports = tuple(spec.airports)
        self._airport_shares = tuple(spec.airports.values())
        self._destinations = tuple(spec.destinations)
        self._destination_shares = tuple(spec.destinations.values())

    def schedule(self, until_min: float) -> list[tuple[float, int]]:
        """(landing minute, parcels) of every flight landing before ``until_min``, in order.

        The parcel count is drawn before ``parcel_multiplier`` scales it, so every variant of a
        scenario sees the same flights and, flight by flight, proportional batches.
        """
        spec = self.spec
        planned = parcel_claims(spec, self._streams, until_min)
        ledger = self._ledger
        if ledger is None:
            ledger = BuyerLedger(
                spec.limits, spec.buyers, self._streams, {spec.name: planned.claims}
            )
        self._planned, self._settled = planned, ledger.settled(spec.name)
        return planned.schedule

    def flight(self, log: EventLog, arrival_min: float, parcels: int, measured: bool) -> Flight:
        """Create one flight and its parcels, drawing their attributes in landing order."""
        airport = self._airports[choose(self._airport_shares, self._airport())]
        case = log.new_case(
            "flight", self.spec.name, shipment=False, direction="import", mode="cbec_9610"
        )
        flight = Flight(
            case=case,
            arrival_min=arrival_min,
            airport=airport,
            unloading_min=self._unloading(),
            setup_min=self._setup(),
            transfer_u=self._transfer(),
        )
        flight.parcels = self._parcels(log, flight, parcels, measured)
        return flight

    def _parcels(self, log: EventLog, flight: Flight, n: int, measured: bool) -> list[Parcel]:
        """The flight's ``n`` parcels, each stream taken in order for the whole batch at once."""
        spec = self.spec
        lst, ins = spec.parcel_list, spec.inspection
        planned, settled = self._planned, self._settled
        if planned is None or settled is None:
            raise RuntimeError("schedule() the flights before creating them")
        first = self._next_parcel
        self._next_parcel = end = first + n
        quantity = planned.claims.quantities[first:end]
        value = planned.claims.values_cny[first:end]
        ct = planned.ct_rate[first:end]
        decision = settled.decisions[first:end]
        goods = spec.goods
        tax = order_tax_many(
            value, (goods.tariff_rate, goods.vat_rate, ct), decision, spec.limits.tax_factor
        )
        advance = self._advance.take(n) < lst.advance_share
        lead, after = self._lead.take(n), self._after.take(n)
        destination_index = choose_many(self._destination_shares, self._destination.take(n))
        destinations = [self._destinations[k] for k in destination_index.tolist()]
        landing = flight.arrival_min
        lodgement = np.where(
            advance,
            landing - np.minimum(lead, lst.advance_window_min),
            landing + after,
        )
        advance_list = advance.tolist()
        cases = log.new_cases(
            "parcel",
            spec.name,
            ["general"] * n,
            mode="cbec_9610",
            advance_declared=advance_list,
            destinations=destinations,
        )
        for case, row in zip(
            cases,
            zip(
                quantity.tolist(),
                value.tolist(),
                settled.prior_annual_cny[first:end].tolist(),
                ct.tolist(),
                tax.tolist(),
                strict=True,
            ),
            strict=True,
        ):
            log.cases.goods.set(case, -1, *row)
        decisions = [_DECISIONS[k] for k in decision.tolist()]
        columns = zip(
            cases,
            range(n),
            destinations,
            advance_list,
            lodgement.tolist(),
            self._matching.take(n).tolist(),
            (self._incomplete.take(n) < lst.incomplete_share).tolist(),
            self._correction.take(n).tolist(),
            self._screening.take(n).tolist(),
            (self._flag.take(n) < ins.risk_flag_share).tolist(),
            self._xray.take(n).tolist(),
            (self._abnormal.take(n) < ins.abnormal_image_share).tolist(),
            self._unpack.take(n).tolist(),
            (self._seized.take(n) < ins.seizure_share).tolist(),
            self._sorting.take(n).tolist(),
            self._router.planned_trips_to(
                self.spec.centre_node, self._destinations, destination_index, self._trip.take(n)
            ).tolist(),
            decisions,
            strict=True,
        )
        parcels = []
        for (
            case,
            index,
            destination,
            advanced,
            lodgement_min,
            matching_min,
            incomplete,
            correction_min,
            screening_min,
            flagged,
            xray_min,
            abnormal,
            unpack_min,
            seized,
            sorting_min,
            trip_min,
            limit,
        ) in columns:
            parcels.append(
                Parcel(
                    case,
                    flight,
                    index,
                    measured,
                    destination,
                    advanced,
                    lodgement_min,
                    matching_min,
                    incomplete,
                    correction_min,
                    screening_min,
                    flagged,
                    xray_min,
                    abnormal,
                    unpack_min,
                    seized,
                    sorting_min,
                    trip_min,
                    limit,
                )
            )
        return parcels
