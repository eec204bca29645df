"""Rows of ``export_lists``: one per export list or declaration of a CBEC or 1039 export case.

The number, lodgement, release and departure, the regime (a 9610 list's ``A`` or ``B`` as the
process drew it, a 1210 export list ``B``: every one is consolidated; ``list`` or ``form`` of a
9710 or 9810 consignment; ``simplified`` or ``itemised`` of a 1039 declaration, with its lines),
the value of 9710, 9810 and 1039 goods and the consolidated declaration are simulated; the goods
line (:mod:`clearsim.flows.dataset.export_goods`), the value of a 9610 or 1210 parcel and, but
for a process's own destination, the destination country are synthetic
(:mod:`clearsim.flows.dataset.export_facts`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.export_facts import ExportFacts
from clearsim.flows.dataset.export_goods import EXPORT_GOODS, draw_lines, hs_digits
from clearsim.flows.dataset.facts import timestamps
from clearsim.flows.dataset.parties import synthetic_rng


def regime_of(code: str, case_class: str) -> str:
    """The list regime of a case of supervision ``code`` from its case class."""
    if code == "9610":
        return case_class.removeprefix("regime_")
    if code == "1210":
        return "B"
    return case_class


def export_list_chunks(ctx: BuildContext, export: ExportFacts) -> Iterator[dict[str, object]]:
    """The ``export_lists`` table in chunks of cases."""
    facts, cases = ctx.facts, ctx.digest.cases
    lodged_ms, lodged = facts.ms("lodgement")
    released_ms, released = facts.ms("release")
    departed_ms, departed = facts.ms("departure")
    for k, ids in enumerate(ctx.chunks(export.lists)):
        rng = synthetic_rng(ctx.streams, "export_lists", str(k))
        line = draw_lines(rng, len(ids))
        code = export.code[ids]
        regime = np.array(
            [regime_of(c, cases.case_class[i]) for c, i in zip(code, ids.tolist(), strict=True)],
            dtype=object,
        )
        digits = [hs_digits(c, r) for c, r in zip(code, regime, strict=True)]
        consolidated = export.consolidated[ids]
        yield {
            "declaration_no": facts.declaration_no[ids],
            "case_id": facts.names.take(pa.array(ids)),
            "supervision_code": code,
            "regime": regime,
            "declared_lines": export.lines[ids],
            "hs_code": [EXPORT_GOODS[g].code[:d] for g, d in zip(line, digits, strict=True)],
            "goods_name_zh": [EXPORT_GOODS[g].name_zh for g in line],
            "goods_name_en": [EXPORT_GOODS[g].name_en for g in line],
            "value_cny": export.value[ids],
            "value_simulated": export.value_simulated[ids],
            "destination_country": export.destination[ids],
            "exporter_id": export.exporter[ids],
            "lodged_at": timestamps(lodged_ms[ids], lodged[ids]),
            "released_at": timestamps(released_ms[ids], released[ids]),
            "departure_at": timestamps(departed_ms[ids], departed[ids]),
            "consolidated_declaration_no": pa.array(
                facts.declaration_no[np.maximum(consolidated, 0)],
                type=pa.string(),
                mask=consolidated < 0,
            ),
        }
