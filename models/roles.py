"""What a scenario field is: a rule, a take-up share, a capacity, demand, or run set-up.

A reform changes only the rules of the process it reforms (a switch, a routing, a calendar) and
how many take part in it; behaviour (document readiness, pick-up habits, carriers) is calibrated
once on the baseline and shared (docs/calibration.md). A field says which it is through
``json_schema_extra={"role": ...}`` (see :func:`role`); a field without a role is behaviour or
environment, which neither a reform nor a capacity what-if may change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

Role = Literal["rule", "take_up", "capacity", "demand", "run"]
"""``rule``: a switch or rule parameter of a procedure (a reform's lever); ``take_up``: the share of
traders who use a procedure; ``capacity``: servers of a resource; ``demand``: arrival rates and
volume multipliers; ``run``: run control (horizon, warm-up, kind)."""

ROLES: tuple[str, ...] = ("rule", "take_up", "capacity", "demand", "run")

REFORM_ROLES: frozenset[str] = frozenset({"rule", "take_up"})
"""What a reform scenario may change against its baseline."""

WHAT_IF_ROLES: frozenset[str] = frozenset({"capacity", "demand", "run"})
"""What a capacity or demand what-if may change against the scenario it extends."""

CATALOGUE_TAKE_UP = 0.8
"""The take-up share every reform of the shipped catalogue uses, so that reforms compare at equal
participation ([E]: a pilot's stated ambition, not a measured figure; sweep it with
``clearsim sweep FILE --take-up``)."""


def role(kind: Role) -> dict[str, Any]:
    """Mark a field's role: ``Field(json_schema_extra=role("rule"))``."""
    return {"role": kind}


def field_role(model: type[BaseModel], name: str) -> str | None:
    """The role of field ``name`` of ``model``; ``None`` for behaviour and environment."""
    extra = model.model_fields[name].json_schema_extra
    if isinstance(extra, dict):
        value = extra.get("role")
        return str(value) if value is not None else None
    return None
