"""A scenario's levers: one more server of a resource, or 24-hour staffing of it or its calendar.

Each lever is a variant of the scenario built with ``model_copy(update=...)``: a resource with
``capacity + 1``; a resource on a shift calendar moved to an always-open one; and, where several
resources share a shift calendar, that calendar itself open 24 hours a day, 7 days a week. The
variants keep the scenario's seed and replications, so they run on its streams.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearsim.models.calendars import AlwaysOpen
from clearsim.models.resources import MAX_CAPACITY
from clearsim.models.scenario import Scenario

SERVER = "server"
STAFFING = "24h"
CALENDAR = "calendar"


@dataclass(frozen=True)
class Lever:
    """A named variant of a scenario: what it changes and the scenario it makes."""

    name: str
    """Readable: ``+1 customs_officers``, ``24 h customs_officers``, ``24 h office_hours``."""
    change: str
    """:data:`SERVER`, :data:`STAFFING` (one resource) or :data:`CALENDAR` (a shared one)."""
    target: str
    """The resource or calendar changed."""
    scenario: Scenario

    def parameters(self, reference: str) -> dict[str, str]:
        """What a study stores with the variant: the lever and the scenario it belongs to."""
        return {"lever": self.name, "lever_of": reference, "change": self.change,
                "target": self.target}  # fmt: skip


def lever_name(scenario: str, lever: str) -> str:
    """The variant's scenario name: ``base[lever]``."""
    return f"{scenario}[{lever}]"


def always_calendar(scenario: Scenario) -> tuple[str, dict[str, object]]:
    """The name of an always-open calendar, and the calendars with it (added if missing)."""
    for name, calendar in scenario.calendars.items():
        if isinstance(calendar, AlwaysOpen):
            return name, dict(scenario.calendars)
    name = "always"
    while name in scenario.calendars:
        name += "_24h"
    return name, {**scenario.calendars, name: AlwaysOpen()}


def lever_variants(scenario: Scenario) -> list[Lever]:
    """The scenario's levers in a fixed order: servers, 24-hour resources, 24-hour calendars."""
    levers: list[Lever] = []
    for name, resource in scenario.resources.items():
        if resource.capacity < MAX_CAPACITY:
            label = f"+1 {name}"
            resources = {**scenario.resources, name: resource.model_copy(
                update={"capacity": resource.capacity + 1})}  # fmt: skip
            variant = scenario.model_copy(
                update={"name": lever_name(scenario.name, label), "resources": resources}
            )
            levers.append(Lever(label, SERVER, name, variant))
    always, calendars = always_calendar(scenario)
    shifted = {
        name: resource
        for name, resource in scenario.resources.items()
        if not isinstance(scenario.calendars[resource.calendar], AlwaysOpen)
    }
    for name, resource in shifted.items():
        label = f"24 h {name}"
        resources = {**scenario.resources, name: resource.model_copy(update={"calendar": always})}
        variant = scenario.model_copy(
            update={
                "name": lever_name(scenario.name, label),
                "resources": resources,
                "calendars": calendars,
            }
        )
        levers.append(Lever(label, STAFFING, name, variant))
    users: dict[str, int] = {}
    for resource in shifted.values():
        users[resource.calendar] = users.get(resource.calendar, 0) + 1
    for calendar, count in users.items():
        if count > 1:
            label = f"24 h {calendar}"
            variant = scenario.model_copy(
                update={
                    "name": lever_name(scenario.name, label),
                    "calendars": {**scenario.calendars, calendar: AlwaysOpen()},
                }
            )
            levers.append(Lever(label, CALENDAR, calendar, variant))
    return levers
