"""中欧班列 China-Europe rail import: conventional transit, rail fast clearance, bonded storage.

Actors and steps (docs/background/rail-import-model.md; S32): a train from Europe reaches the border
port, every box's ``border_entry`` milestone (the corridor's first TRS stamp), and is handled
there (gauge change). Conventionally the transit (转关) formalities hold the train at the border:
the border office accepts the transit declaration, its officers confirm the consignor, consignee
and agent of every box, and the wagons are sealed; each box records the whole stop
(``transit_formalities``). The train runs to the inland terminal (Wujiashan) over the network; its
arrival there is every box's ``arrival`` milestone, since that is where customs clears the goods
(the border time shows in ``border_entry->arrival``). The transit is closed
(``transit_closure``), then the import declaration is lodged (after arrival, or in advance),
screened, reviewed (yellow, red), inspected (red) and its duty paid; customs releases the box once
the train's arrival is confirmed. A gantry unloads the box; after release a truck is booked,
gates in, takes the box (gantry), gates out (``exit``) and drives to the consignee (``delivery``).

With fast clearance, a train whose operator applied for the mode (``take_up``) has its manifest
filed in advance: the border only checks the arrival data (``arrival_check`` on the train), there
are no transit formalities and no transit closure. Advance declaration of the goods stays the
importer's choice, as in the baseline. With "中欧班列+保税仓储", a share of boxes enter a
comprehensive bonded zone under bonded storage: they lodge a bonded entry list instead of an
import declaration, pay no duty, are released into bonded storage after a quick entry check, and
are delivered to the CBZ.
"""

from __future__ import annotations

import simpy

from clearsim.models.rail_import import RailImportSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.agency import (
    ConformityActivities,
    conformity_after_delivery,
    conformity_before_release,
)
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.declaration import DeclarationDesk, lodge_and_screen
from clearsim.simulation.processes.rail_import.entities import (
    RailContainer,
    RailContainerFactory,
    Train,
)
from clearsim.simulation.processes.rail_import.positions import BondedPositions


class RailImportSite:
    """The collaborators of one rail-import process: facilities, sites, router, activity codes."""

    def __init__(
        self,
        spec: RailImportSpec,
        facilities: dict[str, Facility],
        log: EventLog,
        router: Router,
        control: RunControl,
    ) -> None:
        roles = spec.resources
        self.spec = spec
        self.log = log
        self.router = router
        self.control = control
        self.gantries = facilities[roles.gantry]
        self.officers = facilities[roles.document_officer]
        self.lanes = facilities[roles.inspection_lane]
        self.gates = facilities[roles.gate_lane]
        self.border = log.node(spec.border_node)
        self.terminal = log.node(spec.terminal_node)
        self.destination_codes = {
            name: log.node(name) for name in (*spec.destinations, spec.bonded_storage.cbz_node)
        }
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.border_arrival = a("border_arrival", milestone=True)
        self.border_departure = a("border_departure", milestone=True)
        self.train_arrival = a("train_arrival", milestone=True)
        self.arrival_confirmed = a("arrival_confirmed", milestone=True)
        self.train_unloaded = a("train_unloaded", milestone=True)
        self.border_handling = a("border_handling")
        self.transit_formalities, self.arrival_check = a("transit_formalities"), a("arrival_check")
        self.transit_steps = (
            a("transit_declaration"),
            a("transit_party_checks"),
            a("transit_sealing"),
        )
        self.border_entry = a("border_entry")
        self.rail_transport, self.transit_closure = a("rail_transport"), a("transit_closure")
        self.unloading = a("unloading")
        self.desk = DeclarationDesk.at(log, self.officers, self.terminal)
        self.tax_payment, self.bonded_entry_check = a("tax_payment"), a("bonded_entry_check")
        self.inspection_planning, self.yard_move = a("inspection_planning"), a("yard_move")
        self.inspection, self.inspection_hold = a("inspection"), a("inspection_hold")
        self.truck_booking, self.gate_in = a("truck_booking"), a("gate_in")
        self.yard_retrieval, self.gate_out = a("yard_retrieval"), a("gate_out")
        self.road_transport = a("road_transport")
        # Registered last and only when used: codes of a scenario without the layer stay.
        agency = spec.agency
        if agency is not None and agency.conformity is not None:
            self.conformity = ConformityActivities.of(log)
        self.positions: BondedPositions | None = None


def start_rail_import(spec: RailImportSpec, ctx: ProcessContext) -> None:
    """Set up the terminal and schedule every train reaching the border before the limit."""
    ctx.log.declare_flow("import", "rail")
    site = RailImportSite(spec, dict(ctx.facilities), ctx.log, ctx.router, ctx.control)
    site.positions = BondedPositions.at(spec, dict(ctx.facilities), ctx.streams, ctx.log)
    factory = RailContainerFactory(spec, ctx.streams, ctx.router)
    env = ctx.env
    for train in factory.trains(env, ctx.log, ctx.control, ctx.arrivals_until_min):
        env.process(train_run(env, train, site))
        for box in train.containers:
            env.process(declaration(env, box, site))
            env.process(clearance(env, box, site))


