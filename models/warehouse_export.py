"""跨境电子商务出口海外仓 9810 export to overseas warehouses: the spec of the process.

An exporter ships stock to its own (or a third party's) overseas warehouse, sold there later to
consumers abroad (GACC announcement 2020 No. 75, S62). Before it may declare under 9810 it
registers with customs as a CBEC enterprise and files its overseas-warehouse business (海外仓备案,
S62); SEED-003 s8 abolishes that filing. The consignment reaches the Wujiashan consolidation
point; the declarant transmits the overseas-warehouse booking (海外仓订仓单, in place of an
order), prepares the documents and lodges a list or a declaration form (CNY 5,000 rule); customs
screens it, reviews the documents of some, checks the goods of a few; the released consignment is
stuffed into a container of the next China-Europe train, which leaves on its timetable, crosses
the border at Alashankou and reaches Duisburg, from where the goods are trucked to the warehouse
(docs/background/cbec-9810-model.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Duration
from clearsim.models.export_documents import ExportDocumentsSpec
from clearsim.models.export_inspection import ExportInspectionSpec
from clearsim.models.roles import role


class WarehouseRegistrationSpec(FrozenSpec):
    """The CBEC enterprise registration and overseas-warehouse filing (S62) a new exporter needs."""

    required: bool = Field(
        default=True,
        description="An exporter must be registered and file its overseas warehouse before it "
        "declares under 9810 (S62); SEED-003 s8 abolishes the filing (false).",
        json_schema_extra=role("rule"),
    )
    unregistered_share: float = Field(
        ge=0,
        le=1,
        description="Share of consignments whose exporter is new to 9810 and not yet registered.",
    )
    registration_min: Duration = Field(
        description="The exporter's filing documents and customs processing, start to approval."
    )


class WarehouseGoodsSpec(FrozenSpec):
    """What a 9810 consignment is worth and whether it needs a licence or pays export duty."""

    value_median_cny: float = Field(gt=0, description="Median declared value of a consignment.")
    value_sigma: float = Field(ge=0, description="Sigma of log value (lognormal).")
    licensed_share: float = Field(
        ge=0, le=1, description="Share of consignments of goods needing an export licence."
    )
    taxed_share: float = Field(
        ge=0, le=1, description="Share of consignments liable to export duty."
    )


class WarehouseDeclarationSpec(FrozenSpec):
    """The booking data, the lodgement and customs' screening and document review."""

    booking_min: Duration = Field(
        description="Transmitting the overseas-warehouse booking (海外仓订仓单) and logistics data."
    )
    screening_min: Duration = Field(description="Automatic risk screening of the declaration.")
    review_share: float = Field(
        ge=0,
        le=1,
        description="Share of declarations sent to an officer's document review only (yellow).",
    )
    review_min: Duration = Field(description="An officer's review of the documents.")


class ConsolidationSpec(FrozenSpec):
    """Stuffing released consignments into the containers of the next train."""

    consignments_per_container: int = Field(
        gt=0, description="Consignments one container (FEU) holds."
    )
    stuffing_min: Duration = Field(description="A crew stuffing one consignment into a container.")


class RailLegSpec(FrozenSpec):
    """The train's run from the consolidation point to the overseas terminal and on by road."""

    border_node: str = Field(description="Border port where the train leaves China.")
    overseas_node: str = Field(description="Overseas rail terminal the train runs to.")
    border_handling_min: Duration = Field(
        description="The train's stop at the border: exit formalities, gauge change (per train)."
    )
    warehouse_trucking_min: Duration = Field(
        description="Overseas terminal to the warehouse: unloading, devanning, the truck trip."
    )


class WarehouseExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    document_officer: str = "wujiashan_export_officers"
    inspection_lane: str = "wujiashan_export_lanes"
    stuffing_crew: str = "wujiashan_stuffing_crews"


class WarehouseExportSpec(FrozenSpec):
    """出口海外仓 9810: consignments to an overseas warehouse, by China-Europe train."""

    kind: Literal["cbec_9810"] = "cbec_9810"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    consolidation_node: str = Field(
        description="The consolidation point consignments arrive at and are cleared at."
    )
    consignment_arrivals: ArrivalProcess = Field(
        description="When consignments reach the consolidation point.",
        json_schema_extra=role("demand"),
    )
    registration: WarehouseRegistrationSpec
    goods: WarehouseGoodsSpec
    declaration: WarehouseDeclarationSpec
    documents: ExportDocumentsSpec
    inspection: ExportInspectionSpec
    consolidation: ConsolidationSpec
    trains: DepartureScheduleSpec
    rail: RailLegSpec
    resources: WarehouseExportResources = WarehouseExportResources()

    @model_validator(mode="after")
    def _sites(self) -> WarehouseExportSpec:
        if self.trains.conveyance != "train":
            raise ValueError("trains.conveyance must be train: 9810 goods go by China-Europe rail")
        if self.trains.node != self.consolidation_node:
            raise ValueError("trains.node must be the consolidation_node: trains leave from it")
        if self.trains.capacity_units < self.consolidation.consignments_per_container:
            raise ValueError(
                "trains.capacity_units (consignments) must hold at least one container"
            )
        if self.declaration.review_share + self.inspection.physical_share > 1:
            raise ValueError("declaration.review_share + inspection.physical_share must be <= 1")
        return self

    def containers_per_train(self) -> int:
        """Containers one train takes: its capacity in consignments over a container's."""
        return -(-self.trains.capacity_units // self.consolidation.consignments_per_container)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check)."""
        rate = self.consignment_arrivals.mean_rate_per_min(horizon_min)
        i, roles = self.inspection, self.resources
        reviewed = self.declaration.review_share + i.physical_share
        lane = i.physical_share * (1.0 - i.remote_share())
        return {
            roles.document_officer: rate * reviewed * self.declaration.review_min.mean,
            roles.inspection_lane: rate * lane * i.physical_min.mean,
            roles.stuffing_crew: rate * self.consolidation.stuffing_min.mean,
        }

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.consolidation_node, self.rail.border_node, self.rail.overseas_node)
