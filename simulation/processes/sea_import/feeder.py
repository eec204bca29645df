"""The upstream water chain of a sea import: Shanghai (Yangshan) -> river leg -> the Wuhan port.

With ``SeaImportSpec.upstream`` the port's calls are not drawn as arrivals: ocean vessels bring
boxes to the origin (SHANGHAI_PORT), and every box, as its own process, is discharged from the
ocean vessel (``border_entry``: it enters China here), then, by the chain's mode
(:mod:`clearsim.models.upstream`, docs/background/sea-import-feeder-model.md):

- ``transit_declaration`` (转关): shifted to the feeder terminal (``transshipment``), its transit
  declaration prepared by the forwarder and reviewed by an origin officer (office hours);
- ``linked_discharge`` (联动接卸 / 水水中转): shifted water to water, no customs step at the origin;
- ``river_sea_direct`` (江海直达): no shift; it waits at Yangshan for the river-sea ship.

It then books the first sailing of its timetable whose cut-off it makes and that has room
(``feeder_wait``), and sails the river leg (``feeder_voyage``, routed through the network). At
the sailing's departure the sailing becomes a vessel call of the port, and the port's own
steps (berth, discharge, declaration, clearance) run as for any call. Under the linked modes
the manifest reaches the port's customs at the departure, so an importer may lodge in advance;
under a transit declaration the port's declaration follows the box's arrival.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.upstream import UpstreamFeederSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.facilities import Process, delay, milestone, serve
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers, UniformSampler, draw_counts
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.sea_import.entities import (
    ContainerFactory,
    UpstreamCase,
    VesselCall,
)

if TYPE_CHECKING:
    from clearsim.simulation.processes.sea_import.process import SeaImportSite

StartCall = Callable[[simpy.Environment, VesselCall, "SeaImportSite"], None]
"""Starts a call's processes at the port (``process.start_vessel_call``)."""


@dataclass(slots=True, eq=False)
class UpstreamBox:
    """A box on its way from the ocean vessel to the port, with its pre-drawn durations."""

    case: int
    measured: bool
    arrival_min: float
    """The ocean vessel's arrival at the origin."""
    discharge_min: float
    transshipment_min: float
    preparation_min: float
    review_min: float


@dataclass(slots=True, eq=False)
class Sailing:
    """One departure of the timetable, with the boxes booked on it."""

    index: int
    departure_min: float
    voyage_min: float
    """Planned at the first booking from the sailing's own pace, counted at its departure."""
    boxes: list[UpstreamBox] = field(default_factory=list)


class FeederLine:
    """The sailings of the chain's timetable: each takes boxes booked before its cut-off.

    A box books the first sailing whose cut-off it makes and that has room; a full sailing
    rolls it to the next. The voyage's pace of sailing ``k`` is the ``k``-th uniform of its
    stream, whichever sailings carry boxes: the same sailing sails as fast in every scenario.
    """

    def __init__(
        self,
        schedule: DepartureScheduleSpec,
        pace: UniformSampler,
        voyage: Callable[[float], float],
    ) -> None:
        self.schedule = schedule
        self._voyage = voyage
        self._pace = pace
        self._paces: list[float] = []
        self.sailings: dict[int, Sailing] = {}

    def book(self, now_min: float) -> tuple[Sailing, bool]:
        """Book the box ready at ``now_min``; True when the sailing is new (to be started)."""
        index = self.schedule.first_index_open_at(now_min)
        while (
            index in self.sailings
            and len(self.sailings[index].boxes) >= self.schedule.capacity_units
        ):
            index += 1
        sailing = self.sailings.get(index)
        new = sailing is None
        if sailing is None:
            while len(self._paces) <= index:
                self._paces.append(self._pace())
            sailing = self.sailings[index] = Sailing(
                index, self.schedule.departure_min(index), self._voyage(self._paces[index])
            )
        return sailing, new


class UpstreamSite:
    """The collaborators of the chain: the mode, the timetable, the origin's officers, codes."""

    def __init__(
        self,
        spec: UpstreamFeederSpec,
        site: SeaImportSite,
        ctx: ProcessContext,
        start_call: StartCall,
    ) -> None:
        log, name = ctx.log, site.spec.name
        self.spec = spec
        self.port = site
        self.start_call = start_call
        self.transit = spec.mode == "transit_declaration"
        self.shifted = spec.mode != "river_sea_direct"
        self.officers = ctx.facilities[spec.transit_officers]
        self.origin = log.node(spec.origin_node)
        samplers = ProcessSamplers(ctx.streams, name)
        origin, port = spec.origin_node, site.spec.port_node

        def voyage(pace: float) -> float:
            return ctx.router.planned_trip_min(origin, port, pace)

        pace = samplers.uniforms(Purpose.TRANSPORT, "voyage")
        self.line = FeederLine(spec.schedule(), pace, voyage)
        a = log.activity
        self.border_entry = a("border_entry")
        self.ocean_discharge, self.transshipment = a("ocean_discharge"), a("transshipment")
        self.transit_preparation = a("transit_preparation")
        self.transit_declaration = a("transit_declaration")
        self.feeder_wait, self.feeder_voyage = a("feeder_wait"), a("feeder_voyage")
        self.missed_planned_sailing = log.outcome(name, "missed_planned_sailing")


