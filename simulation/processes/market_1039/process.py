"""市场采购贸易 1039 market procurement export at Hankou North: set-up of the reference model.

Actors and steps (docs/background/market-1039-model.md; GACC 2019 No. 221, S64, S68): foreign
buyers' procurement traders buy many items in small lots at the market's stalls, each purchase
recorded on the networked information platform; the goods are consolidated at the market's
warehouse into a consignment of up to US$150,000 (S64) and declared there by an agent with the
simplified declaration; statutory inspection where it applies, risk screening and the physical
check of selected consignments happen at the market's supervision site; customs releases the
consignment there (通关一体化), it is packed into a container, trucked to Yangluo (feeder vessel to
Shanghai) or Wujiashan (China-Europe train) and leaves on the next departure with room.

The process has one version, the reference model
(:mod:`clearsim.simulation.processes.market_1039.reference`): consignments are few (tens a day),
so no fast path is needed; the engine option ``fast_path`` gives the same log.
"""

from __future__ import annotations

from clearsim.models.market_procurement import MarketProcurementSpec
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.market_1039 import reference
from clearsim.simulation.processes.market_1039.entities import ConsignmentFactory
from clearsim.simulation.processes.market_1039.site import FLOW, MarketSite


def start_market_procurement(spec: MarketProcurementSpec, ctx: ProcessContext) -> None:
    """Set up the market and schedule every consignment arriving before the admission limit.

    Every measured consignment is announced to the run control now, so the run cannot end
    between two arrivals; each is created when its consolidation starts.
    """
    ctx.log.declare_flow(*FLOW)
    site = MarketSite(spec, ctx)
    factory = ConsignmentFactory(spec, ctx.streams)
    schedule = [(t, ctx.control.expect(t)) for t in factory.arrivals(ctx.arrivals_until_min)]
    ctx.env.process(reference.consignments(ctx.env, factory, site, schedule))
