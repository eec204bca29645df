"""Offered load per resource, from the specs alone: is any queue unstable before we run?"""

from __future__ import annotations

from collections import defaultdict

from clearsim.models.scenario import Scenario


def offered_utilisation(scenario: Scenario) -> dict[str, float]:
    """Offered load over staffed capacity per resource (rho); >= 1 means the queue grows.

    Every process spec states the work it offers each resource
    (``offered_work_per_min``); processes that share a resource add up.
    """
    work: dict[str, float] = defaultdict(float)
    for process in scenario.processes:
        for resource, minutes in process.offered_work_per_min(scenario.horizon_min).items():
            work[resource] += minutes
    result = {}
    for name, spec in scenario.resources.items():
        staffed = spec.capacity * scenario.calendars[spec.calendar].open_fraction()
        result[name] = work.get(name, 0.0) / staffed if staffed > 0 else float("inf")
    return result


def unstable_resources(scenario: Scenario) -> dict[str, float]:
    """Resources whose offered utilisation is at least one."""
    return {name: rho for name, rho in offered_utilisation(scenario).items() if rho >= 1.0}
