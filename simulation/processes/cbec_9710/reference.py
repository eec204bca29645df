"""9710 B2B direct export, the reference model: one SimPy process per consignment and per unit.

The procedure as it happens (docs/background/cbec-9710-model.md), read top to bottom:

* :func:`consignment`: the exporter's goods are ready at its premises; goods subject to
  statutory inspection are inspected there (or go on their production batch's result under
  batch inspection) while the truck takes them to the export site (``arrival``: the air cargo
  terminal, the rail or river consolidation warehouse, CFS). The declarant prepares the
  documents one after another and lodges a list or a declaration form once the inspection
  result is in; the risk engine screens it; an officer reviews some forms. A consignment
  selected for a physical check is examined by video, or on a lane before it is packed (air;
  LCL under 先查验后装运), or, conventionally for LCL, only later with its whole container at
  the port. Released, it waits at the site for packing.
* :func:`consolidation`: before each departure's cut-off the site packs what waits into
  containers or ULDs, a few consignments each.
* :func:`unit`: the container (ULD) is packed, taken to the port; a container holding a
  consignment still to be checked goes to the inspection area, is unpacked, the consignment
  examined, the container repacked: the container waits for its slowest consignment. It is
  then handed to the first departure it makes (``exit`` of each consignment), which records
  ``departure`` when it leaves.
"""

from __future__ import annotations

import simpy

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Process, delay, milestone, serve
from clearsim.simulation.processes import export_inspection
from clearsim.simulation.processes.cbec_9710.entities import Consignment
from clearsim.simulation.processes.cbec_9710.site import B2BExportSite, ModeSite


def consignment(env: simpy.Environment, c: Consignment, site: B2BExportSite) -> Process:
    """From the exporter's premises to the site, declaration, checks, release, await packing."""
    log, case, mode = site.log, c.case, site.modes[c.mode]
    if c.ready_min > env.now:
        yield env.timeout(c.ready_min - env.now)
    statutory = env.process(statutory_inspection(env, c, site, mode)) if c.statutory else None
    yield from delay(env, log, case, site.road_transport, mode.site, c.trip_min)
    milestone(env, log, case, site.arrival, mode.site)
    site.control.arrive()
    c.planned_index = mode.departures.planned_index(env.now)
    # The declarant prepares the documents this form needs, one after another.
    prepare_min = site.spec.documents.preparation_min(c.form, tuple(c.documents_min))
    yield from delay(env, log, case, site.document_preparation, mode.site, prepare_min)
    if statutory is not None and not statutory.triggered:
        yield statutory  # no declaration before the inspection result (电子底账)
    milestone(env, log, case, site.lodgement, mode.site)
    yield from delay(env, log, case, site.risk_screening, mode.site, c.screening_min)
    if c.reviewed:
        yield from serve(env, site.officers, log, case, site.document_review, c.review_min)
    channel = Channel.RED if c.selected else Channel.YELLOW if c.reviewed else Channel.GREEN
    log.cases.channel[case] = int(channel)
    if c.selected and c.remote:
        # Video inspection: the officer examines the goods by video link; no lane, no transfer.
        yield from delay(env, log, case, site.video_inspection, mode.site, c.video_min)
    elif c.selected and mode.spec.lcl and not c.before_loading:
        c.deferred = True  # checked at the port with its whole container
    elif c.selected:
        if c.before_loading:
            milestone(env, log, case, site.inspected_before_loading, mode.site)
        yield from serve(
            env, mode.lanes, log, case, site.inspection, c.inspection_min, site.priority
        )
    if not c.deferred:
        milestone(env, log, case, site.release, mode.site)
    mode.waiting.append(c)


def statutory_inspection(
    env: simpy.Environment, c: Consignment, site: B2BExportSite, mode: ModeSite
) -> Process:
    """法检 at the exporter's premises, from the goods' readiness to the result."""
    yield from export_inspection.statutory_inspection(
        env,
        site.log,
        c.case,
        mode.site,
        site.statutory_inspection,
        site.batch_inspection_covered,
        c.batch_covered,
        c.statutory_min,
    )


