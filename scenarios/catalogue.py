"""The catalogue of scenario files shipped with clearsim."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearsim.scenarios.load import ScenarioError, read_document

SCENARIO_DIR = Path(__file__).resolve().parent
"""Where the shipped scenario files live (``scenarios/`` of the source tree)."""

_CATALOGUE_GLOBS = ("*.yaml", "validation/*.yaml")


@dataclass(frozen=True)
class CatalogueEntry:
    """A shipped scenario file with its name and one-line description."""

    path: Path
    name: str
    description: str


def shipped_scenarios() -> list[CatalogueEntry]:
    """Every shipped scenario file (top level first, then validation), sorted by path."""
    entries = []
    for pattern in _CATALOGUE_GLOBS:
        for path in sorted(SCENARIO_DIR.glob(pattern)):
            try:
                document = read_document(path)
                name = str(document.get("name", path.stem))
                description = str(document.get("description", "")).strip().splitlines()
                entries.append(CatalogueEntry(path, name, description[0] if description else ""))
            except ScenarioError as error:
                entries.append(CatalogueEntry(path, path.stem, f"(unreadable: {error.reason})"))
    return entries
