"""9710 跨境电商B2B直接出口 (CBEC B2B direct export): the spec of the process.

An overseas business buyer places a B2B order; the exporter ships it as one or more
consignments. Each consignment is declared on a list or a declaration form (GACC 2020 No. 75,
S62; :func:`~clearsim.models.export_documents.b2b_declaration_form`), after the declarant has
prepared its documents and, for goods subject to it, after the statutory inspection. Customs
screens it, may check it physically (B2B exports first in the inspection queue, S63) and
releases it. It leaves by air from Tianhe (built onto a ULD), by China-Europe train from
Wujiashan or by river feeder from Yangluo (less-than-container-load: packed into a container at
a consolidation warehouse, CFS) (docs/background/cbec-9710-model.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Count, Duration, check_probability_map
from clearsim.models.export_documents import ExportDocumentsSpec
from clearsim.models.export_inspection import ExportInspectionSpec
from clearsim.models.roles import role


class B2BGoodsSpec(FrozenSpec):
    """What a consignment holds, as far as the declaration-form rule asks (S62)."""

    value_median_cny: float = Field(gt=0, description="Median value of a consignment (CNY).")
    value_sigma: float = Field(ge=0, description="Sigma of log value (lognormal).")
    licensed_share: float = Field(
        ge=0, le=1, description="Share of consignments needing an export licence (涉证)."
    )
    taxed_share: float = Field(
        ge=0, le=1, description="Share of consignments liable to export duty (涉税)."
    )


class InspectBeforeLoadingSpec(FrozenSpec):
    """先查验后装运 (SEED-003 s1, s3; S65): LCL goods checked at the CFS before packing."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of LCL consignments whose goods are in the pilot's categories.",
        json_schema_extra=role("take_up"),
    )


class B2BModeSpec(FrozenSpec):
    """One way out: where the goods are consolidated, checked and handed to the carrier."""

    share: float = Field(ge=0, le=1, description="Share of consignments leaving this way.")
    unit: Literal["container", "uld"] = Field(
        description="What consignments are packed into (object type of its case)."
    )
    lcl: bool = Field(
        description="Less-than-container-load: packed at a CFS, the container checked at the "
        "port when a consignment in it is selected (the conventional order)."
    )
    site_node: str = Field(description="Where the goods arrive and are packed (CFS, terminal).")
    port_node: str = Field(description="Where the conveyance leaves (terminal, port, airport).")
    inspection_node: str = Field(description="The inspection area of the port.")
    inspection_lane: str = Field(description="Resource: the inspection lanes there.")
    consignments_per_unit: int = Field(
        gt=0,
        description="Most consignments one container or ULD takes.",
        json_schema_extra=role("capacity"),
    )
    close_before_cutoff_min: float = Field(
        ge=0, description="How long before the departure's cut-off the CFS packs its units."
    )
    packing_min: Duration = Field(description="Packing one container, building one ULD.")
    unpacking_min: Duration = Field(
        description="Unpacking a container at the inspection area (and again to repack it)."
    )
    departures: DepartureScheduleSpec


class B2BExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    document_officer: str = "b2b_customs_officers"


class B2BExportSpec(FrozenSpec):
    """9710 B2B direct export: orders, consignments, declaration, checks, consolidation, out."""

    kind: Literal["cbec_9710"] = "cbec_9710"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    order_arrivals: ArrivalProcess = Field(
        description="B2B orders whose goods are ready to ship.", json_schema_extra=role("demand")
    )
    consignments_per_order: Count = Field(json_schema_extra=role("demand"))
    trip_to_site_min: Duration = Field(
        description="Goods ready at the exporter's premises to arrival at the export site."
    )
    goods: B2BGoodsSpec
    documents: ExportDocumentsSpec
    screening_min: Duration = Field(description="Automatic risk screening of the declaration.")
    review_share: float = Field(
        ge=0, le=1, description="Share of declaration forms an officer reviews (lists: none)."
    )
    review_min: Duration = Field(description="An officer's review of a declaration form.")
    inspection: ExportInspectionSpec
    inspection_priority: bool = Field(
        default=True,
        description="B2B exports go first in the inspection queue (优先查验, S63).",
        json_schema_extra=role("rule"),
    )
    inspect_before_loading: InspectBeforeLoadingSpec = Field(
        default=InspectBeforeLoadingSpec(), json_schema_extra=role("rule")
    )
    modes: dict[str, B2BModeSpec] = Field(description="Ways out by name (air, rail, sea).")
    resources: B2BExportResources = B2BExportResources()

    @field_validator("modes", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _checks(self) -> B2BExportSpec:
        check_probability_map({k: m.share for k, m in self.modes.items()}, "modes shares")
        ibl = self.inspect_before_loading
        if ibl.enabled and ibl.share <= 0:
            raise ValueError("inspect_before_loading is enabled with share 0; set a share > 0")
        for name, mode in self.modes.items():
            if mode.departures.node != mode.port_node:
                raise ValueError(f"modes.{name}: departures.node must be its port_node")
            if mode.unit == "uld" and mode.lcl:
                raise ValueError(f"modes.{name}: a ULD is built after release, never LCL")
        return self

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        lanes = sorted({m.inspection_lane for m in self.modes.values()})
        return (self.resources.document_officer, *lanes)

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        nodes = {n for m in self.modes.values() for n in (m.site_node, m.port_node)}
        nodes |= {m.inspection_node for m in self.modes.values()}
        return tuple(sorted(nodes))

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (upper bound).

        Every consignment is counted a form (reviewed at ``review_share``), every check on a
        lane (no video): a conservative stability check.
        """
        rate = self.order_arrivals.mean_rate_per_min(horizon_min)
        consignments = rate * self.consignments_per_order.mean
        work = {
            self.resources.document_officer: consignments * self.review_share * self.review_min.mean
        }
        checks = consignments * self.inspection.physical_share * self.inspection.physical_min.mean
        for mode in self.modes.values():
            lane = mode.inspection_lane
            work[lane] = work.get(lane, 0.0) + mode.share * checks
        return work
