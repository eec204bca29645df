"""Road feeder imports (空陆联运): flown into another hub, trucked to the airport, cleared here.

A share of the process's imports land at another hub (``road_feeder.hub_node``) on their
international flight (at the flight's arrival time: the shipment's arrival into China, recorded
at the hub) and are trucked under customs control to this airport (the road leg, through the
router), where they are unloaded at a truck dock, broken down and cleared as any import
(SEED-003 s2 asks to expand 空陆联运; docs/background/air-cargo-model.md).

- Conventional transit (转关): before the truck leaves, a transit declaration, its checks and the
  customs seal at the hub (``transit_formalities``).
- Truck flight (卡车航班, the reform ``enabled``): the truck runs as a flight under the air
  waybill, "one declaration, one inspection, one release" at the destination (S123): only the
  carrier's electronic manifest transfer at the hub (``manifest_transfer``).

The road-feeder shipments are drawn (stream ``routing/road_feeder``, one draw per import in
flight order), with their formalities, manifest, unloading and truck pace from streams of their
own, whether the reform is on or not (common random numbers); no other stream is touched.
"""

from __future__ import annotations

import simpy

from clearsim.models.air_chains import RoadFeederSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.air_cargo.entities import IMPORT, Flight, Shipment


class RoadFeeder:
    """The hub's trucked imports: who they are, and their way to the airport's dock."""

    def __init__(
        self,
        spec: RoadFeederSpec,
        airport_node: str,
        docks: Facility,
        log: EventLog,
        router: Router,
        control: RunControl,
    ) -> None:
        self.spec = spec
        self.log = log
        self.router = router
        self.control = control
        self.docks = docks
        self.airport_node = airport_node
        self.hub = log.node(spec.hub_node)
        a = log.activity
        self.arrival, self.road_transport = a("arrival"), a("road_transport")
        self.transit_formalities = a("transit_formalities")
        self.manifest_transfer = a("manifest_transfer")
        self.truck_unloading = a("truck_unloading")
        self._trucked: dict[int, tuple[float, float, float, float]] = {}
        """Per trucked import (case): formalities, manifest, unloading minutes, truck pace."""

    def draw(self, flights: list[Flight], samplers: ProcessSamplers) -> None:
        """Draw, for every import in flight order, whether it is trucked in, and its times."""
        spec = self.spec
        feeder = samplers.uniforms(Purpose.ROUTING, "road_feeder")
        pace = samplers.uniforms(Purpose.TRANSPORT, "road_feeder_trip")
        formalities = samplers.durations(
            Purpose.REVIEW, "transit_formalities", spec.transit_formalities_min
        )
        manifest = samplers.durations(
            Purpose.DECLARATION, "manifest_transfer", spec.manifest_transfer_min
        )
        unloading = samplers.durations(Purpose.GATE, "feeder_unloading", spec.unloading_min)
        for flight in flights:
            for s in flight.shipments:
                if s.direction != IMPORT:
                    continue
                inside = feeder() < spec.share
                draws = (formalities(), manifest(), unloading(), pace())
                if inside:
                    self._trucked[s.case] = draws

    def carries(self, s: Shipment) -> bool:
        """The import is flown into the hub and trucked here (apron pickup participants: never)."""
        return s.case in self._trucked and not s.direct

    def to_airport(self, env: simpy.Environment, s: Shipment) -> Process:
        """Land at the hub (arrival), formalities or manifest, the road, the airport's dock."""
        formalities_min, manifest_min, unloading_min, trip_u = self._trucked[s.case]
        log, hub = self.log, self.hub
        if s.arrival_min > env.now:
            yield env.timeout(s.arrival_min - env.now)
        milestone(env, log, s.case, self.arrival, hub)
        self.control.arrive()
        if self.spec.enabled:
            yield from delay(env, log, s.case, self.manifest_transfer, hub, manifest_min)
        else:
            yield from delay(env, log, s.case, self.transit_formalities, hub, formalities_min)
        trip_min = self.router.trip_min(self.spec.hub_node, self.airport_node, trip_u)
        yield from delay(env, log, s.case, self.road_transport, hub, trip_min)
        yield from serve(env, self.docks, log, s.case, self.truck_unloading, unloading_min)
