"""China-Europe rail (中欧班列) import: conventional transit, fast clearance, bonded storage."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.agency import RailAgencySpec
from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.capacities import BondedPositionsSpec
from clearsim.models.distributions import Count, Duration, check_probability_map
from clearsim.models.processes import DeclarationSpec, InspectionSpec, RiskSpec
from clearsim.models.roles import role


class TransitFormalitiesSpec(FrozenSpec):
    """Conventional transit (转关) at the border port, step by step (S32d; rail-import-model.md).

    The border office accepts the train's transit declaration, its officers confirm the consignor,
    consignee and agent of every box (what fast clearance drops: S32d), and the wagons are sealed
    for the run inland. The train waits for all three.
    """

    declaration_min: Duration = Field(
        description="Transit declaration lodged and accepted at the border office, per train."
    )
    party_check_min: Duration = Field(
        description="Officers confirm one box's consignor, consignee and agent (per box)."
    )
    sealing_min: Duration = Field(description="Customs seals on the train's wagons (施封).")


class BorderSpec(FrozenSpec):
    """The train's stop at the border port where it enters China."""

    handling_min: Duration = Field(
        description="Physical border handling of a train under any regime (gauge change, 换装)."
    )
    transit: TransitFormalitiesSpec = Field(
        description="Conventional: the transit (转关) formalities holding the train."
    )


class TerminalPickupSpec(FrozenSpec):
    """Truck pickup at the rail terminal after release: booking, gate transactions, yard move."""

    truck_booking_delay_min: Duration = Field(description="Release to truck at the gate.")
    gate_transaction_min: Duration
    yard_handling_min: Duration = Field(description="Gantry move from the stack onto a truck.")


class FastClearanceSpec(FrozenSpec):
    """铁路快速通关: manifest in advance, arrival-data check at the border, no transit."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    arrival_check_min: Duration = Field(
        description="The border's check of the train's arrival data (replaces the formalities).",
        json_schema_extra=role("rule"),
    )
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of trains whose operator applied for the mode and filed the manifest "
        "in advance (the mode is optional, S32).",
        json_schema_extra=role("take_up"),
    )


class BondedStorageSpec(FrozenSpec):
    """中欧班列+保税仓储: a share of boxes enter a CBZ under bonded storage, no duty yet."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of containers entering bonded storage.",
        json_schema_extra=role("take_up"),
    )
    cbz_node: str = Field(
        description="The comprehensive bonded zone (综保区) they are taken to.",
        json_schema_extra=role("rule"),
    )
    entry_check_min: Duration = Field(
        description="Customs check of the bonded entry list before release into the CBZ.",
        json_schema_extra=role("rule"),
    )
    positions: BondedPositionsSpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="The bonded warehouse's positions, held while the goods are in bond; "
        "absent: room for every box.",
    )


class RailImportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    gantry: str = "wujiashan_gantries"
    document_officer: str = "wujiashan_customs_officers"
    inspection_lane: str = "wujiashan_inspection_lanes"
    gate_lane: str = "wujiashan_gate_lanes"


class RailImportSpec(FrozenSpec):
    """China-Europe rail import of containers cleared at an inland rail terminal."""

    kind: Literal["rail_import"] = "rail_import"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    border_node: str = Field(description="The border port where trains enter China.")
    terminal_node: str = Field(description="The inland rail terminal where customs clears.")
    destinations: dict[str, float] = Field(description="Consignee sites and their shares.")
    train_arrivals: ArrivalProcess = Field(
        description="When trains reach the border port.", json_schema_extra=role("demand")
    )
    containers_per_train: Count = Field(json_schema_extra=role("demand"))
    border: BorderSpec
    arrival_confirmation_min: Duration = Field(
        description="Train arrival at the terminal to arrival confirmation."
    )
    transit_closure_min: Duration = Field(
        description="Conventional: arrival to the transit's closure (转关核销) at the terminal."
    )
    unloading_min: Duration = Field(description="One gantry move, wagon to stack.")
    aeo_share: float = Field(ge=0, le=1, description="Share of containers of AEO importers.")
    aeo_queue_priority: bool = Field(
        default=False,
        description="AEO boxes go first in officer and lane queues.",
        json_schema_extra=role("rule"),
    )
    declaration: DeclarationSpec
    risk: RiskSpec
    document_review_min: Duration
    tax_payment_min: Duration
    inspection: InspectionSpec
    pickup: TerminalPickupSpec
    fast_clearance: FastClearanceSpec
    bonded_storage: BondedStorageSpec
    resources: RailImportResources = RailImportResources()
    agency: RailAgencySpec | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
        description="Inspection and other-agency layer (docs/reference/processes/agency.md); "
        "absent: none.",
    )

    @field_validator("destinations", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _shares(self) -> RailImportSpec:
        check_probability_map(self.destinations, "destinations")
        if self.bonded_storage.enabled and self.bonded_storage.share <= 0:
            raise ValueError("bonded_storage is enabled with share 0; set a share > 0")
        positions = self.bonded_storage.positions
        if positions is not None and positions.resource in self.resources.model_dump().values():
            raise ValueError(
                f"bonded_storage.positions.resource {positions.resource!r} already serves "
                "another role; name a resource of its own"
            )
        if self.fast_clearance.enabled and self.fast_clearance.take_up <= 0:
            raise ValueError("fast_clearance is enabled with take_up 0; set a take_up > 0")
        return self

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        positions = self.bonded_storage.positions
        extra = (positions.resource,) if positions else ()
        return (*self.resources.model_dump().values(), *extra)

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        nodes = (self.border_node, self.terminal_node, *self.destinations)
        return (*nodes, self.bonded_storage.cbz_node)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check)."""
        boxes = self.train_arrivals.mean_rate_per_min(horizon_min) * self.containers_per_train.mean
        general, aeo = self.risk.general, self.risk.aeo
        red = (1 - self.aeo_share) * general.red + self.aeo_share * aeo.red
        reviewed = (1 - self.aeo_share) * (general.yellow + general.red) + self.aeo_share * (
            aeo.yellow + aeo.red
        )
        gantry = self.unloading_min.mean + self.pickup.yard_handling_min.mean * (1 + red)
        roles = self.resources
        work = {
            roles.gantry: boxes * gantry,
            roles.document_officer: boxes * reviewed * self.document_review_min.mean,
            roles.inspection_lane: boxes * red * self.inspection.duration_min.mean,
            roles.gate_lane: boxes * 2 * self.pickup.gate_transaction_min.mean,
        }
        conformity = self.agency.conformity if self.agency else None
        if conformity is not None:
            # An upper bound: every equipment box counts on both lane and officer.
            work[roles.inspection_lane] += boxes * conformity.share * conformity.inspection_min.mean
            work[roles.document_officer] += (
                boxes * conformity.share * conformity.assessment_min.mean
            )
        storage = self.bonded_storage
        if storage.positions is not None:
            # Each bonded box holds a position for its stay (waits excluded).
            share = storage.share if storage.enabled else 0.0
            work[storage.positions.resource] = boxes * share * storage.positions.stay_min.mean
        return work
