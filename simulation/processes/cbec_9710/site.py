"""The 9710 sites: the customs desk, each way out with its CFS, lanes and departures.

The activities are registered here, once, in one order, so every run gives each activity the
same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clearsim.models.b2b_export import B2BExportSpec, B2BModeSpec
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.processes.cbec_9710.entities import MODE, Consignment, ConsignmentFactory
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.departures import Departures


@dataclass(slots=True, eq=False)
class ModeSite:
    """One way out: its spec, sites, inspection lanes, departures and the goods awaiting packing."""

    name: str
    spec: B2BModeSpec
    lanes: Facility
    departures: Departures
    site: int
    port: int
    inspection_area: int
    waiting: list[Consignment] = field(default_factory=list)


class B2BExportSite:
    """The collaborators of one 9710 process: facilities, ways out, router, activity codes."""

    def __init__(
        self, spec: B2BExportSpec, ctx: ProcessContext, factory: ConsignmentFactory
    ) -> None:
        log = ctx.log
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router = ctx.router
        self.control = ctx.control
        self.factory = factory
        self.officers = ctx.facilities[spec.resources.document_officer]
        self.priority = 0 if spec.inspection_priority else 1
        self.modes = {
            name: ModeSite(
                name,
                mode,
                ctx.facilities[mode.inspection_lane],
                Departures(ctx.env, log, ctx.control, mode.departures, spec.name, "export", MODE),
                log.node(mode.site_node),
                log.node(mode.port_node),
                log.node(mode.inspection_node),
            )
            for name, mode in spec.modes.items()
        }
        a = log.activity
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit = a("release"), a("exit")
        self.road_transport = a("road_transport")
        self.statutory_inspection = a("statutory_inspection")
        self.document_preparation = a("document_preparation")
        self.risk_screening, self.document_review = a("risk_screening"), a("document_review")
        self.inspection, self.video_inspection = a("inspection"), a("video_inspection")
        self.stuffing, self.build_up = a("stuffing"), a("build_up")
        self.inspection_transfer, self.return_transfer = (
            a("inspection_transfer"),
            a("return_transfer"),
        )
        self.unstuffing, self.restuffing = a("unstuffing"), a("restuffing")
        self.batch_inspection_covered = log.outcome(spec.name, "batch_inspection_covered")
        self.held_with_container = log.outcome(spec.name, "held_with_container")
        self.inspected_before_loading = log.outcome(spec.name, "inspected_before_loading")
