"""出口海外仓 9810 export to overseas warehouses: the starter of the process kind.

Actors and steps (docs/background/cbec-9810-model.md): an exporter ships stock to an overseas
warehouse by China-Europe train from the Wujiashan consolidation point; the process is the
reference model (:mod:`clearsim.simulation.processes.cbec_9810.reference`), one SimPy process per
consignment. Its shipments report in the flow ``export cbec_9810``.
"""

from __future__ import annotations

from clearsim.models.warehouse_export import WarehouseExportSpec
from clearsim.simulation.processes.cbec_9810.entities import ConsignmentFactory
from clearsim.simulation.processes.cbec_9810.reference import consignments
from clearsim.simulation.processes.cbec_9810.site import ConsolidationPoint
from clearsim.simulation.processes.context import ProcessContext


def start_warehouse_export(spec: WarehouseExportSpec, ctx: ProcessContext) -> None:
    """Set up the consolidation point and bring every consignment arriving before the limit."""
    ctx.log.declare_flow("export", "cbec_9810")
    site = ConsolidationPoint(spec, ctx)
    factory = ConsignmentFactory(spec, ctx.streams, ctx.router)
    times = factory.arrival_times(ctx.arrivals_until_min)
    schedule = [(t, ctx.control.expect(t)) for t in times]  # every case known before the run
    ctx.env.process(consignments(ctx.env, factory, site, schedule))
