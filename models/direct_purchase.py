"""直购进口 9610 direct-purchase import: the spec of the cross-border e-commerce parcel process.

Consumers order and pay abroad; parcels fly into Wuhan in batches, are trucked under seal to the
express / CBEC supervision centre, declared one by one on a list (清单) matched against the order,
payment and waybill data (三单对碰), X-rayed on the sorting line, unpacked when flagged, released
and handed to couriers (docs/background/cbec-9610-model.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.cbec_rules import CbecBuyersSpec, CbecLimitsSpec
from clearsim.models.distributions import Count, Duration, check_probability_map
from clearsim.models.roles import role


class DirectPurchaseListSpec(FrozenSpec):
    """The per-parcel list (清单) and its three data sets: when lodged, how matched, how held."""

    advance_share: float = Field(
        ge=0, le=1, description="Share of lists lodged before the flight lands."
    )
    advance_lead_min: Duration = Field(
        description="How long before the landing an advance list is."
    )
    advance_window_min: float = Field(
        default=1440.0,
        gt=0,
        description="Longest an advance list precedes the landing; longer leads are capped.",
    )
    after_arrival_delay_min: Duration = Field(description="Landing to lodgement otherwise.")
    matching_min: Duration = Field(
        description="Automatic match of the list with order, payment and waybill data."
    )
    incomplete_share: float = Field(
        ge=0, le=1, description="Share of lists with missing or mismatched data, held."
    )
    correction_min: Duration = Field(
        description="Hold to corrected data re-sent by the platform, payer or carrier."
    )


class ParcelGoodsSpec(FrozenSpec):
    """What one 9610 parcel holds (one order): quantity, value, tax class (S29, S29b).

    Drawn in the simulation for every parcel, so the limits and the tax apply there (and the
    dataset exports what the run decided).
    """

    quantity: Count = Field(description="Units in the parcel.")
    unit_value_median_cny: float = Field(gt=0, description="Median price of one unit.")
    unit_value_sigma: float = Field(ge=0, description="Sigma of log unit price (lognormal).")
    consumption_tax_share: float = Field(
        ge=0, le=1, description="Share of parcels holding goods liable to consumption tax."
    )
    consumption_tax_rate: float = Field(ge=0, lt=1, description="Statutory CT rate of those.")
    vat_rate: float = Field(ge=0, lt=1, description="Statutory import VAT rate.")
    tariff_rate: float = Field(
        ge=0, description="Statutory (MFN) tariff rate, due in full on an indivisible item."
    )


class ParcelInspectionSpec(FrozenSpec):
    """X-ray of every parcel, unpacking of flagged ones, seizures (9610 import and export)."""

    risk_flag_share: float = Field(
        ge=0, le=1, description="Share of lists the risk engine flags for unpacking."
    )
    xray_scan_min: Duration = Field(description="One parcel through an X-ray line.")
    abnormal_image_share: float = Field(
        ge=0, le=1, description="Share of parcels whose X-ray image is abnormal."
    )
    unpack_min: Duration = Field(description="An officer's manual unpacking check of a parcel.")
    seizure_share: float = Field(
        ge=0, le=1, description="Share of unpacked parcels seized or returned, never released."
    )

    def unpack_share(self) -> float:
        """Expected share of parcels unpacked: flagged by the risk engine or by the X-ray image."""
        return 1.0 - (1.0 - self.risk_flag_share) * (1.0 - self.abnormal_image_share)


class DirectPurchaseInspectionSpec(ParcelInspectionSpec):
    """Risk screening of the list, then the parcel inspection of :class:`ParcelInspectionSpec`."""

    screening_min: Duration = Field(description="Automatic risk screening of a matched list.")


class DirectPurchaseCourierSpec(FrozenSpec):
    """Sorting of released parcels to couriers and the couriers' pickup waves."""

    sorting_min: Duration = Field(description="Sorting one released parcel into a courier cage.")
    pickup_interval_min: float = Field(gt=0, description="Time between courier pickup waves.")
    pickup_offset_min: float = Field(
        default=0.0, ge=0, description="Time of the first pickup wave after minute 0."
    )

    @model_validator(mode="after")
    def _offset(self) -> DirectPurchaseCourierSpec:
        if self.pickup_offset_min >= self.pickup_interval_min:
            raise ValueError("pickup_offset_min must be shorter than pickup_interval_min")
        return self


class DirectPurchaseResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    unloader: str = "dongxihu_unloaders"
    xray_line: str = "dongxihu_xray_lines"
    unpack_officer: str = "dongxihu_unpack_officers"
    sorter: str = "dongxihu_sorters"


class DirectPurchaseSpec(FrozenSpec):
    """直购进口 9610: parcels flown in, cleared one by one at a supervision centre, to couriers."""

    kind: Literal["cbec_9610"] = "cbec_9610"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    airports: dict[str, float] = Field(description="Airports flights land at and their shares.")
    centre_node: str = Field(description="The express / CBEC supervision centre.")
    destinations: dict[str, float] = Field(
        description="Courier hubs parcels are delivered to and their shares."
    )
    flight_arrivals: ArrivalProcess = Field(json_schema_extra=role("demand"))
    parcels_per_flight: Count = Field(json_schema_extra=role("demand"))
    parcel_multiplier: float = Field(
        default=1.0,
        gt=0,
        le=20,
        description="Scales the parcels of every flight (a Double-11 peak day: about 3).",
        json_schema_extra=role("demand"),
    )
    aircraft_unloading_min: Duration = Field(
        description="Landing to the sealed truck leaving the airport (breakdown, sealing)."
    )
    dock_setup_min: Duration = Field(description="Truck docked to the first parcel inducted.")
    unloading_rate_per_hour: float = Field(
        gt=0, description="Parcels a dock team inducts onto the sorting line per hour."
    )
    parcel_list: DirectPurchaseListSpec
    goods: ParcelGoodsSpec
    limits: CbecLimitsSpec
    buyers: CbecBuyersSpec
    inspection: DirectPurchaseInspectionSpec
    courier: DirectPurchaseCourierSpec
    resources: DirectPurchaseResources = DirectPurchaseResources()

    @field_validator("airports", "destinations", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _shares(self) -> DirectPurchaseSpec:
        check_probability_map(self.airports, "airports")
        check_probability_map(self.destinations, "destinations")
        if self.centre_node in self.airports:
            raise ValueError("centre_node must not be an airport: parcels are trucked to it")
        return self

    def scaled_parcels(self, count: int) -> int:
        """Parcels of a flight whose base draw is ``count``, after ``parcel_multiplier``."""
        return max(1, round(count * self.parcel_multiplier))

    def unpack_share(self) -> float:
        """Expected share of parcels unpacked: flagged by the risk engine or by the X-ray image."""
        return self.inspection.unpack_share()

    def parcel_rate_per_min(self, horizon_min: float) -> float:
        """Mean parcels landing per minute over ``[0, horizon_min)`` (rounding aside)."""
        flights = self.flight_arrivals.mean_rate_per_min(horizon_min)
        return flights * self.parcels_per_flight.mean * self.parcel_multiplier

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource role."""
        flights = self.flight_arrivals.mean_rate_per_min(horizon_min)
        parcels = self.parcel_rate_per_min(horizon_min)
        i, roles = self.inspection, self.resources
        unloading = self.dock_setup_min.mean + 60.0 * (
            self.parcels_per_flight.mean * self.parcel_multiplier / self.unloading_rate_per_hour
        )
        unpacked = parcels * self.unpack_share()
        return {
            roles.unloader: flights * unloading,
            roles.xray_line: parcels * i.xray_scan_min.mean,
            roles.unpack_officer: unpacked * i.unpack_min.mean,
            roles.sorter: (parcels - unpacked * i.seizure_share) * self.courier.sorting_min.mean,
        }

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        return (*self.airports, self.centre_node, *self.destinations)
