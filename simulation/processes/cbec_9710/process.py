"""9710 B2B direct export: set up the sites and start the reference model.

The process has no fast path: its volumes (tens of consignments a day) keep the reference
model (:mod:`clearsim.simulation.processes.cbec_9710.reference`) quick, and it runs under every
engine option.
"""

from __future__ import annotations

from clearsim.models.b2b_export import B2BExportSpec
from clearsim.simulation.processes.cbec_9710 import reference
from clearsim.simulation.processes.cbec_9710.entities import MODE, ConsignmentFactory
from clearsim.simulation.processes.cbec_9710.site import B2BExportSite
from clearsim.simulation.processes.context import ProcessContext


def start_b2b_export(spec: B2BExportSpec, ctx: ProcessContext) -> None:
    """Create every order ready before the admission limit and start its consignments."""
    ctx.log.declare_flow("export", MODE)
    env = ctx.env
    factory = ConsignmentFactory(spec, ctx.streams)
    site = B2BExportSite(spec, ctx, factory)
    for order in factory.orders(env, ctx.log, ctx.control, ctx.arrivals_until_min):
        for each in order.consignments:
            env.process(reference.consignment(env, each, site))
    for mode in site.modes.values():
        env.process(reference.consolidation(env, mode, site))
