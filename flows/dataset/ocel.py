"""OCEL 2.0 export (JSON) of the event log, written as a stream with the standard library.

Objects: every case (its object type: ``order``, ``parcel``, ``container``, ``vessel``, ...),
every scenario resource (``resource``) and every declaration (``declaration``). Each event is
one row of the log (event type = activity, attributes ``lifecycle``, ``site``, ``instance``)
related to its case (qualifier ``case``), to its resource if it has one (``resource``), and a
``lodgement`` / ``release`` / ``complete_declaration`` event to the declaration it lodges,
releases or completes (``lodged``, ``released``, ``completed``). A declaration object relates to
its case (``declares``), a container to the vessel call or train that carries it (``carried_by``),
and a case to every case its process linked it to (``log.link``: a parcel ``carried_by`` its
flight, a consignment ``consolidated_in`` its container, ``part_of`` its order, ...).
pm4py reads the file with ``pm4py.read_ocel2_json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms, iso_utc
from clearsim.flows.dataset.context import CHUNK_CASES, BuildContext
from clearsim.flows.dataset.facts import CaseFacts
from clearsim.flows.dataset.relations import case_links
from clearsim.models.vocabulary import LIFECYCLE_NAMES

EVENT_CHUNK = 50_000
STATIC = "1970-01-01T00:00:00Z"
"""OCEL 2.0 time of an attribute value that never changes."""
CASE_ATTRIBUTES = ("process", "direction", "mode")
DECLARATION_EVENTS = {"lodgement": "lodged", "release": "released"}


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _types(ctx: BuildContext) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    object_types = sorted(set(ctx.facts.object_type.tolist()))
    strings = [{"name": a, "type": "string"} for a in CASE_ATTRIBUTES]
    objects: list[dict[str, object]] = [{"name": t, "attributes": strings} for t in object_types]
    objects.append({"name": "resource", "attributes": [{"name": "site", "type": "string"}]})
    objects.append({"name": "declaration", "attributes": [{"name": "kind", "type": "string"}]})
    event_attributes = [
        {"name": "lifecycle", "type": "string"},
        {"name": "site", "type": "string"},
        {"name": "instance", "type": "integer"},
    ]
    events: list[dict[str, object]] = [
        {"name": a, "attributes": event_attributes} for a in sorted(set(ctx.digest.activities))
    ]
    return objects, events


def first_kind(mode: str, two_step: bool) -> str:
    """Kind of a case's first declaration, as in the ``declarations`` table."""
    if mode.startswith("cbec_"):
        return "cbec_list"
    return "two_step_summary" if two_step else "one_step"


def declaration_objects(ctx: BuildContext) -> tuple[np.ndarray, np.ndarray]:
    """Case ids with a first declaration, and those with a two-step complete declaration."""
    facts, cases = ctx.facts, ctx.digest.cases
    first = np.flatnonzero(facts.declared)
    two_step = np.array([cases.two_step[c] for c in first], dtype=bool)
    return first, first[two_step & facts.complete_seen[first]]


def _objects(ctx: BuildContext, scenario_sites: dict[str, str]) -> Iterator[str]:
    facts = ctx.facts
    names = facts.names.to_pylist()
    related = case_links(ctx)
    for start in range(0, ctx.digest.n_cases, CHUNK_CASES):
        end = min(start + CHUNK_CASES, ctx.digest.n_cases)
        for case in range(start, end):
            attributes = [
                {"name": a, "time": STATIC, "value": str(getattr(facts, a)[case])}
                for a in CASE_ATTRIBUTES
            ]
            item: dict[str, object] = {
                "id": names[case],
                "type": str(facts.object_type[case]),
                "attributes": attributes,
            }
            if case in related:
                item["relationships"] = [
                    {"objectId": names[other], "qualifier": qualifier}
                    for other, qualifier in related[case]
                ]
            yield _dump(item)
    for name in ctx.digest.resources:
        attributes = [{"name": "site", "time": STATIC, "value": scenario_sites[name]}]
        yield _dump({"id": f"resource:{name}", "type": "resource", "attributes": attributes})
    first, complete = declaration_objects(ctx)
    for cases, numbers, kinds in (
        (first, facts.declaration_no, None),
        (complete, facts.complete_no, "two_step_complete"),
    ):
        for case in cases.tolist():
            kind = kinds or first_kind(str(facts.mode[case]), ctx.digest.cases.two_step[case])
            yield _dump(
                {
                    "id": str(numbers[case]),
                    "type": "declaration",
                    "attributes": [{"name": "kind", "time": STATIC, "value": kind}],
                    "relationships": [{"objectId": names[case], "qualifier": "declares"}],
                }
            )


