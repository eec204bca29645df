"""The logistics graph: built once from its spec, validated, frozen, and routed by travel time."""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable
from functools import lru_cache
from statistics import NormalDist

import networkx as nx
import numpy as np

from clearsim.models.distributions import Duration, Lognormal
from clearsim.models.network import NetworkSpec
from clearsim.simulation.kernel.sampling import quantile, quantiles


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
        self.path = lru_cache(maxsize=None)(self._shortest_path)
        self._trips: dict[tuple[str, str], Callable[[float], float]] = {}
        self.trip_counts: dict[tuple[str, str], int] = {}
        """Trips routed so far, per (source, target): the network's traffic in a run."""
        self._planned: dict[tuple[str, str], array[float]] = {}
        self._many: dict[tuple[str, str], Callable[[np.ndarray], np.ndarray]] = {}

    def _shortest_path(self, source: str, target: str) -> tuple[str, ...]:
        """The sites of the shortest route by expected travel time, ``source`` first."""
        try:
            path = nx.shortest_path(self.graph, source, target, weight="expected_min")
        except (nx.NetworkXNoPath, nx.NodeNotFound) as error:
            raise NetworkError(f"no route from {source!r} to {target!r}") from error
        return tuple(path)

    def trip_min(self, source: str, target: str, u: float) -> float:
        """Travel time of one trip: every leg at the same quantile ``u`` (one trip, one pace)."""
        duration = self.planned_trip_min(source, target, u)
        self.trip_counts[source, target] += 1
        return duration

    def planned_trip_min(self, source: str, target: str, u: float) -> float:
        """:meth:`trip_min` of a trip that starts later: count it with :meth:`count_trip`."""
        key = (source, target)
        trip = self._trips.get(key)
        if trip is None:
            path = self.path(source, target)
            legs = tuple(self.graph.edges[a, b]["travel"] for a, b in itertools.pairwise(path))
            trip = self._trips[key] = route_quantile(legs)
            self.trip_counts[key] = 0
        return trip(u)

    def planned_trips_min(self, source: str, target: str, u: np.ndarray) -> np.ndarray:
        """:meth:`planned_trip_min` of many trips at once, one pace ``u`` each.

        The legs' quantiles are summed in leg order, as one trip at a time sums them; the normal
        quantile comes from scipy (an ulp from :class:`statistics.NormalDist`'s at most).
        """
        key = (source, target)
        trips = self._many.get(key)
        if trips is None:
            self.planned_trip_min(source, target, 0.5)  # routes it, or fails, once
            path = self.path(source, target)
            legs = tuple(self.graph.edges[a, b]["travel"] for a, b in itertools.pairwise(path))
            trips = self._many[key] = route_quantiles(legs)
        return trips(u)

    def planned_trips_to(
        self, source: str, targets: tuple[str, ...], which: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """:meth:`planned_trips_min` of trips from ``source`` to ``targets[which[i]]`` each."""
        trips = np.empty(len(u))
        for k, target in enumerate(targets):
            mine = which == k
            if mine.any():
                trips[mine] = self.planned_trips_min(source, target, u[mine])
        return trips

    def count_trip(self, source: str, target: str) -> None:
        """Count a trip planned with :meth:`planned_trip_min`, when it starts."""
        self.trip_counts[source, target] += 1

    def planned_trips(self, source: str, target: str) -> array[float]:
        """Where to book the start times of trips planned ahead (counted by :meth:`settle`)."""
        self.path(source, target)  # an unknown route fails here, not at the end of the run
        return self._planned.setdefault((source, target), array("d"))

    def settle(self, end_min: float, *, stopped: bool = False) -> None:
        """Count the booked trips that a run ended at ``end_min`` reached.

        Those at the end itself count unless the run was ``stopped`` at its time limit.
        """
        for key, starts in self._planned.items():
            times = np.array(starts)
            started = int((times < end_min if stopped else times <= end_min).sum())
            if started:
                self.trip_counts[key] = self.trip_counts.get(key, 0) + started
            del starts[:]

    def leg_trips(self) -> dict[tuple[str, str], int]:
        """Trips per directed leg: each routed trip counted on every leg of its route."""
        legs: dict[tuple[str, str], int] = {}
        for (source, target), trips in self.trip_counts.items():
            for leg in itertools.pairwise(self.path(source, target)):
                legs[leg] = legs.get(leg, 0) + trips
        return legs


def route_quantile(legs: tuple[Duration, ...]) -> Callable[[float], float]:
    """``u -> sum of the legs' quantiles at u``, the standard normal quantile taken once.

    Legs that are all lognormal (the usual road and rail legs) share ``z = Phi^-1(u)``; the
    sum is taken in leg order from 0, so the result is the one leg-by-leg quantiles give.
    """
    if legs and all(isinstance(leg, Lognormal) for leg in legs):
        params = [(leg.median_min, leg.sigma) for leg in legs if isinstance(leg, Lognormal)]
        inv_cdf = NormalDist().inv_cdf
        if len(params) == 1:
            ((median, sigma),) = params

            def one_leg_trip(u: float) -> float:
                return median * math.exp(sigma * inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12)))

            return one_leg_trip

        def lognormal_trip(u: float) -> float:
            z = inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12))
            return sum(median * math.exp(sigma * z) for median, sigma in params)

        return lognormal_trip

    def any_trip(u: float) -> float:
        return sum(quantile(spec, u) for spec in legs)

    return any_trip


def route_quantiles(legs: tuple[Duration, ...]) -> Callable[[np.ndarray], np.ndarray]:
    """``u -> sum of the legs' quantiles at u`` for arrays of paces (see :func:`route_quantile`)."""

    def trips(u: np.ndarray) -> np.ndarray:
        total = np.zeros(np.shape(u))
        for leg in legs:
            total = total + quantiles(leg, u)
        return total

    return trips
