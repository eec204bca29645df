"""跨境电子商务零售出口 9610 export: the spec of the CBEC retail (B2C) parcel export process.

Sellers' parcels come by truck to the express / CBEC export supervision centre; the platform,
the collecting payment firm and the logistics firm have sent the order, collection and waybill
data (三单) and the seller or its agent has lodged the per-parcel export list (申报清单); the
system matches and screens the list, the centre reports the parcels arrived (运抵), every parcel
is X-rayed, flagged ones are unpacked, customs releases by list (清单核放), released parcels are
sorted into bags and ULDs for their flight, trucked to the airport and handed to the airline
before the cut-off; the carrier's departure data close the list (离境结关). Lists declared under
regime B are consolidated per exporter and period into an export declaration (汇总申报)
(docs/background/cbec-9610-export-model.md; S60, S61, S63, S69).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.direct_purchase import ParcelInspectionSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.roles import role

MONTH_MIN = 30 * 1440.0
"""A consolidation month of 30 days (the model's calendar month)."""


class ExportListSpec(FrozenSpec):
    """The export list (申报清单) and its three data sets: when lodged, how matched and screened."""

    advance_share: float = Field(
        ge=0, le=1, description="Share of lists lodged before the parcels reach the centre."
    )
    advance_lead_min: Duration = Field(description="How long before the truck's arrival.")
    advance_window_min: float = Field(
        default=1440.0,
        gt=0,
        description="Longest an advance list precedes the arrival; longer leads are capped.",
    )
    after_arrival_delay_min: Duration = Field(description="Arrival to lodgement otherwise.")
    matching_min: Duration = Field(
        description="Automatic match of the list with order, collection and waybill data."
    )
    incomplete_share: float = Field(
        ge=0, le=1, description="Share of lists with missing or mismatched data, held."
    )
    correction_min: Duration = Field(description="Hold to corrected data re-sent.")
    screening_min: Duration = Field(description="Automatic risk screening of a matched list.")
    arrival_report_min: Duration = Field(
        description="Parcels unloaded at the centre to the arrival report (运抵) reaching customs."
    )


class FlightLineSpec(FrozenSpec):
    """One flight line parcels leave on, with the share of parcels booked on it."""

    share: float = Field(ge=0, le=1, description="Share of parcels booked on this line.")
    timetable: DepartureScheduleSpec

    @model_validator(mode="after")
    def _flight(self) -> FlightLineSpec:
        if self.timetable.conveyance != "flight":
            raise ValueError("a 9610 export flight line departs by flight")
        return self


class ExportHandoverSpec(FrozenSpec):
    """Sorting into bags / ULDs, the shuttle to the airport, the carrier's departure data."""

    sorting_min: Duration = Field(description="Sorting one released parcel into its flight's bag.")
    shuttle_interval_min: float = Field(gt=0, description="Time between shuttles to the airport.")
    shuttle_offset_min: float = Field(
        default=0.0, ge=0, description="Time of the first shuttle after minute 0."
    )
    departure_data_min: Duration = Field(
        description="Departure to the carrier's departure data closing the list (离境结关)."
    )

    @model_validator(mode="after")
    def _offset(self) -> ExportHandoverSpec:
        if self.shuttle_offset_min >= self.shuttle_interval_min:
            raise ValueError("shuttle_offset_min must be shorter than shuttle_interval_min")
        return self


class ExportRegimeSpec(FrozenSpec):
    """List regimes, export tax treatment and the consolidated declaration (汇总申报)."""

    exporters: int = Field(gt=0, description="Sellers or agents lodging lists, equally likely.")
    simplified_share: float = Field(
        ge=0,
        le=1,
        description="Share of lists without a refund claim under regime A (清单核放、汇总统计).",
    )
    refund_share: float = Field(
        ge=0, le=1, description="Share of parcels whose seller claims a refund with invoices."
    )
    exemption_share: float = Field(
        ge=0, le=1, description="Share of parcels exempted without invoices (无票免税)."
    )
    period_min: float = Field(
        default=MONTH_MIN, gt=0, description="Consolidation period (a month: 43,200 min)."
    )
    due_after_period_min: float = Field(
        default=15 * 1440.0,
        ge=0,
        description="Period end to the due day of its consolidated declaration (the 15th).",
    )
    consolidation_min: Duration = Field(
        description="Period end to the declaration's lodgement (capped at the due day)."
    )

    @model_validator(mode="after")
    def _shares(self) -> ExportRegimeSpec:
        if self.refund_share + self.exemption_share > 1.0 + 1e-9:
            raise ValueError("refund_share + exemption_share must not exceed 1")
        return self


class ParcelExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    unloader: str = "dongxihu_export_unloaders"
    xray_line: str = "dongxihu_export_xray_lines"
    unpack_officer: str = "dongxihu_export_unpack_officers"
    sorter: str = "dongxihu_export_sorters"


class ParcelExportSpec(FrozenSpec):
    """9610 export: parcels trucked to a supervision centre, cleared by list, flown out."""

    kind: Literal["cbec_9610_export"] = "cbec_9610_export"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    centre_node: str = Field(description="The express / CBEC export supervision centre.")
    truck_arrivals: ArrivalProcess = Field(json_schema_extra=role("demand"))
    parcels_per_truck: Count = Field(json_schema_extra=role("demand"))
    parcel_multiplier: float = Field(
        default=1.0,
        gt=0,
        le=20,
        description="Scales the parcels of every truck (a shopping-festival peak: about 3).",
        json_schema_extra=role("demand"),
    )
    dock_setup_min: Duration = Field(description="Truck docked to the first parcel inducted.")
    unloading_rate_per_hour: float = Field(
        gt=0, description="Parcels a dock team inducts onto the line per hour."
    )
    parcel_list: ExportListSpec
    inspection: ParcelInspectionSpec
    handover: ExportHandoverSpec
    flights: tuple[FlightLineSpec, ...] = Field(min_length=1)
    regime: ExportRegimeSpec
    resources: ParcelExportResources = ParcelExportResources()

    @model_validator(mode="after")
    def _lines(self) -> ParcelExportSpec:
        total = sum(line.share for line in self.flights)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"flights shares must sum to 1, not {total:g}")
        if any(line.timetable.node == self.centre_node for line in self.flights):
            raise ValueError("centre_node must not be a flight's airport: parcels are trucked")
        return self

    def scaled_parcels(self, count: int) -> int:
        """Parcels of a truck whose base draw is ``count``, after ``parcel_multiplier``."""
        return max(1, round(count * self.parcel_multiplier))

    def parcel_rate_per_min(self, horizon_min: float) -> float:
        """Mean parcels reaching the centre per minute over ``[0, horizon_min)``."""
        trucks = self.truck_arrivals.mean_rate_per_min(horizon_min)
        return trucks * self.parcels_per_truck.mean * self.parcel_multiplier

    def unpack_share(self) -> float:
        """Expected share of parcels unpacked: flagged by the risk engine or by the X-ray image."""
        return self.inspection.unpack_share()

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource role."""
        trucks = self.truck_arrivals.mean_rate_per_min(horizon_min)
        per_truck = self.parcels_per_truck.mean * self.parcel_multiplier
        parcels = self.parcel_rate_per_min(horizon_min)
        i, roles = self.inspection, self.resources
        unloading = self.dock_setup_min.mean + 60.0 * per_truck / self.unloading_rate_per_hour
        unpacked = parcels * self.unpack_share()
        return {
            roles.unloader: trucks * unloading,
            roles.xray_line: parcels * i.xray_scan_min.mean,
            roles.unpack_officer: unpacked * i.unpack_min.mean,
            roles.sorter: (parcels - unpacked * i.seizure_share) * self.handover.sorting_min.mean,
        }

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.centre_node, *(line.timetable.node for line in self.flights))
