"""Rows of the CBEC tables (consumers, orders, payments, waybills, lists) for a chunk of orders."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms
from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.documents import (
    ORDER_LEAD_DAYS,
    Goods,
    declared_goods,
    list_table,
    mismatch_kinds,
    other_names,
    parcel_lines,
    people_columns,
    sku_lines,
)
from clearsim.flows.dataset.facts import CBEC_OBJECTS, timestamps
from clearsim.flows.dataset.parties import people, synthetic_rng

MS_PER_DAY = 86_400_000
CBEC_TABLES = ("consumers", "orders", "payments", "waybills", "cbec_lists")


def cbec_cases(ctx: BuildContext) -> np.ndarray:
    """Case ids of the CBEC import orders (1210 orders and 9610 parcels), in id order.

    Export orders and parcels (9610 and 1210 export) have no Chinese consumer, no import tax
    and no import list: they go to ``export_lists`` instead.
    """
    facts = ctx.facts
    return np.flatnonzero(
        np.isin(facts.object_type, CBEC_OBJECTS) & facts.shipment & (facts.direction == "import")
    )


class CbecBuilder:
    """Builds the CBEC tables chunk by chunk."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        digest = ctx.digest
        self.mismatched = digest.recorded("three_document_mismatch") | digest.recorded(
            "data_incomplete_held"
        )
        correction = digest.first_complete("data_correction")
        self.corrected = np.isfinite(correction)
        self.correction_ms = epoch_ms(ctx.facts.start_ms, correction)
        goods = digest.cases.goods
        ct_by_sku: dict[int, float] = {}
        skus = 0
        for g in goods:
            if g is not None and g[0] >= 0:  # a 9610 parcel has no SKU (-1)
                ct_by_sku[g[0]] = g[4]
                skus = max(skus, g[0] + 1)
        self.line_of_sku = sku_lines(synthetic_rng(ctx.streams, "sku_lines"), ct_by_sku, skus)

    def chunks(self) -> Iterator[dict[str, dict[str, object]]]:
        """For each chunk of CBEC orders, the columns of every CBEC table."""
        for k, ids in enumerate(self.ctx.chunks(cbec_cases(self.ctx))):
            yield self._chunk(k, ids)

    def _goods(self, rng: np.random.Generator, ids: np.ndarray) -> Goods:
        """What each order or parcel declared, as the run decided it (the engine's goods)."""
        ctx = self.ctx
        n = len(ids)
        goods = ctx.digest.cases.goods
        process = ctx.facts.process[ids]
        bonded = ctx.facts.mode[ids] == "cbec_1210"
        fields = {
            "line": np.zeros(n, dtype=np.int64),
            "sku": np.full(n, -1, dtype=np.int64),
            "quantity": np.zeros(n, dtype=np.int64),
            "value": np.zeros(n),
            "prior": np.zeros(n),
            "tariff": np.zeros(n),
            "vat": np.zeros(n),
            "ct": np.zeros(n),
            "tax": np.zeros(n),
            "decision": np.zeros(n, dtype=np.int64),
        }
        for name in sorted(set(process.tolist())):
            terms = ctx.terms[name]
            for is_bonded in (True, False):
                mask = (process == name) & (bonded == is_bonded)
                if not mask.any():
                    continue
                facts = [g for c in ids[mask] if (g := goods[c]) is not None]
                ct = np.array([f[4] for f in facts])
                line = (
                    self.line_of_sku[np.array([f[0] for f in facts], dtype=np.int64)]
                    if is_bonded
                    else parcel_lines(rng, ct > 0)
                )
                part = declared_goods(facts, line, (terms.tariff, terms.vat), terms.limits)
                for key, column in fields.items():
                    column[mask] = getattr(part, key)
        return Goods(**fields)

    def _chunk(self, k: int, ids: np.ndarray) -> dict[str, dict[str, object]]:
        ctx, facts = self.ctx, self.ctx.facts
        rng = synthetic_rng(ctx.streams, "cbec", str(k))
        n = len(ids)
        person = people(rng, n, ctx.start_year)
        goods = self._goods(rng, ids)
        arrival_ms, arrived = facts.ms("arrival")
        lodged_ms, lodged = facts.ms("lodgement")
        arrival_ms, arrived, lodged_ms, lodged = (
            arrival_ms[ids],
            arrived[ids],
            lodged_ms[ids],
            lodged[ids],
        )
        bonded = facts.mode[ids] == "cbec_1210"
        anchor = np.where(
            arrived & lodged,
            np.minimum(arrival_ms, lodged_ms),
            np.where(lodged, lodged_ms, arrival_ms),
        )
        lead = rng.uniform(*ORDER_LEAD_DAYS, size=n) * MS_PER_DAY
        ordered = np.where(bonded, arrival_ms, anchor - lead.astype(np.int64))
        span = np.where(lodged, np.maximum(lodged_ms - ordered, 0), 600_000)
        paid = ordered + (rng.random(n) * span).astype(np.int64)
        issued = ordered + (rng.random(n) * span).astype(np.int64)
        kinds = mismatch_kinds(rng, self.mismatched[ids])
        case_names = facts.names.take(pa.array(ids))
        order_no = np.array([f"SO{c:012d}" for c in ids], dtype=object)
        consumer_id = np.array([f"C{c:09d}" for c in ids], dtype=object)
        parties = {role: values[ids] for role, values in ctx.parties.items()}
        consumers = {
            "consumer_id": consumer_id,
            **people_columns(person, np.arange(n)),
            "prior_annual_spend_cny": goods.prior,
        }
        orders = {
            "order_no": order_no,
            "case_id": case_names,
            "mode": facts.mode[ids],
            "platform_id": parties["platform"],
            "ecommerce_id": parties["ecommerce"],
            "consumer_id": consumer_id,
            "ordered_at": timestamps(ordered, np.ones(n, dtype=bool)),
            "goods_value_cny": goods.value,
            "mismatch": kinds,
        }
        # Documents exist for orders whose data was pushed, i.e. whose list was lodged.
        d = np.flatnonzero(lodged)
        corrected = self.corrected[ids][d]
        wrong_pay = np.isin(kinds[d], ("payment_amount", "payer_identity"))
        wrong_way = kinds[d] == "waybill_consignee"
        markup = 1.0 + rng.uniform(0.05, 0.5, size=len(d))
        value = goods.value[d]
        pay_v1 = np.where(kinds[d] == "payment_amount", np.round(value * markup, 2), value)
        payer_v1 = np.where(
            kinds[d] == "payer_identity", other_names(rng, person.name[d]), person.name[d]
        )
        consignee_v1 = np.where(wrong_way, other_names(rng, person.name[d]), person.name[d])
        fix_ms = self.correction_ms[ids][d]
        again_pay = np.flatnonzero(wrong_pay & corrected)
        again_way = np.flatnonzero(wrong_way & corrected)
        payments = _versions(
            {
                "payment_no": np.array([f"PAY{c:012d}" for c in ids[d]], dtype=object),
                "order_no": order_no[d],
                "payment_firm_id": parties["payment"][d],
                "payer_name": payer_v1,
                "payer_id_masked": person.id_masked[d],
                "amount_cny": pay_v1,
                "paid_at": paid[d],
                "matches_order": ~wrong_pay,
            },
            again_pay,
            {"payer_name": person.name[d], "amount_cny": value, "paid_at": fix_ms},
            "paid_at",
        )
        waybills = _versions(
            {
                "waybill_no": np.array([f"WB{c:012d}" for c in ids[d]], dtype=object),
                "order_no": order_no[d],
                "logistics_firm_id": parties["logistics"][d],
                "consignee_name": consignee_v1,
                "consignee_phone_masked": person.phone_masked[d],
                "province": person.province[d],
                "city": person.city[d],
                "address": person.address[d],
                "issued_at": issued[d],
                "matches_order": ~wrong_way,
            },
            again_way,
            {"consignee_name": person.name[d], "issued_at": fix_ms},
            "issued_at",
        )
        factors = np.array([ctx.terms[p].limits.tax_factor for p in facts.process[ids][d]])
        lists = list_table(
            Goods(**{key: getattr(goods, key)[d] for key in Goods.__dataclass_fields__}),
            facts.declaration_no[ids][d],
            order_no[d],
            case_names.take(pa.array(d)),
            factors,
        )
        return {
            "consumers": consumers,
            "orders": orders,
            "payments": payments,
            "waybills": waybills,
            "cbec_lists": lists,
        }


def _versions(
    first: dict[str, np.ndarray], again: np.ndarray, fixed: dict[str, np.ndarray], stamp: str
) -> dict[str, object]:
    """Version 1 of every document, then version 2 of those at ``again`` with ``fixed`` values.

    Rows come out by document, version 1 before version 2; ``stamp`` (epoch milliseconds)
    becomes a timestamp column.
    """
    n = len(next(iter(first.values())))
    columns: dict[str, np.ndarray] = {}
    for key, values in first.items():
        second = fixed.get(key, values)[again]
        if key == "matches_order":
            second = np.ones(len(again), dtype=bool)
        columns[key] = np.concatenate([values, second])
    columns["version"] = np.concatenate([np.ones(n, dtype=np.int64), np.full(len(again), 2)])
    order = np.lexsort((columns["version"], np.concatenate([np.arange(n), again])))
    result: dict[str, object] = {key: values[order] for key, values in columns.items()}
    stamps = columns[stamp][order].astype(np.int64)
    result[stamp] = timestamps(stamps, np.ones(len(order), dtype=bool))
    return result
