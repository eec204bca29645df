"""网购保税进口 1210: bonded e-commerce import, from bulk stock in a bonded zone to a consumer.

The spec describes the process of docs/background/cbec-1210-model.md: bulk stock enters
the zone and goes on a bonded account book; consumer orders are matched against payment and
waybill (三单对碰), checked against the CBEC limits, declared per order (清单) and released; the
warehouse picks and packs; a sampled share is X-rayed at the exit supervision line; couriers
take the parcels out of the zone in pickup waves.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.arrivals import (
    ArrivalProcess,
    FixedTimesArrivals,
    PiecewiseArrivals,
    PoissonArrivals,
)
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.cbec_rules import CbecBuyersSpec, CbecLimitsSpec
from clearsim.models.distributions import Count, Deterministic, Duration, check_probability_map
from clearsim.models.roles import role

MINUTES_PER_DAY = 1440.0


class BondedStockSpec(FrozenSpec):
    """The bonded stock: SKUs, their popularity, the initial stock and its replenishment."""

    skus: int = Field(ge=1, description="Number of SKUs held in bonded stock.")
    popularity_exponent: float = Field(
        ge=0, description="Zipf exponent of SKU popularity (0: every SKU equally popular)."
    )
    initial_stock_days: float = Field(
        gt=0, description="Stock of each SKU at the start, in days of its expected demand."
    )
    batches: ArrivalProcess = Field(description="Replenishment batches leaving the origin.")
    origin_node: str = Field(description="Where batches come from by road (the port).")
    skus_per_batch: int = Field(ge=1, description="Distinct SKUs one batch restocks.")
    supply_ratio: float = Field(
        gt=0, description="Units supplied per unit demanded, in expectation (1: balanced)."
    )
    entry_declaration_min: Duration = Field(
        description="Normal entry of a batch into the zone: at the zone to released into it."
    )
    spot_check_share: float = Field(ge=0, le=1, description="Share of batches spot-checked.")
    spot_check_min: Duration = Field(description="Spot check of a batch before booking (<= 2 d).")
    max_stock_wait_min: float = Field(
        gt=0, description="Longest an order waits for stock of its SKU before it is cancelled."
    )

    @model_validator(mode="after")
    def _batch(self) -> BondedStockSpec:
        if self.skus_per_batch > self.skus:
            raise ValueError("skus_per_batch cannot exceed skus: a batch restocks distinct SKUs")
        return self


class ConsumerOrderSpec(FrozenSpec):
    """What one consumer order holds: quantity, value, tax class, mixed goods."""

    quantity: Count = Field(description="Units of the SKU in the order.")
    unit_value_median_cny: float = Field(gt=0, description="Median price of one unit.")
    unit_value_sigma: float = Field(ge=0, description="Sigma of log unit price (lognormal).")
    consumption_tax_share: float = Field(
        ge=0, le=1, description="Share of SKUs liable to consumption tax (cosmetics, say)."
    )
    consumption_tax_rate: float = Field(ge=0, lt=1, description="Statutory CT rate of those.")
    vat_rate: float = Field(ge=0, lt=1, description="Statutory import VAT rate.")
    tariff_rate: float = Field(
        ge=0,
        description="Statutory (MFN) tariff rate, due in full on an indivisible item above the "
        "single limit (S29, S29d); 0% within the limits.",
    )
    nonbonded_share: float = Field(
        ge=0, le=1, description="Share of orders that also hold a non-bonded (domestic) item."
    )


class ListDeclarationSpec(FrozenSpec):
    """Three-document match, per-order list (清单) and the customs review."""

    data_push_min: Duration = Field(
        description="Order placed to list lodged (order, payment, waybill pushed; agent lodges)."
    )
    auto_review_min: Duration = Field(
        description="Automatic review: three-document match, identity, limits, risk."
    )
    mismatch_share: float = Field(
        ge=0, le=1, description="Share of orders whose three documents do not match at first."
    )
    uncorrected_share: float = Field(
        ge=0, le=1, description="Share of mismatched orders never corrected (cancelled)."
    )
    correction_min: Duration = Field(description="Mismatch found to corrected data re-pushed.")
    review_share: float = Field(
        ge=0, le=1, description="Share flagged to an officer's document review (yellow)."
    )
    document_review_min: Duration = Field(description="Officer's review of a flagged list.")


class ExitSupervisionSpec(FrozenSpec):
    """Warehouse picking and the zone's exit supervision line, gate and courier handover."""

    pick_pack_min: Duration = Field(description="Pick and pack one order (one picker).")
    xray_share: float = Field(ge=0, le=1, description="Share of parcels sampled for X-ray.")
    xray_min: Duration = Field(description="X-ray of one parcel on the line.")
    abnormal_share: float = Field(
        ge=0, le=1, description="Share of X-rayed parcels whose image is abnormal (unpacked)."
    )
    unpack_min: Duration = Field(description="Manual unpacking check by an officer.")
    gate_association_min: Duration = Field(
        description="Truck-list association (核放) at the zone gate, per parcel."
    )
    courier_wave_interval_min: float = Field(gt=0, description="Time between courier pickups.")
    courier_first_wave_h: float = Field(
        ge=0, lt=24, description="Clock hour of the day's first courier pickup."
    )
    courier_last_wave_h: float = Field(
        ge=0, lt=24, description="Clock hour after which no pickup starts that day."
    )

    @model_validator(mode="after")
    def _waves(self) -> ExitSupervisionSpec:
        if self.courier_last_wave_h < self.courier_first_wave_h:
            raise ValueError("courier_last_wave_h before courier_first_wave_h: no pickup a day")
        return self


