"""Rows of ``warehouse_consignments``: the 9810 consignments to an overseas warehouse.

The container (``consolidated_in``), the train (``carried_by``), the departure and the arrival
at the overseas warehouse are simulated; the container and train numbers are those of the
``containers`` and ``conveyances`` tables. The warehouse (one of a few per destination country
[E]) and the booking number (订仓单) are synthetic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms
from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.export_facts import ExportFacts
from clearsim.flows.dataset.facts import timestamps
from clearsim.flows.dataset.parties import synthetic_rng

WAREHOUSES_PER_COUNTRY = 8
"""Overseas warehouses a destination country has for Wuhan exporters [E]."""


def warehouse_columns(
    ctx: BuildContext,
    export: ExportFacts,
    containers: dict[int, str],
    conveyances: dict[int, str],
) -> dict[str, object]:
    """The ``warehouse_consignments`` table (``containers``/``conveyances``: numbers by case)."""
    facts, digest = ctx.facts, ctx.digest
    ids = np.flatnonzero((facts.mode == "cbec_9810") & (facts.object_type == "consignment"))
    rng = synthetic_rng(ctx.streams, "warehouse_consignments")
    store = rng.integers(1, WAREHOUSES_PER_COUNTRY + 1, size=len(ids))
    country = np.array([export.destination[c] or "DE" for c in ids], dtype=object)
    unit, train = export.unit[ids], export.carrier[ids]
    departed_ms, departed = facts.ms("departure")
    arrival_min = digest.first_complete("overseas_warehouse_arrival")[ids]
    declared = facts.declared[ids]
    return {
        "case_id": facts.names.take(pa.array(ids)),
        "declaration_no": pa.array(facts.declaration_no[ids], type=pa.string(), mask=~declared),
        "overseas_warehouse": [f"OW-{c}-{s:02d}" for c, s in zip(country, store, strict=True)],
        "warehouse_country": country,
        "booking_no": [f"BK{ctx.start_year}{c:09d}" for c in ids],
        "container_no": pa.array([containers.get(int(u)) for u in unit], type=pa.string()),
        "train_case_id": facts.names.take(pa.array(train, mask=train < 0)),
        "train_no": pa.array([conveyances.get(int(t)) for t in train], type=pa.string()),
        "departure_at": timestamps(departed_ms[ids], departed[ids]),
        "warehouse_arrival_at": timestamps(
            epoch_ms(facts.start_ms, arrival_min), np.isfinite(arrival_min)
        ),
    }
