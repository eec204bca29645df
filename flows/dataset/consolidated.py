"""Rows of ``consolidated_declarations``: the 9610 and 1210 export consolidated declarations.

Each is a case of its process (object type ``consolidated_declaration``) that its lists link to
(``consolidated_in``): the number, period, lodgement, count of lists and value are simulated
(the value is the sum of its lists' values, themselves synthetic for parcels); the exporter is
the one its lists carry (:mod:`clearsim.flows.dataset.export_facts`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.export_facts import CONSOLIDATED, ExportFacts
from clearsim.flows.dataset.facts import timestamps
from clearsim.models.bonded_export import BondedExportSpec
from clearsim.models.parcel_export import ParcelExportSpec

MS_PER_MIN = 60_000


def consolidation_periods(processes: tuple[object, ...]) -> dict[str, float]:
    """Consolidation period (minutes) of each 9610 or 1210 export process, by name."""
    periods = {}
    for p in processes:
        if isinstance(p, ParcelExportSpec):
            periods[p.name] = p.regime.period_min
        elif isinstance(p, BondedExportSpec):
            periods[p.name] = p.consolidation.period_min
    return periods


def consolidated_columns(
    ctx: BuildContext, export: ExportFacts, periods_min: dict[str, float]
) -> dict[str, object]:
    """The ``consolidated_declarations`` table (one row per declaration; they are few)."""
    facts, cases = ctx.facts, ctx.digest.cases
    ids = np.flatnonzero(facts.object_type == CONSOLIDATED)
    members = export.lists[export.consolidated[export.lists] >= 0]
    position = np.searchsorted(ids, export.consolidated[members])
    count = np.bincount(position, minlength=len(ids))
    value = np.bincount(position, weights=export.value[members], minlength=len(ids))
    end_ms = facts.first_ms[ids]
    period_ms = np.array([periods_min[p] * MS_PER_MIN for p in facts.process[ids]], dtype=np.int64)
    finished = np.array([cases.finished[c] for c in ids], dtype=bool)
    every = np.ones(len(ids), dtype=bool)
    return {
        "declaration_no": facts.declaration_no[ids],
        "case_id": facts.names.take(pa.array(ids)),
        "supervision_code": np.where(facts.mode[ids] == "cbec_9610", "9610", "1210"),
        "exporter_id": export.exporter[ids],
        "period_start": timestamps(end_ms - period_ms, every),
        "period_end": timestamps(end_ms, every),
        "lodged_at": timestamps(facts.last_ms[ids], finished),
        "lists": count.astype(np.int64),
        "value_cny": np.round(value, 2),
    }
