"""The agency layer in the sea import: quarantine approval, sampling, joint and CBZ inspection.

The steps of :mod:`clearsim.simulation.processes.agency` with the sea import's collaborators;
each runs only for a box whose draws ask for it, so a scenario without the layer records exactly
the events it did before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import simpy

from clearsim.models.processes import SeaImportSpec
from clearsim.simulation.kernel.facilities import Facility, Process, delay, serve
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.agency import (
    LabActivities,
    permit_granted_at,
    quarantine_approval,
    sample_result,
)
from clearsim.simulation.processes.sea_import.entities import Container

if TYPE_CHECKING:
    from clearsim.simulation.processes.sea_import.process import SeaImportSite


class AgencySite:
    """The agency layer's collaborators in one sea-import process (only what its spec uses)."""

    def __init__(
        self,
        spec: SeaImportSpec,
        facilities: Mapping[str, Facility],
        log: EventLog,
        officers: Facility,
        port: int,
    ) -> None:
        self.log = log
        self.officers = officers
        self.port = port
        a = log.activity
        remote = spec.inspection.remote
        if remote is not None and remote.method == "joint":
            self.joint_port_check = a("joint_port_check")
        agency = spec.agency
        if agency is None:
            return
        if agency.sampling is not None:
            self.lab = facilities[agency.sampling.laboratory.resource]
            self.lab_codes = LabActivities.of(log)
        approval = agency.quarantine_approval
        if approval is not None:
            self.approval = a("quarantine_approval")
            self.working_days = approval.working_days
        cbz = agency.cbz_inspection
        if cbz is not None:
            self.cbz_node_name = cbz.node
            self.cbz_node = log.node(cbz.node)
            self.cbz_lanes = facilities[cbz.lanes]
            self.bonded_transfer, self.cbz_inspection = a("bonded_transfer"), a("cbz_inspection")


def declare_after_permit(
    env: simpy.Environment, box: Container, agency: AgencySite, lodgement_min: float
) -> float:
    """检疫审批: the declaration is lodged no earlier than the permit is granted.

    The declaration of goods under quarantine approval carries the permit's number, so it cannot
    be lodged before the permit exists (docs/background/agency-model.md). Starts the approval
    (recorded at its own times) and returns the lodgement time.
    """
    granted = permit_granted_at(agency.officers.closed, box.agency, agency.working_days)
    application = box.agency.application_at_min
    env.process(
        quarantine_approval(
            env, agency.log, box.case, agency.approval, agency.port, application, granted
        )
    )
    return max(lodgement_min, granted)


def sample_for_release(
    env: simpy.Environment, box: Container, agency: AgencySite, node: int
) -> Process:
    """The box's sample result, taken at ``node``: a lab test or a third-party report check."""
    yield from sample_result(
        env, agency.log, box.case, box.agency, agency.lab, agency.officers, agency.lab_codes, node
    )


def joint_port_check(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """口岸和属地联合查检, port part: a short external check on a lane, then back to the yard.

    The rest of the examination (opening, sampling in a clean room) happens at the consignee's
    site after delivery (:func:`..process.leave_port`).
    """
    log, port, spec = site.log, site.port, site.spec
    yield from delay(env, log, box.case, site.inspection_planning, port, box.plan_min)
    yield from serve(env, site.yard, log, box.case, site.yard_move, box.yard_move_min)
    out_min = site.router.trip_min(spec.port_node, spec.inspection_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.inspection_transfer, port, out_min)
    yield from serve(
        env, site.lanes, log, box.case, site.agency.joint_port_check, box.joint_port_min
    )
    back_min = site.router.trip_min(spec.inspection_node, spec.port_node, box.inspection_trip_u)
    yield from delay(env, log, box.case, site.return_transfer, site.inspection_area, back_min)


def cbz_examination(env: simpy.Environment, box: Container, site: SeaImportSite) -> Process:
    """港区直接查验: under bond to the CBZ's designated site, examined there (and sampled)."""
    log, agency = site.log, site.agency
    trip_min = site.router.trip_min(
        site.spec.port_node, agency.cbz_node_name, box.agency.cbz_trip_u
    )
    yield from delay(env, log, box.case, agency.bonded_transfer, site.port, trip_min)
    sampled = box.agency.sampled
    examination_min = box.agency.cbz_min + (box.agency.sampling_min if sampled else 0.0)
    yield from serve(
        env, agency.cbz_lanes, log, box.case, agency.cbz_inspection, examination_min, box.priority
    )
    node = agency.cbz_node
    result = env.process(sample_for_release(env, box, agency, node)) if sampled else None
    if box.hold:
        yield from delay(env, log, box.case, site.inspection_hold, node, box.hold_min)
    if result is not None:
        yield result
