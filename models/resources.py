"""Resources: servers with a capacity, a site and a shift calendar."""

from __future__ import annotations

from pydantic import Field

from clearsim.models.base import FrozenSpec


class ResourceSpec(FrozenSpec):
    """A pool of identical servers (berths, cranes, officers, lanes, gate lanes)."""

    capacity: int = Field(ge=1, description="Number of identical servers.")
    node: str = Field(description="Network site the resource stands at.")
    calendar: str = Field(default="always", description="Name of a calendar of the scenario.")
    description: str = ""