class UpstreamFactory:
    """Ocean calls and their boxes, every duration drawn at the box's creation from its stream.

    Every box draws every upstream duration whatever the mode, in ocean-arrival order, so the
    k-th box gets the same draws in every scenario (common random numbers). The port-side
    attributes are drawn when its sailing departs (:meth:`ContainerFactory.upstream_container`).
    """

    def __init__(self, spec: UpstreamFeederSpec, ctx: ProcessContext, name: str) -> None:
        self.spec = spec
        self.name = name
        samplers = ProcessSamplers(ctx.streams, name)
        durations = samplers.durations
        self._arrivals_rng = ctx.streams.generator(Purpose.ARRIVALS, name, "ocean_calls")
        self._batch_rng = ctx.streams.generator(Purpose.BATCH_SIZE, name, "boxes_per_ocean_call")
        self._discharge = durations(
            Purpose.PORT_OPERATIONS, "ocean_discharge", spec.ocean_discharge_min
        )
        self._shift = durations(Purpose.TRANSPORT, "transshipment", spec.transshipment_min)
        self._preparation = durations(
            Purpose.DECLARATION, "transit_preparation", spec.transit_preparation_min
        )
        self._review = durations(Purpose.REVIEW, "transit_review", spec.transit_review_min)

    def ocean_boxes(self, ctx: ProcessContext) -> list[UpstreamBox]:
        """Every box of every ocean call arriving before the admission limit, in arrival order."""
        times = arrival_times(self.spec.ocean_arrivals, self._arrivals_rng, ctx.arrivals_until_min)
        sizes = draw_counts(self.spec.boxes_per_ocean_call, self._batch_rng, len(times))
        boxes = []
        for arrival_min, size in zip(times.tolist(), sizes.tolist(), strict=True):
            for _ in range(size):
                case = ctx.log.new_case("container", self.name)
                boxes.append(
                    UpstreamBox(
                        case=case,
                        measured=ctx.control.expect(arrival_min),
                        arrival_min=arrival_min,
                        discharge_min=self._discharge(),
                        transshipment_min=self._shift(),
                        preparation_min=self._preparation(),
                        review_min=self._review(),
                    )
                )
        return boxes


def start_upstream(
    spec: UpstreamFeederSpec,
    site: SeaImportSite,
    factory: ContainerFactory,
    ctx: ProcessContext,
    start_call: StartCall,
) -> None:
    """Schedule every box of the ocean calls on its way up the river to the port."""
    chain = UpstreamSite(spec, site, ctx, start_call)
    for box in UpstreamFactory(spec, ctx, site.spec.name).ocean_boxes(ctx):
        ctx.env.process(upstream_box(ctx.env, box, chain, factory))


def upstream_box(
    env: simpy.Environment, box: UpstreamBox, chain: UpstreamSite, factory: ContainerFactory
) -> Process:
    """Ocean discharge, the mode's steps at the origin, the wait for a sailing, the voyage."""
    log, origin, case = chain.port.log, chain.origin, box.case
    if box.arrival_min > env.now:
        yield env.timeout(box.arrival_min - env.now)
    milestone(env, log, case, chain.border_entry, origin)
    yield from delay(env, log, case, chain.ocean_discharge, origin, box.discharge_min)
    if chain.shifted:
        yield from delay(env, log, case, chain.transshipment, origin, box.transshipment_min)
    if chain.transit:
        yield from delay(env, log, case, chain.transit_preparation, origin, box.preparation_min)
        yield from serve(env, chain.officers, log, case, chain.transit_declaration, box.review_min)
    line = chain.line
    sailing, new = line.book(env.now)
    sailing.boxes.append(box)
    if new:
        env.process(sail(env, sailing, chain, factory))
    if sailing.index > line.schedule.planned_index(box.arrival_min):
        # The box misses the sailing the shipper booked on its arrival (甩柜): a later one.
        milestone(env, log, case, chain.missed_planned_sailing, origin)
    wait_min = sailing.departure_min - env.now
    yield from delay(env, log, case, chain.feeder_wait, origin, wait_min)
    yield from delay(env, log, case, chain.feeder_voyage, origin, sailing.voyage_min)


def sail(
    env: simpy.Environment, sailing: Sailing, chain: UpstreamSite, factory: ContainerFactory
) -> Process:
    """At its departure the sailing leaves with its boxes and becomes a call of the port."""
    if sailing.departure_min > env.now:
        yield env.timeout(sailing.departure_min - env.now)
    site = chain.port
    site.router.count_trip(chain.spec.origin_node, site.spec.port_node)
    arrival_min = env.now + sailing.voyage_min
    durations = factory.call_durations()
    case = site.log.new_case("vessel", site.spec.name, shipment=False)
    call = VesselCall(env, case, arrival_min, durations)
    manifest_min = None if chain.transit else env.now
    call.containers = [
        factory.upstream_container(
            env,
            site.log,
            site.control,
            call,
            UpstreamCase(box.case, box.measured, manifest_min, not chain.transit),
        )
        for box in sailing.boxes
    ]
    chain.start_call(env, call, site)
