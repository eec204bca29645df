"""The three documents of a CBEC order (order, payment, waybill) and its list (清单).

A 1210 order's goods, value, prior annual spend and tax are the engine's own draws
(``CaseTable.goods``, from ``simulation/processes/cbec_1210/entities.py``). The 9610 engine draws no
goods, so a 9610 parcel's are drawn here, within the CBEC limits (the engine releases every parcel
it does not seize), and taxed by the same rules (``simulation/processes/cbec_1210/rules.py``). An
order whose three documents did not match in the simulation (``three_document_mismatch`` in 1210,
``data_incomplete_held`` in 9610) gets one document that disagrees with the order; if the simulation
corrected it (``data_correction``), a second, matching version of that document is stamped at the
end of the correction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy.special import ndtr, ndtri

from clearsim.flows.dataset.goods import GOODS, lines, weights
from clearsim.flows.dataset.parties import People
from clearsim.models.bonded_import import CbecLimitsSpec
from clearsim.simulation.processes.cbec_1210.rules import (
    LimitDecision,
    cbec_tax_rate,
    limit_decision,
    order_tax_cny,
)

MISMATCH_KINDS = ("payment_amount", "payer_identity", "waybill_consignee")
MISMATCH_SHARES = (0.4, 0.3, 0.3)
"""Which document disagrees in a mismatched order [E]."""
DEFAULT_LIMITS = CbecLimitsSpec(single_limit_cny=5000, annual_limit_cny=26000, tax_factor=0.7)
"""CBEC limits and tax factor of Cai Guan Shui [2018] 49 (S29) where no 1210 process sets them."""
DEFAULT_VAT = 0.13
"""Statutory import VAT of a 9610 parcel (sources 1c)."""
DEFAULT_CT = 0.15
"""Consumption-tax rate of cosmetics (sources 1c) where no 1210 process sets one."""
PARCEL_QUANTITY = ((1, 2, 3), (0.75, 0.18, 0.07))
"""Units per 9610 parcel [E], as the 1210 baseline's order quantity."""
PARCEL_UNIT_MEDIAN_CNY, PARCEL_UNIT_SIGMA = 150.0, 1.1
PRIOR_MEDIAN_CNY, PRIOR_SIGMA = 2000.0, 1.0
"""Lognormal unit price and prior annual spend of a 9610 parcel [E], as the 1210 baseline's."""
CT_SHARE = 0.2
"""Share of 9610 parcels holding goods liable to consumption tax [E], as 1210's SKUs."""
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


def bonded_goods(
    facts: list[tuple[int, int, float, float, float, float]],
    line_of_sku: np.ndarray,
    vat: float,
    limits: CbecLimitsSpec,
) -> Goods:
    """Goods of 1210 orders from the engine's ``DeclaredGoods`` tuples."""
    sku = np.array([f[0] for f in facts], dtype=np.int64)
    quantity = np.array([f[1] for f in facts], dtype=np.int64)
    value = np.array([f[2] for f in facts])
    prior = np.array([f[3] for f in facts])
    ct = np.array([f[4] for f in facts])
    decision = np.array(
        [
            int(limit_decision(v, int(q), p, limits))
            for v, q, p in zip(value, quantity, prior, strict=True)
        ],
        dtype=np.int64,
    )
    return Goods(
        line=line_of_sku[sku] if len(sku) else np.empty(0, dtype=np.int64),
        sku=sku,
        quantity=quantity,
        value=value,
        prior=prior,
        vat=np.full(len(sku), vat),
        ct=ct,
        tax=np.array([f[5] for f in facts]),
        decision=decision,
    )


def _truncated_lognormal(
    rng: np.random.Generator, median: float, sigma: float, upper: np.ndarray
) -> np.ndarray:
    """Lognormal draws conditioned on being at most ``upper`` (inverse CDF, one uniform each)."""
    mu = np.log(median)
    top = ndtr((np.log(np.maximum(upper, 1e-9)) - mu) / sigma)
    u = rng.random(len(upper)) * top
    draws: np.ndarray = np.exp(mu + sigma * ndtri(np.clip(u, 1e-300, None)))
    capped: np.ndarray = np.minimum(draws, upper)
    return capped


def parcel_goods(
    rng: np.random.Generator, size: int, ct_rate: float, limits: CbecLimitsSpec
) -> Goods:
    """Goods of ``size`` 9610 parcels, each within the single and annual limits."""
    liable = rng.random(size) < CT_SHARE
    liable_lines = np.array([GOODS.index(g) for g in lines(True)])
    free_lines = np.array([GOODS.index(g) for g in lines(False)])
    line = np.where(
        liable,
        liable_lines[rng.choice(len(liable_lines), size=size, p=weights(True))],
        free_lines[rng.choice(len(free_lines), size=size, p=weights(False))],
    )
    values, probabilities = PARCEL_QUANTITY
    quantity = rng.choice(np.array(values), size=size, p=np.array(probabilities))
    unit_cap = limits.single_limit_cny / quantity
    unit = _truncated_lognormal(rng, PARCEL_UNIT_MEDIAN_CNY, PARCEL_UNIT_SIGMA, unit_cap)
    value = np.round(unit * quantity, 2)
    prior = _truncated_lognormal(
        rng, PRIOR_MEDIAN_CNY, PRIOR_SIGMA, limits.annual_limit_cny - value
    )
    ct = np.where(liable, ct_rate, 0.0)
    decision = np.array(
        [
            int(limit_decision(v, int(q), p, limits))
            for v, q, p in zip(value, quantity, prior, strict=True)
        ],
        dtype=np.int64,
    )
    tax = np.array(
        [
            order_tax_cny(v, DEFAULT_VAT, c, LimitDecision(d), limits.tax_factor)
            for v, c, d in zip(value, ct, decision, strict=True)
        ]
    )
    return Goods(
        line=line,
        sku=np.full(size, -1, dtype=np.int64),
        quantity=quantity.astype(np.int64),
        value=value,
        prior=prior,
        vat=np.full(size, DEFAULT_VAT),
        ct=ct,
        tax=tax,
        decision=decision,
    )


DECISION_NAMES = np.array(["within", "indivisible", "over"], dtype=object)


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
    rate = np.array(
        [
            cbec_tax_rate(v, c, 1.0 if d == LimitDecision.INDIVISIBLE else f)
            if d != LimitDecision.OVER
            else 0.0
            for v, c, d, f in zip(goods.vat, goods.ct, goods.decision, limits_factor, strict=True)
        ]
    )
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
