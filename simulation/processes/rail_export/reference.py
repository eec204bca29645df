"""中欧班列 rail export from Wujiashan, the reference model: one SimPy process per box and train.

The procedure as it happens (docs/background/rail-export-model.md), read top to bottom:

* :func:`box` -- a full box (FCL) is trucked from the exporter's site to the Wujiashan terminal;
  the goods of an LCL box reach the consolidation warehouse (CFS) beside it; a box of
  international transit goods is trucked under transit supervision from the river port at
  Yangluo (``arrival``). Transit goods are accepted by an officer (seals and manifest) and are
  not declared for export. Domestic goods are declared (``lodgement``) after a delay, screened,
  reviewed by an officer (yellow, red) and, when red, examined on a lane. An LCL box's goods wait
  at the CFS for the rest of the box's goods, are stuffed by a crew and the box moved to the
  terminal; conventionally (先装运后查验) a red LCL box is then moved to the inspection area,
  unpacked, its goods examined and the box repacked; under 先查验后装运 the goods of a pilot
  category are declared while they wait and, when selected, examined at the CFS before
  stuffing. Released (``release``), the box is handed to the first train of its line whose
  cut-off it makes and that has room; it waits until the train leaves (``departure``).
  Conventionally transit goods wait for a dedicated transit train; under 过境班列集拼 they board
  the scheduled train with the domestic exports.
* :func:`train_run` -- the train runs to the border port (Alashankou), is re-gauged there
  (换装); conventionally the border office takes over the export transit (转关): it accepts the
  train's transit declaration, checks every box against it and verifies the seals, while every
  box records the stop (``transit_formalities``); under 铁路快通 it does none of this. The train
  leaves China (each box's ``border_exit`` and ``exit``) and runs on to Duisburg
  (``overseas_rail_arrival``), where the case ends.

Servers are requested directly (:func:`~clearsim.simulation.kernel.facilities.serve`), so shift
closures act on them as on any request. The kind has no fast path: this model is the engine's.
"""

from __future__ import annotations

import simpy

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Process, delay, milestone, serve
from clearsim.simulation.processes.departures import Departure
from clearsim.simulation.processes.rail_export.entities import Box, BoxFactory
from clearsim.simulation.processes.rail_export.site import RailExportSite, Train


def boxes(
    env: simpy.Environment,
    factory: BoxFactory,
    site: RailExportSite,
    schedule: list[tuple[float, bool]],
) -> Process:
    """Create each box when it sets out (or its LCL goods reach the CFS), in order.

    ``schedule`` holds (minute, measured) of every box.
    """
    for start_min, measured in schedule:
        if start_min > env.now:
            yield env.timeout(start_min - env.now)
        each = factory.box(site.log, start_min, measured)
        env.process(box(env, each, factory, site))


def box(env: simpy.Environment, b: Box, factory: BoxFactory, site: RailExportSite) -> Process:
    """Arrival, acceptance or declaration and checks, release, the train, the border, Europe."""
    log, case, spec = site.log, b.case, site.spec
    if b.kind == "lcl":
        milestone(env, log, case, site.arrival, site.cfs)
    else:
        trip_min = site.router.trip_min(b.origin, spec.terminal_node, b.trip_u)
        yield from delay(env, log, case, site.road_transport, site.origin_codes[b.origin], trip_min)
        milestone(env, log, case, site.arrival, site.terminal)
    site.control.arrive()
    line = site.lines[site.line_of(b)]
    planned = line.planned_index(env.now)
    if b.kind == "transit":
        # Transit goods under customs supervision: seals and manifest accepted, no declaration.
        yield from serve(env, site.officers, log, case, site.transit_acceptance, b.acceptance_min)
    elif b.kind == "lcl":
        yield from lcl_box(env, b, site)
    else:
        yield from declare(env, b, site, site.terminal)
        if b.channel == Channel.RED:
            yield from delay(env, log, case, site.yard_move, site.terminal, b.yard_move_min)
            yield from serve(env, site.lanes, log, case, site.inspection, b.inspection_min)
    milestone(env, log, case, site.release, site.terminal)
    departure = line.hand_over(case, 1)
    train = site.train(site.line_of(b), departure)
    if train is None:
        train = site.add_train(site.line_of(b), departure)
        env.process(train_run(env, train, factory, site))
    train.boxes.append(b)
    if b.consolidated:
        milestone(env, log, case, site.consolidated_transit, site.terminal)
    if departure.index > planned:
        milestone(env, log, case, line.missed, line.node)
    yield departure.left  # the line records ``departure`` on the box as the train leaves
    yield train.cleared
    milestone(env, log, case, site.border_exit, site.border)
    milestone(env, log, case, site.exit, site.border)
    site.control.exit()
    yield train.arrived
    milestone(env, log, case, site.overseas_rail_arrival, site.destination)
    log.cases.finished[case] = True
    site.control.finish(b.measured)


