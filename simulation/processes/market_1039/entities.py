"""1039 entities: consignments and the purchases in them, every attribute drawn at creation.

Every attribute a consignment might need on any path (its items, the agent's work per line,
statutory inspection and its batch, the risk selection, the video option, every duration, its
route) is drawn when the consignment is created, each from its own named stream, whether or not
a reform is on. So the k-th consignment of a replication gets the same draws in the baseline
and in a reform scenario: common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clearsim.models.market_procurement import MarketProcurementSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import (
    ProcessSamplers,
    choose,
    draw_counts,
    draw_durations,
    quantile,
)
from clearsim.simulation.processes.export_inspection import later_of_batch

MAX_ITEMS = 200
"""Items a consignment can hold at most (the per-item streams draw this many each time)."""


@dataclass(slots=True, eq=False)
class Purchase:
    """One item's lot bought at a stall (an object of the event log, not a shipment)."""

    bought_min: float
    value_usd: float
    chapter: int
    case: int = -1


@dataclass(slots=True, eq=False)
class Consignment:
    """One consignment gathered at the consolidation warehouse and declared (a shipment case).

    Durations are minutes. ``purchases`` are in purchase order; ``lines`` is the number of
    lines its declaration holds and ``line_groups`` the purchases each line declares.
    ``statutory`` means its goods are subject to statutory inspection; ``batch_later`` that it
    is a later consignment of an inspected production batch (its own inspection is skipped under
    batch inspection when ``pilot``); ``physical`` that the risk engine selects it for a check,
    which is done by video when ``video_u`` is below the reform's share.
    """

    index: int
    arrival_min: float
    consolidation_min: float
    purchases: list[Purchase]
    line_groups: list[list[int]]
    prep_min: float
    statutory: bool
    batch_later: bool
    pilot: bool
    statutory_min: float
    screening_min: float
    physical: bool
    video_u: float
    video_min: float
    transfer_min: float
    physical_min: float
    return_min: float
    stuffing_min: float
    route: str
    trip_u: float
    case: int = -1
    measured: bool = False
    video: bool = False
    line_cases: list[int] = field(default_factory=list)

    @property
    def lines(self) -> int:
        """Lines of the declaration."""
        return len(self.line_groups)

    @property
    def value_usd(self) -> float:
        """Declared value of the consignment."""
        return sum(p.value_usd for p in self.purchases)

    @property
    def consolidation_start_min(self) -> float:
        """When consolidation starts (the goods reach the supervision site at its end)."""
        return self.arrival_min - self.consolidation_min


def declared_lines(spec: MarketProcurementSpec, purchases: list[Purchase]) -> list[list[int]]:
    """The declaration's lines, each the indices of the purchases it declares.

    Under the simplified declaration, from ``simplified_from_items`` items on, the
    ``itemised_lines`` highest-value items get a line each and the others one line per tariff
    chapter (in chapter order); otherwise every item gets its own line.
    """
    d = spec.declaration
    order = sorted(range(len(purchases)), key=lambda k: (-purchases[k].value_usd, k))
    top = order[: d.itemised_lines]
    rest = order[d.itemised_lines :]
    chapters = {purchases[k].chapter for k in rest}
    if d.declared_lines(len(purchases), len(chapters)) == len(purchases):
        return [[k] for k in order]
    merged = [sorted(k for k in rest if purchases[k].chapter == c) for c in sorted(chapters)]
    return [[k] for k in top] + merged


