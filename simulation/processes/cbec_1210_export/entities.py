"""1210 export entities: sellers' entry batches and overseas orders, drawn at creation.

Every attribute an order might need on any path (its SKU and quantity, the review flag, the
X-ray sample and image, every duration, the pace of its truck) is drawn when the order is
created, each from its own named stream, in arrival order. So the k-th order of a replication is
the same order in every scenario that shares those specs: common random numbers by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from clearsim.models.bonded_export import MINUTES_PER_DAY, BondedExportSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import ProcessSamplers, draw_counts
from clearsim.simulation.log.recorder import EventLog

MODE = "cbec_1210"
"""The 1210 export's mode (flow ``("export", "cbec_1210")``)."""


@dataclass(slots=True, eq=False)
class EntryBatch:
    """A seller's batch into the zone (not a shipment): the SKUs and units it books in."""

    case: int
    departure_min: float
    units: tuple[tuple[int, int], ...]
    """(SKU, units) pairs, SKUs distinct, in ascending SKU order."""
    trip_u: float
    entry_min: float
    checked: bool
    check_min: float
    receiving_min: float


@dataclass(slots=True, eq=False)
class ExportOrder:
    """One overseas order, declared and shipped as one parcel (a shipment case)."""

    case: int
    measured: bool
    arrival_min: float
    sku: int
    quantity: int
    flagged: bool
    xray: bool
    abnormal: bool
    push_min: float
    review_min: float
    officer_min: float
    pick_min: float
    xray_min: float
    check_min: float
    gate_min: float
    trip_u: float
    handover_min: float


def sku_popularity(skus: int, exponent: float) -> np.ndarray:
    """Zipf shares of SKUs ranked by popularity: ``(rank + 1) ** -exponent``, normalised."""
    weights = np.arange(1, skus + 1, dtype=float) ** -exponent
    shares: np.ndarray = weights / weights.sum()
    return shares


