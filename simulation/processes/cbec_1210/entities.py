"""1210 entities: consumer orders and stock batches, each drawing its attributes at creation.

Every attribute an order might need on any path (stock, mismatch, limits, review, X-ray, the
second parcel, every duration) is drawn when the order is created, each from its own named
stream, in arrival order. So the k-th order of a replication is the same order in every scenario
that shares those specs (the pilot on or off, say): common random numbers by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.cbec_rules import LimitDecision, order_tax_many
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.cbec_ledger import BuyerLedger, Claims, draw_buyers
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    DurationSampler,
    ProcessSamplers,
    UniformSampler,
    choose_many,
    draw_counts,
)
from clearsim.simulation.log.recorder import EventLog


@dataclass(slots=True, eq=False)
class StockBatch:
    """A replenishment batch (not a shipment of the TRS): SKUs and units it books in."""

    case: int
    departure_min: float
    units: tuple[tuple[int, int], ...]
    """(SKU, units) pairs, SKUs distinct, in ascending SKU order."""
    trip_u: float
    entry_min: float
    spot_checked: bool
    spot_check_min: float


@dataclass(slots=True, eq=False)
class ConsumerOrder:
    """One consumer order (a shipment case) with its pre-drawn attributes.

    Money in CNY, durations in minutes; the trips to the hub are at the order's own pace.
    """

    case: int
    measured: bool
    arrival_min: float
    destination: str
    sku: int
    quantity: int
    value_cny: float
    prior_annual_cny: float
    decision: LimitDecision
    tax_cny: float
    mixed: bool
    mismatch: bool
    corrected: bool
    flagged: bool
    xray: bool
    abnormal: bool
    push_min: float
    review_min: float
    second_review_min: float
    correction_min: float
    officer_min: float
    pick_min: float
    extra_pick_min: float
    nonbonded_pick_min: float
    xray_min: float
    unpack_min: float
    gate_min: float
    handover_min: float
    trip_min: float
    nonbonded_trip_min: float


ORDER_BLOCK = 1024
"""Orders whose per-order draws are taken from their streams at once."""


_Drawn = tuple[str, bool, tuple[Any, ...], tuple[int, int, float, float, float, float]]
"""One order as drawn, before its case is registered: its case's class and pilot flag, its
fields after ``case`` in ConsumerOrder's order, and its declared goods in DeclaredGoods' order."""
_DECISIONS = tuple(LimitDecision)


def sku_popularity(skus: int, exponent: float) -> np.ndarray:
    """Zipf shares of SKUs ranked by popularity: ``(rank + 1) ** -exponent``, normalised."""
    weights = np.arange(1, skus + 1, dtype=float) ** -exponent
    shares: np.ndarray = weights / weights.sum()
    return shares


def order_claims(spec: BondedImportSpec, streams: Streams, until_min: float) -> Claims:
    """When every order before ``until_min`` is placed, its buyer, value and quantity.

    What the buyer ledger charges (:mod:`clearsim.simulation.kernel.cbec_ledger`); drawn from the
    order's own streams, so :meth:`OrderFactory.plan_orders` draws the same numbers.
    """
    o = spec.order
    rng = streams.generator(Purpose.ARRIVALS, spec.name, "orders")
    times = arrival_times(spec.order_arrivals(), rng, until_min)
    n = len(times)
    quantity_rng = streams.generator(Purpose.ATTRIBUTES, spec.name, "quantity")
    value_rng = streams.generator(Purpose.ATTRIBUTES, spec.name, "unit_value")
    quantities = draw_counts(o.quantity, quantity_rng, n)
    units = o.unit_value_median_cny * np.exp(o.unit_value_sigma * value_rng.standard_normal(n))
    return Claims(
        times_min=times,
        buyers=draw_buyers(streams, spec.name, spec.buyers, n),
        values_cny=units * quantities,
        quantities=quantities,
    )


class OrderFactory:
    """Creates orders and stock batches, drawing every attribute from its own stream.

    ``ledger`` is the run's buyer ledger (one annual limit per buyer across 1210 and 9610);
    without one (a factory used alone) the orders are settled against a ledger of their own.
    """

    def __init__(
        self,
        spec: BondedImportSpec,
        streams: Streams,
        router: Router,
        ledger: BuyerLedger | None = None,
    ) -> None:
        self.spec = spec
        self._router = router
        self._ledger = ledger
        name = spec.name

        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms

        o, d, x = spec.order, spec.declaration, spec.exit_supervision
        self._streams = streams
        self._times: list[float] = []
        self._quantities: list[int] = []
        self._values: list[float] = []
        self._priors: list[float] = []
        self._decisions = np.zeros(0, dtype=np.int64)
        self._measured: list[bool] = []
        self.popularity = sku_popularity(spec.stock.skus, spec.stock.popularity_exponent)
        self._cumulative = np.cumsum(self.popularity)
        self._cumulative[-1] = math.inf  # every uniform falls in some SKU
        ct = streams.generator(Purpose.ATTRIBUTES, name, "sku_consumption_tax")
        liable = ct.random(spec.stock.skus) < o.consumption_tax_share
        self.sku_ct_rate = np.where(liable, o.consumption_tax_rate, 0.0)
        self._sku_ct_rate: list[float] = self.sku_ct_rate.tolist()
        self._block: list[_Drawn] = []
        self._next = 0
        self._sku = uniforms(Purpose.ATTRIBUTES, "sku")
        self._mixed = uniforms(Purpose.ATTRIBUTES, "nonbonded_item")
        self._destination = uniforms(Purpose.ROUTING, "destination")
        self._mismatch = uniforms(Purpose.DECLARATION, "three_document_mismatch")
        self._corrected = uniforms(Purpose.DECLARATION, "corrected")
        self._flagged = uniforms(Purpose.RISK, "document_review")
        self._xray = uniforms(Purpose.INSPECTION, "xray_sample")
        self._abnormal = uniforms(Purpose.INSPECTION, "abnormal_image")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        self._nonbonded_trip = uniforms(Purpose.TRANSPORT, "nonbonded_trip")
        self._push = durations(Purpose.DECLARATION, "data_push", d.data_push_min)
        self._review = durations(Purpose.RISK, "auto_review", d.auto_review_min)
        self._second_review = durations(Purpose.RISK, "second_review", d.auto_review_min)
        self._correction = durations(Purpose.DECLARATION, "correction", d.correction_min)
        self._officer = durations(Purpose.REVIEW, "document_review", d.document_review_min)
        self._pick = durations(Purpose.SERVICE, "pick_pack", x.pick_pack_min)
        self._extra_pick = durations(
            Purpose.SERVICE, "extra_pick", spec.same_warehouse.extra_pick_min
        )
        self._nonbonded_pick = durations(
            Purpose.SERVICE, "nonbonded_pick_pack", spec.nonbonded_parcel.pick_pack_min
        )
        self._xray_min = durations(Purpose.INSPECTION, "xray", x.xray_min)
        self._unpack = durations(Purpose.INSPECTION, "unpack", x.unpack_min)
        self._gate = durations(Purpose.GATE, "gate_association", x.gate_association_min)
        self._handover = durations(Purpose.GATE, "handover", spec.nonbonded_parcel.handover_min)
        self._destinations = tuple(spec.destinations)
        self._destination_shares = tuple(spec.destinations.values())

    def daily_demand(self) -> np.ndarray:
        """Expected units demanded per day of each SKU (multiplier included)."""
        units_per_day = self.spec.orders_per_day() * self.spec.order.quantity.mean
        demand: np.ndarray = units_per_day * self.popularity
        return demand

    def initial_units(self) -> list[int]:
        """Stock of each SKU at the start: ``initial_stock_days`` of its expected demand."""
        days = self.spec.stock.initial_stock_days
        return [math.ceil(days * units) for units in self.daily_demand().tolist()]

    def plan_orders(self, control: RunControl, until_min: float) -> int:
        """Draw the arrival times and amounts of every order placed before ``until_min``.

        Orders are registered with run control now (so the run knows how many measured ones
        to wait for) and created one by one when they arrive (:meth:`order`), in arrival order,
        so their draws do not depend on when the run stops. Returns the number of orders.
        """
        spec = self.spec
        claims = order_claims(spec, self._streams, until_min)
        ledger = self._ledger
        if ledger is None:
            ledger = BuyerLedger(spec.limits, spec.buyers, self._streams, {spec.name: claims})
        settled = ledger.settled(spec.name)
        self._times = claims.times_min.tolist()
        self._quantities = claims.quantities.tolist()
        self._values = claims.values_cny.tolist()
        self._priors = settled.prior_annual_cny.tolist()
        self._decisions = settled.decisions
        self._measured = [control.expect(t) for t in self._times]
        return len(self._times)

    def arrival_min(self, index: int) -> float:
        """When the ``index``-th order is placed."""
        return self._times[index]

    def order(self, log: EventLog, index: int) -> ConsumerOrder:
        """Create the ``index``-th order (call in arrival order: draws are taken in sequence)."""
        if self._next >= len(self._block):
            self._block = self._draw_block(index, ORDER_BLOCK)
            self._next = 0
        case_class, direct_path, values, goods = self._block[self._next]
        self._next += 1
        case = log.new_case(
            "order",
            self.spec.name,
            mode="cbec_1210",
            case_class=case_class,
            direct_path=direct_path,
            destination=values[2],
        )
        log.cases.goods.set(case, *goods)
        return ConsumerOrder(case, *values)

    def _draw_block(self, first: int, size: int) -> list[_Drawn]:
        """The per-order draws of orders ``first`` on (at most ``size``), each stream in order.

        The limit decisions come from the buyer ledger (settled for the whole run); the tax of
        each order is computed here for the whole block (:func:`order_tax_many`).
        """
        spec = self.spec
        d, x, o, limits = spec.declaration, spec.exit_supervision, spec.order, spec.limits
        size = min(size, len(self._times) - first)
        if size <= 0:
            raise IndexError("no more orders were planned")
        end = first + size
        skus = np.searchsorted(self._cumulative, self._sku.take(size), side="right")
        ct_rate = self.sku_ct_rate[skus]
        mixed = (self._mixed.take(size) < o.nonbonded_share).tolist()
        destination_index = choose_many(self._destination_shares, self._destination.take(size))
        destinations = [self._destinations[k] for k in destination_index.tolist()]
        trips = partial(
            self._router.planned_trips_to, spec.zone_node, self._destinations, destination_index
        )
        value = np.array(self._values[first:end])
        decision = self._decisions[first:end]
        tax = order_tax_many(
            value, (o.tariff_rate, o.vat_rate, ct_rate), decision, limits.tax_factor
        ).tolist()
        decisions = [_DECISIONS[k] for k in decision.tolist()]
        pilot = spec.same_warehouse.enabled
        # In ConsumerOrder's field order, from ``measured`` on.
        values = zip(
            self._measured[first:end],
            self._times[first:end],
            destinations,
            skus.tolist(),
            self._quantities[first:end],
            self._values[first:end],
            self._priors[first:end],
            decisions,
            tax,
            mixed,
            (self._mismatch.take(size) < d.mismatch_share).tolist(),
            (self._corrected.take(size) >= d.uncorrected_share).tolist(),
            (self._flagged.take(size) < d.review_share).tolist(),
            (self._xray.take(size) < x.xray_share).tolist(),
            (self._abnormal.take(size) < x.abnormal_share).tolist(),
            *(
                sampler.take(size).tolist()
                for sampler in (
                    self._push,
                    self._review,
                    self._second_review,
                    self._correction,
                    self._officer,
                    self._pick,
                    self._extra_pick,
                    self._nonbonded_pick,
                    self._xray_min,
                    self._unpack,
                    self._gate,
                    self._handover,
                )
            ),
            trips(self._trip.take(size)).tolist(),
            trips(self._nonbonded_trip.take(size)).tolist(),
            strict=True,
        )
        goods = zip(
            skus.tolist(),
            self._quantities[first:end],
            self._values[first:end],
            self._priors[first:end],
            ct_rate.tolist(),
            tax,
            strict=True,
        )
        return [
            ("mixed" if mix else "bonded", mix and pilot, row, item)
            for mix, row, item in zip(mixed, values, goods, strict=True)
        ]

    def batches(self, log: EventLog, until_min: float) -> list[StockBatch]:
        """Every replenishment batch leaving the origin before ``until_min``, in order.

        A batch restocks ``skus_per_batch`` distinct SKUs drawn uniformly; each gets the
        expected demand until that SKU's next restock, times ``supply_ratio``.
        """
        spec, stock, name = self.spec, self.spec.stock, self.spec.name
        rng = self._streams.generator(Purpose.ARRIVALS, name, "stock_batches")
        times = arrival_times(stock.batches, rng, until_min).tolist()
        pick_rng = self._streams.generator(Purpose.BATCH_SIZE, name, "batch_skus")
        trip = UniformSampler(self._streams.generator(Purpose.TRANSPORT, name, "batch_trip"))
        checked = UniformSampler(self._streams.generator(Purpose.INSPECTION, name, "spot_check"))
        entry = DurationSampler(
            stock.entry_declaration_min,
            self._streams.generator(Purpose.PORT_OPERATIONS, name, "entry_declaration"),
        )
        check_min = DurationSampler(
            stock.spot_check_min,
            self._streams.generator(Purpose.INSPECTION, name, "spot_check_duration"),
        )
        per_day = stock.batches.mean_rate_per_min(1440.0) * 1440.0
        restock_days = stock.skus / (stock.skus_per_batch * per_day)
        demand = self.daily_demand() * restock_days * stock.supply_ratio
        batches = []
        for departure in times:
            skus = np.sort(pick_rng.choice(stock.skus, size=stock.skus_per_batch, replace=False))
            units = tuple((int(s), math.ceil(float(demand[s]))) for s in skus.tolist())
            case = log.new_case(
                "stock_batch", name, shipment=False, mode="cbec_1210", destination=spec.zone_node
            )
            batches.append(
                StockBatch(
                    case=case,
                    departure_min=departure,
                    units=units,
                    trip_u=trip(),
                    entry_min=entry(),
                    spot_checked=checked() < stock.spot_check_share,
                    spot_check_min=check_min(),
                )
            )
        return batches
