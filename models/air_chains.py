"""Air cargo chains beyond the airport fence: a city cargo terminal, and the ULD pool.

Two optional blocks of the air-cargo process (docs/background/air-cargo-model.md, "Air chains"):

- :class:`CityTerminalSpec`: exporters in a city cargo terminal's catchment (光谷城市货站 in the
  East Lake high-tech zone, SEED-000 s13, SEED-002 l71) send their goods to the airport by road.
  Conventionally the shipper's truck drives to the airport and everything happens there; with
  the reform (``enabled``) the goods are accepted, screened and cleared at the city terminal,
  sealed, and trucked to the airport, where they are built up without a second acceptance or
  screening.
- :class:`UldPoolSpec`: the unit load devices (ULDs: pallets and containers) the cargo terminal
  holds for build-up. Building up an outbound ULD takes one from the pool; it goes back when
  its flight leaves (the carrier's ULD stock turns over with its inbound flights). When none is
  free, build-up waits.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role


class CityTerminalSpec(FrozenSpec):
    """A city cargo terminal (城市货站) on the road from its catchment to the airport."""

    node: str = Field(
        default="EAST_LAKE_CBZ",
        description="The city terminal's site (光谷 Optics Valley: the East Lake high-tech zone).",
    )
    share: float = Field(
        ge=0,
        le=1,
        description="Share of exports whose shipper lies in the terminal's catchment.",
        json_schema_extra=role("demand"),
    )
    enabled: bool = Field(
        default=False,
        description=(
            "The reform: catchment exports are accepted, screened and cleared at the city "
            "terminal and trucked sealed to the airport; off, the shipper trucks to the airport."
        ),
        json_schema_extra=role("rule"),
    )
    sealing_min: Duration = Field(
        description="Screened to the sealed truck leaving: loading, sealing, waiting for the run."
    )
    dock: str = Field(description="Scenario resource: the city terminal's acceptance docks.")
    xray_line: str = Field(description="Scenario resource: the city terminal's X-ray lines.")


class UldPoolSpec(FrozenSpec):
    """The ULDs a cargo terminal holds for building up outbound cargo."""

    resource: str = Field(
        description="Scenario resource whose capacity is the ULDs the terminal holds."
    )


class BellySpec(FrozenSpec):
    """Export cargo in the bellies of passenger flights (客机腹舱带货, SEED-000 s13)."""

    share: float = Field(
        ge=0,
        le=1,
        description="Share of exports whose forwarder books belly space when it is offered.",
        json_schema_extra=role("take_up"),
    )
    enabled: bool = Field(
        default=False,
        description=(
            "The reform: booked exports fly in passenger bellies (first departure with room "
            "after build-up); off, they take their freighter."
        ),
        json_schema_extra=role("rule"),
    )
    departures: DepartureScheduleSpec = Field(
        description="The passenger departures' timetable, belly room (shipments) and cut-off."
    )

    @model_validator(mode="after")
    def _flights(self) -> BellySpec:
        if self.departures.conveyance != "flight":
            raise ValueError("belly.departures.conveyance must be flight")
        if self.enabled and self.share <= 0:
            raise ValueError("belly is enabled with share 0; set a share > 0")
        return self


class RoadFeederSpec(FrozenSpec):
    """Imports flown into another hub and trucked to the airport (空陆联运, SEED-003 s2)."""

    hub_node: str = Field(description="The gateway airport where the international flight lands.")
    share: float = Field(
        ge=0,
        le=1,
        description="Share of imports flown into the hub and trucked to the airport.",
        json_schema_extra=role("demand"),
    )
    enabled: bool = Field(
        default=False,
        description=(
            "The reform: the truck runs as a flight (卡车航班) under the air waybill, with only a "
            "manifest transfer at the hub; off, a transit declaration (转关) at the hub first."
        ),
        json_schema_extra=role("rule"),
    )
    transit_formalities_min: Duration = Field(
        description="Conventional: transit declaration, checks and customs seal at the hub."
    )
    manifest_transfer_min: Duration = Field(
        description="Truck flight: the carrier's electronic manifest transfer at the hub."
    )
    unloading_min: Duration = Field(description="The truck unloaded at the airport's dock.")