def declare(env: simpy.Environment, b: Box, site: RailExportSite, node: int) -> Process:
    """The export declaration: lodged after a delay, screened, reviewed (yellow, red)."""
    log, case = site.log, b.case
    yield env.timeout(b.declaration_delay_min)
    milestone(env, log, case, site.lodgement, node)
    yield from delay(env, log, case, site.risk_screening, node, b.screening_min)
    log.cases.channel[case] = int(b.channel)
    if b.channel != Channel.GREEN:
        yield from serve(env, site.officers, log, case, site.document_review, b.review_min)


def lcl_box(env: simpy.Environment, b: Box, site: RailExportSite) -> Process:
    """LCL goods at the CFS: wait for the box's other goods, stuffing, the move to the terminal.

    Conventionally the declaration runs beside the physical steps and a red box is checked at the
    terminal, unpacked. Under 先查验后装运 the declaration runs while the goods wait, and selected
    goods are examined before stuffing: the box never goes back.
    """
    log, case, spec = site.log, b.case, site.spec
    declared = env.process(declare(env, b, site, site.cfs))
    yield from delay(env, log, case, site.consolidation_wait, site.cfs, b.consolidation_wait_min)
    if b.before_loading:
        if not declared.triggered:
            yield declared
        if b.channel == Channel.RED:
            milestone(env, log, case, site.inspected_before_loading, site.cfs)
            yield from serve(env, site.lanes, log, case, site.inspection, b.inspection_min)
    yield from serve(env, site.crews, log, case, site.stuffing, b.stuffing_min)
    trip_min = site.router.trip_min(spec.cfs_node, spec.terminal_node, b.trip_u)
    yield from delay(env, log, case, site.road_transport, site.cfs, trip_min)
    if not declared.triggered:
        yield declared
    if b.channel == Channel.RED and not b.before_loading:
        # 先装运后查验: the whole box goes to the inspection area and is unpacked and repacked.
        milestone(env, log, case, site.held_with_container, site.terminal)
        yield from delay(env, log, case, site.yard_move, site.terminal, b.yard_move_min)
        yield from delay(env, log, case, site.unstuffing, site.terminal, b.unstuffing_min)
        yield from serve(env, site.lanes, log, case, site.inspection, b.inspection_min)
        yield from delay(env, log, case, site.restuffing, site.terminal, b.restuffing_min)


def train_run(
    env: simpy.Environment, train: Train, factory: BoxFactory, site: RailExportSite
) -> Process:
    """From departure to the border, the stop there, on to the European terminal."""
    log, departure = site.log, train.departure
    yield departure.left
    # The line closes the train's case as it leaves; its run to Europe goes on in this model.
    log.cases.finished[departure.case] = False
    run = factory.train_run(train.line, departure.index)
    site.count_train_trips()
    terminal, border = site.terminal, site.border
    yield from delay(env, log, departure.case, site.rail_transport, terminal, run.to_border_min)
    milestone(env, log, departure.case, site.border_arrival, border)
    yield from delay(env, log, departure.case, site.border_handling, border, run.handling_min)
    if not run.fast:
        yield from transit_formalities(
            env, train, departure, run.declaration_min, run.seal_check_min, site
        )
    milestone(env, log, departure.case, site.border_departure, border)
    train.cleared.succeed()
    yield from delay(env, log, departure.case, site.rail_transport, border, run.to_destination_min)
    milestone(env, log, departure.case, site.train_arrival, site.destination)
    log.cases.finished[departure.case] = True
    train.arrived.succeed()


def transit_formalities(
    env: simpy.Environment,
    train: Train,
    departure: Departure,
    declaration_min: float,
    seal_check_min: float,
    site: RailExportSite,
) -> Process:
    """Conventional export transit at the border: declaration, a check of every box, seals."""
    log, border = site.log, site.border
    checks_min = sum(b.border_check_min for b in train.boxes)
    steps = (declaration_min, checks_min, seal_check_min)
    for b in train.boxes:
        env.process(delay(env, log, b.case, site.transit_formalities, border, sum(steps)))
    for step, minutes in zip(site.transit_steps, steps, strict=True):
        yield from delay(env, log, departure.case, step, border, minutes)
