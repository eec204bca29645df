"""Sea (river) import of containers: conventional clearance and 船边直提 ship-side direct pickup.

Actors and steps (docs/background/sea-import-model.md): a vessel call
arrives and waits for a berth; quay cranes discharge its boxes to the yard; the declarant lodges
the declaration once its documents are ready, after arrival or in advance (提前申报), in one
or two steps (两步申报; the rules are in :mod:`..declarant`); the risk engine screens it into
the green, yellow or red channel; yellow and red get a document review by an officer; red boxes
are moved to the inspection area and examined on an inspection lane, then brought back; duties
are paid (a two-step box guarantees them instead; goods without duty do neither);
customs releases the box once the arrival is confirmed; a truck is booked, passes the gate in,
the box is lifted from the yard onto it, the truck passes the gate out (exit from the customs
area) and drives to the consignee over the network. With ship-side pickup, a participating box
that is already released when the crane lifts it goes crane -> waiting truck -> gate, skipping
the yard; the others (red ones in particular) take the conventional branch.
"""

from __future__ import annotations

import simpy

from clearsim.models.processes import SeaImportSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import (
    COMPLETE,
    SCHEDULE,
    START,
    Facility,
    Process,
    delay,
    milestone,
    serve,
)
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.declaration import DeclarationDesk, lodge_and_screen
from clearsim.simulation.processes.sea_import.agency import (
    AgencySite,
    cbz_examination,
    declare_after_permit,
    joint_port_check,
    sample_for_release,
)
from clearsim.simulation.processes.sea_import.appointments import AppointmentPlatform
from clearsim.simulation.processes.sea_import.entities import (
    Container,
    ContainerFactory,
    VesselCall,
)
from clearsim.simulation.processes.sea_import.feeder import start_upstream
from clearsim.simulation.processes.sea_import.trucks import fetch_truck, truck_at_berth
from clearsim.simulation.processes.sea_import.yard import YardSlots


