"""中欧班列 rail export from Wujiashan: the starter of the process kind.

Actors and steps (docs/background/rail-export-model.md): export boxes (FCL, LCL consolidated at
the CFS, international transit goods) reach the Wujiashan rail terminal, are declared or accepted,
checked, released and leave on a China-Europe train through the border port at Alashankou; the
process is the reference model (:mod:`clearsim.simulation.processes.rail_export.reference`), one
SimPy process per box and per train. Its shipments report in the flow ``export rail``.
"""

from __future__ import annotations

from clearsim.models.rail_export import RailExportSpec
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.rail_export.entities import BoxFactory
from clearsim.simulation.processes.rail_export.reference import boxes
from clearsim.simulation.processes.rail_export.site import RailExportSite


def start_rail_export(spec: RailExportSpec, ctx: ProcessContext) -> None:
    """Set up the terminal and bring every box setting out before the limit."""
    ctx.log.declare_flow("export", "rail")
    site = RailExportSite(spec, ctx)
    factory = BoxFactory(spec, ctx.streams, ctx.router)
    times = factory.arrival_times(ctx.arrivals_until_min)
    schedule = [(t, ctx.control.expect(t)) for t in times]  # every case known before the run
    ctx.env.process(boxes(ctx.env, factory, site, schedule))
