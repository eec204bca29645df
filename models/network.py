"""The logistics network spec: sites (nodes) and legs (edges) with travel-time distributions."""

from __future__ import annotations

from collections import deque
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.canonical import sort_mapping
from clearsim.models.distributions import Duration

NodeKind = Literal[
    "sea_port",
    "river_port",
    "inspection_area",
    "airport",
    "rail_terminal",
    "bonded_zone",
    "distribution_centre",
    "supervision_centre",
    "border_port",
    "overseas_hub",
]
Mode = Literal["road", "river", "sea", "rail", "air", "internal"]


class NodeSpec(FrozenSpec):
    """A site of the network."""

    kind: NodeKind
    name_zh: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    note: str = ""


class EdgeSpec(FrozenSpec):
    """A leg between two sites, travelled in both directions unless ``bidirectional`` is false."""

    source: str
    target: str
    mode: Mode
    km: float = Field(gt=0)
    travel_min: Duration
    bidirectional: bool = True


class NetworkSpec(FrozenSpec):
    """Sites and legs, validated so that every site can reach every other site."""

    nodes: dict[str, NodeSpec] = Field(min_length=1)
    edges: tuple[EdgeSpec, ...] = ()

    @field_validator("nodes", mode="before")
    @classmethod
    def _sorted(cls, value: Any) -> Any:
        return sort_mapping(value)

    @model_validator(mode="after")
    def _valid(self) -> NetworkSpec:
        for i, edge in enumerate(self.edges):
            for end in (edge.source, edge.target):
                if end not in self.nodes:
                    raise ValueError(f"edges[{i}] references node {end!r}, which is not defined")
            if edge.source == edge.target:
                raise ValueError(f"edges[{i}] is a loop on {edge.source!r}")
        for origin in self.nodes:
            unreachable = self.unreachable_from(origin)
            if unreachable:
                raise ValueError(
                    f"the network is disconnected: no path from {origin!r} to "
                    + ", ".join(sorted(unreachable))
                )
        return self

    def unreachable_from(self, origin: str) -> set[str]:
        """Nodes with no directed path from ``origin``."""
        adjacency: dict[str, list[str]] = {name: [] for name in self.nodes}
        for edge in self.edges:
            adjacency[edge.source].append(edge.target)
            if edge.bidirectional:
                adjacency[edge.target].append(edge.source)
        seen = {origin}
        frontier = deque([origin])
        while frontier:
            for nxt in adjacency[frontier.popleft()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return set(self.nodes) - seen