def consolidation(env: simpy.Environment, mode: ModeSite, site: B2BExportSite) -> Process:
    """Before every departure's cut-off, pack what waits into units of a few consignments."""
    spec, timetable = mode.spec, mode.spec.departures
    index = timetable.first_index_open_at(env.now + spec.close_before_cutoff_min)
    while True:
        close_min = (
            timetable.departure_min(index)
            - timetable.cutoff_before_min
            - spec.close_before_cutoff_min
        )
        index += 1
        if close_min > env.now:
            yield env.timeout(close_min - env.now)
        waiting, mode.waiting = mode.waiting, []
        size = spec.consignments_per_unit
        for start in range(0, len(waiting), size):
            env.process(unit(env, waiting[start : start + size], mode, site))


def unit(
    env: simpy.Environment, members: list[Consignment], mode: ModeSite, site: B2BExportSite
) -> Process:
    """Pack, take to the port, check there if a consignment needs it, hand to the carrier."""
    log, spec, factory = site.log, mode.spec, site.factory
    case = log.new_case(
        spec.unit, site.spec.name, shipment=False, direction="export", mode="cbec_9710"
    )
    for c in members:
        log.link(c.case, case, "consolidated_in")
    packing = site.stuffing if spec.unit == "container" else site.build_up
    yield from delay(env, log, case, packing, mode.site, factory.packing_min(mode.name))
    pace = factory.unit_trip_u()
    if spec.site_node != spec.port_node:
        trip_min = site.router.trip_min(spec.site_node, spec.port_node, pace)
        yield from delay(env, log, case, site.road_transport, mode.site, trip_min)
    deferred = [c for c in members if c.deferred]
    if deferred:
        yield from container_check(env, case, members, deferred, mode, site, pace)
    departure = mode.departures.hand_over(case, 1)
    for c in members:
        departure.loaded.append(c.case)
        log.link(c.case, departure.case, "carried_by")
        milestone(env, log, c.case, site.exit, mode.port)
        site.control.exit()
        if departure.index > c.planned_index:
            milestone(env, log, c.case, mode.departures.missed, mode.port)
    yield departure.left
    log.cases.finished[case] = True
    for c in members:
        log.cases.finished[c.case] = True
        site.control.finish(c.measured)
        c.order.open_consignments -= 1
        if not c.order.open_consignments:
            log.cases.finished[c.order.case] = True


def container_check(
    env: simpy.Environment,
    case: int,
    members: list[Consignment],
    deferred: list[Consignment],
    mode: ModeSite,
    site: B2BExportSite,
    pace: float,
) -> Process:
    """The conventional check of LCL: the whole container to the inspection area, unpacked.

    Every consignment in it waits; the container leaves once each selected one is examined and
    released and the container is repacked.
    """
    log, spec, factory = site.log, mode.spec, site.factory
    for c in members:
        milestone(env, log, c.case, site.held_with_container, mode.port)
    moved = spec.port_node != spec.inspection_node
    if moved:
        out_min = site.router.trip_min(spec.port_node, spec.inspection_node, pace)
        yield from delay(env, log, case, site.inspection_transfer, mode.port, out_min)
    unpack_min = factory.unpacking_min(mode.name)
    yield from delay(env, log, case, site.unstuffing, mode.inspection_area, unpack_min)
    checks = [env.process(examine(env, c, mode, site)) for c in deferred]
    yield env.all_of(checks)
    repack_min = factory.unpacking_min(mode.name)
    yield from delay(env, log, case, site.restuffing, mode.inspection_area, repack_min)
    if moved:
        back_min = site.router.trip_min(spec.inspection_node, spec.port_node, pace)
        yield from delay(env, log, case, site.return_transfer, mode.inspection_area, back_min)


def examine(env: simpy.Environment, c: Consignment, mode: ModeSite, site: B2BExportSite) -> Process:
    """A selected consignment taken out of its container is examined on a lane and released."""
    log = site.log
    yield from serve(env, mode.lanes, log, c.case, site.inspection, c.inspection_min, site.priority)
    milestone(env, log, c.case, site.release, mode.inspection_area)
