"""The logistics graph: built once from its spec, validated, frozen, and routed by travel time."""

from __future__ import annotations

import itertools
from functools import lru_cache

import networkx as nx

from models.distributions import Duration
from models.network import NetworkSpec
from simulation.sampling import quantile


class NetworkError(ValueError):
    """The network cannot serve a route the scenario needs."""


def build_graph(spec: NetworkSpec) -> nx.DiGraph:
    """A frozen directed graph with node attributes and, per edge, mode, km, travel spec, mean."""
    graph = nx.DiGraph()
    for name, node in spec.nodes.items():
        graph.add_node(name, kind=node.kind, lat=node.lat, lon=node.lon, name_zh=node.name_zh)
    for edge in spec.edges:
        attrs = {
            "mode": edge.mode,
            "km": edge.km,
            "travel": edge.travel_min,
            "expected_min": edge.travel_min.mean,
        }
        graph.add_edge(edge.source, edge.target, **attrs)
        if edge.bidirectional:
            graph.add_edge(edge.target, edge.source, **attrs)
    if not nx.is_strongly_connected(graph):
        raise NetworkError("the network is not strongly connected")
    return nx.freeze(graph)


class Router:
    """Shortest routes by expected travel time over a frozen graph, and trip times along them."""

    def __init__(self, graph: nx.DiGraph) -> None:
        if not nx.is_frozen(graph):
            raise NetworkError("the router needs a frozen graph (use build_graph)")
        self.graph = graph
        self._route = lru_cache(maxsize=None)(self._shortest)

    def _shortest(self, source: str, target: str) -> tuple[Duration, ...]:
        try:
            path = nx.shortest_path(self.graph, source, target, weight="expected_min")
        except (nx.NetworkXNoPath, nx.NodeNotFound) as error:
            raise NetworkError(f"no route from {source!r} to {target!r}") from error
        return tuple(self.graph.edges[a, b]["travel"] for a, b in itertools.pairwise(path))

    def trip_min(self, source: str, target: str, u: float) -> float:
        """Travel time of one trip: every leg at the same quantile ``u`` (one trip, one pace)."""
        return sum(quantile(spec, u) for spec in self._route(source, target))
