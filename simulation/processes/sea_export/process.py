"""Sea (river) export of containers: conventional clearance and 抵港直装 direct loading on arrival.

Actors and steps (docs/background/sea-export-model.md; S1, S25): an export vessel call
arrives, waits for a berth and opens its loading window. Its containers come by truck to the
port gate (``arrival``) before the cut-off; the terminal sends the arrival report (运抵报告); the
declarant lodges the export declaration after arrival or in advance (at most 3 days before,
S25); the risk engine screens it into green, yellow or red; yellow and red get a document review
by an officer; red boxes are taken from the export yard to the inspection area and examined. A
box is released once declared and reported (red: once inspected). Conventionally the box is
stacked in the export yard, waits for its vessel and its release, is taken from the yard to the
quay and loaded by a quay crane: loading is its ``exit`` (the box leaves the customs area on
board); the vessel's departure is the box's ``departure`` (it leaves China), recorded on the
vessel's case too (``vessel_departure``), the box linked to its call (``carried_by``). Export
boxes have no delivery milestone.

With direct loading, a participating box is declared and released before it arrives; its truck
is called to arrive in the vessel's loading window and drives from the gate straight to the quay,
skipping the export yard. A participant not released when its truck reaches the gate (a red box,
or a review not finished) takes the conventional branch. Boxes not loaded when their vessel's
loading window closes roll over to the next call (outcome ``rolled_over``).

With a stream of statutory-inspection goods (``export_inspection``), the goods of a box on the
catalogue are inspected at the exporter's premises (``statutory_inspection``) from the earlier
of the planned lodgement and the gate arrival, and the declaration waits for the result (电子底账);
under batch inspection (出口批次检验, SEED-003 s8) a pilot exporter's later box of an inspected
production batch goes on the batch's result (outcome ``batch_inspection_covered``). The goods'
own check share decides the red channel. Under 远程属地查检 (SEED-003 s8, s12: 中药材 on its
positive list) a selected box of statutory goods is examined by video at the producer's site
when its statutory inspection is requested, before the declaration (``video_inspection``): it
comes to the port examined, and is released like a green box, with no yard move, transfer or
lane. The sea export has no exporter site in the network: the steps at the premises are recorded
at the port node, the office that orders them.
"""

from __future__ import annotations

import simpy

from clearsim.models.sea_export import SeaExportSpec
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
from clearsim.simulation.processes.export_inspection import statutory_inspection
from clearsim.simulation.processes.sea_export.entities import (
    ExportContainer,
    ExportContainerFactory,
    ExportVesselCall,
    GoodsChecks,
)
from clearsim.simulation.processes.sea_export.onward import OnwardChain, feeder_departed


