"""Clearance processes as building blocks: each spec is one switchable process of a scenario."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.agency import SeaAgencySpec
from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.capacities import AppointmentSpec, YardSpec
from clearsim.models.declarant import SeaImportDeclarationSpec
from clearsim.models.distributions import Count, Duration, check_probability_map
from clearsim.models.roles import role
from clearsim.models.upstream import UpstreamFeederSpec


class ChannelRates(FrozenSpec):
    """Shares of declarations the risk engine routes to each channel."""

    green: float = Field(ge=0, le=1, description="Released on data.")
    yellow: float = Field(ge=0, le=1, description="Document review by an officer.")
    red: float = Field(ge=0, le=1, description="Physical inspection.")

    @model_validator(mode="after")
    def _sum(self) -> ChannelRates:
        check_probability_map(
            {"green": self.green, "yellow": self.yellow, "red": self.red}, "channel rates"
        )
        return self


class RiskSpec(FrozenSpec):
    """The customs risk engine: automatic screening and channel shares by importer class."""

    screening_min: Duration
    general: ChannelRates
    aeo: ChannelRates


class DeclarationSpec(FrozenSpec):
    """When the declarant lodges: in advance of arrival (提前申报) or a drawn delay after it.

    The one-delay form of the processes without a reform acting on the documents (sea export,
    rail, air). Sea import models the documents themselves
    (:class:`~clearsim.models.declarant.SeaImportDeclarationSpec`).
    """

    advance_share: float = Field(
        ge=0, le=1, description="Share lodged before arrival.", json_schema_extra=role("take_up")
    )
    advance_lead_min: Duration = Field(description="How long before arrival an advance one is.")
    after_arrival_delay_min: Duration = Field(description="Arrival to lodgement otherwise.")


class RemoteInspectionSpec(FrozenSpec):
    """远程属地查检 (SEED-003 s8, s10, s12): qualifying red boxes are not examined at the port.

    ``destination``: released at the port, examined at the consignee's site after delivery,
    off the port path. ``video``: an officer examines the box by video while it stays in the
    yard (S38: 25 min per site), with no transfer to the inspection area and no lane.
    ``joint`` (口岸和属地联合查检, SEED-003 s10; SEED-000 s21): a short port part on an inspection
    lane (external and quarantine check, ``port_min``), then release; the rest (opening,
    sampling in a clean room) at the consignee's site after delivery (``destination_min``).
    """

    method: Literal["destination", "video", "joint"] = Field(json_schema_extra=role("rule"))
    share: float = Field(
        gt=0,
        le=1,
        description="Share of red boxes examined remotely (goods qualify, trader opts in).",
        json_schema_extra=role("take_up"),
    )
    video_min: Duration = Field(
        description="Remote video examination by an officer.", json_schema_extra=role("rule")
    )
    destination_min: Duration = Field(
        description="Examination at the consignee's site.", json_schema_extra=role("rule")
    )
    port_min: Duration | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="Joint method: the port part on an inspection lane (external check).",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _joint(self) -> RemoteInspectionSpec:
        if self.method == "joint" and self.port_min is None:
            raise ValueError("method joint needs port_min (the port part of the examination)")
        return self


class InspectionSpec(FrozenSpec):
    """Physical inspection of red-channel containers on the inspection lanes."""

    plan_min: Duration = Field(description="Inspection order to inspection plan.")
    duration_min: Duration = Field(description="Officer's examination on a lane.")
    hold_probability: float = Field(ge=0, le=1, description="Share held after examination.")
    hold_min: Duration = Field(description="Time to resolve a hold before release.")
    remote: RemoteInspectionSpec | None = Field(
        default=None,
        description="Remote / destination inspection; absent: all at the port.",
        json_schema_extra=role("rule"),
    )


class PickupSpec(FrozenSpec):
    """Truck pickup after release: booking, gate transactions, yard retrieval."""

    truck_booking_delay_min: Duration = Field(description="Release to truck at the gate.")
    gate_transaction_min: Duration
    yard_handling_min: Duration = Field(description="Yard crane or reach stacker move per box.")
    quay_to_gate_min: Duration = Field(description="Drive inside the port from quay to gate.")


class SeaImportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    berth: str = "berths"
    quay_crane: str = "quay_cranes"
    yard_equipment: str = "yard_equipment"
    document_officer: str = "customs_officers"
    inspection_lane: str = "inspection_lanes"
    gate_lane: str = "gate_lanes"


class ShipSidePickupSpec(FrozenSpec):
    """船边直提: advance-declared boxes released before discharge go crane -> truck -> gate."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of containers whose consignee takes part.",
        json_schema_extra=role("take_up"),
    )


