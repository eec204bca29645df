"""Check rule 13 of the house: a reform changes rules and take-up only, never behaviour.

:func:`differences` walks two resolved scenarios field by field and names every difference
with the role of its field (:mod:`clearsim.models.roles`). A spec class with no marked field
(a distribution, a calendar, a network) is compared whole and carries the role of the field that
holds it; in a class with marked fields, an unmarked field is behaviour. A block switched on by a
reform (``None`` in the baseline) counts every field inside it as a difference, so a reform
cannot bring its own behaviour along inside its switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from clearsim.models.roles import CATALOGUE_TAKE_UP, REFORM_ROLES, WHAT_IF_ROLES, field_role
from clearsim.models.scenario import HASH_EXCLUDED_FIELDS, Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.yaml_reader import read_yaml_file

_IGNORED = frozenset(HASH_EXCLUDED_FIELDS) | {"monitoring"}
"""Scenario fields that do not change what a replication simulates."""


@dataclass(frozen=True)
class Difference:
    """One field that differs between a scenario and the one it extends."""

    path: str
    role: str | None
    base: Any
    value: Any

    @property
    def kind(self) -> str:
        """The field's role, or ``behaviour`` for a field without one."""
        return self.role or "behaviour"


@dataclass(frozen=True)
class FileCheck:
    """A scenario file against the one file it extends: what kind of change, and what breaks."""

    path: Path
    parent: Path
    kind: str
    differences: tuple[Difference, ...]
    problems: tuple[str, ...]


GOODS_STREAM_SUFFIX = "_baseline"
"""A file named ``*_baseline`` that extends another is a goods-stream baseline, not a reform."""


def parent_file(path: str | Path) -> Path | None:
    """The file ``path`` extends, if it extends exactly one (a list is a composition)."""
    path = Path(path)
    data = read_yaml_file(path)
    parent = data.get("extends") if isinstance(data, dict) else None
    return path.parent / parent if isinstance(parent, str) else None


def check_file(path: str | Path, take_up: float | None = CATALOGUE_TAKE_UP) -> FileCheck | None:
    """Check ``path`` against the file it extends; ``None`` if it extends none or several."""
    parent = parent_file(path)
    if parent is None:
        return None
    found = differences(load_scenario(parent), load_scenario(path))
    if Path(path).stem.endswith(GOODS_STREAM_SUFFIX):
        # A goods-stream baseline: a new baseline built on the one it extends (its own volume,
        # inspection rate and agency layer), calibrated itself; its reforms extend it.
        return FileCheck(Path(path), parent, "baseline", tuple(found), ())
    problems = rule_problems(found, take_up)
    return FileCheck(Path(path), parent, classify(found), tuple(found), tuple(problems))


def differences(base: Scenario, other: Scenario) -> list[Difference]:
    """Every differing field of ``other`` against ``base``, with its role, in field order."""
    found: list[Difference] = []
    for name in Scenario.model_fields:
        if name in _IGNORED:
            continue
        _walk(name, getattr(base, name), getattr(other, name), _role(Scenario, name), found)
    return found


def classify(found: list[Difference]) -> str:
    """``reform``, ``what-if`` or ``same``: the kind of change ``found`` makes.

    A reform changes a rule or a take-up; a what-if only capacity, demand or run set-up.
    """
    if not found:
        return "same"
    return "reform" if any(d.role in REFORM_ROLES for d in found) else "what-if"


def rule_problems(found: list[Difference], take_up: float | None = CATALOGUE_TAKE_UP) -> list[str]:
    """What breaks the house rule in ``found``: one line per field.

    A reform may differ only in rules and take-up (every take-up equal to ``take_up`` unless it is
    ``None``); a what-if only in capacity, demand and run set-up; neither in behaviour.
    """
    kind = classify(found)
    allowed = REFORM_ROLES if kind == "reform" else WHAT_IF_ROLES
    problems = []
    for d in found:
        if d.role not in allowed:
            problems.append(
                f"{d.path}: a {kind} may not change {d.kind} "
                f"({_brief(d.base)} -> {_brief(d.value)})"
            )
        elif d.role == "take_up" and take_up is not None and d.value != take_up:
            problems.append(
                f"{d.path}: take-up {d.value!r} differs from the catalogue's common {take_up!r}"
            )
    return problems


def _brief(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _role(model: type[BaseModel], name: str) -> str | None:
    return field_role(model, name)


def _has_roles(model: type[BaseModel]) -> bool:
    return any(field_role(model, name) for name in model.model_fields)


def _walk(path: str, base: Any, value: Any, role: str | None, found: list[Difference]) -> None:
    if base == value:
        return
    model = type(value) if isinstance(value, BaseModel) else type(base)
    same_type = base is None or value is None or type(base) is type(value)
    if isinstance(base, BaseModel) or isinstance(value, BaseModel):
        if not same_type or not _has_roles(model):
            found.append(Difference(path, role, _short(base), _short(value)))
            return
        if base is None or value is None:
            found.append(Difference(path, role, _short(base), _short(value)))
        for name in model.model_fields:
            if name == "description":
                continue  # words about a resource or process simulate nothing
            inner_base = None if base is None else getattr(base, name)
            inner_value = None if value is None else getattr(value, name)
            _walk(f"{path}.{name}", inner_base, inner_value, _role(model, name), found)
        return
    if isinstance(base, dict) and isinstance(value, dict):
        for key in sorted(set(base) | set(value)):
            _walk(f"{path}.{key}", base.get(key), value.get(key), role, found)
        return
    if isinstance(base, tuple) and isinstance(value, tuple) and _named(base) and _named(value):
        others = {item.name: item for item in value}
        for item in base:
            _walk(f"{path}.{item.name}", item, others.pop(item.name, None), role, found)
        for name, item in others.items():
            _walk(f"{path}.{name}", None, item, role, found)
        return
    found.append(Difference(path, role, _short(base), _short(value)))


def _named(items: tuple[Any, ...]) -> bool:
    return all(isinstance(item, BaseModel) and hasattr(item, "name") for item in items)


def _short(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value
