"""A city cargo terminal (城市货站) and the road leg of its catchment's exports to the airport.

Exports whose shipper lies in the catchment of a city cargo terminal (光谷城市货站, SEED-000 s13,
SEED-002 l71; docs/background/air-cargo-model.md) reach the airport by road:

- Conventionally the shipper's truck leaves the catchment so as to reach the airport at the
  shipment's planned acceptance time, drives there (the road leg, through the router), and the
  goods are accepted and screened at the airport like any other export.
- With the reform (``city_terminal.enabled``) the goods are handed over at the city terminal at
  the time the shipper's truck would have left: accepted at its docks (arrival into customs
  control: the terminal has port functions), security-screened on its X-ray line, sealed onto a
  truck that drives them to the airport, where they go straight to build-up: no second
  acceptance or screening. Customs may release them once declared and accepted (and, red,
  inspected at the airport's lanes).

The draws of a catchment shipment (in the catchment or not, the truck's pace, the sealing time)
come from streams of their own, drawn for every export in flight order whether the reform is on
or not, so the baseline and the reform see the same shipments (common random numbers); other
streams are not touched.
"""

from __future__ import annotations

import simpy

from clearsim.models.air_chains import CityTerminalSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.air_cargo.entities import EXPORT, Flight, Shipment


class CityTerminal:
    """The city terminal's facilities and the catchment draws of every export shipment."""

    def __init__(
        self,
        spec: CityTerminalSpec,
        airport_node: str,
        facilities: dict[str, Facility],
        log: EventLog,
        router: Router,
        control: RunControl,
    ) -> None:
        self.spec = spec
        self.log = log
        self.router = router
        self.control = control
        self.airport_node = airport_node
        self.airport = log.node(airport_node)
        self.node = log.node(spec.node)
        self.docks = facilities[spec.dock]
        self.xray = facilities[spec.xray_line]
        a = log.activity
        self.arrival, self.road_transport = a("arrival"), a("road_transport")
        self.acceptance, self.security_screening = a("acceptance"), a("security_screening")
        self.sealing = a("sealing")
        self._catchment: dict[int, tuple[float, float]] = {}
        """Per catchment shipment (case): the truck's pace and the sealing time."""

    def draw(self, flights: list[Flight], samplers: ProcessSamplers) -> None:
        """Draw, for every export in flight order, whether it is in the catchment, and its times."""
        catchment = samplers.uniforms(Purpose.ROUTING, "city_catchment")
        pace = samplers.uniforms(Purpose.TRANSPORT, "city_trip")
        sealing = samplers.durations(Purpose.PORT_OPERATIONS, "city_sealing", self.spec.sealing_min)
        for flight in flights:
            for s in flight.shipments:
                if s.direction != EXPORT:
                    continue
                inside, trip_u, seal_min = catchment() < self.spec.share, pace(), sealing()
                if inside:
                    self._catchment[s.case] = (trip_u, seal_min)

    def serves(self, s: Shipment) -> bool:
        """The shipment's shipper lies in the catchment (apron-loading participants excepted)."""
        return s.case in self._catchment and not s.direct

    def to_airport(self, env: simpy.Environment, s: Shipment) -> Process:
        """From the shipper to the airport: the truck, or the city terminal and a sealed truck.

        Ends with the goods at the airport; arrival (into customs control) is recorded where it
        happens. With the reform, ``s.accepted`` is set at the city terminal.
        """
        trip_u, seal_min = self._catchment[s.case]
        source, target, log = self.spec.node, self.airport_node, self.log
        # The shipper plans to be at the airport at the shipment's acceptance time.
        leave_min = s.arrival_min - self.router.planned_trip_min(source, target, 0.5)
        if leave_min > env.now:
            yield env.timeout(leave_min - env.now)
        if not self.spec.enabled:
            trip_min = self.router.trip_min(source, target, trip_u)
            yield from delay(env, log, s.case, self.road_transport, self.node, trip_min)
            milestone(env, log, s.case, self.arrival, self.airport)
            self.control.arrive()
            return
        milestone(env, log, s.case, self.arrival, self.node)
        self.control.arrive()
        yield from serve(env, self.docks, log, s.case, self.acceptance, s.dock_min)
        s.accepted.succeed()
        yield from serve(env, self.xray, log, s.case, self.security_screening, s.xray_min)
        yield from delay(env, log, s.case, self.sealing, self.node, seal_min)
        trip_min = self.router.trip_min(source, target, trip_u)
        yield from delay(env, log, s.case, self.road_transport, self.node, trip_min)