def train_run(env: simpy.Environment, train: Train, site: RailImportSite) -> Process:
    """Border stop, run to the terminal, arrival confirmation, unloading of every box."""
    log, border = site.log, site.border
    if train.border_min > env.now:
        yield env.timeout(train.border_min - env.now)
    milestone(env, log, train.case, site.border_arrival, border)
    for box in train.containers:
        milestone(env, log, box.case, site.border_entry, border)
    yield from delay(env, log, train.case, site.border_handling, border, train.handling_min)
    if train.fast:
        yield from delay(env, log, train.case, site.arrival_check, border, train.formalities_min)
    else:
        for box in train.containers:
            env.process(
                delay(env, log, box.case, site.transit_formalities, border, train.formalities_min)
            )
        for step, minutes in zip(site.transit_steps, train.steps, strict=True):
            yield from delay(env, log, train.case, step, border, minutes)
    milestone(env, log, train.case, site.border_departure, border)
    yield from delay(env, log, train.case, site.rail_transport, border, train.trip_min)
    terminal = site.terminal
    milestone(env, log, train.case, site.train_arrival, terminal)
    for box in train.containers:
        milestone(env, log, box.case, site.arrival, terminal)
        site.control.arrive()
        if not train.fast:
            env.process(close_transit(env, box, site))
    env.process(confirm_arrival(env, train, site))
    yield env.all_of([env.process(unload(env, box, site)) for box in train.containers])
    milestone(env, log, train.case, site.train_unloaded, terminal)
    log.cases.finished[train.case] = True


def confirm_arrival(env: simpy.Environment, train: Train, site: RailImportSite) -> Process:
    """Arrival confirmation of the train's manifest: boxes can be released after it."""
    yield env.timeout(train.confirmation_min)
    milestone(env, site.log, train.case, site.arrival_confirmed, site.terminal)
    train.confirmed.succeed()


def close_transit(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """Conventional only: the destination customs closes the transit (转关核销)."""
    log = site.log
    yield from delay(env, log, box.case, site.transit_closure, site.terminal, box.closure_min)
    box.closed.succeed()


def unload(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """A gantry lifts the box off its wagon into the terminal's stack."""
    yield from serve(env, site.gantries, site.log, box.case, site.unloading, box.unloading_min)
    box.unloaded.succeed()


def declaration(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """Lodgement and screening; then review and duty, or (bonded storage) neither."""
    log, terminal = site.log, site.terminal
    yield from lodge_and_screen(
        env,
        site.desk,
        box.case,
        box.lodgement_min,
        box.screening_min,
        box.channel,
        box.review_min,
        box.priority,
        reviewed=not box.bonded,
    )
    if box.bonded:
        # A bonded entry list: no duty is due until the goods leave the CBZ for the market.
        box.declared.succeed()
        return
    yield from delay(env, log, box.case, site.tax_payment, terminal, box.tax_min)
    box.declared.succeed()


def clearance(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """Release once declared, confirmed and (conventional) the transit closed; then pick up."""
    log, terminal = site.log, site.terminal
    yield box.declared & box.train.confirmed
    if not box.train.fast and not box.closed.triggered:
        yield box.closed
    if box.channel == Channel.RED:
        if not box.unloaded.triggered:
            yield box.unloaded
        yield from inspection(env, box, site)
    if box.bonded:
        yield from delay(env, log, box.case, site.bonded_entry_check, terminal, box.entry_check_min)
    if box.conformity.equipment:
        yield from conformity(env, box, site)
    milestone(env, log, box.case, site.release, terminal)
    yield from delay(env, log, box.case, site.truck_booking, terminal, box.booking_min)
    if not box.unloaded.triggered:
        yield box.unloaded
    yield from serve(env, site.gates, log, box.case, site.gate_in, box.gate_in_min)
    yield from serve(env, site.gantries, log, box.case, site.yard_retrieval, box.yard_out_min)
    yield from serve(env, site.gates, log, box.case, site.gate_out, box.gate_out_min)
    milestone(env, log, box.case, site.exit, terminal)
    site.control.exit()
    trip_min = site.router.trip_min(site.spec.terminal_node, box.destination, box.trip_u)
    yield from delay(env, log, box.case, site.road_transport, terminal, trip_min)
    destination = site.destination_codes[box.destination]
    milestone(env, log, box.case, site.delivery, destination)
    if box.conformity.equipment:
        # 合格保证: the later conformity check at the consignee's site, off the release path.
        yield from conformity_after_delivery(
            env, log, box.case, box.conformity, site.conformity, destination
        )
    if box.bonded and site.positions is not None:
        yield from site.positions.store(env, box.case)  # the case ends when the goods leave bond
    else:
        log.cases.finished[box.case] = True
    site.control.finish(box.measured)


def inspection(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """Plan, move the box from the stack to a lane (gantry), examine it, resolve a hold."""
    log, terminal = site.log, site.terminal
    yield from delay(env, log, box.case, site.inspection_planning, terminal, box.plan_min)
    yield from serve(env, site.gantries, log, box.case, site.yard_move, box.yard_move_min)
    yield from serve(
        env, site.lanes, log, box.case, site.inspection, box.inspection_min, box.priority
    )
    if box.hold:
        yield from delay(env, log, box.case, site.inspection_hold, terminal, box.hold_min)


def conformity(env: simpy.Environment, box: RailContainer, site: RailImportSite) -> Process:
    """Imported equipment (法检, SEED-003 s9): inspected on a lane, or its documents assessed.

    A lane inspection moves the box from the stack (a red box is already at the lane area, but
    is moved again: the conformity inspection is a separate order). A guarantee path has
    nothing here.
    """
    log, terminal = site.log, site.terminal
    if box.conformity.path == "inspection":
        yield from delay(env, log, box.case, site.inspection_planning, terminal, box.plan_min)
        if not box.unloaded.triggered:
            yield box.unloaded
        yield from serve(env, site.gantries, log, box.case, site.yard_move, box.yard_move_min)
    yield from conformity_before_release(
        env, log, box.case, box.conformity, site.lanes, site.officers, site.conformity, box.priority
    )
