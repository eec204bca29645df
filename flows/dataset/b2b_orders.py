"""Rows of ``b2b_orders``: the 9710 B2B export orders (``b2b_order`` cases).

An order's consignments link to it (``part_of``): their number and total value are simulated
(each consignment's value is the engine's, the one that chose its list or form); the overseas
buyer (a Faker ``en_US`` company), its country (the destination of the order's first declared
consignment) and the order date (3 to 30 days before the first consignment's first event [E])
are synthetic. The exporter is the one its consignments carry in ``export_lists``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.export_facts import ExportFacts
from clearsim.flows.dataset.facts import timestamps
from clearsim.flows.dataset.parties import seeded_faker, synthetic_rng

MS_PER_DAY = 86_400_000
ORDER_LEAD_DAYS = (3.0, 30.0)
"""A B2B order is placed 3 to 30 days before its goods are ready [E]."""


def b2b_order_columns(ctx: BuildContext, export: ExportFacts) -> dict[str, object]:
    """The ``b2b_orders`` table (orders are few: one chunk)."""
    facts, goods = ctx.facts, ctx.digest.cases.goods
    ids = np.flatnonzero(facts.object_type == "b2b_order")
    members = np.flatnonzero(export.order >= 0)
    position = np.searchsorted(ids, export.order[members])
    values = np.array(
        [g.value_cny if (g := goods[c]) is not None else 0.0 for c in members.tolist()]
    )
    count = np.bincount(position, minlength=len(ids))
    value = np.bincount(position, weights=values, minlength=len(ids)) if len(ids) else np.zeros(0)
    first = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, position, facts.first_ms[members])
    country = np.full(len(ids), "", dtype=object)
    for k, case in zip(position[::-1].tolist(), members[::-1].tolist(), strict=True):
        if export.destination[case]:
            country[k] = export.destination[case]
    rng = synthetic_rng(ctx.streams, "b2b_orders")
    lead = (rng.uniform(*ORDER_LEAD_DAYS, size=len(ids)) * MS_PER_DAY).astype(np.int64)
    fake = seeded_faker("en_US", rng)
    has = count > 0
    return {
        "order_no": np.array([f"PO{c:012d}" for c in ids], dtype=object),
        "case_id": facts.names.take(pa.array(ids)),
        "buyer_name": [fake.company() for _ in range(len(ids))],
        "buyer_country": pa.array(country, type=pa.string(), mask=country == ""),
        "exporter_id": export.exporter[ids],
        "ordered_at": timestamps(np.where(has, first - lead, 0), has),
        "value_cny": np.round(value, 2),
        "consignments": count.astype(np.int64),
    }
