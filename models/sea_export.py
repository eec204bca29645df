"""Containerised sea (river) export at a port: conventional, or with 抵港直装 direct loading.

An optional goods stream of statutory-inspection goods (``export_inspection``, shared with the
CBEC exports: :mod:`clearsim.models.export_inspection`) adds the statutory inspection at the
exporter's premises before the declaration, 出口批次检验 batch inspection and 远程属地查检 remote
inspection at the producer's site (SEED-003 s8, s12).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.export_inspection import ExportInspectionSpec
from clearsim.models.onward_shipping import OnwardShippingSpec
from clearsim.models.processes import DeclarationSpec, InspectionSpec, RiskSpec
from clearsim.models.roles import role


class ExportHandlingSpec(FrozenSpec):
    """Terminal handling of an export box: gate, export yard, the drive to the quay."""

    gate_transaction_min: Duration = Field(description="The truck's gate-in transaction.")
    yard_handling_min: Duration = Field(description="Yard crane or reach stacker move per box.")
    quay_transfer_min: Duration = Field(
        description="Drive inside the port from the export yard or the gate to the quay."
    )
    arrival_report_min: Duration = Field(
        description="Gate-in to the terminal's arrival report (运抵报告) reaching customs."
    )


class DirectLoadingSpec(FrozenSpec):
    """抵港直装: declared and released before arrival, the truck delivers straight to the quay."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of containers whose shipper takes part.",
        json_schema_extra=role("take_up"),
    )
    truck_call_min: Duration = Field(
        description="Vessel arrival to the called truck's arrival at the gate (participants)."
    )


class SeaExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role (shared with sea import)."""

    berth: str = "berths"
    quay_crane: str = "quay_cranes"
    yard_equipment: str = "yard_equipment"
    document_officer: str = "customs_officers"
    inspection_lane: str = "inspection_lanes"
    gate_lane: str = "gate_lanes"


class SeaExportSpec(FrozenSpec):
    """Containerised sea (river) export at a port, conventional or with direct loading."""

    kind: Literal["sea_export"] = "sea_export"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    port_node: str
    inspection_node: str
    vessel_arrivals: ArrivalProcess = Field(json_schema_extra=role("demand"))
    containers_per_call: Count = Field(json_schema_extra=role("demand"))
    cutoff_before_arrival_min: float = Field(
        ge=0, description="Cut-off (截港): latest gate arrival of a box before its vessel arrives."
    )
    gate_lead_min: Duration = Field(
        description="How long before the cut-off a conventional box arrives at the gate."
    )
    berthing_min: Duration = Field(description="Berth granted to loading start.")
    unberthing_min: Duration = Field(description="Last box loaded to berth free.")
    loading_window_min: Duration = Field(
        description="Loading start to the latest end of loading; boxes not loaded by then roll "
        "over to the next call."
    )
    crane_move_min: Duration = Field(description="One quay-crane move (box onto the vessel).")
    aeo_share: float = Field(ge=0, le=1, description="Share of containers of AEO exporters.")
    aeo_queue_priority: bool = Field(
        default=False,
        description="AEO boxes go first in officer, lane and crane queues.",
        json_schema_extra=role("rule"),
    )
    declaration: DeclarationSpec
    risk: RiskSpec
    document_review_min: Duration
    inspection: InspectionSpec
    handling: ExportHandlingSpec
    direct_loading: DirectLoadingSpec = Field(json_schema_extra=role("rule"))
    export_inspection: ExportInspectionSpec | None = Field(
        default=None,
        description="Statutory-inspection goods: 法检 at the exporter's premises, the goods' own "
        "physical-check share and time, batch and remote inspection; absent: the risk channels "
        "and the port inspection only.",
        # Absent, it is left out of the scenario JSON: existing scenarios keep their hash.
        exclude_if=lambda value: value is None,
    )
    onward: OnwardShippingSpec | None = Field(
        default=None,
        description="The onward water chain: the vessel is a river feeder to a hub port, where "
        "the box transships to an ocean vessel (models/onward_shipping.py); absent: the box's "
        "case ends when its vessel leaves the port.",
        exclude_if=lambda value: value is None,
    )
    resources: SeaExportResources = SeaExportResources()

    @model_validator(mode="after")
    def _shares(self) -> SeaExportSpec:
        if self.direct_loading.enabled and self.direct_loading.share <= 0:
            raise ValueError("direct_loading is enabled with share 0; set a share > 0")
        return self

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        if self.onward is not None:
            return (self.port_node, self.inspection_node, self.onward.hub_node)
        return (self.port_node, self.inspection_node)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check).

        The berth counts one crane's pace per call, an upper bound: a conservative check.
        """
        calls = self.vessel_arrivals.mean_rate_per_min(horizon_min)
        per_call = self.containers_per_call.mean
        boxes = calls * per_call
        general, aeo = self.risk.general, self.risk.aeo
        red = (1 - self.aeo_share) * general.red + self.aeo_share * aeo.red
        reviewed = (1 - self.aeo_share) * (general.yellow + general.red) + self.aeo_share * (
            aeo.yellow + aeo.red
        )
        stay = self.berthing_min.mean + per_call * self.crane_move_min.mean
        roles, handling = self.resources, self.handling.yard_handling_min.mean
        lane_min = self.inspection.duration_min.mean
        goods = self.export_inspection
        if goods is not None:
            # The goods' own check share replaces the red share; checks by video need no lane.
            red = goods.physical_share
            reviewed = min(1.0, reviewed + red)  # an upper bound: selected boxes are reviewed
            lane_min = goods.physical_min.mean * (1 - goods.statutory_share * goods.remote_share())
        return {
            roles.berth: calls * (stay + self.unberthing_min.mean),
            roles.quay_crane: boxes * self.crane_move_min.mean,
            roles.yard_equipment: boxes * handling * (2 + red),
            roles.document_officer: boxes * reviewed * self.document_review_min.mean,
            roles.inspection_lane: boxes * red * lane_min,
            roles.gate_lane: boxes * self.handling.gate_transaction_min.mean,
        }