class NonBondedParcelSpec(FrozenSpec):
    """Without the pilot: the non-bonded item of a mixed order ships from its own warehouse."""

    pick_pack_min: Duration = Field(description="Pick and pack in the non-bonded warehouse.")
    handover_min: Duration = Field(description="Handover of the second parcel to the courier.")


class SameWarehouseSpec(FrozenSpec):
    """同仓存储、同包发货 (SEED-003 s13): bonded and non-bonded goods picked into one parcel."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    extra_pick_min: Duration = Field(
        default=Deterministic(value_min=1.0),
        description="Extra picking time of a mixed order (the non-bonded item, same aisle).",
        json_schema_extra=role("rule"),
    )


class BondedImportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    picker: str = "east_lake_pickers"
    nonbonded_picker: str = "east_lake_nonbonded_pickers"
    document_officer: str = "east_lake_customs_officers"
    xray_line: str = "east_lake_xray_lines"
    unpack_officer: str = "east_lake_unpack_officers"


class BondedImportSpec(FrozenSpec):
    """网购保税进口 1210: bonded stock in a zone, released and shipped per consumer order."""

    kind: Literal["cbec_1210"] = "cbec_1210"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    zone_node: str = Field(description="The bonded zone holding the stock and the warehouse.")
    destinations: dict[str, float] = Field(description="Courier hubs parcels go to, by share.")
    orders: ArrivalProcess = Field(
        description="Consumer orders on a normal day.", json_schema_extra=role("demand")
    )
    order_multiplier: float = Field(
        default=1.0,
        gt=0,
        description="Multiplies every order rate (Double-11 peak: 2-5).",
        json_schema_extra=role("demand"),
    )
    stock: BondedStockSpec
    order: ConsumerOrderSpec
    limits: CbecLimitsSpec
    buyers: CbecBuyersSpec
    declaration: ListDeclarationSpec
    exit_supervision: ExitSupervisionSpec
    nonbonded_parcel: NonBondedParcelSpec
    same_warehouse: SameWarehouseSpec = Field(
        default=SameWarehouseSpec(), json_schema_extra=role("rule")
    )
    resources: BondedImportResources = BondedImportResources()

    @field_validator("destinations", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _checks(self) -> BondedImportSpec:
        check_probability_map(self.destinations, "destinations")
        if isinstance(self.orders, FixedTimesArrivals) and self.order_multiplier != 1.0:
            raise ValueError("order_multiplier needs rate-based orders, not fixed_times")
        return self

    def order_arrivals(self) -> ArrivalProcess:
        """The order process actually run: every rate times ``order_multiplier``."""
        m, orders = self.order_multiplier, self.orders
        if isinstance(orders, PoissonArrivals):
            return orders.model_copy(update={"rate_per_hour": orders.rate_per_hour * m})
        if isinstance(orders, PiecewiseArrivals):
            rates = tuple(rate * m for rate in orders.rates_per_hour)
            return orders.model_copy(update={"rates_per_hour": rates})
        return orders

    def orders_per_day(self) -> float:
        """Expected orders per day (the first day of a profile, multiplier included)."""
        return self.order_arrivals().mean_rate_per_min(MINUTES_PER_DAY) * MINUTES_PER_DAY

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource role.

        An upper bound: every order is counted as picked, although cancelled and rejected
        ones never reach the warehouse.
        """
        rate = self.order_arrivals().mean_rate_per_min(horizon_min)
        mixed = self.order.nonbonded_share
        d, x, roles = self.declaration, self.exit_supervision, self.resources
        pick = x.pick_pack_min.mean
        nonbonded = 0.0
        if self.same_warehouse.enabled:
            pick += mixed * self.same_warehouse.extra_pick_min.mean
        else:
            nonbonded = rate * mixed * self.nonbonded_parcel.pick_pack_min.mean
        return {
            roles.picker: rate * pick,
            roles.nonbonded_picker: nonbonded,
            roles.document_officer: rate * d.review_share * d.document_review_min.mean,
            roles.xray_line: rate * x.xray_share * x.xray_min.mean,
            roles.unpack_officer: rate * x.xray_share * x.abnormal_share * x.unpack_min.mean,
        }

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (self.zone_node, self.stock.origin_node, *self.destinations)