class SeaImportSite:
    """The collaborators of one sea-import process: facilities, sites, router, activity codes."""

    def __init__(
        self,
        spec: SeaImportSpec,
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
        self.berths = facilities[roles.berth]
        self.cranes = facilities[roles.quay_crane]
        self.yard = facilities[roles.yard_equipment]
        self.officers = facilities[roles.document_officer]
        self.lanes = facilities[roles.inspection_lane]
        self.gates = facilities[roles.gate_lane]
        remote = spec.inspection.remote
        self.joint = remote is not None and remote.method == "joint"
        self.inspects_at_destination = remote is not None and remote.method != "video"
        self.port = log.node(spec.port_node)
        self.inspection_area = log.node(spec.inspection_node)
        self.destination_codes = {name: log.node(name) for name in spec.destinations}
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.vessel_arrival = a("vessel_arrival", milestone=True)
        self.arrival_confirmed = a("arrival_confirmed", milestone=True)
        self.vessel_departure = a("vessel_departure", milestone=True)
        self.berth, self.berthing, self.unberthing = a("berth"), a("berthing"), a("unberthing")
        self.discharge = a("discharge")
        self.desk = DeclarationDesk.at(log, self.officers, self.port)
        self.tax_payment = a("tax_payment")
        self.inspection_planning, self.yard_move = a("inspection_planning"), a("yard_move")
        self.inspection_transfer, self.inspection = a("inspection_transfer"), a("inspection")
        self.inspection_hold, self.return_transfer = a("inspection_hold"), a("return_transfer")
        self.truck_booking, self.gate_in = a("truck_booking"), a("gate_in")
        self.yard_retrieval, self.quay_to_gate = a("yard_retrieval"), a("quay_to_gate")
        self.gate_out, self.road_transport = a("gate_out"), a("road_transport")
        self.guarantee = a("guarantee")
        self.complete_declaration = a("complete_declaration", milestone=True)
        self.complete_declaration_late = log.outcome(spec.name, "complete_declaration_late")
        self.video_inspection = a("video_inspection")
        self.destination_inspection = a("destination_inspection")
        # Registered last and only when used: the activity codes of a scenario without the
        # layer stay as they were.
        self.agency = AgencySite(spec, facilities, log, self.officers, self.port)
        trucks = spec.trucks
        self.trucks = facilities[trucks.resource] if trucks else None
        self.truck_trip = a("truck_trip") if trucks else 0
        self.no_truck_at_berth = log.outcome(spec.name, "no_truck_at_berth") if trucks else 0
        self.yard_slots = YardSlots.at(spec, facilities, log, self.port)
        self.appointments: AppointmentPlatform | None = None


def start_sea_import(spec: SeaImportSpec, ctx: ProcessContext) -> None:
    """Set up the port and schedule every vessel call arriving before the admission limit."""
    ctx.log.declare_flow("import", "sea")
    site = SeaImportSite(spec, dict(ctx.facilities), ctx.log, ctx.router, ctx.control)
    site.appointments = AppointmentPlatform.at(spec, ctx.streams, ctx.log, site.port)
    factory = ContainerFactory(spec, ctx.streams)
    if spec.upstream is not None:
        # The calls are the sailings of the river chain from the origin (feeder.py).
        start_upstream(spec.upstream, site, factory, ctx, start_vessel_call)
        return
    for call in factory.vessel_calls(ctx.env, ctx.log, ctx.control, ctx.arrivals_until_min):
        start_vessel_call(ctx.env, call, site)


def start_vessel_call(env: simpy.Environment, call: VesselCall, site: SeaImportSite) -> None:
    """Start every process of a call: the vessel, and per container its declaration and release."""
    env.process(vessel_call(env, call, site))
    for box in call.containers:
        env.process(declaration(env, box, site))
        env.process(clearance(env, box, site))


def vessel_call(env: simpy.Environment, call: VesselCall, site: SeaImportSite) -> Process:
    """Arrive, confirm arrival, wait for a berth, discharge every box, leave."""
    log, port = site.log, site.port
    if call.arrival_min > env.now:
        yield env.timeout(call.arrival_min - env.now)
    milestone(env, log, call.case, site.vessel_arrival, port)
    for box in call.containers:
        milestone(env, log, box.case, site.arrival, port)
        site.control.arrive()
    env.process(confirm_arrival(env, call, site))
    berths, emit, instance = site.berths, log.emit, log.new_instance()
    emit((call.case, site.berth, instance, SCHEDULE, env.now, port, berths.code))
    with berths.resource.request(priority=1) as request:
        yield request
        emit((call.case, site.berth, instance, START, env.now, port, berths.code))
        yield from delay(env, log, call.case, site.berthing, port, call.berthing_min)
        yield env.all_of([env.process(discharge(env, box, site)) for box in call.containers])
        yield from delay(env, log, call.case, site.unberthing, port, call.unberthing_min)
        emit((call.case, site.berth, instance, COMPLETE, env.now, port, berths.code))
    milestone(env, log, call.case, site.vessel_departure, port)
    log.cases.finished[call.case] = True


def confirm_arrival(env: simpy.Environment, call: VesselCall, site: SeaImportSite) -> Process:
    """Tally / arrival confirmation of the manifest: green boxes can be released after it."""
    yield env.timeout(call.confirmation_min)
    milestone(env, site.log, call.case, site.arrival_confirmed, site.port)
    call.confirmed.succeed()


def discharge(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """A quay crane lifts the box: onto a waiting truck if ship-side and released, else to yard."""
    log, cranes = site.log, site.cranes
    emit, instance, port = log.emit, log.new_instance(), site.port
    emit((box.case, site.discharge, instance, SCHEDULE, env.now, port, cranes.code))
    with cranes.resource.request(priority=1) as request:
        yield request
        emit((box.case, site.discharge, instance, START, env.now, port, cranes.code))
        box.direct = box.ship_side and box.released.triggered
        if box.direct and site.trucks is not None:
            box.direct = truck_at_berth(env, box, site)
        if not box.direct and site.yard_slots is not None:
            yield from site.yard_slots.land(env, box)
        yield env.timeout(box.crane_min)
        emit((box.case, site.discharge, instance, COMPLETE, env.now, port, cranes.code))
    box.discharged.succeed()
    if box.direct:
        env.process(ship_side_exit(env, box, site))


def declaration(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """Lodgement, risk screening, document review (yellow, red); duty or a guarantee if taxable."""
    log, port = site.log, site.port
    lodgement_min = box.lodgement_min
    if box.agency.permit:
        lodgement_min = declare_after_permit(env, box, site.agency, lodgement_min)
    yield from lodge_and_screen(
        env,
        site.desk,
        box.case,
        lodgement_min,
        box.screening_min,
        box.channel,
        box.review_min,
        box.priority,
    )
    if box.taxable and box.two_step:
        # Taxable goods leave against a guarantee; duty is settled with the complete declaration.
        yield from delay(env, log, box.case, site.guarantee, port, box.guarantee_min)
    elif box.taxable:
        yield from delay(env, log, box.case, site.tax_payment, port, box.tax_min)
    box.declared.succeed()


def clearance(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """Release once declared and arrived (red: once inspected), then pick the box up."""
    log = site.log
    yield box.declared & box.call.confirmed
    if box.channel == Channel.RED and box.agency.cbz:
        yield box.discharged
        yield from cbz_clearance(env, box, site)
        return
    if box.channel == Channel.RED and box.remote and site.joint:
        yield box.discharged
        yield from joint_port_check(env, box, site)
    elif box.channel == Channel.RED and not (box.remote and site.inspects_at_destination):
        yield box.discharged
        if box.remote:
            yield from video_inspection(env, box, site)
        else:
            yield from inspection(env, box, site)
    milestone(env, log, box.case, site.release, site.port)
    box.released.succeed()
    if box.two_step:
        env.process(complete_declaration(env, box, site))
    else:
        box.paperwork_done.succeed()
    if box.ship_side:
        yield box.discharged
        if box.direct:
            return
    yield from delay(env, log, box.case, site.truck_booking, site.port, box.booking_min)
    yield from fetch_truck(env, box, site)
    if not box.discharged.triggered:
        yield box.discharged
    yield from serve(env, site.gates, log, box.case, site.gate_in, box.gate_in_min)
    yield from serve(env, site.yard, log, box.case, site.yard_retrieval, box.yard_out_min)
    if site.yard_slots is not None:
        site.yard_slots.lift_out(env, box)
    yield from leave_port(env, box, site)


def cbz_clearance(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """港区直接查验: picked up under bond, examined and released at the CBZ's designated site."""
    log, port = site.log, site.port
    yield from delay(env, log, box.case, site.truck_booking, port, box.booking_min)
    yield from fetch_truck(env, box, site)
    yield from serve(env, site.gates, log, box.case, site.gate_in, box.gate_in_min)
    yield from serve(env, site.yard, log, box.case, site.yard_retrieval, box.yard_out_min)
    if site.yard_slots is not None:
        site.yard_slots.lift_out(env, box)
    yield from serve(env, site.gates, log, box.case, site.gate_out, box.gate_out_min)
    if box.left_gate is not None:
        box.left_gate.succeed()
    yield from cbz_examination(env, box, site)
    cbz = site.agency.cbz_node
    milestone(env, log, box.case, site.release, cbz)
    box.released.succeed()
    if box.two_step:
        env.process(complete_declaration(env, box, site))
    else:
        box.paperwork_done.succeed()
    # Released at the CBZ site: the box leaves customs control there.
    milestone(env, log, box.case, site.exit, cbz)
    site.control.exit()
    name = site.agency.cbz_node_name
    trip_min = site.router.trip_min(name, box.destination, box.trip_u)
    yield from delay(env, log, box.case, site.road_transport, cbz, trip_min)
    milestone(env, log, box.case, site.delivery, site.destination_codes[box.destination])
    if not box.paperwork_done.triggered:
        yield box.paperwork_done
    if box.truck_back is not None and not box.truck_back.triggered:
        yield box.truck_back
    log.cases.finished[box.case] = True
    site.control.finish(box.measured)


def inspection(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """Plan, move the box to the inspection area, examine it on a lane, resolve a hold, return."""
    log, port, area = site.log, site.port, site.inspection_area
    spec = site.spec
    yield from delay(env, log, box.case, site.inspection_planning, port, box.plan_min)
    yield from serve(env, site.yard, log, box.case, site.yard_move, box.yard_move_min)
    out_min = site.router.trip_min(spec.port_node, spec.inspection_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.inspection_transfer, port, out_min)
    sampled = box.agency.sampled
    # A sample is taken during the examination (取样送检): the lane is held that much longer.
    examination_min = box.inspection_min + (box.agency.sampling_min if sampled else 0.0)
    yield from serve(env, site.lanes, log, box.case, site.inspection, examination_min, box.priority)
    result = env.process(sample_for_release(env, box, site.agency, area)) if sampled else None
    if box.hold:
        yield from delay(env, log, box.case, site.inspection_hold, area, box.hold_min)
    back_min = site.router.trip_min(spec.inspection_node, spec.port_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.return_transfer, area, back_min)
    if result is not None:
        # Release waits for the laboratory's result; the box waits in the yard.
        yield result


def video_inspection(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """远程视频查验: an officer examines the box in the yard by video (S38), no lane, no move."""
    log, port = site.log, site.port
    yield from delay(env, log, box.case, site.inspection_planning, port, box.plan_min)
    yield from serve(
        env, site.officers, log, box.case, site.video_inspection, box.remote_min, box.priority
    )
    if box.hold:
        yield from delay(env, log, box.case, site.inspection_hold, port, box.hold_min)


def complete_declaration(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """两步申报 step 2, off the release path: lodged once every document is ready, after release.

    The case is done for run control at its complete declaration or at the deadline (14 days
    after arrival, S24), whichever is first; a declaration lodged after the deadline is a
    late completion (an outcome) and is still recorded if the run lasts that long.
    """
    log, port = site.log, site.port
    spec = site.spec.declaration.two_step
    assert spec is not None
    deadline = box.call.arrival_min + spec.deadline_days * 1440.0
    lodged = max(env.now, box.complete_lodgement_min)
    if lodged > deadline:
        if deadline > env.now:
            yield env.timeout(deadline - env.now)
        milestone(env, log, box.case, site.complete_declaration_late, port)
        box.paperwork_done.succeed()
    if lodged > env.now:
        yield env.timeout(lodged - env.now)
    milestone(env, log, box.case, site.complete_declaration, port)
    if not box.paperwork_done.triggered:
        box.paperwork_done.succeed()


def ship_side_exit(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """船边直提: the truck waiting at the berth drives the box straight to the gate."""
    yield from delay(env, site.log, box.case, site.quay_to_gate, site.port, box.quay_to_gate_min)
    yield from leave_port(env, box, site)


def leave_port(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """Gate out (exit from the customs area), then the road trip to the consignee."""
    log, port = site.log, site.port
    yield from serve(env, site.gates, log, box.case, site.gate_out, box.gate_out_min)
    if box.left_gate is not None:
        box.left_gate.succeed()
    milestone(env, log, box.case, site.exit, port)
    site.control.exit()
    trip_min = site.router.trip_min(site.spec.port_node, box.destination, box.trip_u)
    yield from delay(env, log, box.case, site.road_transport, port, trip_min)
    destination = site.destination_codes[box.destination]
    milestone(env, log, box.case, site.delivery, destination)
    if box.remote and box.channel == Channel.RED and site.inspects_at_destination:
        # 属地查检: examined at the consignee's site, after delivery, off the port path.
        sampled = box.agency.sampled
        examination_min = box.remote_min + (box.agency.sampling_min if sampled else 0.0)
        yield from delay(
            env, log, box.case, site.destination_inspection, destination, examination_min
        )
        if box.hold:
            yield from delay(env, log, box.case, site.inspection_hold, destination, box.hold_min)
        if sampled:
            # The goods wait at the consignee's site for the result, off the release path.
            yield from sample_for_release(env, box, site.agency, destination)
    if not box.paperwork_done.triggered:
        yield box.paperwork_done
    if box.truck_back is not None and not box.truck_back.triggered:
        yield box.truck_back
    log.cases.finished[box.case] = True
    site.control.finish(box.measured)
