"""特殊区域出口 1210 export: goods enter a bonded zone in batches and leave it parcel by parcel.

The spec describes the process of docs/background/cbec-1210-export-model.md, the model
"集中入区、分散出区、汇总申报" (S70): domestic sellers move goods into the zone in batches, each
declared on entry (the zone-entry export declaration, the seller's tax-refund document: 入区退税)
and booked on the bonded account; overseas consumers' orders are declared on a per-parcel export
list (三单 + 申报清单), screened, picked and packed in the zone's warehouse, checked at the zone,
released, written off the account, trucked out of the zone to the airport (区港联动) and flown;
the released lists are consolidated periodically (汇总申报).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.roles import role

MINUTES_PER_DAY = 1440.0


class ZoneEntrySpec(FrozenSpec):
    """Sellers' batches into the zone: SKUs, starting stock, the batches and their entry."""

    skus: int = Field(ge=1, description="Number of SKUs the sellers hold in the zone.")
    popularity_exponent: float = Field(
        ge=0, description="Zipf exponent of SKU popularity (0: every SKU equally popular)."
    )
    initial_stock_days: float = Field(
        gt=0, description="Stock of each SKU at the start, in days of its expected demand."
    )
    batches: ArrivalProcess = Field(
        description="Batches leaving the sellers' warehouses for the zone.",
        json_schema_extra=role("demand"),
    )
    origin_node: str = Field(description="Where batches come from by road (sellers' warehouses).")
    skus_per_batch: int = Field(ge=1, description="Distinct SKUs one batch restocks.")
    supply_ratio: float = Field(
        gt=0, description="Units supplied per unit demanded, in expectation (1: balanced)."
    )
    entry_declaration_min: Duration = Field(
        description="Zone-entry export declaration (入区报关, the refund document): lodged to "
        "released, batch at the gate."
    )
    entry_check_share: float = Field(ge=0, le=1, description="Share of batches checked on entry.")
    entry_check_min: Duration = Field(description="Customs check of a batch on entry.")
    receiving_min: Duration = Field(description="Unloading, tally and put-away in the warehouse.")
    max_stock_wait_min: float = Field(
        gt=0, description="Longest an order waits for stock of its SKU before it is cancelled."
    )

    @model_validator(mode="after")
    def _batch(self) -> ZoneEntrySpec:
        if self.skus_per_batch > self.skus:
            raise ValueError("skus_per_batch cannot exceed skus: a batch restocks distinct SKUs")
        return self


class BondedExportListSpec(FrozenSpec):
    """The per-parcel export list (申报清单) and its screening."""

    data_push_min: Duration = Field(
        description="Order placed to list lodged (order, collection, waybill pushed; list lodged)."
    )
    auto_review_min: Duration = Field(
        description="Automatic review: three-document match, list against account, risk."
    )
    review_share: float = Field(
        ge=0, le=1, description="Share of lists flagged to an officer's document review."
    )
    document_review_min: Duration = Field(description="Officer's review of a flagged list.")


class ZoneExitSpec(FrozenSpec):
    """Picking, the zone's check, the gate, the truck to the airport and the airline hand-over."""

    pick_pack_min: Duration = Field(description="Pick and pack one order (one picker).")
    xray_share: float = Field(
        ge=0, le=1, description="Share of parcels X-rayed at the zone (1: every parcel)."
    )
    xray_min: Duration = Field(description="X-ray of one parcel on the line.")
    flagged_share: float = Field(
        ge=0, le=1, description="Share of X-rayed parcels whose image is flagged (opened)."
    )
    check_min: Duration = Field(description="Officer's check of a flagged parcel.")
    truck_interval_min: float = Field(gt=0, description="Time between trucks to the airport.")
    truck_first_h: float = Field(ge=0, lt=24, description="Clock hour of the day's first truck.")
    truck_last_h: float = Field(
        ge=0, lt=24, description="Clock hour after which no truck leaves that day."
    )
    gate_min: Duration = Field(
        description="Truck-list release (核放) at the zone gate, per parcel."
    )
    airport_node: str = Field(description="The airport the trucks drive to.")
    handover_min: Duration = Field(description="Airline acceptance of a parcel at the airport.")

    @model_validator(mode="after")
    def _trucks(self) -> ZoneExitSpec:
        if self.truck_last_h < self.truck_first_h:
            raise ValueError("truck_last_h before truck_first_h: no truck a day")
        return self


class BondedConsolidationSpec(FrozenSpec):
    """汇总申报: the lists of parcels that left in a period merged into one declaration."""

    period_min: float = Field(gt=0, description="Length of a consolidation period.")
    filing_min: Duration = Field(
        description="Period end to the consolidated declaration lodged (the declarant's work)."
    )


class BondedExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    picker: str = "dongxihu_cbz_pickers"
    document_officer: str = "dongxihu_cbz_officers"
    xray_line: str = "dongxihu_cbz_xray_lines"
    check_officer: str = "dongxihu_cbz_check_officers"


class BondedExportSpec(FrozenSpec):
    """特殊区域出口 1210 export: batches into a zone, parcels out of it, flown, consolidated."""

    kind: Literal["cbec_1210_export"] = "cbec_1210_export"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    zone_node: str = Field(description="The bonded zone holding the stock and the warehouse.")
    orders: ArrivalProcess = Field(
        description="Overseas consumers' orders.", json_schema_extra=role("demand")
    )
    quantity: Count = Field(description="Units of the SKU in one order.")
    entry: ZoneEntrySpec
    declaration: BondedExportListSpec
    exit: ZoneExitSpec
    flights: DepartureScheduleSpec
    consolidation: BondedConsolidationSpec
    resources: BondedExportResources = BondedExportResources()

    @model_validator(mode="after")
    def _checks(self) -> BondedExportSpec:
        if self.flights.node != self.exit.airport_node:
            raise ValueError("flights.node must be exit.airport_node: the trucks' airport")
        if self.zone_node in (self.exit.airport_node, self.entry.origin_node):
            raise ValueError("zone_node must differ from the airport and the batches' origin")
        return self

    def orders_per_day(self) -> float:
        """Expected orders per day (over the first day)."""
        return self.orders.mean_rate_per_min(MINUTES_PER_DAY) * MINUTES_PER_DAY

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource role.

        An upper bound: every order is counted as picked, although cancelled ones never are.
        """
        rate = self.orders.mean_rate_per_min(horizon_min)
        d, x, roles = self.declaration, self.exit, self.resources
        return {
            roles.picker: rate * x.pick_pack_min.mean,
            roles.document_officer: rate * d.review_share * d.document_review_min.mean,
            roles.xray_line: rate * x.xray_share * x.xray_min.mean,
            roles.check_officer: rate * x.xray_share * x.flagged_share * x.check_min.mean,
        }

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.zone_node, self.entry.origin_node, self.exit.airport_node)
