"""Air cargo at an airport: import, transfer and export, conventional or with the airside reforms.

The reforms (docs/background/air-cargo-model.md; SEED-003 section 2) are
three pilots of one process: apron direct pickup of imports (机坪直提), airside direct transfer
of whole pallets (空侧直转 / 整板转运) and apron direct loading of exports (机坪直装).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from clearsim.models.air_chains import BellySpec, CityTerminalSpec, RoadFeederSpec, UldPoolSpec
from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.distributions import Count, Duration, check_probability_map
from clearsim.models.perishables import PerishableSpec
from clearsim.models.processes import DeclarationSpec, InspectionSpec, RiskSpec
from clearsim.models.roles import role


class AirPilotSpec(FrozenSpec):
    """One airside pilot: on or off, and the share of shipments whose trader takes part."""

    enabled: bool = Field(
        default=False, description="The pilot runs.", json_schema_extra=role("rule")
    )
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the pilot's shipments that take part.",
        json_schema_extra=role("take_up"),
    )


class FlightSpec(FrozenSpec):
    """A cargo flight's turnaround on its stand."""

    turnaround_min: Duration = Field(description="On-blocks to off-blocks, as scheduled.")
    loading_close_min: Duration = Field(
        description="Loading closes this long before off-blocks: later cargo misses the flight."
    )
    offload_min: Duration = Field(description="On-blocks to one ULD off the aircraft.")


class WarehouseSpec(FrozenSpec):
    """Cargo-terminal handling: towing between stand and terminal, breakdown and build-up."""

    tow_min: Duration = Field(description="Tow of a ULD between the stand and the terminal.")
    breakdown_min: Duration = Field(description="Break down one inbound ULD (staff).")
    build_up_min: Duration = Field(description="Build up one outbound ULD (staff).")


class AirImportPickupSpec(FrozenSpec):
    """The consignee's truck collecting released import cargo at the terminal's truck dock."""

    truck_booking_delay_min: Duration = Field(description="Release to the truck at the dock.")
    dock_loading_min: Duration = Field(description="Loading the truck at a dock.")


class AirExportAcceptanceSpec(FrozenSpec):
    """Export cargo delivered by truck to the terminal, accepted and security-screened."""

    acceptance_lead_min: Duration = Field(
        description="How long before its flight's scheduled off-blocks the truck arrives."
    )
    dock_unloading_min: Duration = Field(description="Unloading and acceptance at a dock.")
    screening_min: Duration = Field(description="Security screening (X-ray) of one shipment.")


class AirTransferSpec(FrozenSpec):
    """Transfer (空空中转) formalities: the carrier's manifest and customs' transfer check."""

    manifest_lead_min: Duration = Field(
        description="How long before the inbound flight's arrival the transfer manifest is lodged."
    )
    formalities_min: Duration = Field(
        description="Conventional transfer formalities in the terminal, to release."
    )
    connection_min: Duration = Field(
        description="Least time from ready to an onward flight's loading close."
    )


class ApronSpec(FrozenSpec):
    """Times of the apron and airside steps (drawn for every shipment, used by participants)."""

    tally_min: Duration = Field(description="机坪理货: tally of one ULD on the apron.")
    truck_loading_min: Duration = Field(description="Consignee's truck loaded at the stand.")
    electronic_check_min: Duration = Field(
        description="Customs' electronic check of an airside transfer pallet, to release."
    )
    airside_tow_min: Duration = Field(description="Tow of a whole pallet stand to stand.")
    advance_build_up_min: Duration = Field(
        description="前置安检打板: screening and build-up before the goods reach the airport."
    )
    delivery_lead_min: Duration = Field(
        description="How long before off-blocks an apron-loading truck reaches the airport."
    )
    stand_delivery_min: Duration = Field(description="Airside gate to the stand, by truck.")


class AirCargoResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    stand: str = "tianhe_stands"
    warehouse_staff: str = "tianhe_warehouse_staff"
    xray_line: str = "tianhe_xray_lines"
    document_officer: str = "tianhe_customs_officers"
    inspection_lane: str = "tianhe_inspection_lanes"
    truck_dock: str = "tianhe_truck_docks"