class TruckFleetSpec(FrozenSpec):
    """The trucks serving the port's consignees: a pool each pickup takes a truck from.

    A truck is held from when it is granted (booked, or at the crane lift for 船边直提) until it
    is back from the consignee: the port steps, then ``round_trip_min`` after the gate out.
    """

    resource: str = Field(
        min_length=1,
        description="Scenario resource of the trucks (capacity = trucks, the planner's lever).",
    )
    round_trip_min: Duration = Field(
        description="Gate out -> consignee -> back at the port, during which the truck is held."
    )
    appointments: AppointmentSpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="集卡预约 truck appointment platform (slots per hour, no-shows); absent: a "
        "truck comes when booked.",
    )


class SeaImportSpec(FrozenSpec):
    """Containerised sea (river) import at a port, conventional or with ship-side pickup."""

    kind: Literal["sea_import"] = "sea_import"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    port_node: str
    inspection_node: str
    destinations: dict[str, float] = Field(description="Consignee sites and their shares.")
    vessel_arrivals: ArrivalProcess = Field(json_schema_extra=role("demand"))
    containers_per_call: Count = Field(json_schema_extra=role("demand"))
    berthing_min: Duration = Field(description="Berth granted to discharge start.")
    unberthing_min: Duration = Field(description="Last box discharged to berth free.")
    crane_move_min: Duration = Field(description="One quay-crane move (box to yard or truck).")
    arrival_confirmation_min: Duration = Field(description="Arrival to tally/arrival confirmed.")
    aeo_share: float = Field(ge=0, le=1, description="Share of containers of AEO importers.")
    aeo_queue_priority: bool = Field(
        default=False,
        description="AEO boxes go first in officer and lane queues.",
        json_schema_extra=role("rule"),
    )
    declaration: SeaImportDeclarationSpec
    risk: RiskSpec
    document_review_min: Duration
    tax_payment_min: Duration
    inspection: InspectionSpec
    pickup: PickupSpec
    ship_side_pickup: ShipSidePickupSpec = ShipSidePickupSpec()
    resources: SeaImportResources = SeaImportResources()
    agency: SeaAgencySpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="Inspection and other-agency layer (docs/reference/processes/agency.md); "
        "absent: none.",
    )
    trucks: TruckFleetSpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="Truck pool of the pickups; a 船边直提 box lifted when no truck is free goes "
        "to the yard (no_truck_at_berth); absent: a truck is always there.",
    )
    upstream: UpstreamFeederSpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="The chain from the ocean vessel at Shanghai to the port's call "
        "(docs/background/sea-import-feeder-model.md); the calls then come from its sailings, "
        "not from vessel_arrivals; absent: calls arrive at the port as vessel_arrivals.",
    )
    yard: YardSpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="Import yard slots; discharge blocks while every slot is taken "
        "(docs/reference/processes/capacities.md); absent: the yard never fills.",
    )

    @field_validator("destinations", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _shares(self) -> SeaImportSpec:
        check_probability_map(self.destinations, "destinations")
        if self.ship_side_pickup.enabled and self.ship_side_pickup.share <= 0:
            raise ValueError("ship_side_pickup is enabled with share 0; set a share > 0")
        if self.trucks is not None and self.trucks.resource in self.resources.model_dump().values():
            raise ValueError(
                f"trucks.resource {self.trucks.resource!r} already serves another role; "
                "name a resource of its own"
            )
        if self.upstream is not None and self.upstream.origin_node == self.port_node:
            raise ValueError("upstream.origin_node must differ from port_node")
        if self.upstream is not None and self.upstream.transit_officers in (
            self.resources.model_dump().values()
        ):
            raise ValueError(
                f"upstream.transit_officers {self.upstream.transit_officers!r} already serves "
                "another role; name a resource of its own (the origin's officers)"
            )
        if self.yard is not None and self.yard.resource in self.resource_names()[:-1]:
            raise ValueError(
                f"yard.resource {self.yard.resource!r} already serves another role; "
                "name a resource of its own"
            )
        return self

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        trucks = (self.trucks.resource,) if self.trucks else ()
        upstream = (self.upstream.transit_officers,) if self.upstream else ()
        yard = (self.yard.resource,) if self.yard else ()
        return (
            *self.resources.model_dump().values(),
            *self._agency_resources(),
            *trucks,
            *upstream,
            *yard,
        )

    def _agency_resources(self) -> tuple[str, ...]:
        agency = self.agency
        if agency is None:
            return ()
        names = (agency.sampling.laboratory.resource,) if agency.sampling else ()
        return (*names, agency.cbz_inspection.lanes) if agency.cbz_inspection else names

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        cbz = self.agency.cbz_inspection if self.agency else None
        extra = (cbz.node,) if cbz else ()
        origin = (self.upstream.origin_node,) if self.upstream else ()
        return (self.port_node, self.inspection_node, *self.destinations, *extra, *origin)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check).

        For a berth the work counts one crane's pace per call, an upper bound: conservative.
        """
        calls = self.vessel_arrivals.mean_rate_per_min(horizon_min)
        boxes = calls * self.containers_per_call.mean
        per_call = self.containers_per_call.mean
        upstream = self.upstream
        if upstream is not None:
            # The port's calls are the sailings; the boxes come from the ocean arrivals.
            boxes = upstream.ocean_arrivals.mean_rate_per_min(horizon_min)
            boxes *= upstream.boxes_per_ocean_call.mean
            calls = 1.0 / upstream.schedule().interval_min
            per_call = boxes / calls
        general, aeo = self.risk.general, self.risk.aeo
        red = (1 - self.aeo_share) * general.red + self.aeo_share * aeo.red
        reviewed = (1 - self.aeo_share) * (general.yellow + general.red) + self.aeo_share * (
            aeo.yellow + aeo.red
        )
        cranes = per_call * self.crane_move_min.mean
        roles = self.resources
        handling = self.pickup.yard_handling_min.mean
        remote = self.inspection.remote
        remote_share = remote.share if remote else 0.0
        video = remote.video_min.mean if remote and remote.method == "video" else 0.0
        officers = boxes * (reviewed * self.document_review_min.mean + red * remote_share * video)
        lanes = boxes * red * (1 - remote_share) * self.inspection.duration_min.mean
        work = {
            roles.berth: calls * (self.berthing_min.mean + cranes + self.unberthing_min.mean),
            roles.quay_crane: boxes * self.crane_move_min.mean,
            roles.yard_equipment: boxes * handling * (1 + red * (1 - remote_share)),
            roles.document_officer: 0.0,
            roles.inspection_lane: lanes,
            roles.gate_lane: boxes * 2 * self.pickup.gate_transaction_min.mean,
        }
        work[roles.document_officer] += officers
        if self.agency is not None:
            for name, minutes in self.agency.offered_work_per_box(red).items():
                work[name] = work.get(name, 0.0) + boxes * minutes
        if self.trucks is not None:
            # A conventional pickup's holding (a ship-side one is about as long), waits excluded.
            port = 2 * self.pickup.gate_transaction_min.mean + handling
            work[self.trucks.resource] = boxes * (port + self.trucks.round_trip_min.mean)
        if upstream is not None:
            transit = boxes * upstream.offered_transit_work_per_box()
            work[upstream.transit_officers] = work.get(upstream.transit_officers, 0.0) + transit
        if self.yard is not None:
            # A lower bound: a box's slot from its release on (booking, gate in, retrieval); the
            # wait for release, and participants that fall back to the yard, are left out.
            ship_side = self.ship_side_pickup
            landed = 1 - (ship_side.share if ship_side.enabled else 0.0)
            pickup = (
                self.pickup.truck_booking_delay_min.mean
                + self.pickup.gate_transaction_min.mean
                + handling
            )
            work[self.yard.resource] = boxes * landed * pickup
        return work
