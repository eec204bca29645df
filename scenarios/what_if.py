"""A planner's what-if: the baseline with chosen servers, officers' hours, take-up and volume.

:func:`what_if_variant` is the one entry point of the ``clearsim-what-if`` flow (and of any page
that asks the same questions): each choice left as ``None`` keeps the file's value; each other
choice becomes a dotted-path value (:func:`clearsim.scenarios.overrides.with_values`), so the
variant is validated like any scenario file. Every error is a :class:`WhatIfError` whose one-line
message starts with the choice's name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from clearsim.models.calendars import AlwaysOpen
from clearsim.models.scenario import Scenario
from clearsim.scenarios.levers import always_calendar
from clearsim.scenarios.overrides import OverrideError, with_values

OfficerHours = Literal["office hours", "7x24"]
OFFICE_HOURS: OfficerHours = "office hours"
ALL_HOURS: OfficerHours = "7x24"
ROLE_OF_CHOICE = {
    "customs_officers": "document_officer",
    "inspection_lanes": "inspection_lane",
    "gate_lanes": "gate_lane",
}
"""A server-count choice and the process role (``resources`` of a process) whose resource it sets;
without one, the resource named like the choice (e.g. ``inspection_lanes``)."""
VOLUME_FIELDS = ("order_multiplier", "parcel_multiplier")
"""Fields of a process that scale its demand (``role: demand`` volume multipliers)."""


class WhatIfError(ValueError):
    """A what-if choice does not fit the scenario or is out of range (one line, named)."""


@dataclass(frozen=True)
class WhatIfChoices:
    """What a planner changes; ``None`` keeps the scenario file's value."""

    customs_officers: int | None = None
    inspection_lanes: int | None = None
    gate_lanes: int | None = None
    officer_hours: OfficerHours | None = None
    advance_declaration_share: float | None = None
    ship_side_pickup_share: float | None = None
    volume_multiplier: float | None = None

    def chosen(self) -> dict[str, Any]:
        """The choices given (not ``None``), in field order."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def _processes(scenario: Scenario) -> list[dict[str, Any]]:
    document = scenario.model_dump(mode="json")
    return [p for p in document["processes"] if isinstance(p, dict)]


def role_resources(scenario: Scenario, role: str) -> list[str]:
    """The scenario's resources that its processes use in ``role`` (e.g. ``gate_lane``)."""
    names: list[str] = []
    for process in _processes(scenario):
        name = (process.get("resources") or {}).get(role)
        if isinstance(name, str) and name in scenario.resources and name not in names:
            names.append(name)
    return names


def _share_paths(scenario: Scenario, choice: str) -> dict[str, Any]:
    """Dotted paths (and their companions) a take-up share choice sets, by process."""
    paths: dict[str, Any] = {}
    for process in _processes(scenario):
        name = process["name"]
        if choice == "advance_declaration_share":
            if isinstance(process.get("declaration"), dict) and (
                "advance_share" in process["declaration"]
            ):
                paths[f"processes.{name}.declaration.advance_share"] = None
            elif "advance_share" in process:
                paths[f"processes.{name}.advance_share"] = None
        elif isinstance(process.get("ship_side_pickup"), dict):
            paths[f"processes.{name}.ship_side_pickup.share"] = None
    return paths


def _calendar_for(scenario: Scenario, hours: OfficerHours, current: str) -> tuple[str, Scenario]:
    """The calendar giving ``hours`` and the scenario holding it (an always-open one added)."""
    if hours == ALL_HOURS:
        name, calendars = always_calendar(scenario)
        return name, scenario.model_copy(update={"calendars": calendars})
    if not isinstance(scenario.calendars[current], AlwaysOpen):
        return current, scenario
    if "office_hours" in scenario.calendars and not isinstance(
        scenario.calendars["office_hours"], AlwaysOpen
    ):
        return "office_hours", scenario
    raise WhatIfError("officer_hours: the scenario has no office-hours calendar to staff by")


def what_if_values(scenario: Scenario, choices: WhatIfChoices) -> tuple[Scenario, dict[str, Any]]:
    """The dotted-path values of the choices, and the scenario they apply to.

    The scenario is ``scenario`` itself unless 7x24 officers need an always-open calendar the
    file does not have (it is then added, as the levers do).
    """
    values: dict[str, Any] = {}
    for choice, role in ROLE_OF_CHOICE.items():
        count = getattr(choices, choice)
        if count is None:
            continue
        if count < 1:
            raise WhatIfError(f"{choice}: must be at least 1 (got {count})")
        names = role_resources(scenario, role) or [n for n in scenario.resources if n == choice]
        if not names:
            raise WhatIfError(f"{choice}: {scenario.name} has no {role.replace('_', ' ')} resource")
        values.update({f"resources.{name}.capacity": count for name in names})
    if choices.officer_hours is not None:
        if choices.officer_hours not in (OFFICE_HOURS, ALL_HOURS):
            raise WhatIfError(
                f"officer_hours: {choices.officer_hours!r} is not 'office hours' or '7x24'"
            )
        names = role_resources(scenario, "document_officer")
        if not names:
            raise WhatIfError(f"officer_hours: {scenario.name} has no customs officer resource")
        for name in names:
            current = scenario.resources[name].calendar
            calendar, scenario = _calendar_for(scenario, choices.officer_hours, current)
            values[f"resources.{name}.calendar"] = calendar
    for choice in ("advance_declaration_share", "ship_side_pickup_share"):
        share = getattr(choices, choice)
        if share is None:
            continue
        if not 0 <= share <= 1:
            raise WhatIfError(f"{choice}: must be a share in [0, 1] (got {share:g})")
        paths = _share_paths(scenario, choice)
        if not paths:
            raise WhatIfError(f"{choice}: {scenario.name} has no such take-up share")
        for path in paths:
            values[path] = share
            if path.endswith("ship_side_pickup.share"):
                values[path.removesuffix("share") + "enabled"] = share > 0
    if choices.volume_multiplier is not None:
        multiplier = choices.volume_multiplier
        if not multiplier > 0:
            raise WhatIfError(f"volume_multiplier: must be > 0 (got {multiplier:g})")
        volume = [
            f"processes.{p['name']}.{field}"
            for p in _processes(scenario)
            for field in VOLUME_FIELDS
            if field in p
        ]
        if not volume:
            raise WhatIfError(
                f"volume_multiplier: {scenario.name} has no order or parcel multiplier"
            )
        values.update(dict.fromkeys(volume, multiplier))
    return scenario, values


def what_if_name(scenario: Scenario, choices: WhatIfChoices) -> str:
    """The variant's name: ``base[what-if: choice=value, ...]``."""
    chosen = ", ".join(f"{k}={v}" for k, v in choices.chosen().items())
    return f"{scenario.name}[what-if: {chosen}]"


def what_if_variant(scenario: Scenario, choices: WhatIfChoices) -> Scenario:
    """The baseline with the planner's choices applied, validated like a scenario file.

    Raises:
        WhatIfError: No choice given, a choice out of range or not in the scenario, or a
            variant the scenario's rules refuse.
    """
    if not choices.chosen():
        raise WhatIfError("what-if: choose at least one value to change")
    base, values = what_if_values(scenario, choices)
    try:
        return with_values(base, {**values, "name": what_if_name(scenario, choices)})
    except OverrideError as error:
        raise WhatIfError(f"what-if: {error}") from None