class ExportOrderFactory:
    """Creates orders and entry batches, drawing every attribute from its own stream."""

    def __init__(self, spec: BondedExportSpec, streams: Streams) -> None:
        self.spec = spec
        self._streams = streams
        samplers = ProcessSamplers(streams, spec.name)
        durations, uniforms = samplers.durations, samplers.uniforms
        d, x = spec.declaration, spec.exit
        self.popularity = sku_popularity(spec.entry.skus, spec.entry.popularity_exponent)
        self._cumulative = np.cumsum(self.popularity)
        self._cumulative[-1] = math.inf  # every uniform falls in some SKU
        self._times: list[float] = []
        self._quantities: list[int] = []
        self._measured: list[bool] = []
        self._sku = uniforms(Purpose.ATTRIBUTES, "sku")
        self._flagged = uniforms(Purpose.RISK, "document_review")
        self._xray = uniforms(Purpose.INSPECTION, "xray_sample")
        self._abnormal = uniforms(Purpose.INSPECTION, "flagged_image")
        self._trip = uniforms(Purpose.TRANSPORT, "truck_trip")
        self._push = durations(Purpose.DECLARATION, "data_push", d.data_push_min)
        self._review = durations(Purpose.RISK, "auto_review", d.auto_review_min)
        self._officer = durations(Purpose.REVIEW, "document_review", d.document_review_min)
        self._pick = durations(Purpose.SERVICE, "pick_pack", x.pick_pack_min)
        self._xray_min = durations(Purpose.INSPECTION, "xray", x.xray_min)
        self._check = durations(Purpose.INSPECTION, "parcel_check", x.check_min)
        self._gate = durations(Purpose.GATE, "zone_gate", x.gate_min)
        self._handover = durations(Purpose.GATE, "airline_handover", x.handover_min)

    def daily_demand(self) -> np.ndarray:
        """Expected units demanded per day of each SKU."""
        units_per_day = self.spec.orders_per_day() * self.spec.quantity.mean
        demand: np.ndarray = units_per_day * self.popularity
        return demand

    def initial_units(self) -> list[int]:
        """Stock of each SKU at the start: ``initial_stock_days`` of its expected demand."""
        days = self.spec.entry.initial_stock_days
        return [math.ceil(days * units) for units in self.daily_demand().tolist()]

    def plan_orders(self, control: RunControl, until_min: float) -> int:
        """Draw when every order before ``until_min`` is placed, and its quantity.

        Orders are registered with run control now and created one by one when placed
        (:meth:`order`); returns how many there are.
        """
        spec, name = self.spec, self.spec.name
        rng = self._streams.generator(Purpose.ARRIVALS, name, "orders")
        times = arrival_times(spec.orders, rng, until_min)
        quantity_rng = self._streams.generator(Purpose.ATTRIBUTES, name, "quantity")
        self._times = times.tolist()
        self._quantities = draw_counts(spec.quantity, quantity_rng, len(times)).tolist()
        self._measured = [control.expect(t) for t in self._times]
        return len(self._times)

    def arrival_min(self, index: int) -> float:
        """When the ``index``-th order is placed."""
        return self._times[index]

    def order(self, log: EventLog, index: int) -> ExportOrder:
        """Create the ``index``-th order (call in arrival order: draws are taken in sequence)."""
        spec, d, x = self.spec, self.spec.declaration, self.spec.exit
        sku = int(np.searchsorted(self._cumulative, self._sku(), side="right"))
        case = log.new_case(
            "order",
            spec.name,
            direction="export",
            mode=MODE,
            destination=x.airport_node,
        )
        return ExportOrder(
            case=case,
            measured=self._measured[index],
            arrival_min=self._times[index],
            sku=sku,
            quantity=self._quantities[index],
            flagged=self._flagged() < d.review_share,
            xray=self._xray() < x.xray_share,
            abnormal=self._abnormal() < x.flagged_share,
            push_min=self._push(),
            review_min=self._review(),
            officer_min=self._officer(),
            pick_min=self._pick(),
            xray_min=self._xray_min(),
            check_min=self._check(),
            gate_min=self._gate(),
            trip_u=self._trip(),
            handover_min=self._handover(),
        )

    def batches(self, log: EventLog, until_min: float) -> list[EntryBatch]:
        """Every entry batch leaving a seller before ``until_min``, in order.

        A batch restocks ``skus_per_batch`` distinct SKUs drawn uniformly; each gets the
        expected demand until that SKU's next restock, times ``supply_ratio``.
        """
        spec, entry, name = self.spec, self.spec.entry, self.spec.name
        rng = self._streams.generator(Purpose.ARRIVALS, name, "entry_batches")
        times = arrival_times(entry.batches, rng, until_min).tolist()
        samplers = ProcessSamplers(self._streams, name)
        pick_rng = self._streams.generator(Purpose.BATCH_SIZE, name, "batch_skus")
        trip = samplers.uniforms(Purpose.TRANSPORT, "batch_trip")
        checked = samplers.uniforms(Purpose.INSPECTION, "entry_check")
        entry_min = samplers.durations(
            Purpose.DECLARATION, "entry_declaration", entry.entry_declaration_min
        )
        check_min = samplers.durations(
            Purpose.INSPECTION, "entry_check_duration", entry.entry_check_min
        )
        receiving = samplers.durations(Purpose.SERVICE, "receiving", entry.receiving_min)
        per_day = entry.batches.mean_rate_per_min(MINUTES_PER_DAY) * MINUTES_PER_DAY
        restock_days = entry.skus / (entry.skus_per_batch * per_day) if per_day > 0 else 1.0
        demand = self.daily_demand() * restock_days * entry.supply_ratio
        batches = []
        for departure in times:
            skus = np.sort(pick_rng.choice(entry.skus, size=entry.skus_per_batch, replace=False))
            units = tuple((int(s), max(1, math.ceil(float(demand[s])))) for s in skus.tolist())
            case = log.new_case(
                "entry_batch",
                name,
                shipment=False,
                direction="export",
                mode=MODE,
                destination=spec.zone_node,
            )
            batches.append(
                EntryBatch(
                    case=case,
                    departure_min=departure,
                    units=units,
                    trip_u=trip(),
                    entry_min=entry_min(),
                    checked=checked() < entry.entry_check_share,
                    check_min=check_min(),
                    receiving_min=receiving(),
                )
            )
        return batches
