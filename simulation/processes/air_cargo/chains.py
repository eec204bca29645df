"""The optional air chains of one air-cargo process, set up together.

The city cargo terminal (:mod:`.city_terminal`), the passenger bellies (:mod:`.belly`), the
road feeder (:mod:`.road_feeder`) and the ULD pool (:mod:`.ulds`): each is ``None`` when its
block is absent, and the process then runs exactly as without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.processes.air_cargo.belly import Bellies
from clearsim.simulation.processes.air_cargo.city_terminal import CityTerminal
from clearsim.simulation.processes.air_cargo.entities import Flight, Shipment
from clearsim.simulation.processes.air_cargo.road_feeder import RoadFeeder
from clearsim.simulation.processes.air_cargo.ulds import UldPool
from clearsim.simulation.processes.context import ProcessContext


@dataclass(slots=True)
class AirChains:
    """The chains a scenario switches on (None: block absent)."""

    city: CityTerminal | None = None
    belly: Bellies | None = None
    ulds: UldPool | None = None
    feeder: RoadFeeder | None = None

    def trucked(self, s: Shipment) -> bool:
        """The inbound shipment came by road from another hub, not off this flight."""
        return self.feeder is not None and self.feeder.carries(s)


def set_up_chains(spec: AirCargoSpec, ctx: ProcessContext, flights: list[Flight]) -> AirChains:
    """Build the chains of the spec's blocks and draw their per-shipment attributes."""
    chains = AirChains()
    samplers = ProcessSamplers(ctx.streams, spec.name)
    facilities, log = dict(ctx.facilities), ctx.log
    if spec.city_terminal is not None:
        chains.city = CityTerminal(
            spec.city_terminal, spec.airport_node, facilities, log, ctx.router, ctx.control
        )
        chains.city.draw(flights, samplers)
    if spec.belly is not None:
        chains.belly = Bellies(spec.belly, ctx.env, log, ctx.control, spec.name)
        chains.belly.draw(flights, samplers)
    if spec.road_feeder is not None:
        docks = facilities[spec.resources.truck_dock]
        chains.feeder = RoadFeeder(
            spec.road_feeder, spec.airport_node, docks, log, ctx.router, ctx.control
        )
        chains.feeder.draw(flights, samplers)
    if spec.ulds is not None:
        airport = log.node(spec.airport_node)
        chains.ulds = UldPool(facilities[spec.ulds.resource], log, spec.name, airport)
    return chains
