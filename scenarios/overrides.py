"""Scenario variants: set fields by dotted path and validate the result (never ``setattr``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from clearsim.models.scenario import Scenario


class OverrideError(ValueError):
    """A dotted path does not name a field of the scenario, or the new value is invalid."""


def _step(node: Any, key: str, path: str) -> tuple[Any, str | int]:
    if isinstance(node, dict):
        if key not in node:
            raise OverrideError(f"{path}: no field {key!r}")
        return node[key], key
    if isinstance(node, list):
        if key.isdigit() and int(key) < len(node):
            return node[int(key)], int(key)
        for i, entry in enumerate(node):
            if isinstance(entry, dict) and entry.get("name") == key:
                return entry, i
        raise OverrideError(f"{path}: no entry {key!r} (use an index or a name)")
    raise OverrideError(f"{path}: {key!r} is below a plain value")


def value_at(scenario: Scenario, path: str) -> Any:
    """The value (as JSON: numbers, lists, mappings) at a dotted path of ``scenario``.

    Raises:
        OverrideError: The path names no field.
    """
    node: Any = scenario.model_dump(mode="json")
    for key in path.split("."):
        node, _ = _step(node, key, path)
    return node


def with_values(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with each dotted path set to its value.

    Paths name mapping keys and list entries by index or by ``name``, e.g.
    ``resources.inspection_lanes.capacity`` or ``processes.yangluo_import.aeo_share``.
    """
    document = scenario.model_dump(mode="json")
    for path, value in values.items():
        keys = path.split(".")
        node: Any = document
        for key in keys[:-1]:
            node, _ = _step(node, key, path)
        _, last = _step(node, keys[-1], path)
        node[last] = value
    try:
        return Scenario.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OverrideError(f"{where}: {first['msg']}") from None
