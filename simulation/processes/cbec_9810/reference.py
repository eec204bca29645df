"""出口海外仓 9810, the reference model: one SimPy process per consignment, read top to bottom.

This is the procedure as it happens (docs/background/cbec-9810-model.md):

* :func:`consignments` brings each consignment into being when it reaches the consolidation point
  and starts its process;
* :func:`consignment` -- the goods arrive at the Wujiashan consolidation point (``arrival``);
  an exporter not yet registered for 9810 files its CBEC enterprise registration and its
  overseas-warehouse business first (海外仓备案, S62), unless SEED-003 s8 has abolished the filing;
  the declarant transmits the overseas-warehouse booking (海外仓订仓单) and prepares the documents
  the declaration needs, one after another (a list needs fewer than a declaration form; the
  simplified-documents reform drops some), while goods subject to statutory inspection are
  inspected (a pilot exporter's later consignments of an inspected production batch go on the
  batch's result); then the declaration is lodged, screened, its documents reviewed by an officer
  (yellow, red), the goods of a red one checked on a lane (or by video), and released; a crew
  stuffs the consignment into a container of the next train with room, handed over at its
  cut-off; the train leaves (``departure``, ``exit``), runs to the border, stops there, crosses
  (``border_exit``), runs to the overseas terminal, and the goods are trucked to the warehouse
  (``overseas_warehouse_arrival``), where the case ends.

Servers are requested directly (:func:`~clearsim.simulation.kernel.facilities.serve`), so shift
closures act on them as on any request. The kind has no fast path: this model is the engine's.
"""

from __future__ import annotations

import simpy

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Process, delay, milestone, serve
from clearsim.simulation.processes.cbec_9810.entities import Consignment, ConsignmentFactory
from clearsim.simulation.processes.cbec_9810.site import ConsolidationPoint
from clearsim.simulation.processes.declaration import lodge


def consignments(
    env: simpy.Environment,
    factory: ConsignmentFactory,
    site: ConsolidationPoint,
    schedule: list[tuple[float, bool]],
) -> Process:
    """Create each consignment when it reaches the consolidation point, in arrival order.

    ``schedule`` holds (arrival minute, measured) of every consignment.
    """
    for arrival_min, measured in schedule:
        if arrival_min > env.now:
            yield env.timeout(arrival_min - env.now)
        each = factory.consignment(site.log, arrival_min, measured)
        env.process(consignment(env, each, factory, site))


def consignment(
    env: simpy.Environment,
    goods: Consignment,
    factory: ConsignmentFactory,
    site: ConsolidationPoint,
) -> Process:
    """Arrival, declaration, release, stuffing, the train, the border, the overseas warehouse."""
    log, case, node, spec = site.log, goods.case, site.node, site.spec
    milestone(env, log, case, site.arrival, node)
    site.control.arrive()
    planned = site.trains.planned_index(goods.arrival_min)
    yield from declare(env, goods, site)
    # Customs' decision: review of yellow and red documents, a check of red goods.
    log.cases.channel[case] = int(goods.channel)
    if goods.channel != Channel.GREEN:
        yield from serve(env, site.officers, log, case, site.document_review, goods.review_min)
    if goods.channel == Channel.RED:
        if goods.remote and spec.inspection.remote is not None:
            # Video inspection: the officer watches the goods opened on camera, no lane.
            yield from delay(env, log, case, site.video_inspection, node, goods.video_min)
        else:
            yield from serve(env, site.lanes, log, case, site.inspection, goods.physical_min)
    milestone(env, log, case, site.release, node)
    # Consolidation: stuffed into a container of the first train whose cut-off it makes.
    yield from serve(env, site.crews, log, case, site.container_stuffing, goods.stuffing_min)
    departure = site.trains.hand_over(case, 1)
    if departure.index > planned:
        milestone(env, log, case, site.trains.missed, site.trains.node)
    site.stuff(case, departure)
    yield departure.left  # the train records ``departure`` on the consignment as it leaves
    milestone(env, log, case, site.exit, node)
    site.control.exit()
    # The China-Europe train: to the border, the exit formalities there, on to the terminal.
    run = factory.train_run(departure.index)
    site.count_train_trips(departure.index)
    yield from delay(env, log, case, site.rail_transport, node, run.to_border_min)
    yield from delay(env, log, case, site.border_handling, site.border, run.border_min)
    milestone(env, log, case, site.border_exit, site.border)
    yield from delay(env, log, case, site.rail_transport, site.border, run.to_terminal_min)
    milestone(env, log, case, site.overseas_rail_arrival, site.terminal)
    yield from delay(env, log, case, site.road_transport, site.terminal, goods.trucking_min)
    milestone(env, log, case, site.overseas_warehouse_arrival, site.terminal)
    log.cases.finished[case] = True
    site.control.finish(goods.measured)


def declare(env: simpy.Environment, goods: Consignment, site: ConsolidationPoint) -> Process:
    """Registration if needed, booking data and documents beside the statutory inspection; lodge.

    The declaration is lodged once the documents are ready and, for goods subject to statutory
    inspection, its result is in; it is then screened automatically.
    """
    log, case, node, spec = site.log, goods.case, site.node, site.spec
    if goods.unregistered and spec.registration.required:
        # A new exporter: CBEC enterprise registration and overseas-warehouse filing (S62).
        milestone(env, log, case, site.unregistered_exporter, node)
        yield from delay(env, log, case, site.warehouse_registration, node, goods.registration_min)
    inspected = None
    if goods.statutory:
        if spec.inspection.batch.enabled and goods.batch_follower:
            milestone(env, log, case, site.batch_covered, node)
        else:
            inspected = env.process(statutory_inspection(env, goods, site))
    yield from delay(env, log, case, site.booking_data, node, goods.booking_min)
    # The declarant prepares the documents this form needs, one after another.
    prepare_min = spec.documents.preparation_min(goods.form, tuple(goods.document_min))
    yield from delay(env, log, case, site.document_preparation, node, prepare_min)
    if inspected is not None:
        yield inspected
    yield from lodge(env, log, case, site.lodgement, node, env.now)
    yield from delay(env, log, case, site.risk_screening, node, goods.screening_min)


def statutory_inspection(
    env: simpy.Environment, goods: Consignment, site: ConsolidationPoint
) -> Process:
    """The inspection office samples and inspects goods on the statutory catalogue (法检)."""
    yield from delay(
        env, site.log, goods.case, site.statutory_inspection, site.node, goods.statutory_min
    )
