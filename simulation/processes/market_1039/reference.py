"""市场采购 1039, the reference model: one SimPy process per consignment, read as the procedure.

This is the procedure as it happens at Hankou North (docs/background/market-1039-model.md),
read top to bottom in :func:`consignment`:

* the procurement trader buys the items at the stalls; each purchase is recorded on the
  market-procurement networked information platform (``platform_record`` on the purchase);
* the goods are gathered at the market's consolidation warehouse (``consolidation``, 组货) and
  reach the supervision site (``arrival``);
* the agent prepares the declaration, one line after another: under the simplified declaration
  the 5 highest-value items one by one and the rest merged by tariff chapter, so fewer lines and
  less work (``declaration_preparation`` at an agent), then lodges it (``lodgement``; every line
  records ``line_declared`` on its line object);
* goods subject to statutory inspection are inspected (``statutory_inspection``), unless under
  batch inspection the consignment is a pilot trader's later one from an inspected production
  batch (outcome ``batch_covered``: it goes on the batch's result);
* the risk engine screens the declaration (``risk_screening``); a selected consignment is
  moved to the inspection lanes, examined and moved back, or, under video inspection, examined
  by video at the consolidation warehouse (``video_inspection``: no transfer, no lane);
* customs releases it at the market (``release``, 通关一体化); it is packed into its route's
  container (``container_stuffing``, linked ``consolidated_in``), waits for the container truck
  (``truck_wait``), leaves the market (``exit``), is driven to the port or the rail terminal
  (``road_transport``) and handed over for the next vessel or train with room (``departure``,
  recorded by :mod:`clearsim.simulation.processes.departures`; outcome ``missed_vessel`` or
  ``missed_train`` when it makes a later one than booked at its arrival).

No VAT is levied on 1039 exports and none refunded (不征不退, S64): there is no tax step.
"""

from __future__ import annotations

import simpy

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import (
    Process,
    delay,
    delay_since,
    milestone,
    milestone_at,
    serve,
)
from clearsim.simulation.processes import export_inspection
from clearsim.simulation.processes.departures import board
from clearsim.simulation.processes.market_1039.entities import Consignment, ConsignmentFactory
from clearsim.simulation.processes.market_1039.site import FLOW, MarketSite


def consignments(
    env: simpy.Environment,
    factory: ConsignmentFactory,
    site: MarketSite,
    schedule: list[tuple[float, bool]],
) -> Process:
    """Create each consignment when its consolidation starts, in arrival order, and start it.

    ``schedule`` holds (arrival minute, measured) of every consignment. A consignment's
    purchases come before its consolidation; those before the clock's time are recorded at
    their own times, in the past.
    """
    for arrival_min, measured in schedule:
        goods = factory.consignment(arrival_min)
        goods.measured = measured
        start = max(goods.consolidation_start_min, 0.0)
        if start > env.now:
            yield env.timeout(start - env.now)
        register(site, goods)
        env.process(consignment(env, goods, site))


def register(site: MarketSite, goods: Consignment) -> None:
    """Create the consignment's case, its purchases' and its declared lines' objects and links."""
    log, spec = site.log, site.spec
    goods.case = log.new_case(
        "consignment",
        spec.name,
        direction=FLOW[0],
        mode=FLOW[1],
        case_class="simplified" if goods.lines < len(goods.purchases) else "itemised",
    )
    value_cny = round(goods.value_usd * spec.goods.usd_cny, 2)
    # 不征不退 (S64): no VAT levied, none refunded; the tax column is 0.
    log.cases.goods.set(goods.case, -1, len(goods.purchases), value_cny, 0.0, 0.0, 0.0)
    for purchase in goods.purchases:
        purchase.case = log.new_case(
            "purchase", spec.name, shipment=False, direction=FLOW[0], mode=FLOW[1]
        )
        log.link(purchase.case, goods.case, "part_of")
    for group in goods.line_groups:
        line = log.new_case(
            "declaration_line", spec.name, shipment=False, direction=FLOW[0], mode=FLOW[1]
        )
        goods.line_cases.append(line)
        log.link(line, goods.case, "declared_in")
        for k in group:
            log.link(goods.purchases[k].case, line, "declared_as")