class ConsignmentFactory:
    """Creates consignments, drawing every attribute from its own stream."""

    def __init__(self, spec: MarketProcurementSpec, streams: Streams) -> None:
        self.spec = spec
        self._streams = streams
        samplers = ProcessSamplers(streams, spec.name)
        durations, uniforms = samplers.durations, samplers.uniforms
        d, i, s = spec.declaration, spec.inspection, spec.supervision
        self._items = streams.generator(Purpose.BATCH_SIZE, spec.name, "items")
        self._values = streams.generator(Purpose.ATTRIBUTES, spec.name, "item_value")
        self._chapters = streams.generator(Purpose.ATTRIBUTES, spec.name, "item_chapter")
        self._spread = streams.generator(Purpose.ATTRIBUTES, spec.name, "purchase_spread")
        self._lines = streams.generator(Purpose.DECLARATION, spec.name, "line_work")
        self._consolidation = durations(
            Purpose.PORT_OPERATIONS, "consolidation", spec.consolidation_min
        )
        self._setup = durations(Purpose.DECLARATION, "declaration_setup", d.setup_min)
        self._statutory = uniforms(Purpose.INSPECTION, "statutory")
        self._batch_size = streams.generator(Purpose.INSPECTION, spec.name, "batch_size")
        self._batch_position = uniforms(Purpose.INSPECTION, "batch_position")
        self._pilot = uniforms(Purpose.ATTRIBUTES, "batch_pilot")
        self._statutory_min = durations(
            Purpose.INSPECTION, "statutory_inspection", i.statutory_inspection_min
        )
        self._screening = durations(Purpose.RISK, "screening", s.screening_min)
        self._physical = uniforms(Purpose.RISK, "physical")
        self._video_u = uniforms(Purpose.ATTRIBUTES, "video")
        video = i.remote.video_min if i.remote is not None else s.screening_min
        self._video_min = durations(Purpose.INSPECTION, "video", video)
        self._transfer = durations(Purpose.TRANSPORT, "inspection_transfer", s.transfer_min)
        self._physical_min = durations(Purpose.INSPECTION, "physical", i.physical_min)
        self._return = durations(Purpose.TRANSPORT, "return_transfer", s.return_min)
        self._stuffing = durations(Purpose.SERVICE, "stuffing", s.stuffing_min)
        self._route = uniforms(Purpose.ROUTING, "route")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        self._routes = spec.route_names()
        self._route_shares = tuple(r.share for r in spec.routes.values())
        self._next = 0

    def arrivals(self, until_min: float) -> list[float]:
        """When each consignment reaches the supervision site, before ``until_min``."""
        rng = self._streams.generator(Purpose.ARRIVALS, self.spec.name, "consignments")
        times: list[float] = arrival_times(self.spec.consignment_arrivals, rng, until_min).tolist()
        return times

    def consignment(self, arrival_min: float) -> Consignment:
        """The next consignment, arriving at ``arrival_min``: every draw taken, in one order."""
        spec = self.spec
        g, d, i = spec.goods, spec.declaration, spec.inspection
        n = min(int(draw_counts(g.items, self._items, 1)[0]), MAX_ITEMS)
        # Fixed-size blocks per consignment: the streams stay aligned whatever ``n`` is.
        values = g.item_value_median_usd * np.exp(
            g.item_value_sigma * self._values.standard_normal(MAX_ITEMS)
        )
        chapters = self._chapters.integers(0, g.chapters, MAX_ITEMS)
        spread = self._spread.random(MAX_ITEMS)
        line_work = draw_durations(d.line_min, self._lines, MAX_ITEMS)
        consolidation = self._consolidation()
        start = arrival_min - consolidation
        purchases: list[Purchase] = []
        total = 0.0
        for k in range(n):
            value = round(float(values[k]), 2)
            if purchases and total + value > g.value_cap_usd:
                break  # over the cap of one declaration (S64): bought for another consignment
            total += value
            bought = start - quantile(spec.purchase_spread_min, float(spread[k]))
            purchases.append(Purchase(bought, value, int(chapters[k]) + 1))
        purchases.sort(key=lambda p: p.bought_min)
        groups = declared_lines(spec, purchases)
        prep = self._setup() + float(line_work[: len(groups)].sum())
        size = int(draw_counts(i.consignments_per_batch, self._batch_size, 1)[0])
        later = later_of_batch(self._batch_position(), max(size, 1))
        route = self._routes[choose(self._route_shares, self._route())]
        self._next += 1
        return Consignment(
            index=self._next - 1,
            arrival_min=arrival_min,
            consolidation_min=consolidation,
            purchases=purchases,
            line_groups=groups,
            prep_min=prep,
            statutory=self._statutory() < i.statutory_share,
            batch_later=later,
            pilot=self._pilot() < i.batch_share(),
            statutory_min=self._statutory_min(),
            screening_min=self._screening(),
            physical=self._physical() < i.physical_share,
            video_u=self._video_u(),
            video_min=self._video_min(),
            transfer_min=self._transfer(),
            physical_min=self._physical_min(),
            return_min=self._return(),
            stuffing_min=self._stuffing(),
            route=route,
            trip_u=self._trip(),
        )