class AirCargoSpec(FrozenSpec):
    """Air cargo at an airport: import, transfer and export, with the airside pilots."""

    kind: Literal["air_cargo"] = "air_cargo"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    airport_node: str = Field(default="TIANHE_AIRPORT", description="The airport site.")
    destinations: dict[str, float] = Field(description="Import consignee sites and shares.")
    flight_arrivals: ArrivalProcess = Field(
        description="When cargo flights arrive.", json_schema_extra=role("demand")
    )
    shipments_per_flight: Count = Field(
        description="Shipments (ULDs) handled per flight.", json_schema_extra=role("demand")
    )
    import_share: float = Field(ge=0, le=1, description="Share of shipments that are imports.")
    transfer_share: float = Field(ge=0, le=1, description="Share that are air-to-air transfers.")
    export_share: float = Field(ge=0, le=1, description="Share that are exports.")
    flight: FlightSpec
    warehouse: WarehouseSpec
    aeo_share: float = Field(ge=0, le=1, description="Share of shipments of AEO traders.")
    aeo_queue_priority: bool = Field(
        default=False,
        description="AEO shipments go first in officer and lane queues.",
        json_schema_extra=role("rule"),
    )
    import_declaration: DeclarationSpec
    export_declaration: DeclarationSpec
    import_risk: RiskSpec
    export_risk: RiskSpec
    document_review_min: Duration
    tax_payment_min: Duration = Field(description="Duty payment of an import.")
    inspection: InspectionSpec
    import_pickup: AirImportPickupSpec
    export_acceptance: AirExportAcceptanceSpec
    transfer: AirTransferSpec
    apron: ApronSpec
    apron_pickup: AirPilotSpec = Field(default=AirPilotSpec(), json_schema_extra=role("rule"))
    airside_transfer: AirPilotSpec = Field(default=AirPilotSpec(), json_schema_extra=role("rule"))
    apron_loading: AirPilotSpec = Field(default=AirPilotSpec(), json_schema_extra=role("rule"))
    resources: AirCargoResources = AirCargoResources()
    perishables: PerishableSpec | None = Field(
        default=None,
        description="Perishable imports (鲜活农产品) and their rules; absent: none.",
        exclude_if=lambda value: value is None,  # absent: the scenario hash is unchanged
    )
    city_terminal: CityTerminalSpec | None = Field(
        default=None,
        description="A city cargo terminal (城市货站) for catchment exports; absent: none.",
        exclude_if=lambda value: value is None,
    )
    belly: BellySpec | None = Field(
        default=None,
        description="Passenger bellies for exports (客机腹舱带货); absent: freighters only.",
        exclude_if=lambda value: value is None,
    )
    road_feeder: RoadFeederSpec | None = Field(
        default=None,
        description="Imports flown into another hub and trucked here (空陆联运); absent: none.",
        exclude_if=lambda value: value is None,
    )
    ulds: UldPoolSpec | None = Field(
        default=None,
        description="The terminal's ULD pool that build-up takes from; absent: unlimited.",
        exclude_if=lambda value: value is None,
    )

    @field_validator("destinations", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _shares(self) -> AirCargoSpec:
        check_probability_map(self.destinations, "destinations")
        check_probability_map(
            {
                "import_share": self.import_share,
                "transfer_share": self.transfer_share,
                "export_share": self.export_share,
            },
            "direction shares",
        )
        for pilot in ("apron_pickup", "airside_transfer", "apron_loading"):
            spec: AirPilotSpec = getattr(self, pilot)
            if spec.enabled and spec.share <= 0:
                # An enabled pilot nobody joins is almost always a forgotten share.
                raise ValueError(f"{pilot} is enabled with share 0; set a share > 0")
        self._check_chains()
        return self

    def _check_chains(self) -> None:
        """The city terminal lies off the airport; the ULD pool and its lines are their own."""
        roles = set(self.resources.model_dump().values())
        city = self.city_terminal
        if city is not None:
            if city.node == self.airport_node:
                raise ValueError(
                    f"city_terminal.node {city.node} is the airport itself; "
                    "a city terminal lies off the airport"
                )
            for field in ("dock", "xray_line"):
                if getattr(city, field) in roles:
                    raise ValueError(
                        f"city_terminal.{field} {getattr(city, field)} already serves "
                        "another role at the airport"
                    )
        if self.belly is not None and self.belly.departures.node != self.airport_node:
            raise ValueError(
                f"belly.departures.node {self.belly.departures.node} is not the airport "
                f"{self.airport_node}"
            )
        if self.road_feeder is not None and self.road_feeder.hub_node == self.airport_node:
            raise ValueError(
                f"road_feeder.hub_node {self.airport_node} is the airport itself; "
                "a road feeder comes from another hub"
            )
        if self.ulds is not None and self.ulds.resource in roles:
            raise ValueError(f"ulds.resource {self.ulds.resource} already serves another role")

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        names = tuple(self.resources.model_dump().values())
        if self.perishables is not None:
            fresh = self.perishables
            names = (*names, fresh.appointment_resource, fresh.laboratory.resource)
        if self.city_terminal is not None:
            names = (*names, self.city_terminal.dock, self.city_terminal.xray_line)
        if self.ulds is not None:
            names = (*names, self.ulds.resource)
        return names

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        city = (self.city_terminal.node,) if self.city_terminal is not None else ()
        belly = (self.belly.departures.node,) if self.belly is not None else ()
        hub = (self.road_feeder.hub_node,) if self.road_feeder is not None else ()
        return (self.airport_node, *self.destinations, *city, *belly, *hub)

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute this process offers each resource role.

        Conventional paths throughout (an upper bound: the pilots only take work away). A
        flight's stand time counts its scheduled turnaround.
        """
        flights = self.flight_arrivals.mean_rate_per_min(horizon_min)
        shipments = flights * self.shipments_per_flight.mean
        imports, exports = shipments * self.import_share, shipments * self.export_share
        transfers = shipments * self.transfer_share
        aeo = self.aeo_share

        def checked(risk: RiskSpec, red_only: bool) -> float:
            """Share of declarations reviewed (yellow or red), or inspected (red only)."""
            general, trusted = risk.general, risk.aeo
            if red_only:
                return (1 - aeo) * general.red + aeo * trusted.red
            return (1 - aeo) * (general.yellow + general.red) + aeo * (trusted.yellow + trusted.red)

        reviewed = imports * checked(self.import_risk, False) + exports * checked(
            self.export_risk, False
        )
        fresh = self.perishables
        if fresh is not None:
            # Perishable imports take the perishable channel rates instead of the import's.
            reviewed += (
                imports
                * fresh.share
                * (fresh.risk.yellow + fresh.risk.red - checked(self.import_risk, False))
            )
        red = imports * checked(self.import_risk, True) + exports * checked(self.export_risk, True)
        fresh_red = imports * fresh.share * fresh.risk.red if fresh is not None else 0.0
        if fresh is not None:
            red += fresh_red - imports * fresh.share * checked(self.import_risk, True)
        w, roles = self.warehouse, self.resources
        docks = (
            imports * self.import_pickup.dock_loading_min.mean
            + exports * self.export_acceptance.dock_unloading_min.mean
        )
        offered = {
            roles.stand: flights * self.flight.turnaround_min.mean,
            roles.warehouse_staff: (imports + transfers) * w.breakdown_min.mean
            + (exports + transfers) * w.build_up_min.mean,
            roles.xray_line: exports * self.export_acceptance.screening_min.mean,
            roles.document_officer: reviewed * self.document_review_min.mean,
            roles.inspection_lane: red * self.inspection.duration_min.mean,
            roles.truck_dock: docks,
        }
        city = self.city_terminal
        if city is not None and city.enabled:
            # Catchment exports are accepted and screened at the city terminal instead.
            moved = exports * city.share
            dock = moved * self.export_acceptance.dock_unloading_min.mean
            xray = moved * self.export_acceptance.screening_min.mean
            offered[roles.truck_dock] -= dock
            offered[roles.xray_line] -= xray
            offered[city.dock] = offered.get(city.dock, 0.0) + dock
            offered[city.xray_line] = offered.get(city.xray_line, 0.0) + xray
        if fresh is not None:
            # An upper bound: every perishable inspection on appointment.
            offered[fresh.appointment_resource] = fresh_red * self.inspection.duration_min.mean
            # An upper bound: every sample to the laboratory (the green channel's rapid test
            # takes none).
            bench = fresh.laboratory.bench_min.mean
            lab = fresh.laboratory.resource
            offered[lab] = offered.get(lab, 0.0) + fresh_red * fresh.sampling_share * bench
        return offered
