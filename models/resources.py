"""Resources: servers with a capacity, a site and a shift calendar."""

from __future__ import annotations

from pydantic import Field

from clearsim.models.base import FrozenSpec
from clearsim.models.roles import role

MAX_CAPACITY = 10_000
"""Servers in one pool: an estimate well above any clearance site's staff or equipment (the
Wuhan catalogue's largest pool is in the tens); it keeps a typo such as 10**30 from simulating."""


class ResourceSpec(FrozenSpec):
    """A pool of identical servers (berths, cranes, officers, lanes, gate lanes)."""

    capacity: int = Field(
        ge=1,
        le=MAX_CAPACITY,
        description="Number of identical servers (at most 10,000).",
        json_schema_extra=role("capacity"),
    )
    node: str = Field(description="Network site the resource stands at.")
    calendar: str = Field(
        default="always",
        description="Name of a calendar of the scenario.",
        json_schema_extra=role("rule"),
    )
    description: str = ""
