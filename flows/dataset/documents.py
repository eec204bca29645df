"""The three documents of a CBEC order (order, payment, waybill) and its list (清单).

A 1210 order's and a 9610 parcel's quantity, value, prior annual spend (the run's buyer ledger),
consumption-tax rate and tax are the engine's own (``CaseTable.goods``); the limit decision is
read again with the one implementation of the rules (``models/cbec_rules.py``). Only the goods
line (HS code and name) of a 9610 parcel is drawn here, by its tax class. An
order whose three documents did not match in the simulation (``three_document_mismatch`` in 1210,
``data_incomplete_held`` in 9610) gets one document that disagrees with the order; if the simulation
corrected it (``data_correction``), a second, matching version of that document is stamped at the
end of the correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.goods import GOODS, lines, weights
from clearsim.flows.dataset.parties import People
from clearsim.models.cbec_rules import DECISION_NAMES, CbecLimitsSpec, limit_decision, tax_rate_many

MISMATCH_KINDS = ("payment_amount", "payer_identity", "waybill_consignee")
MISMATCH_SHARES = (0.4, 0.3, 0.3)
"""Which document disagrees in a mismatched order [E]."""
ORDER_LEAD_DAYS = (1.0, 7.0)
"""A 9610 parcel's order is placed 1 to 7 days before it lands or is declared [E]."""


@dataclass(frozen=True)
class Goods:
    """Goods of a set of orders, aligned with them."""

    line: np.ndarray
    sku: np.ndarray
    quantity: np.ndarray
    value: np.ndarray
    prior: np.ndarray
    tariff: np.ndarray
    vat: np.ndarray
    ct: np.ndarray
    tax: np.ndarray
    decision: np.ndarray


def sku_lines(rng: np.random.Generator, ct_rates: dict[int, float], skus: int) -> np.ndarray:
    """Goods line (index into GOODS) of each SKU: a cosmetics line if it is liable to CT."""
    liable = [GOODS.index(g) for g in lines(True)]
    free = [GOODS.index(g) for g in lines(False)]
    u = rng.random(skus)
    cum_liable, cum_free = np.cumsum(weights(True)), np.cumsum(weights(False))
    result = np.empty(skus, dtype=np.int64)
    for sku in range(skus):
        if ct_rates.get(sku, 0.0) > 0:
            result[sku] = liable[min(int(np.searchsorted(cum_liable, u[sku])), len(liable) - 1)]
        else:
            result[sku] = free[min(int(np.searchsorted(cum_free, u[sku])), len(free) - 1)]
    return result


def declared_goods(
    facts: Sequence[tuple[int, int, float, float, float, float]],
    line: np.ndarray,
    rates: tuple[float, float],
    limits: CbecLimitsSpec,
) -> Goods:
    """Goods of CBEC orders or parcels from the engine's ``DeclaredGoods`` tuples.

    ``line`` is each one's goods line; ``rates`` the process's (tariff, VAT) rates.
    """
    tariff, vat = rates
    sku = np.array([f[0] for f in facts], dtype=np.int64)
    quantity = np.array([f[1] for f in facts], dtype=np.int64)
    value = np.array([f[2] for f in facts])
    prior = np.array([f[3] for f in facts])
    decision = np.array(
        [
            int(limit_decision(v, int(q), p, limits))
            for v, q, p in zip(value.tolist(), quantity.tolist(), prior.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    return Goods(
        line=line,
        sku=sku,
        quantity=quantity,
        value=value,
        prior=prior,
        tariff=np.full(len(sku), tariff),
        vat=np.full(len(sku), vat),
        ct=np.array([f[4] for f in facts]),
        tax=np.array([f[5] for f in facts]),
        decision=decision,
    )


def parcel_lines(rng: np.random.Generator, liable: np.ndarray) -> np.ndarray:
    """Goods line of each 9610 parcel: a line liable to consumption tax iff the parcel is."""
    size = len(liable)
    liable_lines = np.array([GOODS.index(g) for g in lines(True)])
    free_lines = np.array([GOODS.index(g) for g in lines(False)])
    line: np.ndarray = np.where(
        liable,
        liable_lines[rng.choice(len(liable_lines), size=size, p=weights(True))],
        free_lines[rng.choice(len(free_lines), size=size, p=weights(False))],
    )
    return line


def list_table(
    goods: Goods,
    declaration_no: np.ndarray,
    order_no: np.ndarray,
    case_id: pa.Array,
    limits_factor: np.ndarray,
) -> dict[str, object]:
    """Columns of the ``cbec_lists`` table for declared orders."""
    table = GOODS
    line = goods.line
    rate = tax_rate_many(goods.tariff, goods.vat, goods.ct, goods.decision, limits_factor)
    return {
        "declaration_no": declaration_no,
        "order_no": order_no,
        "case_id": case_id,
        "hs_code": np.array([table[i].hs_code for i in line], dtype=object),
        "goods_name_zh": np.array([table[i].name_zh for i in line], dtype=object),
        "goods_name_en": np.array([table[i].name_en for i in line], dtype=object),
        "category": np.array([table[i].category for i in line], dtype=object),
        "sku": pa.array(goods.sku, mask=goods.sku < 0),
        "quantity": goods.quantity,
        "unit_price_cny": goods.value / goods.quantity,
        "value_cny": goods.value,
        "tariff_rate": goods.tariff,
        "vat_rate": goods.vat,
        "ct_rate": goods.ct,
        "tax_rate": rate,
        "tax_cny": goods.tax,
        "prior_annual_spend_cny": goods.prior,
        "limit_decision": DECISION_NAMES[goods.decision],
    }


def mismatch_kinds(rng: np.random.Generator, mismatched: np.ndarray) -> np.ndarray:
    """``none`` or the document that disagrees, for each order."""
    kinds = np.array(MISMATCH_KINDS, dtype=object)[
        rng.choice(len(MISMATCH_KINDS), size=len(mismatched), p=np.array(MISMATCH_SHARES))
    ]
    return np.where(mismatched, kinds, "none")


def other_names(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """A different person's name for each entry (a shuffled copy, shifted where equal)."""
    if len(names) < 2:
        return names + "某"
    shuffled = names[rng.permutation(len(names))]
    same = shuffled == names
    shuffled[same] = names[same] + "某"
    return shuffled


def people_columns(person: People, index: np.ndarray) -> dict[str, np.ndarray]:
    """The consumers' columns of the people at ``index``."""
    return {
        "name": person.name[index],
        "id_number_masked": person.id_masked[index],
        "phone_masked": person.phone_masked[index],
        "province_code": person.province_code[index],
        "province": person.province[index],
        "city": person.city[index],
        "address": person.address[index],
    }
