"""Scheduled departures of export goods: a timetable of flights, trains, trucks or vessels.

Export goods leave China on a conveyance that keeps a timetable: a freighter or a passenger
flight's belly, a China-Europe train, a trucked air-cargo run, a feeder vessel. Each departure
takes goods handed over before its cut-off, up to its capacity; goods that miss it go on the
next departure with room (docs/background/cbec-export-model.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.roles import role


class DepartureScheduleSpec(FrozenSpec):
    """One departure line from a site: when it leaves, what it takes, its cut-off."""

    conveyance: Literal["flight", "train", "truck", "vessel"] = Field(
        description="What carries the goods out (the carrier's object type in the event log)."
    )
    node: str = Field(description="Network site it departs from (airport, terminal, port).")
    first_departure_min: float = Field(
        ge=0, description="Minute of the first departure after the run's start."
    )
    interval_min: float = Field(
        gt=0, description="Time between departures (1440 daily, 10080 weekly)."
    )
    capacity_units: int = Field(
        gt=0,
        description="Units one departure takes (parcels, consignments or boxes, per process).",
        json_schema_extra=role("capacity"),
    )
    cutoff_before_min: float = Field(
        ge=0, description="Cut-off: the latest hand-over before a departure (截载 / 截港)."
    )
    planned_lead_min: float = Field(
        ge=0,
        description="Time the shipper allows between the goods' arrival and the cut-off when "
        "it books a departure; goods that make a later one have missed their booking.",
    )

    @model_validator(mode="after")
    def _cutoff(self) -> DepartureScheduleSpec:
        if self.cutoff_before_min >= self.interval_min:
            raise ValueError("cutoff_before_min must be shorter than interval_min")
        return self

    def departure_min(self, index: int) -> float:
        """Minute of departure ``index`` (0 is the first)."""
        return self.first_departure_min + index * self.interval_min

    def first_index_open_at(self, time_min: float) -> int:
        """Index of the first departure whose cut-off is at or after ``time_min``."""
        index = -(
            (self.first_departure_min - self.cutoff_before_min - time_min) // self.interval_min
        )
        return max(0, int(index))

    def planned_index(self, arrival_min: float) -> int:
        """The departure the shipper books for goods arriving at ``arrival_min``."""
        return self.first_index_open_at(arrival_min + self.planned_lead_min)
