"""The onward water chain of a sea export: river feeder, hub port, ocean vessel, confirmation.

With ``onward`` (models/onward_shipping.py; docs/background/sea-export-model.md), the vessel a
box is loaded on at the inland port is a river feeder. When it leaves (``feeder_departure``)
it sails the network leg to the hub port (Shanghai Yangshan), routed through the router so the
leg counts on the network map. There each box is discharged (``transshipment_arrival`` first)
and, conventionally, moved to the ocean vessel's export yard and declared a second time to the
hub's customs (转关 / 二次报关, S101); under 水水中转 / 联动接卸 it goes straight from the feeder
to its ocean vessel's stack under the inland declaration (S100). It is booked on the first ocean
sailing of the timetable whose cut-off it makes and that has room, and leaves China with it
(``departure``). A 江海直达 river-sea ship (S102) is itself the sea-going vessel: its boxes leave
China from the inland port, and its voyage out through the estuary counts on the same leg.

Customs confirms the export (``export_confirmed``, the confirmation the export tax rebate
starts from) a confirmation time after the confirming departure: the ocean vessel's, or the
feeder's under 离港确认 (SEED-003 s1). A box's case ends once it has left China and its
departure is confirmed.

Every draw is made for every box and call, whatever the rules, from streams of its own: the
feeder baseline and its reforms see the same voyages and hub times (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy

from clearsim.models.onward_shipping import OnwardShippingSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Process, delay, milestone
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.log.recorder import EventLog

if TYPE_CHECKING:
    from clearsim.simulation.processes.sea_export.entities import (
        ExportContainer,
        ExportVesselCall,
    )


@dataclass(slots=True, eq=False)
class BoxOnward:
    """A box's onward-chain draws (minutes) and its pending ends (departure, confirmation)."""

    discharge_min: float
    hub_transfer_min: float
    hub_procedure_min: float
    confirmation_min: float
    pending: int = 2


class OnwardDraws:
    """The onward chain's draws of calls and boxes, each from its own stream (CRN)."""

    def __init__(self, samplers: ProcessSamplers, spec: OnwardShippingSpec) -> None:
        self.spec = spec
        durations, uniforms = samplers.durations, samplers.uniforms
        self._voyage = uniforms(Purpose.TRANSPORT, "feeder_voyage")
        self._river_sea = uniforms(Purpose.ATTRIBUTES, "river_sea")
        self._discharge = durations(Purpose.PORT_OPERATIONS, "hub_discharge", spec.discharge_min)
        self._transfer = durations(Purpose.PORT_OPERATIONS, "hub_transfer", spec.hub_transfer_min)
        self._procedure = durations(Purpose.DECLARATION, "hub_procedure", spec.hub_procedure_min)
        self._confirm = durations(Purpose.DECLARATION, "confirmation", spec.confirmation_min)

    def call(self) -> tuple[float, bool]:
        """A call's voyage pace (a uniform) and whether a river-sea ship makes it."""
        voyage_u, river_sea_u = self._voyage(), self._river_sea()
        river_sea = self.spec.river_sea
        return voyage_u, river_sea.enabled and river_sea_u < river_sea.share

    def box(self) -> BoxOnward:
        """A box's hub and confirmation times."""
        return BoxOnward(self._discharge(), self._transfer(), self._procedure(), self._confirm())


class OceanSailings:
    """The ocean vessels leaving the hub: boxes booked per sailing, one vessel case per sailing."""

    def __init__(self, spec: OnwardShippingSpec, log: EventLog, process: str) -> None:
        self.schedule = spec.ocean_sailings
        self.log = log
        self.process = process
        self.booked: dict[int, int] = {}
        self.cases: dict[int, int] = {}

    def book(self, ready_min: float, cutoff_before_min: float) -> int:
        """The first sailing whose cut-off is at or after ``ready_min`` and that has room."""
        schedule = self.schedule
        index = -(
            (schedule.first_departure_min - cutoff_before_min - ready_min) // schedule.interval_min
        )
        index = max(0, int(index))
        while self.booked.get(index, 0) >= schedule.capacity_units:
            index += 1
        self.booked[index] = self.booked.get(index, 0) + 1
        return index

    def vessel_case(self, index: int) -> tuple[int, bool]:
        """The case of sailing ``index`` and whether it was created just now."""
        case = self.cases.get(index)
        if case is not None:
            return case, False
        case = self.log.new_case("vessel", self.process, shipment=False, direction="export")
        self.cases[index] = case
        return case, True


