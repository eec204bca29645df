"""Air-cargo entities: cargo flights and shipments, each sampling its own attributes at creation.

A flight is one turnaround at the airport: it arrives with import and transfer shipments and
departs with export shipments (and transfers from earlier flights). Every attribute a shipment
might need on any path (direction, pilot participation, channel, every duration of every
direction and branch) is drawn when it is created, each from its own named stream, in flight
order. So the k-th shipment of a replication gets the same draws in the baseline and in every
reform, whichever path it then takes: common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    ProcessSamplers,
    choose,
    draw_counts,
)
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.agency import NO_AGENCY, AgencyCase
from clearsim.simulation.processes.air_cargo.perishables import FreshDraw, PerishableDraws
from clearsim.simulation.processes.declaration import CustomsDraws

IMPORT, TRANSIT, EXPORT = "import", "transit", "export"
DIRECTIONS = (IMPORT, TRANSIT, EXPORT)
"""Direction of a shipment, in the order of the spec's shares (import, transfer, export)."""
_CHANNELS = (Channel.GREEN, Channel.YELLOW, Channel.RED)


class Flight:
    """One cargo flight's turnaround: on the stand, loading closes, off-blocks."""

    __slots__ = (
        "arrival_min",
        "case",
        "closing",
        "departed",
        "index",
        "loading_close_min",
        "on_stand",
        "planned_closing_min",
        "shipments",
        "turnaround_min",
    )

    def __init__(
        self,
        env: simpy.Environment,
        case: int,
        index: int,
        arrival_min: float,
        turnaround_min: float,
        loading_close_min: float,
    ) -> None:
        self.case = case
        self.index = index
        self.arrival_min = arrival_min
        self.turnaround_min = turnaround_min
        self.loading_close_min = min(loading_close_min, turnaround_min)
        # The earliest the loading can close; a wait for a stand only makes it later.
        self.planned_closing_min = arrival_min + turnaround_min - self.loading_close_min
        self.on_stand = env.event()
        self.closing = env.event()
        self.departed = env.event()
        self.shipments: list[Shipment] = []

    @property
    def planned_departure_min(self) -> float:
        """Scheduled off-blocks, if the flight gets a stand on arrival."""
        return self.arrival_min + self.turnaround_min


@dataclass(slots=True, eq=False)
class Shipment:
    """One shipment on one ULD or pallet (a case of the event log) with its pre-drawn attributes.

    ``flight`` is the inbound flight of an import or transfer, the booked flight of an export.
    ``direct`` marks a participant of the direction's pilot. Durations are minutes; ``trip_u``
    fixes the road trip's pace.
    """

    case: int
    flight: Flight
    direction: str
    measured: bool
    direct: bool
    arrival_min: float
    lodgement_min: float
    destination: str
    channel: Channel
    priority: int
    screening_min: float
    review_min: float
    tax_min: float
    offload_min: float
    tow_in_min: float
    tow_out_min: float
    breakdown_min: float
    build_up_min: float
    plan_min: float
    inspection_min: float
    hold: bool
    hold_min: float
    booking_min: float
    dock_min: float
    xray_min: float
    formalities_min: float
    connection_min: float
    tally_min: float
    truck_loading_min: float
    electronic_check_min: float
    airside_tow_min: float
    advance_build_up_min: float
    stand_delivery_min: float
    trip_u: float
    declared: simpy.Event
    accepted: simpy.Event
    inspected: simpy.Event
    released: simpy.Event
    perishable: bool = False
    shelf_life_min: float = 0.0
    sampled: bool = False
    rapid_min: float = 0.0
    lab: AgencyCase = NO_AGENCY
    appointment_min: float = 0.0


