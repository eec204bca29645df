"""9710 entities: B2B orders and their consignments, every attribute drawn at creation.

Each attribute a consignment might need on any path (value and flags, its batch position, the
risk engine's choice, video and pilot eligibility, its mode, every duration) is drawn when it
is created, each from its own named stream, whether or not a reform is on: the k-th consignment
of a replication gets the same draws in the baseline and in every reform (common random
numbers). Containers and ULDs draw their packing times from streams of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import simpy

from clearsim.models.b2b_export import B2BExportSpec
from clearsim.models.export_documents import DeclarationForm, b2b_declaration_form
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    DurationSampler,
    ProcessSamplers,
    UniformSampler,
    choose,
    draw_counts,
)
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.export_inspection import later_of_batch

MODE = "cbec_9710"
_STANDARD_NORMAL = NormalDist()


@dataclass(slots=True, eq=False)
class Order:
    """An overseas business buyer's B2B order (a case, not a shipment) and its consignments."""

    case: int
    ready_min: float
    consignments: list[Consignment] = field(default_factory=list)
    open_consignments: int = 0


@dataclass(slots=True, eq=False)
class Consignment:
    """One consignment of an order (a shipment case) with its pre-drawn attributes (minutes)."""

    case: int
    order: Order
    measured: bool
    mode: str
    ready_min: float
    trip_min: float
    value_cny: float
    form: DeclarationForm
    statutory: bool
    batch_covered: bool
    statutory_min: float
    documents_min: tuple[float, ...]
    screening_min: float
    reviewed: bool
    review_min: float
    selected: bool
    remote: bool
    before_loading: bool
    inspection_min: float
    video_min: float
    released: simpy.Event
    loaded: simpy.Event
    planned_index: int = 0
    deferred: bool = False


