"""Sea-import entities: vessel calls and containers, each sampling its own attributes at creation.

Every attribute a container might need on any path (channel, every duration, every choice) is
drawn when the container is created, each from its own named stream, in call order. So the k-th
container of a replication gets the same draws in every scenario that shares the spec of that
attribute, whichever path it then takes: common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import simpy

from clearsim.models.processes import SeaImportSpec
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
from clearsim.simulation.processes.agency import NO_AGENCY, AgencyCase, AgencyDraws
from clearsim.simulation.processes.declarant import (
    complete_lodgement_min,
    first_lodgement_min,
)
from clearsim.simulation.processes.declaration import CustomsDraws
from clearsim.simulation.processes.sea_import.documents import DocumentDraws


class VesselCall:
    """One vessel call bringing a batch of import containers."""

    __slots__ = (
        "arrival_min",
        "berthing_min",
        "case",
        "confirmation_min",
        "confirmed",
        "containers",
        "unberthing_min",
    )

    def __init__(
        self,
        env: simpy.Environment,
        case: int,
        arrival_min: float,
        durations: tuple[float, float, float],
    ) -> None:
        self.case = case
        self.arrival_min = arrival_min
        self.confirmation_min, self.berthing_min, self.unberthing_min = durations
        self.confirmed = env.event()
        self.containers: list[Container] = []


class UpstreamCase(NamedTuple):
    """A box that came up the river chain (:mod:`..feeder`): its case began at the origin."""

    case: int
    measured: bool
    manifest_min: float | None
    """When the manifest reached the port's customs (the feeder's departure); None: as drawn."""
    advance_allowed: bool
    """False under a transit declaration: the port's declaration follows the box's arrival."""


@dataclass(slots=True, eq=False)
class Container:
    """One import container (a case of the event log) with its pre-drawn attributes.

    Durations are minutes; ``*_lodgement_min`` are times on the clock (the declaration, or the
    two-step summary, and the complete declaration: :mod:`..declarant`); ``*_u`` are uniforms
    that fix a trip's pace on any route.
    """

    case: int
    call: VesselCall
    measured: bool
    ship_side: bool
    two_step: bool
    taxable: bool
    remote: bool
    destination: str
    channel: Channel
    priority: int
    lodgement_min: float
    screening_min: float
    review_min: float
    tax_min: float
    crane_min: float
    plan_min: float
    inspection_min: float
    hold: bool
    hold_min: float
    booking_min: float
    gate_in_min: float
    gate_out_min: float
    yard_move_min: float
    yard_out_min: float
    quay_to_gate_min: float
    guarantee_min: float
    complete_lodgement_min: float
    remote_min: float
    trip_u: float
    inspection_trip_u: float
    declared: simpy.Event
    discharged: simpy.Event
    released: simpy.Event
    paperwork_done: simpy.Event
    direct: bool = False
    joint_port_min: float = 0.0
    agency: AgencyCase = NO_AGENCY
    round_trip_min: float = 0.0
    left_gate: simpy.Event | None = None
    """With a truck pool: passed the gate out, the truck's round trip starts."""
    truck_back: simpy.Event | None = None
    """With a truck pool: the box's truck is back at the port (the case ends no earlier)."""


