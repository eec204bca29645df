"""The documentation stays true to the code: fields, activities, commands and links are all there.

Each test reads a document under ``docs/`` and checks it against the live objects: the result
records, the scenario models, the activity names of simulated logs, the CLI commands and options.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
import typer
from pydantic import BaseModel

import clearsim.models.records
from clearsim.analysis.aggregate import (
    OutcomeEstimate,
    OverlongEstimate,
    ResourceEstimate,
    ScenarioReport,
    SegmentEstimate,
)
from clearsim.analysis.causes import CauseEstimate
from clearsim.analysis.statistics import Estimate
from clearsim.flows.cli.main import app
from clearsim.models.scenario import Scenario
from clearsim.scenarios.catalogue import shipped_scenarios
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import run_replication

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

FENCE = re.compile(r"^ *(```|~~~).*?^ *\1[^\n]*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _read(relative: str) -> str:
    return (DOCS / relative).read_text(encoding="utf-8")


def _reference_with_processes(relative: str) -> str:
    """A reference page followed by the per-process pages of ``reference/processes/``."""
    pages = sorted((DOCS / "reference" / "processes").glob("*.md"))
    return "\n".join([_read(relative), *(p.read_text(encoding="utf-8") for p in pages)])


def _prose(text: str) -> str:
    """The text without fenced code blocks (their '#' lines are not headings)."""
    return FENCE.sub("", text)


def _section(text: str, name: str) -> str:
    """The text under the heading that names ``name`` in backticks, up to the next heading."""
    prose = _prose(text)
    headings = list(HEADING.finditer(prose))
    for i, heading in enumerate(headings):
        if f"`{name}`" in heading.group(2):
            end = headings[i + 1].start() if i + 1 < len(headings) else len(prose)
            return prose[heading.end() : end]
    raise AssertionError(f"no heading naming `{name}`")


def _missing(section: str, names: typing.Iterable[str]) -> list[str]:
    return [name for name in names if f"`{name}`" not in section]


def _record_classes() -> list[type]:
    return [
        obj
        for obj in vars(clearsim.models.records).values()
        if isinstance(obj, type)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == clearsim.models.records.__name__
    ]


def test_every_record_field_is_in_the_results_reference() -> None:
    text = _read("reference/results.md")
    records = _record_classes()
    assert {r.__name__ for r in records} >= {"EventRecord", "RunSummary", "SegmentStat"}
    estimates = [Estimate, SegmentEstimate, ResourceEstimate, OutcomeEstimate, OverlongEstimate]
    estimates.append(CauseEstimate)
    for record in [*records, *estimates, ScenarioReport]:
        names = [f.name for f in dataclasses.fields(record)]
        assert not _missing(_section(text, record.__name__), names), record.__name__


def _spec_models(annotation: object, found: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every pydantic model reachable from ``annotation`` through fields, unions and containers."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.append(annotation)
            for field in annotation.model_fields.values():
                _spec_models(field.annotation, found)
        return found
    for argument in typing.get_args(annotation):
        _spec_models(argument, found)
    return found


def test_every_scenario_field_is_in_the_schema_reference() -> None:
    text = _reference_with_processes("reference/scenario-schema.md")
    models = _spec_models(Scenario, [])
    assert len(models) > 25
    for model in models:
        section = _section(text, model.__name__)
        assert not _missing(section, model.model_fields), model.__name__


@pytest.fixture(scope="module")
def activity_names() -> set[str]:
    """Activities registered by every shipped scenario (processes register them at set-up)."""
    names: set[str] = set()
    for entry in shipped_scenarios():
        scenario = load_scenario(  # processes register their activities at set-up
            entry.path, horizon_min=30, warmup_min=0, drain_limit_min=30, replications=1
        )
        names.update(run_replication(scenario, 0, scenario.seed).log.activities)
    return names


def test_the_runs_register_the_activities_of_every_process(activity_names: set[str]) -> None:
    assert {"quay_to_gate", "inspection_hold", "vessel_departure", "inspection"} <= activity_names


@pytest.mark.parametrize("document", ["reference/event-log.md", "glossary.md"])
def test_every_activity_is_documented(document: str, activity_names: set[str]) -> None:
    text = (
        _reference_with_processes(document) if document.startswith("reference") else _read(document)
    )
    assert not _missing(text, sorted(activity_names))


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    text = _read("reference/cli.md")
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert set(group.commands) >= {"run", "validate", "scenarios", "version"}
    for name, command in group.commands.items():
        assert f"`clearsim {name}`" in text, name
        options = [o for p in command.params for o in p.opts if o.startswith("--")]
        assert not _missing(text, [o for o in options if o != "--help"]), name


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    anchors: set[str] = set()
    for heading in HEADING.finditer(_prose(text)):
        slug, n = _slug(heading.group(2)), 0
        while (slug if n == 0 else f"{slug}-{n}") in anchors:
            n += 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


DOCUMENTS = sorted(DOCS.rglob("*.md"))


def test_the_documents_exist() -> None:
    names = {p.relative_to(DOCS).as_posix() for p in DOCUMENTS}
    assert {"index.md", "tutorial.md", "glossary.md", "reference/cli.md"} <= names


def _resolves(document: Path, target: str) -> bool:
    """Whether a relative link of ``document`` names an existing file (and heading, if any)."""
    path, _, fragment = target.partition("#")
    linked = (document.parent / path).resolve() if path else document
    if not linked.is_file():
        return False
    if not fragment or linked.suffix != ".md":
        return True
    return fragment in _anchors(linked.read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_relative_links_resolve(document: Path) -> None:
    targets = LINK.findall(_prose(document.read_text(encoding="utf-8")))
    relative = [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]  # no http: etc.
    broken = [target for target in relative if not _resolves(document, target)]
    assert not broken, broken