def _events(ctx: BuildContext, on_rows: Callable[[int], None]) -> Iterator[str]:
    digest, facts = ctx.digest, ctx.facts
    # JSON-encoded once: an activity, site or resource name is formatted into many events.
    types = [_dump(a) for a in digest.activities]
    lifecycles = [_dump({"name": "lifecycle", "value": name}) for name in LIFECYCLE_NAMES]
    sites = [_dump({"name": "site", "value": name}) for name in digest.nodes]
    resources = [
        "," + _dump({"objectId": f"resource:{r}", "qualifier": "resource"})
        for r in digest.resources
    ]
    plain_names = _names_need_no_escaping(facts)
    codes = {digest.code(a): q for a, q in DECLARATION_EVENTS.items()}
    complete_code = digest.code("complete_declaration")
    for start in range(0, digest.n_events, EVENT_CHUNK):
        end = min(start + EVENT_CHUNK, digest.n_events)
        times = iso_utc(epoch_ms(facts.start_ms, digest.time_min[start:end])).tolist()
        cases = digest.case[start:end]
        # Per-case values gathered for the chunk at once: no lookup into million-case arrays
        # per event.
        case_of = cases.tolist()
        case_json = case_relationships(facts.names.take(pa.array(cases)).to_pylist(), plain_names)
        declared_of = facts.declared[cases].tolist()
        activity_of = digest.activity[start:end].tolist()
        lifecycle_of = digest.lifecycle[start:end].tolist()
        node_of = digest.node[start:end].tolist()
        resource_of = digest.resource[start:end].tolist()
        instance_of = digest.instance[start:end].tolist()
        for k, time in enumerate(times):
            activity, resource = activity_of[k], resource_of[k]
            extra = resources[resource] if resource >= 0 else ""
            if declared_of[k]:
                case = case_of[k]
                if activity in codes:
                    extra += "," + _dump(
                        {"objectId": str(facts.declaration_no[case]), "qualifier": codes[activity]}
                    )
                elif activity == complete_code and facts.complete_seen[case]:
                    extra += "," + _dump(
                        {"objectId": str(facts.complete_no[case]), "qualifier": "completed"}
                    )
            yield (
                f'{{"id":"e{start + k}","type":{types[activity]},"time":"{time}",'
                f'"attributes":[{lifecycles[lifecycle_of[k]]},{sites[node_of[k]]},'
                f'{{"name":"instance","value":{instance_of[k]}}}],'
                f'"relationships":[{case_json[k]}{extra}]}}'
            )
        on_rows(end - start)


def _names_need_no_escaping(facts: CaseFacts) -> bool:
    """Whether every case name is its own JSON string body.

    Names are ``process:object_type:digits``: when no process or object type needs escaping in
    JSON, no name does.
    """
    words = set(facts.process.tolist()) | set(facts.object_type.tolist())
    return all(_dump(word) == f'"{word}"' for word in words)


def case_relationships(names: list[str], plain: bool) -> list[str]:
    """Each case name's ``case`` relationship, JSON-encoded."""
    if plain:
        return [f'{{"objectId":"{name}","qualifier":"case"}}' for name in names]
    return [_dump({"objectId": name, "qualifier": "case"}) for name in names]


def _array(out: IO[str], items: Iterator[str]) -> None:
    out.write("[")
    for i, item in enumerate(items):
        out.write(",\n" if i else "\n")
        out.write(item)
    out.write("\n]")


def write_ocel(
    ctx: BuildContext, path: Path, resource_sites: dict[str, str], on_rows: Callable[[int], None]
) -> None:
    """Write the OCEL 2.0 JSON file of ``ctx`` to ``path``."""
    object_types, event_types = _types(ctx)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"objectTypes":' + _dump(object_types) + ',\n"eventTypes":' + _dump(event_types))
        out.write(',\n"objects":')
        _array(out, _objects(ctx, resource_sites))
        out.write(',\n"events":')
        _array(out, _events(ctx, on_rows))
        out.write("}\n")
