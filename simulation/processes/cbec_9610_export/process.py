"""跨境电子商务零售出口 9610 export: sets up the supervision centre and starts the reference model.

The process has no fast path: the reference model
(:mod:`clearsim.simulation.processes.cbec_9610_export.reference`) runs with the engine's fast
path on or off, so both give the same event log by construction.
"""

from __future__ import annotations

from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.simulation.processes.cbec_9610_export.centre import ExportCentre
from clearsim.simulation.processes.cbec_9610_export.entities import ExportParcelFactory
from clearsim.simulation.processes.cbec_9610_export.reference import consolidation, trucks
from clearsim.simulation.processes.context import ProcessContext


def start_parcel_export(spec: ParcelExportSpec, ctx: ProcessContext) -> None:
    """Set up the centre and its flights; schedule every truck arriving before the limit."""
    ctx.log.declare_flow("export", "cbec_9610")
    factory = ExportParcelFactory(spec, ctx.streams)
    centre = ExportCentre(spec, ctx, factory)
    schedule = []
    for arrival_min, n in factory.schedule(ctx.arrivals_until_min):
        # Every parcel is expected now, so the run cannot end before a later truck is created.
        expected = [ctx.control.expect(arrival_min) for _ in range(n)]
        measured = expected[0]
        schedule.append((arrival_min, n, measured))
    ctx.env.process(trucks(ctx.env, centre, schedule))
    ctx.env.process(consolidation(ctx.env, centre))
