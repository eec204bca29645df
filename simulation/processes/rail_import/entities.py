"""Rail-import entities: China-Europe trains and their containers, sampling attributes at creation.

As in the sea import, every attribute a train or container might need on any path is drawn when
it is created, each from its own named stream, whether or not a reform is on: the transit
formalities (declaration, one party check per box, sealing), the fast-clearance arrival check and
take-up are drawn for every train, the bonded storage choice and the destination for every box.
So baseline and reform scenarios see the same trains at the border and the same boxes on them:
common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.rail_import import RailImportSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    ProcessSamplers,
    choose,
    draw_counts,
)
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.agency import NO_CONFORMITY, ConformityCase, ConformityDraws
from clearsim.simulation.processes.declaration import CustomsDraws


class Train:
    """One China-Europe train: its border stop, its run to the terminal, its containers.

    ``border_min`` is its arrival at the border port; ``arrival_min`` its arrival at the
    terminal, known at creation (the border and the line have no queues in the model).
    ``fast`` says whether it runs under fast clearance; ``steps`` are its border formalities
    after handling, in order: the arrival check (fast), or the transit declaration, the party
    checks of its boxes and the sealing (conventional).
    """

    __slots__ = (
        "arrival_min",
        "border_min",
        "case",
        "confirmation_min",
        "confirmed",
        "containers",
        "fast",
        "formalities_min",
        "handling_min",
        "steps",
        "trip_min",
    )

    def __init__(
        self,
        env: simpy.Environment,
        case: int,
        border_min: float,
        fast: bool,
        steps: tuple[float, ...],
        durations: tuple[float, float, float],
    ) -> None:
        self.case = case
        self.border_min = border_min
        self.fast = fast
        self.steps = steps
        self.formalities_min = sum(steps)
        self.handling_min, self.trip_min, self.confirmation_min = durations
        self.arrival_min = border_min + self.handling_min + self.formalities_min + self.trip_min
        self.confirmed = env.event()
        self.containers: list[RailContainer] = []


@dataclass(slots=True, eq=False)
class RailContainer:
    """One import container on a train (a case of the event log) with its pre-drawn attributes."""

    case: int
    train: Train
    measured: bool
    bonded: bool
    destination: str
    channel: Channel
    priority: int
    lodgement_min: float
    closure_min: float
    screening_min: float
    review_min: float
    tax_min: float
    entry_check_min: float
    unloading_min: float
    plan_min: float
    inspection_min: float
    hold: bool
    hold_min: float
    yard_move_min: float
    booking_min: float
    gate_in_min: float
    gate_out_min: float
    yard_out_min: float
    trip_u: float
    declared: simpy.Event
    closed: simpy.Event
    unloaded: simpy.Event
    conformity: ConformityCase = NO_CONFORMITY


class RailContainerFactory:
    """Creates trains and containers, drawing every attribute from its own stream."""

    def __init__(self, spec: RailImportSpec, streams: Streams, router: Router) -> None:
        self.spec = spec
        self.router = router
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, name, "trains")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "containers_per_train")
        self._line = uniforms(Purpose.TRANSPORT, "rail_line")
        self._aeo = uniforms(Purpose.ATTRIBUTES, "aeo")
        self._bonded = uniforms(Purpose.ATTRIBUTES, "bonded_storage")
        self._customs = CustomsDraws(samplers, spec.document_review_min, spec.inspection)
        self._destination = uniforms(Purpose.ROUTING, "destination")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        b, d, p = spec.border, spec.declaration, spec.pickup
        self._handling = durations(Purpose.SERVICE, "border_handling", b.handling_min)
        self._transit_declaration = durations(
            Purpose.SERVICE, "transit_declaration", b.transit.declaration_min
        )
        self._party_check = durations(
            Purpose.REVIEW, "transit_party_check", b.transit.party_check_min
        )
        self._sealing = durations(Purpose.SERVICE, "transit_sealing", b.transit.sealing_min)
        self._check = durations(
            Purpose.SERVICE, "arrival_check", spec.fast_clearance.arrival_check_min
        )
        self._fast = uniforms(Purpose.ATTRIBUTES, "fast_clearance_take_up")
        self._confirmation = durations(
            Purpose.PORT_OPERATIONS, "arrival_confirmation", spec.arrival_confirmation_min
        )
        self._lead = durations(Purpose.DECLARATION, "advance_lead", d.advance_lead_min)
        self._after = durations(Purpose.DECLARATION, "after_arrival", d.after_arrival_delay_min)
        self._closure = durations(Purpose.DECLARATION, "transit_closure", spec.transit_closure_min)
        self._screening = durations(Purpose.RISK, "screening", spec.risk.screening_min)
        self._tax = durations(Purpose.DECLARATION, "tax_payment", spec.tax_payment_min)
        self._entry = durations(
            Purpose.REVIEW, "bonded_entry_check", spec.bonded_storage.entry_check_min
        )
        self._unloading = durations(Purpose.PORT_OPERATIONS, "unloading", spec.unloading_min)
        self._yard_move = durations(Purpose.PORT_OPERATIONS, "yard_move", p.yard_handling_min)
        self._yard_out = durations(Purpose.PORT_OPERATIONS, "yard_out", p.yard_handling_min)
        self._booking = durations(Purpose.GATE, "truck_booking", p.truck_booking_delay_min)
        self._gate_in = durations(Purpose.GATE, "gate_in", p.gate_transaction_min)
        self._gate_out = durations(Purpose.GATE, "gate_out", p.gate_transaction_min)
        self._destinations = tuple(spec.destinations)
        self._destination_shares = tuple(spec.destinations.values())
        conformity = spec.agency.conformity if spec.agency else None
        # The agency layer draws from its own streams, only when present.
        self._conformity = ConformityDraws(samplers, conformity) if conformity else None

    def trains(
        self, env: simpy.Environment, log: EventLog, control: RunControl, until_min: float
    ) -> list[Train]:
        """Every train reaching the border before ``until_min``, with its containers."""
        spec = self.spec
        times = arrival_times(spec.train_arrivals, self._arrivals_rng, until_min)
        sizes = draw_counts(spec.containers_per_train, self._batch_rng, len(times))
        trains = []
        fast_spec = spec.fast_clearance
        for border_min, size in zip(times.tolist(), sizes.tolist(), strict=True):
            # Both the transit formalities and the arrival check are drawn: streams stay aligned.
            handling, check = self._handling(), self._check()
            transit = (
                self._transit_declaration(),
                float(self._party_check.take(size).sum()),
                self._sealing(),
            )
            fast = fast_spec.enabled and self._fast() < fast_spec.take_up
            line_u, confirmation = self._line(), self._confirmation()
            trip = self.router.trip_min(spec.border_node, spec.terminal_node, line_u)
            case = log.new_case("train", spec.name, shipment=False, mode="rail")
            steps = (check,) if fast else transit
            train = Train(env, case, border_min, fast, steps, (handling, trip, confirmation))
            train.containers = [self._container(env, log, control, train) for _ in range(size)]
            trains.append(train)
        return trains

    def _container(
        self, env: simpy.Environment, log: EventLog, control: RunControl, train: Train
    ) -> RailContainer:
        spec = self.spec
        bonded_spec = spec.bonded_storage
        aeo = self._aeo() < spec.aeo_share
        bonded_u = self._bonded()  # drawn whether or not the pilot is on: streams stay aligned
        bonded = bonded_spec.enabled and bonded_u < bonded_spec.share
        # Advance declaration is the importer's choice under either regime (rule 13).
        advance = self._customs.advance() < spec.declaration.advance_share
        lead, after, closure = self._lead(), self._after(), self._closure()
        consignee = self._destinations[choose(self._destination_shares, self._destination())]
        destination = bonded_spec.cbz_node if bonded else consignee
        rates = spec.risk.aeo if aeo else spec.risk.general
        channel_index = choose((rates.green, rates.yellow, rates.red), self._customs.channel())
        # Without fast clearance the transit must be closed before the declaration is lodged.
        ready_min = train.arrival_min + (0.0 if train.fast else closure)
        case = log.new_case(
            "container",
            spec.name,
            mode="rail",
            case_class="aeo" if aeo else "general",
            aeo=aeo,
            advance_declared=advance,
            destination=destination,
        )
        return RailContainer(
            case=case,
            train=train,
            measured=control.expect(train.arrival_min),
            bonded=bonded,
            destination=destination,
            channel=(Channel.GREEN, Channel.YELLOW, Channel.RED)[channel_index],
            priority=0 if (aeo and spec.aeo_queue_priority) else 1,
            # In advance: ``lead`` before arrival, before the run's start too (negative).
            lodgement_min=train.arrival_min - lead if advance else ready_min + after,
            closure_min=closure,
            screening_min=self._screening(),
            review_min=self._customs.review(),
            tax_min=self._tax(),
            entry_check_min=self._entry(),
            unloading_min=self._unloading(),
            plan_min=self._customs.plan(),
            inspection_min=self._customs.inspect(),
            hold=self._customs.hold() < spec.inspection.hold_probability,
            hold_min=self._customs.hold_min(),
            yard_move_min=self._yard_move(),
            booking_min=self._booking(),
            gate_in_min=self._gate_in(),
            gate_out_min=self._gate_out(),
            yard_out_min=self._yard_out(),
            trip_u=self._trip(),
            declared=env.event(),
            closed=env.event(),
            unloaded=env.event(),
            conformity=self._conformity.draw() if self._conformity else NO_CONFORMITY,
        )
