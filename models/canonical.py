"""Canonical order of scenario mappings: the order the scenario hash sees."""

from __future__ import annotations

from typing import Any


def sort_mapping(value: Any) -> Any:
    """A mapping with its keys in sorted order (anything else unchanged).

    The scenario hash is computed over sorted keys, so every mapping the engine iterates is put
    in that same order on load: two files that differ only in the order of their keys are the
    same scenario and give the same event log.
    """
    if isinstance(value, dict):
        return {key: value[key] for key in sorted(value)}
    return value
