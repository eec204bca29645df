"""China-Europe rail (中欧班列) export from Wujiashan: 铁路快通, 过境班列集拼, 先查验后装运.

SEED-003 s3 asks to optimise 铁路快通 (rail fast transit), 过境班列集拼 (consolidating international
transit goods onto the China-Europe trains) and 集散 supervision, and to widen the 先查验后装运
(inspect before loading) pilot for export LCL; SEED-000 s14 to run more China-Europe trains from
Wuhan (docs/background/rail-export-model.md).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.b2b_export import InspectBeforeLoadingSpec
from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Duration, check_probability_map
from clearsim.models.processes import RiskSpec
from clearsim.models.roles import role


class ExitTransitSpec(FrozenSpec):
    """Conventional export transit (转关) closed at the border port, step by step (S131, S132).

    Without fast transit the goods leave Wuhan under a transit procedure that the border office
    must take over: it accepts the train's transit declaration, checks every box against it, and
    verifies the seals before the train may leave China.
    """

    declaration_min: Duration = Field(
        description="The train's transit declaration accepted at the border office (per train)."
    )
    box_check_min: Duration = Field(
        description="One box's documents checked against the transit declaration (per box)."
    )
    seal_check_min: Duration = Field(description="The wagons' customs seals verified (per train).")


class BorderExitSpec(FrozenSpec):
    """The train's stop at the border port where it leaves China."""

    handling_min: Duration = Field(
        description="Physical border handling of a train under any regime (gauge change, 换装)."
    )
    transit: ExitTransitSpec = Field(
        description="Conventional: the transit formalities holding the train at the border."
    )


