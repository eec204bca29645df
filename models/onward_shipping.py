"""The onward water chain of a river export: feeder to the hub port, ocean vessel, confirmation.

A box loaded at an inland port (Yangluo, Huashan) leaves China only when its ocean vessel leaves
the hub port (Shanghai Yangshan). With this block the vessel at the inland port is a river feeder:
it sails to the hub (a leg of the network), where the box is transshipped to an ocean vessel of a
timetable. Three rules of SEED-003 s1 and SEED-002 一(三)1 switch parts of the chain
(docs/background/sea-export-model.md, "The onward chain"):

- ``transshipment``: ``conventional``, the box is re-handled at the hub as a second port
  procedure (discharged to the hub's yard, moved to the export yard, declared a second time to the
  hub's customs, S101), or ``water_to_water`` (水水中转 / 联动接卸): transshipped ship to ship
  under the inland declaration, "一次申报、一次查验、一次放行" (S100, S101);
- ``departure_confirmation``: ``ocean_departure``, customs confirms the export when the ocean
  vessel leaves the hub, or ``feeder_departure`` (离港确认): when the feeder leaves the inland port;
- ``river_sea``: 江海直达, a share of the calls are river-sea ships that sail from the inland
  port straight to the destination coast, with no transshipment (S102).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role


class RiverSeaSpec(FrozenSpec):
    """江海直达: calls made by river-sea ships that leave China from the inland port."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the inland port's calls made by river-sea ships.",
        json_schema_extra=role("take_up"),
    )


class OnwardShippingSpec(FrozenSpec):
    """The chain after loading at the inland port: feeder, hub port, ocean vessel, confirmation."""

    hub_node: str = Field(description="Network site of the hub port where boxes transship.")
    ocean_sailings: DepartureScheduleSpec = Field(
        description="Ocean vessels leaving the hub: timetable, boxes each takes, the cut-off of "
        "boxes gated in conventionally (``cutoff_before_min``)."
    )
    transshipment: Literal["conventional", "water_to_water"] = Field(
        default="conventional",
        description="Second port procedure at the hub (conventional) or 水水中转 / 联动接卸.",
        json_schema_extra=role("rule"),
    )
    linked_cutoff_before_min: float = Field(
        ge=0,
        description="Cut-off of a box transshipped water to water: the latest discharge before "
        "its ocean vessel leaves.",
    )
    departure_confirmation: Literal["ocean_departure", "feeder_departure"] = Field(
        default="ocean_departure",
        description="The departure customs confirms the export on: the ocean vessel's at the "
        "hub, or the feeder's at the inland port (离港确认).",
        json_schema_extra=role("rule"),
    )
    river_sea: RiverSeaSpec = Field(
        default=RiverSeaSpec(), description="江海直达 calls.", json_schema_extra=role("rule")
    )
    discharge_min: Duration = Field(
        description="Feeder arrival at the hub to the box discharged from it (crane and berth)."
    )
    hub_transfer_min: Duration = Field(
        description="Conventional: the box's move from the feeder's yard to the ocean vessel's "
        "export yard at the hub, gate-in included."
    )
    hub_procedure_min: Duration = Field(
        description="Conventional: the second procedure at the hub (转关 arrival or a second "
        "declaration, the hub's release)."
    )
    confirmation_min: Duration = Field(
        description="The confirming departure to customs' confirmation (manifest reconciled)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> OnwardShippingSpec:
        if self.ocean_sailings.node != self.hub_node:
            raise ValueError(
                f"ocean_sailings.node {self.ocean_sailings.node!r} must be the hub_node "
                f"{self.hub_node!r}"
            )
        if self.linked_cutoff_before_min >= self.ocean_sailings.interval_min:
            raise ValueError("linked_cutoff_before_min must be shorter than the sailing interval")
        if self.river_sea.enabled and self.river_sea.share <= 0:
            raise ValueError("river_sea is enabled with share 0; set a share > 0")
        return self
