"""Fixed names shared by engine, metrics and exports: lifecycles, milestones, channels."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal


class Lifecycle(IntEnum):
    """XES lifecycle transition of an event: queue entry, service start, service end."""

    SCHEDULE = 0
    START = 1
    COMPLETE = 2


LIFECYCLE_NAMES: tuple[str, ...] = ("schedule", "start", "complete")

Milestone = Literal[
    "arrival", "lodgement", "release", "exit", "delivery", "border_entry", "departure"
]
"""Instantaneous events that delimit the WCO Time Release Study segments."""

MILESTONES: tuple[str, ...] = (
    "arrival",
    "lodgement",
    "release",
    "exit",
    "delivery",
    "border_entry",
    "departure",
    "feeder_departure",
    "transshipment_arrival",
    "export_confirmed",
)
"""Column order of milestone tables; later milestones are appended, so the others keep their
columns. ``border_entry`` is where transit cargo enters China at a border port before it runs
inland to the office that clears it ``arrival``: the TRS of a transit corridor
(rail-import-model.md). ``departure`` is when export goods leave China on their conveyance (the
flight, train or vessel departs; 离境): the last milestone of an export TRS (arrival at the export
port or centre -> lodgement -> release -> departure). A water export through a hub port
(sea-export onward chain): ``feeder_departure`` when the river feeder (or river-sea ship) carrying
the box leaves the inland port, ``transshipment_arrival`` when the feeder reaches the hub port,
``export_confirmed`` when customs confirms the export's departure (离港确认 / 结关)."""

FLOW_MILESTONES: tuple[str, ...] = (
    "border_entry",
    "departure",
    "feeder_departure",
    "transshipment_arrival",
    "export_confirmed",
)
"""Milestones only some flows record (a transit corridor's border entry, an export's departure);
segments from or to them are reported for a flow only when its cases recorded them (no empty
rows for the other flows)."""

TRS_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("arrival", "lodgement"),
    ("lodgement", "release"),
    ("release", "exit"),
    ("arrival", "release"),
    ("arrival", "exit"),
    ("border_entry", "arrival"),
    ("border_entry", "release"),
    ("release", "departure"),
    ("arrival", "departure"),
    ("release", "feeder_departure"),
    ("feeder_departure", "transshipment_arrival"),
    ("transshipment_arrival", "departure"),
    ("arrival", "export_confirmed"),
)
"""WCO TRS segments as (from milestone, to milestone)."""


def segment_name(start: str, end: str) -> str:
    """Display name of a TRS segment, e.g. ``arrival->release``."""
    return f"{start}->{end}"


class Channel(IntEnum):
    """Risk channel assigned by the risk engine; NONE before screening or where none applies."""

    NONE = 0
    GREEN = 1
    YELLOW = 2
    RED = 3


Direction = Literal["import", "export", "transit"]
"""Trade flow of a shipment, as the TRS reports it."""

DIRECTIONS: tuple[str, ...] = ("import", "export", "transit")

Mode = Literal[
    "sea", "air", "rail", "cbec_1210", "cbec_9610", "cbec_9710", "cbec_9810", "market_1039"
]
"""How a shipment is carried and declared: general trade by sea (river), air or rail;
cross-border e-commerce retail under 1210 (bonded: 网购保税 import, 特殊区域出口 export) or 9610
(直购 import, B2C parcel export); CBEC B2B export direct (9710) or to an overseas warehouse
(9810); market procurement (市场采购, 1039). An export flow is (``export``, mode)."""

MODES: tuple[str, ...] = (
    "sea",
    "air",
    "rail",
    "cbec_1210",
    "cbec_9610",
    "cbec_9710",
    "cbec_9810",
    "market_1039",
)

CHANNEL_NAMES: tuple[str, ...] = ("none", "green", "yellow", "red")
REPORTED_CHANNELS: tuple[str, ...] = ("all", "green", "yellow", "red")
"""Channel splits of the TRS report: every case, then by channel."""

CAUSES: tuple[str, ...] = (
    "declarant",
    "consignee",
    "carrier",
    "queueing",
    "calendar",
    "service",
    "transport",
    "hold",
)
"""Causes a TRS segment's hours are attributed to (:mod:`clearsim.simulation.metrics.attribution`):
the parties' own time (declarant, consignee, carrier and port), waiting for a busy resource while
it is staffed (``queueing``), waiting while its calendar is closed (``calendar``), hands-on work
(``service``), moving the goods (``transport``) and holds and queries (``hold``)."""