class SeaExportSite:
    """The collaborators of one sea-export process: facilities, sites, router, activity codes."""

    def __init__(
        self,
        spec: SeaExportSpec,
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
        self.port = log.node(spec.port_node)
        self.inspection_area = log.node(spec.inspection_node)
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.departure = a("departure")
        self.vessel_arrival = a("vessel_arrival", milestone=True)
        self.loading_closed = a("loading_closed", milestone=True)
        self.vessel_departure = a("vessel_departure", milestone=True)
        self.berth, self.berthing, self.unberthing = a("berth"), a("berthing"), a("unberthing")
        self.gate_in, self.arrival_report = a("gate_in"), a("arrival_report")
        self.yard_stacking, self.yard_retrieval = a("yard_stacking"), a("yard_retrieval")
        self.quay_transfer, self.loading = a("quay_transfer"), a("loading")
        self.desk = DeclarationDesk.at(log, self.officers, self.port)
        self.inspection_planning, self.yard_move = a("inspection_planning"), a("yard_move")
        self.inspection_transfer, self.inspection = a("inspection_transfer"), a("inspection")
        self.inspection_hold, self.return_transfer = a("inspection_hold"), a("return_transfer")
        self.rolled_over = log.outcome(spec.name, "rolled_over")
        if spec.export_inspection is not None:  # registered only then: today's logs unchanged
            self.statutory_inspection = a("statutory_inspection")
            self.video_inspection = a("video_inspection")
            self.batch_inspection_covered = log.outcome(spec.name, "batch_inspection_covered")
        onward = spec.onward  # registered only then: today's logs unchanged
        self.onward = (
            OnwardChain(onward, spec.port_node, spec.name, log, router, control)
            if onward is not None
            else None
        )


def start_sea_export(spec: SeaExportSpec, ctx: ProcessContext) -> None:
    """Set up the port and schedule every export call arriving before the admission limit."""
    ctx.log.declare_flow("export", "sea")
    site = SeaExportSite(spec, dict(ctx.facilities), ctx.log, ctx.router, ctx.control)
    factory = ExportContainerFactory(spec, ctx.streams)
    env = ctx.env
    for call in factory.vessel_calls(env, ctx.log, ctx.control, ctx.arrivals_until_min):
        env.process(vessel_call(env, call, site))
        for box in call.containers:
            env.process(declaration(env, box, site))
            env.process(clearance(env, box, site))
            env.process(gate_and_load(env, box, site))


def vessel_call(env: simpy.Environment, call: ExportVesselCall, site: SeaExportSite) -> Process:
    """Arrive, berth, load until every box is on board or the window closes, leave."""
    log, port = site.log, site.port
    if call.arrival_min > env.now:
        yield env.timeout(call.arrival_min - env.now)
    milestone(env, log, call.case, site.vessel_arrival, port)
    berths, emit, instance = site.berths, log.emit, log.new_instance()
    emit((call.case, site.berth, instance, SCHEDULE, env.now, port, berths.code))
    with berths.resource.request(priority=1) as request:
        yield request
        emit((call.case, site.berth, instance, START, env.now, port, berths.code))
        yield from delay(env, log, call.case, site.berthing, port, call.berthing_min)
        call.loading_open.succeed()
        yield call.all_loaded | env.timeout(call.window_min)
        call.closed = True
        milestone(env, log, call.case, site.loading_closed, port)
        if call.committed:
            # Boxes already on their way to the crane are loaded: the window is a plan, not a wall.
            yield call.drained
        yield from delay(env, log, call.case, site.unberthing, port, call.unberthing_min)
        emit((call.case, site.berth, instance, COMPLETE, env.now, port, berths.code))
    milestone(env, log, call.case, site.vessel_departure, port)
    if site.onward is not None:  # a river feeder: its boxes sail on to the hub port
        feeder_departed(env, call, site.onward)
        return
    for box in call.loaded:  # the goods leave China with the vessel (离境)
        milestone(env, log, box.case, site.departure, port)
        log.link(box.case, call.case, "carried_by")
        log.cases.finished[box.case] = True
        site.control.finish(box.measured)
    log.cases.finished[call.case] = True


def declaration(env: simpy.Environment, box: ExportContainer, site: SeaExportSite) -> Process:
    """Lodgement, risk screening and document review (yellow, red); exports pay no duty."""
    lodgement_min = box.lodgement_min
    goods = box.goods
    if goods is not None and (goods.statutory or goods.remote):
        yield from premises_checks(env, box, goods, site)
        lodgement_min = max(lodgement_min, env.now)  # no declaration before the result
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
    box.declared.succeed()


def premises_checks(
    env: simpy.Environment, box: ExportContainer, goods: GoodsChecks, site: SeaExportSite
) -> Process:
    """法检 at the exporter's premises and, alongside, 远程属地查检 by video of a selected box.

    Requested at the earlier of the planned lodgement and the gate arrival (at the run's start
    at the earliest: such boxes are in the warm-up): the video examination starts then, while
    the goods are at the producer's site, the statutory inspection runs to its result; the
    declaration waits for both.
    """
    request_min = max(0.0, min(box.lodgement_min, box.arrival_min))
    if request_min > env.now:
        yield env.timeout(request_min - env.now)
    log, case, port = site.log, box.case, site.port
    video = None
    if goods.remote:  # the officer examines the goods by video while they are still there
        video = env.process(delay(env, log, case, site.video_inspection, port, goods.video_min))
    if goods.statutory:
        yield from statutory_inspection(
            env,
            log,
            case,
            port,
            site.statutory_inspection,
            site.batch_inspection_covered,
            goods.batch_covered,
            goods.statutory_min,
        )
    if video is not None and not video.triggered:
        yield video


def clearance(env: simpy.Environment, box: ExportContainer, site: SeaExportSite) -> Process:
    """Release once declared and reported; red after inspection; participants before arrival."""
    yield box.declared
    examined_at_origin = box.goods is not None and box.goods.remote
    if box.channel == Channel.RED and not examined_at_origin:
        yield box.stacked & box.reported
        yield from inspection(env, box, site)
    elif not box.participant:
        # Conventionally customs releases an export only once the goods are reported arrived.
        yield box.reported
    milestone(env, site.log, box.case, site.release, site.port)
    box.released.succeed()


def inspection(env: simpy.Environment, box: ExportContainer, site: SeaExportSite) -> Process:
    """Plan, take the box from the export yard to the inspection area, examine, hold, return."""
    log, port, area, spec = site.log, site.port, site.inspection_area, site.spec
    yield from delay(env, log, box.case, site.inspection_planning, port, box.plan_min)
    yield from serve(env, site.yard, log, box.case, site.yard_move, box.yard_move_min)
    out_min = site.router.trip_min(spec.port_node, spec.inspection_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.inspection_transfer, port, out_min)
    yield from serve(
        env, site.lanes, log, box.case, site.inspection, box.inspection_min, box.priority
    )
    if box.hold:
        yield from delay(env, log, box.case, site.inspection_hold, area, box.hold_min)
    back_min = site.router.trip_min(spec.inspection_node, spec.port_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.return_transfer, area, back_min)


def gate_and_load(env: simpy.Environment, box: ExportContainer, site: SeaExportSite) -> Process:
    """The truck arrives and gates in; straight to the quay if direct, else via the export yard."""
    log, port = site.log, site.port
    if box.arrival_min > env.now:
        yield env.timeout(box.arrival_min - env.now)
    milestone(env, log, box.case, site.arrival, port)
    site.control.arrive()
    box.direct = box.participant and box.released.triggered
    yield from serve(env, site.gates, log, box.case, site.gate_in, box.gate_in_min)
    env.process(arrival_report(env, box, site))
    if box.direct:
        yield from delay(env, log, box.case, site.quay_transfer, port, box.quay_transfer_min)
        yield from load(env, box, site, in_yard=False)
        return
    yield from serve(env, site.yard, log, box.case, site.yard_stacking, box.stacking_min)
    box.stacked.succeed()
    yield box.released
    yield from load(env, box, site, in_yard=True)


def arrival_report(env: simpy.Environment, box: ExportContainer, site: SeaExportSite) -> Process:
    """The terminal's arrival report (运抵报告): customs knows the goods are in the port."""
    yield from delay(env, site.log, box.case, site.arrival_report, site.port, box.report_min)
    box.reported.succeed()


def load(
    env: simpy.Environment, box: ExportContainer, site: SeaExportSite, in_yard: bool
) -> Process:
    """Wait for the vessel's loading window, then yard -> quay -> crane -> on board (exit).

    A box whose vessel has closed loading rolls over to the next call; a truck at the quay then
    drops its box in the export yard.
    """
    log, port = site.log, site.port
    while True:
        call = box.call
        if not call.loading_open.triggered:
            yield call.loading_open
        if not call.closed:
            break
        milestone(env, log, box.case, site.rolled_over, port)
        if not in_yard:
            yield from serve(env, site.yard, log, box.case, site.yard_stacking, box.stacking_min)
            in_yard = True
        if call.next_call is None:
            return  # no later call in this run: the box stays in the yard (in system)
        box.call = call.next_call
        box.call.remaining += 1
    call.committed += 1
    if in_yard:
        yield from serve(env, site.yard, log, box.case, site.yard_retrieval, box.retrieval_min)
        yield from delay(env, log, box.case, site.quay_transfer, port, box.quay_transfer_min)
    if not box.reported.triggered:
        yield box.reported  # no loading before the arrival report is in
    yield from serve(env, site.cranes, log, box.case, site.loading, box.crane_min, box.priority)
    milestone(env, log, box.case, site.exit, port)
    site.control.exit()
    call.loaded.append(box)
    call.committed -= 1
    call.remaining -= 1
    if call.remaining == 0 and not call.all_loaded.triggered:
        call.all_loaded.succeed()
    if call.closed and call.committed == 0 and not call.drained.triggered:
        call.drained.succeed()