class FastTransitSpec(FrozenSpec):
    """铁路快通: the manifest is released at Wujiashan; the border only re-gauges the train."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of trains whose operator applies for the mode (it is optional, S32j).",
        json_schema_extra=role("take_up"),
    )


class TransitConsolidationSpec(FrozenSpec):
    """International transit goods (过境货物) leaving on a China-Europe train from Wuhan.

    They reach Wuhan by river at Yangluo under transit supervision and are trucked to the rail
    terminal, where customs accepts them. Conventionally they leave on a dedicated transit train;
    under 过境班列集拼 (SEED-003 s3) they are consolidated onto the scheduled train.
    """

    share: float = Field(
        ge=0,
        le=1,
        description="Share of the boxes reaching Wujiashan that are international transit goods.",
        json_schema_extra=role("demand"),
    )
    origin_node: str = Field(description="Where transit goods enter Wuhan (the river port).")
    acceptance_min: Duration = Field(
        description="An officer checks the transit goods' seals and manifest at the terminal."
    )
    dedicated_trains: DepartureScheduleSpec = Field(
        description="Conventional: the transit trains they wait for (a separate timetable)."
    )
    consolidation: bool = Field(
        default=False,
        description="过境班列集拼: transit boxes may board the scheduled train.",
        json_schema_extra=role("rule"),
    )
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of transit boxes whose forwarder books them onto the scheduled train "
        "when consolidation is allowed.",
        json_schema_extra=role("take_up"),
    )


class RailExportResources(FrozenSpec):
    """Names of the scenario resources this process uses, by role."""

    document_officer: str = "wujiashan_customs_officers"
    inspection_lane: str = "wujiashan_inspection_lanes"
    cfs_crew: str = "wujiashan_cfs_crews"


class RailExportSpec(FrozenSpec):
    """China-Europe rail export of boxes (FCL, LCL consolidated at the CFS, transit goods)."""

    kind: Literal["rail_export"] = "rail_export"
    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    origins: dict[str, float] = Field(description="Exporters' sites FCL boxes come from, shares.")
    cfs_node: str = Field(description="The LCL consolidation warehouse (CFS) at the terminal.")
    terminal_node: str = Field(description="The rail terminal the trains leave from.")
    border_node: str = Field(description="The border port where trains leave China.")
    destination_node: str = Field(description="The European terminal of the trains.")
    box_arrivals: ArrivalProcess = Field(
        description="When boxes (or an LCL box's goods) reach Wujiashan.",
        json_schema_extra=role("demand"),
    )
    lcl_share: float = Field(
        ge=0, le=1, description="Share of domestic boxes stuffed with LCL goods at the CFS."
    )
    aeo_share: float = Field(ge=0, le=1, description="Share of domestic boxes of AEO exporters.")
    declaration_delay_min: Duration = Field(
        description="Arrival of the goods to the lodgement of the export declaration."
    )
    risk: RiskSpec
    document_review_min: Duration = Field(description="An officer's review (yellow, red).")
    inspection_min: Duration = Field(description="An officer's examination on a lane (red).")
    yard_move_min: Duration = Field(
        description="A red box moved from the stack to the inspection area at the terminal."
    )
    consolidation_wait_min: Duration = Field(
        description="LCL: the goods wait at the CFS for the rest of their box's goods (集拼)."
    )
    stuffing_min: Duration = Field(description="An LCL box stuffed at the CFS by a crew.")
    unstuffing_min: Duration = Field(
        description="Conventional LCL check: the box unpacked at the inspection area (and the "
        "same again to repack it)."
    )
    trains: DepartureScheduleSpec = Field(description="The scheduled China-Europe trains.")
    border: BorderExitSpec
    fast_transit: FastTransitSpec = Field(default=FastTransitSpec())
    transit: TransitConsolidationSpec
    inspect_before_loading: InspectBeforeLoadingSpec = Field(
        default=InspectBeforeLoadingSpec(), json_schema_extra=role("rule")
    )
    resources: RailExportResources = RailExportResources()

    @field_validator("origins", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _checks(self) -> RailExportSpec:
        check_probability_map(self.origins, "origins")
        lines = (
            ("trains", self.trains),
            ("transit.dedicated_trains", self.transit.dedicated_trains),
        )
        for field, line in lines:
            if line.conveyance != "train":
                raise ValueError(f"{field}.conveyance must be train")
            if line.node != self.terminal_node:
                raise ValueError(f"{field}.node must be the terminal_node {self.terminal_node}")
        if self.fast_transit.enabled and self.fast_transit.take_up <= 0:
            raise ValueError("fast_transit is enabled with take_up 0; set a take_up > 0")
        if self.transit.consolidation and self.transit.take_up <= 0:
            raise ValueError("transit.consolidation is on with take_up 0; set a take_up > 0")
        ibl = self.inspect_before_loading
        if ibl.enabled and ibl.share <= 0:
            raise ValueError("inspect_before_loading is enabled with share 0; set a share > 0")
        return self

    def resource_names(self) -> tuple[str, ...]:
        """The scenario resources this process needs."""
        return tuple(self.resources.model_dump().values())

    def node_names(self) -> tuple[str, ...]:
        """The network sites this process needs."""
        sites = (self.cfs_node, self.terminal_node, self.border_node, self.destination_node)
        return (*self.origins, *sites, self.transit.origin_node)

    def red_share(self) -> float:
        """Share of declared (domestic) boxes the risk engine sends to a physical check."""
        general, aeo = self.risk.general, self.risk.aeo
        return (1 - self.aeo_share) * general.red + self.aeo_share * aeo.red

    def offered_work_per_min(self, horizon_min: float) -> dict[str, float]:
        """Expected server-minutes of work per minute offered to each resource (stability check)."""
        boxes = self.box_arrivals.mean_rate_per_min(horizon_min)
        transit = boxes * self.transit.share
        domestic = boxes - transit
        general, aeo = self.risk.general, self.risk.aeo
        reviewed = (1 - self.aeo_share) * (general.yellow + general.red) + self.aeo_share * (
            aeo.yellow + aeo.red
        )
        crew = domestic * self.lcl_share * self.stuffing_min.mean
        roles = self.resources
        return {
            roles.document_officer: domestic * reviewed * self.document_review_min.mean
            + transit * self.transit.acceptance_min.mean,
            roles.inspection_lane: domestic * self.red_share() * self.inspection_min.mean,
            roles.cfs_crew: crew,
        }