class OnwardChain:
    """The collaborators of the onward chain of one sea-export process: rules, sites, codes."""

    def __init__(
        self,
        spec: OnwardShippingSpec,
        port_node: str,
        process: str,
        log: EventLog,
        router: Router,
        control: RunControl,
    ) -> None:
        self.spec = spec
        self.log = log
        self.router = router
        self.control = control
        self.port_name, self.hub_name = port_node, spec.hub_node
        self.port, self.hub = log.node(port_node), log.node(spec.hub_node)
        self.sailings = OceanSailings(spec, log, process)
        self.conventional = spec.transshipment == "conventional"
        self.confirm_on_feeder = spec.departure_confirmation == "feeder_departure"
        a = log.activity
        self.feeder_departure = a("feeder_departure", milestone=True)
        self.transshipment_arrival = a("transshipment_arrival", milestone=True)
        self.departure = a("departure", milestone=True)
        self.export_confirmed = a("export_confirmed", milestone=True)
        self.vessel_departure = a("vessel_departure", milestone=True)
        self.feeder_voyage = a("feeder_voyage")
        self.hub_discharge, self.hub_transfer = a("hub_discharge"), a("hub_transfer")
        self.hub_procedure = a("hub_procedure")


def feeder_departed(env: simpy.Environment, call: ExportVesselCall, chain: OnwardChain) -> None:
    """The loaded vessel leaves the inland port: its boxes' feeder departure, then the voyage."""
    log = chain.log
    for box in call.loaded:
        milestone(env, log, box.case, chain.feeder_departure, chain.port)
        log.link(box.case, call.case, "carried_by")
        if call.river_sea:  # the river-sea ship is the sea-going vessel: the box leaves China
            milestone(env, log, box.case, chain.departure, chain.port)
            env.process(confirm(env, box, chain, chain.port))
            box_done(box, chain)
        elif chain.confirm_on_feeder:  # 离港确认: confirmed on the feeder's departure
            env.process(confirm(env, box, chain, chain.port))
    env.process(feeder_voyage(env, call, chain))


def feeder_voyage(env: simpy.Environment, call: ExportVesselCall, chain: OnwardChain) -> Process:
    """Sail the leg to the hub port; a feeder's boxes then transship to their ocean vessels."""
    log = chain.log
    voyage_min = chain.router.trip_min(chain.port_name, chain.hub_name, call.voyage_u)
    yield from delay(env, log, call.case, chain.feeder_voyage, chain.port, voyage_min)
    log.cases.finished[call.case] = True
    if call.river_sea:
        return  # it sails on to the destination coast: its boxes left China at the inland port
    for box in call.loaded:
        env.process(transshipment(env, box, chain))


def transshipment(env: simpy.Environment, box: ExportContainer, chain: OnwardChain) -> Process:
    """Discharge at the hub, the second procedure if conventional, the ocean vessel's departure."""
    log, hub, case = chain.log, chain.hub, box.case
    draws = box.onward
    assert draws is not None  # drawn for every box of a process with an onward chain
    milestone(env, log, case, chain.transshipment_arrival, hub)
    yield from delay(env, log, case, chain.hub_discharge, hub, draws.discharge_min)
    if chain.conventional:
        yield from delay(env, log, case, chain.hub_transfer, hub, draws.hub_transfer_min)
        yield from delay(env, log, case, chain.hub_procedure, hub, draws.hub_procedure_min)
        cutoff_min = chain.sailings.schedule.cutoff_before_min
    else:  # 水水中转 / 联动接卸: straight to the ocean vessel's stack, no second procedure
        cutoff_min = chain.spec.linked_cutoff_before_min
    index = chain.sailings.book(env.now, cutoff_min)
    vessel, new = chain.sailings.vessel_case(index)
    departure_min = chain.sailings.schedule.departure_min(index)
    if new:
        env.process(ocean_vessel(env, vessel, departure_min, chain))
    yield env.timeout(departure_min - env.now)
    milestone(env, log, case, chain.departure, hub)
    log.link(case, vessel, "carried_by")
    if not chain.confirm_on_feeder:
        env.process(confirm(env, box, chain, hub))
    box_done(box, chain)


def ocean_vessel(
    env: simpy.Environment, case: int, departure_min: float, chain: OnwardChain
) -> Process:
    """An ocean sailing with boxes booked: it leaves the hub on its timetable."""
    yield env.timeout(departure_min - env.now)
    milestone(env, chain.log, case, chain.vessel_departure, chain.hub)
    chain.log.cases.finished[case] = True


def confirm(env: simpy.Environment, box: ExportContainer, chain: OnwardChain, node: int) -> Process:
    """Customs confirms the export's departure (the manifest reconciled with the declaration)."""
    draws = box.onward
    assert draws is not None
    yield env.timeout(draws.confirmation_min)
    milestone(env, chain.log, box.case, chain.export_confirmed, node)
    box_done(box, chain)


def box_done(box: ExportContainer, chain: OnwardChain) -> None:
    """One of the box's two ends (departure, confirmation); after both its case is finished."""
    draws = box.onward
    assert draws is not None
    draws.pending -= 1
    if draws.pending == 0:
        chain.log.cases.finished[box.case] = True
        chain.control.finish(box.measured)