class ShipmentFactory:
    """Creates flights and shipments, drawing every attribute from its own stream."""

    def __init__(self, spec: AirCargoSpec, streams: Streams) -> None:
        self.spec = spec
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, name, "flights")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "shipments_per_flight")
        f, w, a = spec.flight, spec.warehouse, spec.apron
        ops = Purpose.PORT_OPERATIONS
        self._turnaround = durations(ops, "turnaround", f.turnaround_min)
        self._close = durations(ops, "loading_close", f.loading_close_min)
        self._direction = uniforms(Purpose.ATTRIBUTES, "direction")
        self._aeo = uniforms(Purpose.ATTRIBUTES, "aeo")
        # One participation draw per shipment serves whichever pilot its direction has.
        self._pilot = uniforms(Purpose.ATTRIBUTES, "airside_pilot")
        self._customs = CustomsDraws(samplers, spec.document_review_min, spec.inspection)
        self._destination = uniforms(Purpose.ROUTING, "destination")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        di, de = spec.import_declaration, spec.export_declaration
        decl = Purpose.DECLARATION
        self._import_lead = durations(decl, "import_advance_lead", di.advance_lead_min)
        self._import_after = durations(decl, "import_after_arrival", di.after_arrival_delay_min)
        self._export_lead = durations(decl, "export_advance_lead", de.advance_lead_min)
        self._export_after = durations(decl, "export_after_arrival", de.after_arrival_delay_min)
        self._manifest_lead = durations(decl, "manifest_lead", spec.transfer.manifest_lead_min)
        self._import_screen = durations(
            Purpose.RISK, "import_screening", spec.import_risk.screening_min
        )
        self._export_screen = durations(
            Purpose.RISK, "export_screening", spec.export_risk.screening_min
        )
        self._tax = durations(decl, "tax_payment", spec.tax_payment_min)
        self._offload = durations(ops, "offload", f.offload_min)
        self._tow_in = durations(ops, "tow_in", w.tow_min)
        self._tow_out = durations(ops, "tow_out", w.tow_min)
        self._breakdown = durations(Purpose.SERVICE, "breakdown", w.breakdown_min)
        self._build_up = durations(Purpose.SERVICE, "build_up", w.build_up_min)
        p, e = spec.import_pickup, spec.export_acceptance
        self._booking = durations(Purpose.GATE, "truck_booking", p.truck_booking_delay_min)
        self._dock_loading = durations(Purpose.GATE, "dock_loading", p.dock_loading_min)
        self._dock_unloading = durations(Purpose.GATE, "dock_unloading", e.dock_unloading_min)
        self._acceptance_lead = durations(
            Purpose.ARRIVALS, "acceptance_lead", e.acceptance_lead_min
        )
        self._delivery_lead = durations(
            Purpose.ARRIVALS, "apron_delivery_lead", a.delivery_lead_min
        )
        self._xray = durations(Purpose.SERVICE, "security_screening", e.screening_min)
        t = spec.transfer
        self._formalities = durations(Purpose.REVIEW, "transfer_formalities", t.formalities_min)
        self._connection = durations(ops, "connection", t.connection_min)
        self._tally = durations(ops, "apron_tally", a.tally_min)
        self._truck_loading = durations(ops, "apron_truck_loading", a.truck_loading_min)
        self._electronic = durations(Purpose.REVIEW, "electronic_check", a.electronic_check_min)
        self._airside_tow = durations(ops, "airside_tow", a.airside_tow_min)
        self._advance_build = durations(Purpose.SERVICE, "advance_build_up", a.advance_build_up_min)
        self._stand_delivery = durations(ops, "stand_delivery", a.stand_delivery_min)
        self._fresh = PerishableDraws(spec.perishables, samplers) if spec.perishables else None
        self._shares = (spec.import_share, spec.transfer_share, spec.export_share)
        self._destinations = tuple(spec.destinations)
        self._destination_shares = tuple(spec.destinations.values())

    def flights(
        self, env: simpy.Environment, log: EventLog, control: RunControl, until_min: float
    ) -> list[Flight]:
        """Every flight arriving before ``until_min``, with its shipments, in arrival order."""
        times = arrival_times(self.spec.flight_arrivals, self._arrivals_rng, until_min)
        sizes = draw_counts(self.spec.shipments_per_flight, self._batch_rng, len(times))
        flights = []
        for index, (arrival_min, size) in enumerate(
            zip(times.tolist(), sizes.tolist(), strict=True)
        ):
            case = log.new_case("flight", self.spec.name, shipment=False, mode="air")
            flight = Flight(env, case, index, arrival_min, self._turnaround(), self._close())
            flight.shipments = [self._shipment(env, log, control, flight) for _ in range(size)]
            flights.append(flight)
        return flights

    def _pilot_share(self, direction: str) -> float:
        spec = self.spec
        pilot = {
            IMPORT: spec.apron_pickup,
            TRANSIT: spec.airside_transfer,
            EXPORT: spec.apron_loading,
        }[direction]
        return pilot.share if pilot.enabled else 0.0

    def _shipment(
        self, env: simpy.Environment, log: EventLog, control: RunControl, flight: Flight
    ) -> Shipment:
        spec = self.spec
        direction = DIRECTIONS[choose(self._shares, self._direction())]
        aeo = self._aeo() < spec.aeo_share
        # Drawn whether or not a pilot is on: streams stay aligned between scenarios.
        direct = self._pilot() < self._pilot_share(direction)
        advance_u = self._customs.advance()
        import_lead, import_after = self._import_lead(), self._import_after()
        export_lead, export_after = self._export_lead(), self._export_after()
        manifest_lead = self._manifest_lead()
        acceptance_lead, delivery_lead = self._acceptance_lead(), self._delivery_lead()
        destination = self._destinations[choose(self._destination_shares, self._destination())]
        channel_u = self._customs.channel()
        import_screen, export_screen = self._import_screen(), self._export_screen()
        dock_loading, dock_unloading = self._dock_loading(), self._dock_unloading()
        if direction == EXPORT:
            # The truck reaches the terminal (or, for apron loading, the airside gate) a lead
            # time before the booked flight's scheduled off-blocks.
            lead = delivery_lead if direct else acceptance_lead
            arrival_min = max(0.0, flight.planned_departure_min - lead)
        else:
            arrival_min = flight.arrival_min
        declaration = spec.export_declaration if direction == EXPORT else spec.import_declaration
        # Apron pickup and apron loading require declaring in advance (SEED-003 s2, S25).
        advance = advance_u < declaration.advance_share or (direct and direction != TRANSIT)
        # Lodged in advance: a lead before arrival, before the run's start too (negative).
        if direction == TRANSIT:
            # The carrier's transfer manifest is always lodged before the inbound arrival.
            lodgement_min = arrival_min - manifest_lead
            advance = True
        elif direction == IMPORT:
            lodgement_min = arrival_min - import_lead if advance else arrival_min + import_after
        else:
            lodgement_min = arrival_min - export_lead if advance else arrival_min + export_after
        risk = spec.export_risk if direction == EXPORT else spec.import_risk
        rates = risk.aeo if aeo else risk.general
        fresh = self._fresh.draw(direction == IMPORT) if self._fresh is not None else None
        if fresh is not None and fresh.perishable:
            rates = fresh.rates
        # The green channel puts perishables first in the officers' and lanes' queues.
        first = fresh is not None and fresh.perishable and fresh.first
        channel = (
            _CHANNELS[choose((rates.green, rates.yellow, rates.red), channel_u)]
            if direction != TRANSIT
            else Channel.NONE
        )
        case = log.new_case(
            "shipment",
            spec.name,
            direction=direction,
            mode="air",
            case_class=_case_class(aeo, fresh),
            aeo=aeo,
            advance_declared=advance,
            direct_path=direct,
            destination=destination if direction == IMPORT else "",
        )
        shipment = Shipment(
            case=case,
            flight=flight,
            direction=direction,
            measured=control.expect(arrival_min),
            direct=direct,
            arrival_min=arrival_min,
            lodgement_min=lodgement_min,
            destination=destination,
            channel=channel,
            priority=0 if (aeo and spec.aeo_queue_priority) or first else 1,
            screening_min=export_screen if direction == EXPORT else import_screen,
            review_min=self._customs.review(),
            tax_min=self._tax(),
            offload_min=self._offload(),
            tow_in_min=self._tow_in(),
            tow_out_min=self._tow_out(),
            breakdown_min=self._breakdown(),
            build_up_min=self._build_up(),
            plan_min=self._customs.plan(),
            inspection_min=self._customs.inspect(),
            hold=self._customs.hold() < spec.inspection.hold_probability,
            hold_min=self._customs.hold_min(),
            booking_min=self._booking(),
            dock_min=dock_unloading if direction == EXPORT else dock_loading,
            xray_min=self._xray(),
            formalities_min=self._formalities(),
            connection_min=self._connection(),
            tally_min=self._tally(),
            truck_loading_min=self._truck_loading(),
            electronic_check_min=self._electronic(),
            airside_tow_min=self._airside_tow(),
            advance_build_up_min=self._advance_build(),
            stand_delivery_min=self._stand_delivery(),
            trip_u=self._trip(),
            declared=env.event(),
            accepted=env.event(),
            inspected=env.event(),
            released=env.event(),
        )
        if fresh is not None and fresh.perishable:
            shipment.perishable = True
            shipment.shelf_life_min = fresh.shelf_life_min
            shipment.sampled = fresh.sampled
            shipment.rapid_min = fresh.rapid_min
            shipment.lab = fresh.lab
            shipment.appointment_min = fresh.appointment_min
        return shipment


def _case_class(aeo: bool, fresh: FreshDraw | None) -> str:
    """Perishable (when the class is on and the shipment is one), else AEO or general."""
    if fresh is not None and fresh.perishable:
        return "perishable"
    return "aeo" if aeo else "general"
