"""Processes that share no resource are independent: each group can run in its own environment.

Two processes interact only through the servers they share (streams are keyed by process name
and routes carry no capacity), so a replication can simulate each group of resource-sharing
processes on its own clock and stop it when its own measured cases are done. The results are
those of one environment; the saving is the simulated time a light-tailed group (a CBEC parcel
line) would otherwise spend waiting for a heavy-tailed one (sea import's drain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clearsim.models.scenario import Scenario


@dataclass(frozen=True)
class ProcessGroup:
    """Processes (in scenario order) and the resources they use; unused resources go first."""

    processes: tuple[Any, ...]
    resources: tuple[str, ...]


def independent_groups(scenario: Scenario) -> list[ProcessGroup]:
    """Connected components of the process-shares-a-resource relation, in scenario order."""
    parent = list(range(len(scenario.processes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, process in enumerate(scenario.processes):
        for resource in process.resource_names():
            if resource in owner:
                parent[root(i)] = root(owner[resource])
            else:
                owner[resource] = i
    members: dict[int, list[int]] = {}
    for i in range(len(scenario.processes)):
        members.setdefault(root(i), []).append(i)
    ordered = sorted(members.values(), key=min)
    unused = [name for name in scenario.resources if name not in owner]
    groups = []
    for index, indices in enumerate(ordered):
        used = {r for i in indices for r in scenario.processes[i].resource_names()}
        names = [name for name in scenario.resources if name in used]
        groups.append(
            ProcessGroup(
                processes=tuple(scenario.processes[i] for i in indices),
                resources=tuple((unused if index == 0 else []) + names),
            )
        )
    return groups
