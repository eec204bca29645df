"""Sea-export entities: export vessel calls and containers, sampling their attributes at creation.

As in the sea import, every attribute a container might need on any path (channel, every
duration, the gate arrival of both the conventional and the direct-loading plan) is drawn when
the container is created, each from its own named stream, whether or not a reform is on. So the
k-th container of a replication gets the same draws in the baseline and in the reform scenario:
common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.export_inspection import ExportInspectionSpec
from clearsim.models.sea_export import SeaExportSpec
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
from clearsim.simulation.processes.declaration import CustomsDraws
from clearsim.simulation.processes.export_inspection import later_of_batch
from clearsim.simulation.processes.sea_export.onward import BoxOnward, OnwardDraws

ADVANCE_LIMIT_MIN = 3 * 1440.0
"""An export declaration may be lodged at most 3 days before the goods arrive (S25)."""


class ExportVesselCall:
    """One vessel call loading a batch of export containers.

    ``remaining`` counts the boxes still to be loaded onto this call (rolled-over boxes of the
    previous call included); ``committed`` counts boxes on their way from the yard or the gate
    to the crane after loading opened, which the vessel waits for even after its window closes.
    """

    __slots__ = (
        "all_loaded",
        "arrival_min",
        "berthing_min",
        "case",
        "closed",
        "committed",
        "containers",
        "drained",
        "loaded",
        "loading_open",
        "next_call",
        "remaining",
        "river_sea",
        "unberthing_min",
        "voyage_u",
        "window_min",
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
        self.berthing_min, self.unberthing_min, self.window_min = durations
        self.loading_open = env.event()
        self.all_loaded = env.event()
        self.drained = env.event()
        self.closed = False
        self.committed = 0
        self.remaining = 0
        self.containers: list[ExportContainer] = []
        self.loaded: list[ExportContainer] = []  # in loading order; they leave with the vessel
        self.next_call: ExportVesselCall | None = None
        self.voyage_u = 0.5  # the onward chain's feeder voyage pace (onward.py)
        self.river_sea = False  # a 江海直达 river-sea ship (onward.py)


@dataclass(slots=True, eq=False)
class ExportContainer:
    """One export container (a case of the event log) with its pre-drawn attributes.

    Durations are minutes; ``arrival_min`` is the planned gate arrival of its truck.
    """

    case: int
    call: ExportVesselCall
    measured: bool
    participant: bool
    arrival_min: float
    channel: Channel
    priority: int
    lodgement_min: float
    screening_min: float
    review_min: float
    plan_min: float
    inspection_min: float
    hold: bool
    hold_min: float
    gate_in_min: float
    report_min: float
    stacking_min: float
    yard_move_min: float
    retrieval_min: float
    quay_transfer_min: float
    crane_min: float
    inspection_trip_u: float
    declared: simpy.Event
    reported: simpy.Event
    stacked: simpy.Event
    released: simpy.Event
    direct: bool = False
    goods: GoodsChecks | None = None
    onward: BoxOnward | None = None


@dataclass(slots=True, eq=False)
class GoodsChecks:
    """A box's statutory-inspection goods draws (``export_inspection``; minutes).

    ``statutory``: its goods are on the catalogue; ``batch_covered``: a pilot exporter's later
    box of an inspected production batch (batch inspection on); ``remote``: its check is done
    by video at the producer's site (远程属地查检 on, statutory goods only).
    """

    statutory: bool
    batch_covered: bool
    statutory_min: float
    remote: bool
    video_min: float


class ExportContainerFactory:
    """Creates export vessel calls and containers, drawing every attribute from its own stream."""

    def __init__(self, spec: SeaExportSpec, streams: Streams) -> None:
        self.spec = spec
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, name, "vessel_calls")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "containers_per_call")
        self._aeo = uniforms(Purpose.ATTRIBUTES, "aeo")
        self._direct = uniforms(Purpose.ATTRIBUTES, "direct_loading")
        self._customs = CustomsDraws(samplers, spec.document_review_min, spec.inspection)
        self._inspection_trip = uniforms(Purpose.TRANSPORT, "inspection_trip")
        d = spec.declaration
        self._lead = durations(Purpose.DECLARATION, "advance_lead", d.advance_lead_min)
        self._after = durations(Purpose.DECLARATION, "after_arrival", d.after_arrival_delay_min)
        self._screening = durations(Purpose.RISK, "screening", spec.risk.screening_min)
        h = spec.handling
        self._gate_lead = durations(Purpose.GATE, "gate_lead", spec.gate_lead_min)
        self._truck_call = durations(Purpose.GATE, "truck_call", spec.direct_loading.truck_call_min)
        self._gate_in = durations(Purpose.GATE, "gate_in", h.gate_transaction_min)
        self._report = durations(Purpose.GATE, "arrival_report", h.arrival_report_min)
        self._stacking = durations(Purpose.PORT_OPERATIONS, "yard_stacking", h.yard_handling_min)
        self._yard_move = durations(Purpose.PORT_OPERATIONS, "yard_move", h.yard_handling_min)
        self._retrieval = durations(Purpose.PORT_OPERATIONS, "yard_out", h.yard_handling_min)
        self._quay = durations(Purpose.PORT_OPERATIONS, "quay_transfer", h.quay_transfer_min)
        self._crane = durations(Purpose.PORT_OPERATIONS, "crane_move", spec.crane_move_min)
        self._berthing = durations(Purpose.PORT_OPERATIONS, "berthing", spec.berthing_min)
        self._unberthing = durations(Purpose.PORT_OPERATIONS, "unberthing", spec.unberthing_min)
        self._window = durations(Purpose.PORT_OPERATIONS, "loading_window", spec.loading_window_min)
        goods = spec.export_inspection
        self._goods = GoodsDraws(samplers, streams, name, goods) if goods is not None else None
        onward = spec.onward
        self._onward = OnwardDraws(samplers, onward) if onward is not None else None

    def vessel_calls(
        self, env: simpy.Environment, log: EventLog, control: RunControl, until_min: float
    ) -> list[ExportVesselCall]:
        """Every call arriving before ``until_min``, with its containers, in arrival order."""
        times = arrival_times(self.spec.vessel_arrivals, self._arrivals_rng, until_min)
        sizes = draw_counts(self.spec.containers_per_call, self._batch_rng, len(times))
        calls: list[ExportVesselCall] = []
        for arrival_min, size in zip(times.tolist(), sizes.tolist(), strict=True):
            durations = (self._berthing(), self._unberthing(), self._window())
            case = log.new_case("vessel", self.spec.name, shipment=False, direction="export")
            call = ExportVesselCall(env, case, arrival_min, durations)
            if self._onward is not None:
                call.voyage_u, call.river_sea = self._onward.call()
            call.containers = [self._container(env, log, control, call) for _ in range(size)]
            call.remaining = size
            if calls:
                calls[-1].next_call = call
            calls.append(call)
        return calls

    def _container(
        self, env: simpy.Environment, log: EventLog, control: RunControl, call: ExportVesselCall
    ) -> ExportContainer:
        spec = self.spec
        aeo = self._aeo() < spec.aeo_share
        # Both plans are drawn for every box, reform on or off: streams stay aligned.
        direct_u, gate_lead, truck_call = self._direct(), self._gate_lead(), self._truck_call()
        participant = spec.direct_loading.enabled and direct_u < spec.direct_loading.share
        # Direct loading needs the declaration lodged and released before arrival (S1, S25).
        advance = self._customs.advance() < spec.declaration.advance_share or participant
        lead, after = min(self._lead(), ADVANCE_LIMIT_MIN), self._after()
        conventional_min = call.arrival_min - spec.cutoff_before_arrival_min - gate_lead
        arrival_min = call.arrival_min + truck_call if participant else max(0.0, conventional_min)
        rates = spec.risk.aeo if aeo else spec.risk.general
        channel_index = choose((rates.green, rates.yellow, rates.red), self._customs.channel())
        inspection_min = self._customs.inspect()
        goods = None
        if self._goods is not None:
            # The goods' own check share replaces the red share; the risk engine's other
            # non-green boxes keep their document review.
            selected, goods, inspection_min = self._goods.draw()
            channel_index = 2 if selected else min(channel_index, 1)
        case = log.new_case(
            "container",
            spec.name,
            direction="export",
            case_class="aeo" if aeo else "general",
            aeo=aeo,
            advance_declared=advance,
            direct_path=participant,
        )
        return ExportContainer(
            case=case,
            call=call,
            measured=control.expect(arrival_min),
            participant=participant,
            arrival_min=arrival_min,
            channel=(Channel.GREEN, Channel.YELLOW, Channel.RED)[channel_index],
            priority=0 if (aeo and spec.aeo_queue_priority) else 1,
            # In advance: ``lead`` before arrival, before the run's start too (negative).
            lodgement_min=arrival_min - lead if advance else arrival_min + after,
            screening_min=self._screening(),
            review_min=self._customs.review(),
            plan_min=self._customs.plan(),
            inspection_min=inspection_min,
            hold=self._customs.hold() < spec.inspection.hold_probability,
            hold_min=self._customs.hold_min(),
            gate_in_min=self._gate_in(),
            report_min=self._report(),
            stacking_min=self._stacking(),
            yard_move_min=self._yard_move(),
            retrieval_min=self._retrieval(),
            quay_transfer_min=self._quay(),
            crane_min=self._crane(),
            inspection_trip_u=self._inspection_trip(),
            declared=env.event(),
            reported=env.event(),
            stacked=env.event(),
            released=env.event(),
            goods=goods,
            onward=self._onward.box() if self._onward is not None else None,
        )


class GoodsDraws:
    """The statutory-inspection goods draws of a box, each from its own stream (CRN).

    Every draw is made for every box, reform on or off, so the batch and remote reforms see the
    same goods, batches and checks as their baseline.
    """

    def __init__(
        self, samplers: ProcessSamplers, streams: Streams, name: str, spec: ExportInspectionSpec
    ) -> None:
        self.spec = spec
        durations, uniforms = samplers.durations, samplers.uniforms
        self._u = {
            label: uniforms(Purpose.ATTRIBUTES, label)
            for label in ("statutory", "batch_pilot", "batch_position")
        }
        self._u["selected"] = uniforms(Purpose.RISK, "physical")
        self._u["remote"] = uniforms(Purpose.INSPECTION, "remote")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "production_batch")
        self._statutory = durations(Purpose.INSPECTION, "statutory", spec.statutory_inspection_min)
        self._physical = durations(Purpose.INSPECTION, "physical", spec.physical_min)
        video = spec.remote.video_min if spec.remote is not None else spec.physical_min
        self._video = durations(Purpose.INSPECTION, "video", video)

    def draw(self) -> tuple[bool, GoodsChecks, float]:
        """Whether the box is selected for a check, its goods draws, its lane examination."""
        spec, u = self.spec, self._u
        statutory = u["statutory"]() < spec.statutory_share
        pilot = u["batch_pilot"]() < spec.batch_share()
        batch_size = int(draw_counts(spec.consignments_per_batch, self._batch_rng, 1)[0])
        later = later_of_batch(u["batch_position"](), batch_size)
        selected = u["selected"]() < spec.physical_share
        remote = u["remote"]() < spec.remote_share()
        goods = GoodsChecks(
            statutory=statutory,
            batch_covered=statutory and pilot and later,
            statutory_min=self._statutory(),
            # 远程属地查检 covers goods inspected at their place of origin: statutory goods.
            remote=selected and statutory and remote,
            video_min=self._video(),
        )
        return selected, goods, self._physical()
