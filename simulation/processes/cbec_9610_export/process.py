"""跨境电子商务零售出口 9610 export: sets up the supervision centre and starts one of its versions.

The engine option ``fast_path`` chooses: planned chains and computed lines
(:mod:`clearsim.simulation.processes.cbec_9610_export.planned`), or the reference model
(:mod:`clearsim.simulation.processes.cbec_9610_export.reference`, one SimPy process per truck,
list and parcel), which gives the same event log. The reference model also runs where a lined
pool is shared (:func:`~clearsim.simulation.processes.cbec_9610_export.planned.served_by_lines`).
"""

from __future__ import annotations

from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.simulation.processes.cbec_9610_export import planned, reference
from clearsim.simulation.processes.cbec_9610_export.centre import ExportCentre
from clearsim.simulation.processes.cbec_9610_export.entities import ExportParcelFactory
from clearsim.simulation.processes.cbec_9610_export.planned_parcels import PlannedParcelFactory
from clearsim.simulation.processes.context import ProcessContext


def start_parcel_export(spec: ParcelExportSpec, ctx: ProcessContext) -> None:
    """Set up the centre and its flights; schedule every truck arriving before the limit.

    Every measured parcel is announced to the run control now, so the run cannot end before a
    later truck is created; trucks and parcels are created one advance window before each
    arrives.
    """
    ctx.log.declare_flow("export", "cbec_9610")
    fast = ctx.options.fast_path and planned.served_by_lines(spec, ctx.exclusive_resources)
    centre: ExportCentre
    if fast:
        centre = planned.PlannedCentre(spec, ctx, PlannedParcelFactory(spec, ctx.streams))
    else:
        centre = ExportCentre(spec, ctx, ExportParcelFactory(spec, ctx.streams))
    factory = centre.factory
    schedule = []
    for arrival_min, n in factory.schedule(ctx.arrivals_until_min):
        measured = False
        for _ in range(n):
            measured = ctx.control.expect(arrival_min)
        schedule.append((arrival_min, n, measured))
    if isinstance(centre, planned.PlannedCentre):
        ctx.env.process(planned.trucks(ctx.env, centre, schedule))
    else:
        ctx.env.process(reference.trucks(ctx.env, centre, schedule))
    ctx.env.process(reference.consolidation(ctx.env, centre))
