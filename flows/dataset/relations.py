"""Relationships between cases: who carries, holds or groups whom (OCEL objects, ``links`` table).

Two sources: a container's conveyance read from the case ids (:mod:`clearsim.flows.dataset.links`)
and the links processes record as they run (``EventLog.link``: a parcel ``carried_by`` its flight,
a consignment ``consolidated_in`` its container, ``part_of`` its order, ...). Both give the same
``carried_by`` relationship of a sea-export box to its vessel call once.
"""

from __future__ import annotations

import numpy as np

from clearsim.flows.dataset.context import BuildContext

CARRIED_BY = "carried_by"
"""Qualifier of a case's relationship to the conveyance that carries it."""


def case_links(ctx: BuildContext) -> dict[int, list[tuple[int, str]]]:
    """Each case's relationships to other cases: its conveyance, then the links its process made."""
    related: dict[int, list[tuple[int, str]]] = {}
    for case in np.flatnonzero(ctx.facts.carrier >= 0).tolist():
        related[case] = [(int(ctx.facts.carrier[case]), CARRIED_BY)]
    for source, target, qualifier in ctx.digest.links:
        mine = related.setdefault(source, [])
        if (target, qualifier) not in mine:
            mine.append((target, qualifier))
    return related


def link_columns(ctx: BuildContext) -> dict[str, object]:
    """The ``links`` table: one row per relationship, cases named as in every table."""
    names = ctx.facts.names.to_pylist()
    rows = [
        (names[case], names[other], qualifier)
        for case, related in sorted(case_links(ctx).items())
        for other, qualifier in related
    ]
    return {
        "case_id": [row[0] for row in rows],
        "related_case_id": [row[1] for row in rows],
        "qualifier": [row[2] for row in rows],
    }