class ConsignmentFactory:
    """Creates the orders and consignments of a run, drawing every attribute from its stream."""

    def __init__(self, spec: B2BExportSpec, streams: Streams) -> None:
        self.spec = spec
        samplers = ProcessSamplers(streams, spec.name)
        durations, uniforms = samplers.durations, samplers.uniforms
        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, spec.name, "orders")
        self._batch_rng = streams.generator(Purpose.BATCH_SIZE, spec.name, "consignments")
        self._position_rng = streams.generator(Purpose.BATCH_SIZE, spec.name, "production_batch")
        inspection = spec.inspection
        self._u: dict[str, UniformSampler] = {
            name: uniforms(Purpose.ATTRIBUTES, name)
            for name in (
                "value",
                "licensed",
                "taxed",
                "statutory",
                "batch_pilot",
                "mode",
                "batch_position",
                "pilot_category",
            )
        }
        self._u["review"] = uniforms(Purpose.REVIEW, "reviewed")
        self._u["selected"] = uniforms(Purpose.RISK, "physical")
        self._u["remote"] = uniforms(Purpose.INSPECTION, "remote")
        self._trip = durations(Purpose.TRANSPORT, "trip_to_site", spec.trip_to_site_min)
        self._documents = tuple(
            durations(Purpose.DECLARATION, f"document_{d.name}", d.prepare_min)
            for d in spec.documents.documents
        )
        self._screening = durations(Purpose.RISK, "screening", spec.screening_min)
        self._review = durations(Purpose.REVIEW, "review", spec.review_min)
        self._statutory = durations(
            Purpose.INSPECTION, "statutory", inspection.statutory_inspection_min
        )
        self._physical = durations(Purpose.INSPECTION, "physical", inspection.physical_min)
        video = inspection.remote.video_min if inspection.remote is not None else None
        self._video: DurationSampler | None = (
            durations(Purpose.INSPECTION, "video", video) if video is not None else None
        )
        self._modes = tuple(spec.modes)
        self._packing = {
            name: durations(Purpose.PORT_OPERATIONS, f"packing_{name}", m.packing_min)
            for name, m in spec.modes.items()
        }
        self._unpacking = {
            name: durations(Purpose.PORT_OPERATIONS, f"unpacking_{name}", m.unpacking_min)
            for name, m in spec.modes.items()
        }
        self._unit_trip = uniforms(Purpose.TRANSPORT, "unit_trip")

    def orders(
        self, env: simpy.Environment, log: EventLog, control: RunControl, until_min: float
    ) -> list[Order]:
        """Every order whose goods are ready before ``until_min``, with its consignments."""
        spec = self.spec
        times = arrival_times(spec.order_arrivals, self._arrivals_rng, until_min)
        sizes = draw_counts(spec.consignments_per_order, self._batch_rng, len(times))
        orders = []
        for ready_min, size in zip(times.tolist(), sizes.tolist(), strict=True):
            case = log.new_case(
                "b2b_order", spec.name, shipment=False, direction="export", mode=MODE
            )
            order = Order(case, ready_min)
            order.consignments = [self._consignment(env, log, control, order) for _ in range(size)]
            order.open_consignments = size
            orders.append(order)
        return orders

    def _consignment(
        self, env: simpy.Environment, log: EventLog, control: RunControl, order: Order
    ) -> Consignment:
        spec, u = self.spec, self._u
        goods, inspection = spec.goods, spec.inspection
        value = goods.value_median_cny * math.exp(goods.value_sigma * _normal(u["value"]()))
        licensed = u["licensed"]() < goods.licensed_share
        taxed = u["taxed"]() < goods.taxed_share
        statutory = u["statutory"]() < inspection.statutory_share
        # Batch inspection: a pilot exporter's consignment that is not the first of its
        # production batch goes on the batch's result (1 in ``batch size`` is the first).
        pilot = u["batch_pilot"]() < inspection.batch_share()
        batch_size = int(draw_counts(inspection.consignments_per_batch, self._position_rng, 1)[0])
        later = later_of_batch(u["batch_position"](), batch_size)
        mode = self._modes[choose(tuple(m.share for m in spec.modes.values()), u["mode"]())]
        form = b2b_declaration_form(value, licensed, statutory, taxed)
        reviewed = u["review"]() < spec.review_share
        selected = u["selected"]() < inspection.physical_share
        remote = u["remote"]() < inspection.remote_share()
        ibl = spec.inspect_before_loading
        category = u["pilot_category"]() < ibl.share
        trip = self._trip()
        case = log.new_case(
            "consignment", spec.name, direction="export", mode=MODE, case_class=form
        )
        log.link(case, order.case, "part_of")
        # The value decides list or form; the dataset reads it back (no tax: 0).
        log.cases.goods.set(case, -1, 1, value, 0.0, 0.0, 0.0)
        video = self._video() if self._video is not None else 0.0
        return Consignment(
            case=case,
            order=order,
            measured=control.expect(order.ready_min + trip),
            mode=mode,
            ready_min=order.ready_min,
            trip_min=trip,
            value_cny=value,
            form=form,
            statutory=statutory,
            batch_covered=statutory and pilot and later,
            statutory_min=self._statutory(),
            documents_min=tuple(sample() for sample in self._documents),
            screening_min=self._screening(),
            reviewed=form == "form" and reviewed,
            review_min=self._review(),
            selected=selected,
            remote=selected and remote,
            before_loading=ibl.enabled and category and spec.modes[mode].lcl,
            inspection_min=self._physical(),
            video_min=video,
            released=env.event(),
            loaded=env.event(),
        )

    def packing_min(self, mode: str) -> float:
        """Packing time of the next container or ULD of ``mode``."""
        return self._packing[mode]()

    def unpacking_min(self, mode: str) -> float:
        """Unpacking (or repacking) time of the next container of ``mode`` checked at the port."""
        return self._unpacking[mode]()

    def unit_trip_u(self) -> float:
        """The pace of the next container's trip (a uniform for the router)."""
        return self._unit_trip()


def _normal(u: float) -> float:
    """Standard normal quantile of a uniform (one uniform per value keeps the streams aligned)."""
    return _STANDARD_NORMAL.inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12))
