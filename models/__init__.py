"""clearsim's vocabulary: frozen scenario specs, result records and persistence tables."""

from models.records import EventRecord, ResourceStat, RunSummary, SegmentStat, ShipmentOutcome
from models.scenario import SCHEMA_VERSION, Scenario

__all__ = [
    "SCHEMA_VERSION",
    "EventRecord",
    "ResourceStat",
    "RunSummary",
    "Scenario",
    "SegmentStat",
    "ShipmentOutcome",
]
