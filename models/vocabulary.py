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

Milestone = Literal["arrival", "lodgement", "release", "exit", "delivery", "border_entry"]
"""Instantaneous events that delimit the WCO Time Release Study segments."""

MILESTONES: tuple[str, ...] = (
    "arrival",
    "lodgement",
    "release",
    "exit",
    "delivery",
    "border_entry",
)
"""Column order of milestone tables. ``border_entry`` (appended last, so the others keep their
columns) is where transit cargo enters China at a border port before it runs inland to the
office that clears it ``arrival``: the TRS of a transit corridor (rail-import-model.md)."""

CORRIDOR_MILESTONES: tuple[str, ...] = ("border_entry",)
"""Milestones only transit-corridor flows record; segments from them are reported for a flow only
when its cases recorded them (no empty rows for the other flows)."""

TRS_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("arrival", "lodgement"),
    ("lodgement", "release"),
    ("release", "exit"),
    ("arrival", "release"),
    ("arrival", "exit"),
    ("border_entry", "arrival"),
    ("border_entry", "release"),
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

Mode = Literal["sea", "air", "rail", "cbec_1210", "cbec_9610"]
"""How a shipment is carried and declared: general trade by sea (river), air or rail, or
cross-border e-commerce retail under 网购保税 1210 or 直购 9610."""

MODES: tuple[str, ...] = ("sea", "air", "rail", "cbec_1210", "cbec_9610")

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
