"""9810 entities: consignments and train runs, every attribute drawn at creation from its stream.

A consignment draws everything it might need on any path (registration, goods, documents,
statutory inspection and its batch, channel, review, checks, stuffing, the warehouse truck)
when it is created, each from its own named stream, in arrival order, whether or not a reform
is on: the k-th consignment of a replication gets the same draws in the baseline and in every
reform (common random numbers). A train run's durations (rail legs, border stop) are drawn by
departure index from streams consignments never touch, so every scenario's train ``k`` runs as
long whichever consignments it carries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clearsim.models.export_documents import DeclarationForm, b2b_declaration_form
from clearsim.models.vocabulary import Channel
from clearsim.models.warehouse_export import WarehouseExportSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import ProcessSamplers, draw_counts, quantile
from clearsim.simulation.log.recorder import EventLog


@dataclass(slots=True, eq=False)
class Consignment:
    """One 9810 consignment to an overseas warehouse (a shipment case), with its draws.

    Durations are minutes. ``unregistered``: its exporter is new to 9810 and not yet registered;
    ``document_min`` holds the preparation time of every document of the spec, in order (only
    those the rules require are prepared); ``batch_follower``: a later consignment of an inspected
    production batch of a pilot exporter (it skips its statutory inspection under batch
    inspection); ``remote``: its physical check is done by video where that reform is on.
    """

    case: int
    measured: bool
    arrival_min: float
    unregistered: bool
    registration_min: float
    value_cny: float
    statutory: bool
    form: DeclarationForm
    booking_min: float
    document_min: tuple[float, ...]
    batch_follower: bool
    statutory_min: float
    screening_min: float
    channel: Channel
    review_min: float
    remote: bool
    physical_min: float
    video_min: float
    stuffing_min: float
    trucking_min: float


@dataclass(frozen=True, slots=True)
class TrainRun:
    """How long train ``index`` takes: to the border, its stop there, on to the terminal."""

    to_border_min: float
    border_min: float
    to_terminal_min: float


class ConsignmentFactory:
    """Creates consignments and train runs, drawing every attribute from its own stream."""

    def __init__(self, spec: WarehouseExportSpec, streams: Streams, router: Router) -> None:
        self.spec = spec
        self._router = router
        name = spec.name
        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms
        self._arrivals = streams.generator(Purpose.ARRIVALS, name, "consignments")
        reg, d, ins = spec.registration, spec.declaration, spec.inspection
        self._unregistered = uniforms(Purpose.ATTRIBUTES, "unregistered")
        self._registration = durations(Purpose.DECLARATION, "registration", reg.registration_min)
        self._value_rng = streams.generator(Purpose.ATTRIBUTES, name, "value")
        self._licensed = uniforms(Purpose.ATTRIBUTES, "licensed")
        self._taxed = uniforms(Purpose.ATTRIBUTES, "taxed")
        self._statutory = uniforms(Purpose.INSPECTION, "statutory")
        self._booking = durations(Purpose.DECLARATION, "booking", d.booking_min)
        self._documents = [
            durations(Purpose.DECLARATION, f"document_{doc.name}", doc.prepare_min)
            for doc in spec.documents.documents
        ]
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, name, "production_batch")
        self._batch_position = uniforms(Purpose.INSPECTION, "batch_position")
        self._batch_pilot = uniforms(Purpose.INSPECTION, "batch_pilot")
        self._statutory_min = durations(
            Purpose.INSPECTION, "statutory_inspection", ins.statutory_inspection_min
        )
        self._screening = durations(Purpose.RISK, "screening", d.screening_min)
        self._channel = uniforms(Purpose.RISK, "channel")
        self._review = durations(Purpose.REVIEW, "document_review", d.review_min)
        self._remote = uniforms(Purpose.INSPECTION, "remote")
        self._physical = durations(Purpose.INSPECTION, "physical", ins.physical_min)
        remote = ins.remote
        self._video = (
            durations(Purpose.INSPECTION, "video", remote.video_min) if remote is not None else None
        )
        self._stuffing = durations(
            Purpose.PORT_OPERATIONS, "stuffing", spec.consolidation.stuffing_min
        )
        self._trucking = durations(Purpose.TRANSPORT, "warehouse", spec.rail.warehouse_trucking_min)
        self._train_leg = streams.generator(Purpose.TRANSPORT, name, "train_legs")
        self._border = streams.generator(Purpose.PORT_OPERATIONS, name, "border_handling")
        self._runs: list[TrainRun] = []

    def arrival_times(self, until_min: float) -> list[float]:
        """Arrival minutes of every consignment before ``until_min``, in order."""
        times = arrival_times(self.spec.consignment_arrivals, self._arrivals, until_min)
        return [float(t) for t in times]

    def consignment(self, log: EventLog, arrival_min: float, measured: bool) -> Consignment:
        """Create one consignment arriving at ``arrival_min``, drawing all its attributes."""
        spec = self.spec
        goods, ins, d = spec.goods, spec.inspection, spec.declaration
        unregistered = self._unregistered() < spec.registration.unregistered_share
        registration_min = self._registration()
        value = round(
            goods.value_median_cny
            * math.exp(goods.value_sigma * self._value_rng.standard_normal()),
            2,
        )
        licensed = self._licensed() < goods.licensed_share
        taxed = self._taxed() < goods.taxed_share
        statutory = self._statutory() < ins.statutory_share
        form = b2b_declaration_form(value, licensed, statutory, taxed)
        booking_min = self._booking()
        document_min = tuple(draw() for draw in self._documents)
        batch_size = int(draw_counts(ins.consignments_per_batch, self._batch_rng, 1)[0])
        position = math.floor(self._batch_position() * max(batch_size, 1))
        pilot = self._batch_pilot() < ins.batch.share
        u = self._channel()
        if u < ins.physical_share:
            channel = Channel.RED
        elif u < ins.physical_share + d.review_share:
            channel = Channel.YELLOW
        else:
            channel = Channel.GREEN
        remote_u = self._remote()
        video_min = self._video() if self._video is not None else 0.0
        case = log.new_case(
            "consignment",
            spec.name,
            direction="export",
            mode="cbec_9810",
            case_class=form,
            destination=spec.rail.overseas_node,
        )
        # The value decides list or form; the dataset reads it back (no tax: 0).
        log.cases.goods.set(case, -1, 1, value, 0.0, 0.0, 0.0)
        return Consignment(
            case=case,
            measured=measured,
            arrival_min=arrival_min,
            unregistered=unregistered,
            registration_min=registration_min,
            value_cny=value,
            statutory=statutory,
            form=form,
            booking_min=booking_min,
            document_min=document_min,
            batch_follower=pilot and position > 0,
            statutory_min=self._statutory_min(),
            screening_min=self._screening(),
            channel=channel,
            review_min=self._review(),
            remote=remote_u < ins.remote_share(),
            physical_min=self._physical(),
            video_min=video_min,
            stuffing_min=self._stuffing(),
            trucking_min=self._trucking(),
        )

    def train_run(self, index: int) -> TrainRun:
        """The durations of departure ``index``, drawn in index order however trains fill.

        The legs are planned trips (:meth:`Router.planned_trip_min`): the process counts a
        train's trips when it runs.
        """
        spec, router, rail = self.spec, self._router, self.spec.rail
        while len(self._runs) <= index:
            u_border, u_terminal = self._train_leg.random(2).tolist()
            self._runs.append(
                TrainRun(
                    to_border_min=router.planned_trip_min(
                        spec.consolidation_node, rail.border_node, u_border
                    ),
                    border_min=quantile(rail.border_handling_min, float(self._border.random())),
                    to_terminal_min=router.planned_trip_min(
                        rail.border_node, rail.overseas_node, u_terminal
                    ),
                )
            )
        return self._runs[index]
