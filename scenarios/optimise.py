"""Decision variables of ``clearsim optimise``: server counts of resources, bounds and costs.

``--servers customs_officers=2:8:45`` lets the resource's capacity range over 2..8 servers at a
cost of 45 per server-hour (the currency is the user's). A candidate set-up is one count per
resource; its scenario is the file's with those capacities (:func:`candidate_scenario`), on the
file's seed and replications (common random numbers), named after its counts.

``--staff-24h customs_officers`` adds a binary variable ``customs_officers@24h``: 0 keeps the
resource on its calendar, 1 moves it to an always-open one (7x24). The resource must also be in
``--servers``: its cost per server-hour then applies to 24 staffed hours a day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearsim.models.calendars import AlwaysOpen
from clearsim.models.scenario import Scenario
from clearsim.scenarios.levers import always_calendar
from clearsim.scenarios.overrides import OverrideError, with_values

MAX_CANDIDATES = 10_000
"""A larger space is refused: the full grid could not be listed (the search samples it)."""


class DecisionError(ValueError):
    """A decision variable cannot be read or applied (one line naming the option)."""


@dataclass(frozen=True, slots=True)
class Servers:
    """One resource's server count: its bounds (inclusive) and cost per server-hour."""

    resource: str
    low: int
    high: int
    cost_per_hour: float

    @property
    def counts(self) -> range:
        """Every count in the bounds."""
        return range(self.low, self.high + 1)


def parse_servers(texts: Sequence[str], scenario: Scenario) -> list[Servers]:
    """``NAME=LOW:HIGH:COST`` for each option, checked against the scenario's resources."""
    if not texts:
        raise DecisionError("--servers is required: e.g. customs_officers=2:8:45")
    made: list[Servers] = []
    for text in texts:
        name, sep, rest = text.partition("=")
        parts = rest.split(":")
        if not sep or len(parts) != 3:
            raise DecisionError(f"--servers must be NAME=LOW:HIGH:COST (got {text!r})")
        if name not in scenario.resources:
            raise DecisionError(f"--servers {name}: no resource {name!r} in {scenario.name}")
        if any(s.resource == name for s in made):
            raise DecisionError(f"--servers {name}: given twice")
        try:
            low, high, cost = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise DecisionError(
                f"--servers {name}: LOW and HIGH must be integers and COST a number (got {rest!r})"
            ) from None
        if not 1 <= low <= high:
            raise DecisionError(f"--servers {name}: bounds must satisfy 1 <= LOW <= HIGH")
        if not (math.isfinite(cost) and cost >= 0):
            raise DecisionError(f"--servers {name}: COST must be a number >= 0 (got {cost:g})")
        made.append(Servers(name, low, high, cost))
    if math.prod(len(s.counts) for s in made) > MAX_CANDIDATES:
        raise DecisionError(f"--servers: more than {MAX_CANDIDATES} set-ups; narrow the bounds")
    return made


STAFF_24H = "@24h"
"""Suffix of a resource's 24-hour staffing variable (0: its calendar, 1: always open)."""


def parse_staffing(
    names: Sequence[str], servers: Sequence[Servers], scenario: Scenario
) -> list[Servers]:
    """A binary variable ``NAME@24h`` per ``--staff-24h NAME`` (its cost is its servers')."""
    made: list[Servers] = []
    priced = {s.resource for s in servers}
    for name in names:
        if name not in scenario.resources:
            raise DecisionError(f"--staff-24h {name}: no resource {name!r} in {scenario.name}")
        if name not in priced:
            raise DecisionError(f"--staff-24h {name}: give its servers and cost with --servers")
        calendar = scenario.calendars[scenario.resources[name].calendar]
        if isinstance(calendar, AlwaysOpen):
            raise DecisionError(f"--staff-24h {name}: already staffed 24 hours a day")
        if any(s.resource == name + STAFF_24H for s in made):
            raise DecisionError(f"--staff-24h {name}: given twice")
        made.append(Servers(name + STAFF_24H, 0, 1, 0.0))
    return made


def _always_open(scenario: Scenario, names: Sequence[str]) -> Scenario:
    """The scenario with these resources on an always-open calendar (added if missing)."""
    if not names:
        return scenario
    always, calendars = always_calendar(scenario)
    resources = {
        name: r.model_copy(update={"calendar": always}) if name in names else r
        for name, r in scenario.resources.items()
    }
    return scenario.model_copy(update={"resources": resources, "calendars": calendars})


def candidate_name(scenario: Scenario, servers: Mapping[str, int]) -> str:
    """``sea_import_baseline[customs_officers=4 inspection_lanes=2]``."""
    return f"{scenario.name}[{' '.join(f'{r}={n}' for r, n in servers.items())}]"


def candidate_scenario(scenario: Scenario, servers: Mapping[str, int]) -> Scenario:
    """The scenario with these server counts (validated), named after them."""
    values: dict[str, object] = {
        f"resources.{r}.capacity": n for r, n in servers.items() if not r.endswith(STAFF_24H)
    }
    values["name"] = candidate_name(scenario, servers)
    staffed = [r.removesuffix(STAFF_24H) for r, n in servers.items() if r.endswith(STAFF_24H) and n]
    try:
        return with_values(_always_open(scenario, staffed), values)
    except OverrideError as error:
        raise DecisionError(f"--servers: {error}") from None
