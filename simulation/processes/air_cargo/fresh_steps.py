"""The steps a perishable air import takes apart from other imports (鲜活农产品, SEED-003 s13).

- Review and inspection under 7x24 appointment inspection (预约查验): when the officers' (for
  the document review) or the lanes' (for the inspection) calendar is closed as the step is
  due, the declarant books an appointment; after the appointment lead the always-staffed
  appointment team does the step. In calendar hours the step queues for the usual servers.
- The green channel (绿色通道) gives perishables the first place in those queues (priority 0,
  drawn with the shipment) and the rapid test instead of the laboratory (drawn too).
- A sample's result: the rapid test under the green channel, else the customs laboratory of the
  agency layer (:func:`~clearsim.simulation.processes.agency.sample_result`: transport, a bench
  on the laboratory resource, the report).
- The spoilage clock: delivered to the consignee after arrival plus the remaining shelf life,
  the shipment records the outcome ``spoiled``.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.models.perishables import PerishableSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.agency import LabActivities, sample_result
from clearsim.simulation.processes.air_cargo.entities import Shipment
from clearsim.simulation.processes.air_cargo.perishables import off_shift
from clearsim.simulation.processes.declaration import DeclarationDesk, lodge_and_screen


@dataclass(frozen=True, slots=True)
class FreshSite:
    """The perishable class's collaborators: its rules, the appointment team, activity codes."""

    spec: PerishableSpec
    log: EventLog
    node: int
    team: Facility
    lab: Facility
    lab_steps: LabActivities
    rapid_test: int
    appointment_wait: int
    spoiled: int

    @classmethod
    def at(
        cls, spec: AirCargoSpec, facilities: dict[str, Facility], log: EventLog, node: int
    ) -> FreshSite | None:
        """The site's perishable collaborators, registered after all others; ``None`` if none."""
        fresh = spec.perishables
        if fresh is None:
            return None
        a = log.activity
        return cls(
            fresh,
            log,
            node,
            facilities[fresh.appointment_resource],
            facilities[fresh.laboratory.resource],
            LabActivities.of(log),
            a("rapid_test"),
            a("appointment_wait"),
            log.outcome(spec.name, "spoiled"),
        )


def fresh_review(
    env: simpy.Environment, s: Shipment, desk: DeclarationDesk, fresh: FreshSite
) -> Process:
    """Lodge and screen; review (yellow, red) by the officers, or on appointment off hours."""
    yield from lodge_and_screen(
        env,
        desk,
        s.case,
        s.lodgement_min,
        s.screening_min,
        s.channel,
        s.review_min,
        s.priority,
        reviewed=False,
    )
    if s.channel == Channel.GREEN:
        return
    servers = desk.officers
    if off_shift(servers, env.now):
        yield from delay(
            env, desk.log, s.case, fresh.appointment_wait, desk.node, s.appointment_min
        )
        servers = fresh.team
    yield from serve(env, servers, desk.log, s.case, desk.document_review, s.review_min, s.priority)


def fresh_inspection(
    env: simpy.Environment, s: Shipment, lanes: Facility, activity: int, fresh: FreshSite
) -> Process:
    """Inspect on a lane; off the lanes' hours on appointment if 7x24 inspection is on."""
    servers = lanes
    if fresh.spec.appointment_inspection and off_shift(lanes, env.now):
        yield from delay(
            env, fresh.log, s.case, fresh.appointment_wait, fresh.node, s.appointment_min
        )
        servers = fresh.team
    yield from serve(env, servers, fresh.log, s.case, activity, s.inspection_min, s.priority)


def sample_result_of(
    env: simpy.Environment, s: Shipment, officers: Facility, fresh: FreshSite
) -> Process:
    """The release waits for the sample's result: rapid test (green channel) or laboratory."""
    if fresh.spec.green_channel:
        yield from delay(env, fresh.log, s.case, fresh.rapid_test, fresh.node, s.rapid_min)
    else:
        yield from sample_result(
            env, fresh.log, s.case, s.lab, fresh.lab, officers, fresh.lab_steps, fresh.node
        )


def spoilage_check(env: simpy.Environment, s: Shipment, fresh: FreshSite) -> None:
    """Record ``spoiled`` if the delivery comes after arrival plus the remaining shelf life."""
    if env.now > s.arrival_min + s.shelf_life_min:
        milestone(env, fresh.log, s.case, fresh.spoiled, fresh.node)