def consignment(env: simpy.Environment, goods: Consignment, site: MarketSite) -> Process:
    """Purchases, consolidation, declaration, inspection, release, container, port, departure."""
    log, case, market = site.log, goods.case, site.market
    # At the stalls: every purchase is recorded on the networked information platform.
    for purchase in goods.purchases:
        if purchase.bought_min > env.now:
            yield env.timeout(purchase.bought_min - env.now)
        milestone_at(log, purchase.case, site.platform_record, market, purchase.bought_min)
        log.cases.finished[purchase.case] = True
    # 组货: the lots are gathered at the consolidation warehouse into one consignment.
    start = goods.consolidation_start_min
    if start > env.now:
        yield env.timeout(start - env.now)
    at = min(start, env.now)
    yield from delay_since(env, log, case, site.consolidation, market, at, goods.consolidation_min)
    milestone(env, log, case, site.arrival, market)
    site.control.arrive()
    route = site.departures[goods.route]
    planned = route.planned_index(env.now)
    # The agent declares: the work grows with the lines declared.
    yield from serve(env, site.declarants, log, case, site.declaration_preparation, goods.prep_min)
    milestone(env, log, case, site.lodgement, market)
    for line in goods.line_cases:
        milestone(env, log, line, site.line_declared, market)
        log.cases.finished[line] = True
    if goods.lines < len(goods.purchases):
        milestone(env, log, case, site.simplified_declaration, market)
    yield from statutory_inspection(env, goods, site)
    yield from delay(env, log, case, site.risk_screening, market, goods.screening_min)
    if goods.physical:
        log.cases.channel[case] = int(Channel.RED)
        yield from physical_check(env, goods, site)
    else:
        log.cases.channel[case] = int(Channel.GREEN)
    milestone(env, log, case, site.release, market)
    # Packed into its route's container, which leaves on the next container truck.
    yield from serve(
        env, site.stuffing_crews, log, case, site.container_stuffing, goods.stuffing_min
    )
    box = site.container_for(goods.route, goods.trip_u)
    box.loaded.append(case)
    log.link(case, box.case, "consolidated_in")
    yield from delay(env, log, case, site.truck_wait, market, box.truck_min - env.now)
    milestone(env, log, case, site.exit, market)
    site.control.exit()
    yield from delay(env, log, case, site.road_transport, market, box.trip_min)
    departure = yield from board(env, route, case, 1, planned)
    if box.carrier < 0:  # the box sails or rolls with its first consignment aboard
        box.carrier = departure.case
        log.link(box.case, departure.case, "carried_by")
    log.cases.finished[case] = True
    site.control.finish(goods.measured)


def statutory_inspection(env: simpy.Environment, goods: Consignment, site: MarketSite) -> Process:
    """法检 of goods subject to it, unless a pilot's later consignment of an inspected batch.

    Under batch inspection (出口批次检验, SEED-003 s8) one inspection covers a production batch:
    a pilot trader's later consignment from an inspected batch goes on the batch's result.
    """
    if not goods.statutory:
        return
    yield from export_inspection.statutory_inspection(
        env,
        site.log,
        goods.case,
        site.market,
        site.statutory_inspection,
        site.batch_covered,
        goods.pilot and goods.batch_later,
        goods.statutory_min,
    )


def physical_check(env: simpy.Environment, goods: Consignment, site: MarketSite) -> Process:
    """The selected consignment is checked on a lane, or by video at the warehouse (the reform).

    Video inspection (SEED-003 s8, s12): the officer examines the goods by video where they
    are, at the consolidation warehouse: no transfer, no lane.
    """
    log, case, market = site.log, goods.case, site.market
    goods.video = goods.video_u < site.spec.inspection.remote_share()
    if goods.video:
        yield from delay(env, log, case, site.video_inspection, market, goods.video_min)
        return
    yield from delay(env, log, case, site.inspection_transfer, market, goods.transfer_min)
    yield from serve(env, site.lanes, log, case, site.inspection, goods.physical_min)
    yield from delay(env, log, case, site.return_transfer, market, goods.return_min)
