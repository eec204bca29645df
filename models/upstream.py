"""The upstream water chain of a river import: ocean vessel at Shanghai, river leg to Wuhan.

Import boxes reach China at Shanghai (Yangshan) on ocean vessels and come up the Yangtze to a
Wuhan port (Yangluo, Huashan) on a river ship. How they get from the ocean vessel onto it is the
rule (SEED-003 s1; SEED-002 一(三)1; docs/background/sea-import-feeder-model.md):

- ``transit_declaration`` (转关, the conventional chain): the box is shifted from Yangshan to the
  river feeder's terminal, a transit declaration is lodged and reviewed by Shanghai customs
  (office hours) before the box may be loaded, and the Wuhan declaration follows the box's
  arrival at Wuhan.
- ``linked_discharge`` (联动接卸 / 水水中转): no Shanghai customs procedure; the box moves water to
  water onto the next feeder, and the manifest reaches Wuhan customs at the feeder's departure,
  so the importer may lodge in advance (S110).
- ``river_sea_direct`` (江海直达): a river-sea ship loads at Yangshan itself, so there is no
  transshipment at all, and sails on its own timetable (S111); customs as ``linked_discharge``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.arrivals import ArrivalProcess
from clearsim.models.base import FrozenSpec
from clearsim.models.departures import DepartureScheduleSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.roles import role

UpstreamMode = Literal["transit_declaration", "linked_discharge", "river_sea_direct"]
"""How a box goes from the ocean vessel at Shanghai to the river leg (:mod:`..upstream`)."""


class UpstreamFeederSpec(FrozenSpec):
    """Ocean arrivals at Shanghai and the river leg to the port: the chain before the call."""

    mode: UpstreamMode = Field(
        description="转关 transit declaration at Shanghai, 联动接卸 linked discharge, or 江海直达.",
        json_schema_extra=role("rule"),
    )
    origin_node: str = Field(description="Network site of the ocean port (SHANGHAI_PORT).")
    ocean_arrivals: ArrivalProcess = Field(
        description="Ocean vessels at the origin carrying boxes bound for this port.",
        json_schema_extra=role("demand"),
    )
    boxes_per_ocean_call: Count = Field(
        description="Boxes bound for this port per ocean vessel.", json_schema_extra=role("demand")
    )
    ocean_discharge_min: Duration = Field(
        description="Ocean vessel's arrival to the box discharged on the quay at the origin."
    )
    transshipment_min: Duration = Field(
        description="Quay to the river feeder's stack (Yangshan to the feeder terminal); "
        "none for river_sea_direct."
    )
    transit_preparation_min: Duration = Field(
        description="transit_declaration: discharge to the forwarder's transit declaration."
    )
    transit_review_min: Duration = Field(
        description="transit_declaration: an origin officer's review of one transit declaration."
    )
    transit_officers: str = Field(
        min_length=1,
        description="Scenario resource of the origin's customs officers reviewing transits.",
    )
    feeder: DepartureScheduleSpec = Field(
        description="River feeder sailings from the origin (transit and linked modes)."
    )
    river_sea: DepartureScheduleSpec = Field(
        description="River-sea direct sailings from the origin (river_sea_direct)."
    )

    @model_validator(mode="after")
    def _sailings_from_origin(self) -> UpstreamFeederSpec:
        for label, schedule in (("feeder", self.feeder), ("river_sea", self.river_sea)):
            if schedule.node != self.origin_node:
                raise ValueError(
                    f"{label}.node {schedule.node!r} must be the origin_node {self.origin_node!r}"
                )
            if schedule.conveyance != "vessel":
                raise ValueError(f"{label}.conveyance must be 'vessel'")
        return self

    def schedule(self) -> DepartureScheduleSpec:
        """The timetable the boxes sail on under this mode."""
        return self.river_sea if self.mode == "river_sea_direct" else self.feeder

    def offered_transit_work_per_box(self) -> float:
        """Officer-minutes of transit review per box (0 unless ``transit_declaration``)."""
        return self.transit_review_min.mean if self.mode == "transit_declaration" else 0.0