class ContainerFactory:
    """Creates vessel calls and containers, drawing every attribute from its own stream."""

    def __init__(self, spec: SeaImportSpec, streams: Streams) -> None:
        self.spec = spec
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, name, "vessel_calls")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "containers_per_call")
        self._aeo = uniforms(Purpose.ATTRIBUTES, "aeo")
        self._ship_side = uniforms(Purpose.ATTRIBUTES, "ship_side")
        self._customs = CustomsDraws(samplers, spec.document_review_min, spec.inspection)
        self._destination = uniforms(Purpose.ROUTING, "destination")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        self._inspection_trip = uniforms(Purpose.TRANSPORT, "inspection_trip")
        self._documents = DocumentDraws(samplers, spec.declaration.documents)
        self._screening = durations(Purpose.RISK, "screening", spec.risk.screening_min)
        self._tax = durations(Purpose.DECLARATION, "tax_payment", spec.tax_payment_min)
        self._crane = durations(Purpose.PORT_OPERATIONS, "crane_move", spec.crane_move_min)
        i = spec.inspection
        p = spec.pickup
        self._booking = durations(Purpose.GATE, "truck_booking", p.truck_booking_delay_min)
        self._gate_in = durations(Purpose.GATE, "gate_in", p.gate_transaction_min)
        self._gate_out = durations(Purpose.GATE, "gate_out", p.gate_transaction_min)
        self._yard_move = durations(Purpose.PORT_OPERATIONS, "yard_move", p.yard_handling_min)
        self._yard_out = durations(Purpose.PORT_OPERATIONS, "yard_out", p.yard_handling_min)
        self._quay_to_gate = durations(Purpose.PORT_OPERATIONS, "quay_to_gate", p.quay_to_gate_min)
        self._confirmation = durations(
            Purpose.PORT_OPERATIONS, "arrival_confirmation", spec.arrival_confirmation_min
        )
        self._berthing = durations(Purpose.PORT_OPERATIONS, "berthing", spec.berthing_min)
        self._unberthing = durations(Purpose.PORT_OPERATIONS, "unberthing", spec.unberthing_min)
        two_step = spec.declaration.two_step
        self._two_step = uniforms(Purpose.DECLARATION, "two_step")
        self._guarantee = (
            durations(Purpose.DECLARATION, "guarantee", two_step.guarantee_min)
            if two_step
            else None
        )
        remote = i.remote
        self._remote = uniforms(Purpose.INSPECTION, "remote")
        self._remote_min = (
            durations(
                Purpose.INSPECTION,
                f"remote_{remote.method}",
                remote.video_min if remote.method == "video" else remote.destination_min,
            )
            if remote
            else None
        )
        # The agency layer and the joint method draw from their own streams, only when present.
        self._joint_port = (
            durations(Purpose.INSPECTION, "joint_port", remote.port_min)
            if remote and remote.port_min is not None and remote.method == "joint"
            else None
        )
        self._agency = AgencyDraws(samplers, spec.agency) if spec.agency else None
        trucks = spec.trucks
        self._round_trip = (
            durations(Purpose.TRANSPORT, "truck_round_trip", trucks.round_trip_min)
            if trucks
            else None
        )
        self._destinations = tuple(spec.destinations)
        self._destination_shares = tuple(spec.destinations.values())

    def vessel_calls(
        self, env: simpy.Environment, log: EventLog, control: RunControl, until_min: float
    ) -> list[VesselCall]:
        """Every call arriving before ``until_min``, with its containers, in arrival order."""
        times = arrival_times(self.spec.vessel_arrivals, self._arrivals_rng, until_min)
        sizes = draw_counts(self.spec.containers_per_call, self._batch_rng, len(times))
        calls = []
        for arrival_min, size in zip(times.tolist(), sizes.tolist(), strict=True):
            durations = self.call_durations()
            case = log.new_case("vessel", self.spec.name, shipment=False)
            call = VesselCall(env, case, arrival_min, durations)
            call.containers = [self._container(env, log, control, call) for _ in range(size)]
            calls.append(call)
        return calls

    def call_durations(self) -> tuple[float, float, float]:
        """A call's arrival confirmation, berthing and unberthing, from their streams."""
        return self._confirmation(), self._berthing(), self._unberthing()

    def upstream_container(
        self,
        env: simpy.Environment,
        log: EventLog,
        control: RunControl,
        call: VesselCall,
        upstream: UpstreamCase,
    ) -> Container:
        """A container of a feeder's call whose case began at the origin (:mod:`..feeder`)."""
        return self._container(env, log, control, call, upstream)

    def _container(
        self,
        env: simpy.Environment,
        log: EventLog,
        control: RunControl,
        call: VesselCall,
        upstream: UpstreamCase | None = None,
    ) -> Container:
        spec = self.spec
        aeo = self._aeo() < spec.aeo_share
        ship_side_u = (
            self._ship_side()
        )  # drawn whether or not the pilot is on: streams stay aligned
        ship_side = spec.ship_side_pickup.enabled and ship_side_u < spec.ship_side_pickup.share
        # Ship-side pickup requires declaring and paying in advance (S26).
        advance = self._customs.advance() < spec.declaration.advance_share or ship_side
        two_step_spec = spec.declaration.two_step
        two_step = two_step_spec is not None and self._two_step() < two_step_spec.share
        goods, docs, preparation = self._documents.draw(call.arrival_min)
        if upstream is not None:
            if not upstream.advance_allowed:
                advance = ship_side = False
            if upstream.manifest_min is not None:
                docs = replace(docs, manifest_min=upstream.manifest_min)
        lodgement = first_lodgement_min(
            call.arrival_min, goods, docs, preparation, advance=advance, two_step=two_step
        )
        remote_spec = spec.inspection.remote
        remote = remote_spec is not None and self._remote() < remote_spec.share
        destination = self._destinations[choose(self._destination_shares, self._destination())]
        rates = spec.risk.aeo if aeo else spec.risk.general
        channel_index = choose((rates.green, rates.yellow, rates.red), self._customs.channel())
        case_class = "aeo" if aeo else "general"
        if upstream is None:
            case = log.new_case(
                "container",
                spec.name,
                case_class=case_class,
                aeo=aeo,
                advance_declared=advance,
                two_step=two_step,
                direct_path=ship_side,
                destination=destination,
            )
        else:
            # The case was opened at the origin; its attributes are known now.
            case, cases = upstream.case, log.cases
            cases.case_class[case], cases.aeo[case] = case_class, aeo
            cases.advance_declared[case], cases.two_step[case] = advance, two_step
            cases.direct_path[case], cases.destination[case] = ship_side, destination
        return Container(
            case=case,
            call=call,
            measured=control.expect(call.arrival_min) if upstream is None else upstream.measured,
            ship_side=ship_side,
            two_step=two_step,
            taxable=goods.taxable,
            remote=remote,
            destination=destination,
            channel=(Channel.GREEN, Channel.YELLOW, Channel.RED)[channel_index],
            priority=0 if (aeo and spec.aeo_queue_priority) else 1,
            # In advance: possibly before arrival, before the run's start too (negative).
            lodgement_min=lodgement,
            screening_min=self._screening(),
            review_min=self._customs.review(),
            tax_min=self._tax(),
            crane_min=self._crane(),
            plan_min=self._customs.plan(),
            inspection_min=self._customs.inspect(),
            hold=self._customs.hold() < spec.inspection.hold_probability,
            hold_min=self._customs.hold_min(),
            booking_min=self._booking(),
            gate_in_min=self._gate_in(),
            gate_out_min=self._gate_out(),
            yard_move_min=self._yard_move(),
            yard_out_min=self._yard_out(),
            quay_to_gate_min=self._quay_to_gate(),
            guarantee_min=self._guarantee() if self._guarantee else 0.0,
            complete_lodgement_min=complete_lodgement_min(
                call.arrival_min, goods, docs, preparation, advance=advance
            ),
            remote_min=self._remote_min() if remote and self._remote_min else 0.0,
            trip_u=self._trip(),
            inspection_trip_u=self._inspection_trip(),
            declared=env.event(),
            discharged=env.event(),
            released=env.event(),
            paperwork_done=env.event(),
            joint_port_min=self._joint_port() if remote and self._joint_port else 0.0,
            agency=self._agency.draw(call.arrival_min) if self._agency else NO_AGENCY,
            round_trip_min=self._round_trip() if self._round_trip else 0.0,
            left_gate=env.event() if self._round_trip else None,
            truck_back=env.event() if self._round_trip else None,
        )
