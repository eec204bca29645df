"""市场采购贸易 1039 market procurement export: the spec of the Hankou North (汉口北) process.

Foreign buyers' procurement traders buy many items in small lots from the stalls of a designated
market; every purchase is recorded on the market-procurement networked information platform
(联网信息平台); the goods are gathered at the market's consolidation warehouse (组货) into one
consignment of up to US$150,000 (S64), declared at the market with the simplified declaration
(the 5 highest-value items one by one, the rest merged by tariff chapter), inspected where
statutory inspection applies, risk-screened and, when selected, physically checked at the market's
supervision site, released there (通关一体化: declared inland, shipped out at the port), packed into
a container and trucked to the river port or the rail terminal, where it leaves on a scheduled
vessel or train. No VAT is levied and none refunded (不征不退, S64)
(docs/background/market-1039-model.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.export_inspection import ExportInspectionSpec
from clearsim.models.roles import role


class MarketGoodsSpec(FrozenSpec):
    """What one consignment holds: items bought at the stalls, their values and tariff chapters."""

    items: Count = Field(description="Items (kinds of goods) bought for one consignment.")
    item_value_median_usd: float = Field(gt=0, description="Median value of one item's lot.")
    item_value_sigma: float = Field(ge=0, description="Sigma of log item value (lognormal).")
    chapters: int = Field(
        ge=1, le=97, description="Tariff chapters the items are spread over (uniformly)."
    )
    value_cap_usd: float = Field(
        gt=0,
        description="Highest value of one declaration; items beyond it wait for another one.",
        json_schema_extra=role("rule"),
    )
    usd_cny: float = Field(gt=0, description="Exchange rate, CNY per US dollar.")


class MarketDeclarationSpec(FrozenSpec):
    """The agent's declaration: the simplified rule and the work per declared line."""

    simplified: bool = Field(
        default=True,
        description="Simplified declaration: top items one by one, the rest merged by chapter.",
        json_schema_extra=role("rule"),
    )
    simplified_from_items: int = Field(
        default=5,
        ge=1,
        description="Items from which the simplified declaration applies.",
        json_schema_extra=role("rule"),
    )
    itemised_lines: int = Field(
        default=5,
        ge=1,
        description="Highest-value items declared one by one under the simplified declaration.",
        json_schema_extra=role("rule"),
    )
    setup_min: Duration = Field(
        description="The agent's fixed work on a declaration (platform data, header, lodging)."
    )
    line_min: Duration = Field(description="The agent's work on one declared line.")

    @model_validator(mode="after")
    def _lines(self) -> MarketDeclarationSpec:
        if self.itemised_lines > self.simplified_from_items:
            raise ValueError("itemised_lines must not exceed simplified_from_items")
        return self

    def declared_lines(self, items: int, chapters_of_rest: int) -> int:
        """Lines of a declaration of ``items`` items whose merged rest spans these chapters."""
        if not self.simplified or items < self.simplified_from_items:
            return items
        return min(items, self.itemised_lines) + chapters_of_rest


class MarketSupervisionSpec(FrozenSpec):
    """The market's supervision site: screening, the move to a lane, packing, trucks to port."""

    screening_min: Duration = Field(description="Automatic risk screening of a declaration.")
    transfer_min: Duration = Field(
        description="Consolidation warehouse to the inspection lanes of the supervision site."
    )
    return_min: Duration = Field(description="Inspection lanes back to the warehouse.")
    stuffing_min: Duration = Field(description="Packing one consignment into its container.")
    consignments_per_container: int = Field(
        gt=0, description="Consignments one container takes; a full one is followed by another."
    )
    truck_interval_min: float = Field(
        gt=0, description="Time between container trucks leaving the market for the ports."
    )
    truck_offset_min: float = Field(
        default=0.0, ge=0, description="Time of the first truck after minute 0."
    )

    @model_validator(mode="after")
    def _offset(self) -> MarketSupervisionSpec:
        if self.truck_offset_min >= self.truck_interval_min:
            raise ValueError("truck_offset_min must be shorter than truck_interval_min")
        return self


class MarketRouteSpec(FrozenSpec):
    """One way out: the share of consignments taking it and its departure timetable."""

    share: float = Field(ge=0, le=1, description="Share of consignments leaving this way.")
    departure: DepartureScheduleSpec


class MarketProcurementResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    declarant: str = "hankou_north_declarants"
    inspection_lane: str = "hankou_north_inspection_lanes"
    stuffing_crew: str = "hankou_north_stuffing_crews"


class MarketProcurementSpec(FrozenSpec):
    """市场采购 1039: consignments bought at a market, declared there, shipped out at a port."""

    kind: Literal["market_1039"] = "market_1039"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    market_node: str = Field(description="The market's supervision site and warehouse.")
    consignment_arrivals: ArrivalProcess = Field(json_schema_extra=role("demand"))
    purchase_spread_min: Duration = Field(
        description="How long before consolidation starts each item was bought."
    )
    consolidation_min: Duration = Field(
        description="Consolidation (组货): last purchase to the goods at the supervision site."
    )
    goods: MarketGoodsSpec
    declaration: MarketDeclarationSpec
    inspection: ExportInspectionSpec
    supervision: MarketSupervisionSpec
    routes: dict[str, MarketRouteSpec] = Field(
        description="Ways out (port or rail terminal and timetable) by name."
    )
    resources: MarketProcurementResources = MarketProcurementResources()

    @field_validator("routes", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _routes(self) -> MarketProcurementSpec:
        if not self.routes:
            raise ValueError("routes: give at least one way out")
        total = sum(route.share for route in self.routes.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"routes: shares must sum to 1, not {total:g}")
        for name, route in self.routes.items():
            if route.departure.node == self.market_node:
                raise ValueError(f"routes.{name}: the departure node must not be the market")
        return self

    def route_names(self) -> tuple[str, ...]:
        """The routes in their (sorted) order."""
        return tuple(self.routes)

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.market_node, *(r.departure.node for r in self.routes.values()))

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check).

        The agent's work counts every item as a line: an upper bound under the simplified rule.
        """
        rate = self.consignment_arrivals.mean_rate_per_min(horizon_min)
        d, i = self.declaration, self.inspection
        lines = self.goods.items.mean
        lane_share = i.physical_share * (1.0 - i.remote_share())
        roles = self.resources
        return {
            roles.declarant: rate * (d.setup_min.mean + lines * d.line_min.mean),
            roles.inspection_lane: rate * lane_share * i.physical_min.mean,
            roles.stuffing_crew: rate * self.supervision.stuffing_min.mean,
        }
