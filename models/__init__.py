"""clearsim's vocabulary: frozen scenario specs, result records and persistence tables."""

from clearsim.models.records import (
    EventRecord,
    ResourceStat,
    RunSummary,
    SegmentStat,
    ShipmentOutcome,
)
from clearsim.models.scenario import SCHEMA_VERSION, Scenario

__all__ = [
    "SCHEMA_VERSION",
    "EventRecord",
    "ResourceStat",
    "RunSummary",
    "Scenario",
    "SegmentStat",
    "ShipmentOutcome",
]
