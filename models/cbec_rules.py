"""The CBEC retail import rules: limits, the CBEC tax, full duties; pure functions of an order.

One implementation for the engine (1210 and 9610) and the dataset (``flows/dataset``), tested
against hand-computed values. The rules (docs/background/cbec-1210-model.md, cbec-9610-model.md):

* Cai Guan Shui [2016] 18 (财关税2016年18号, from 2016-04-08): CBEC retail imports are taxed as
  goods (tariff, import VAT, consumption tax), the buyer is the taxpayer, the tax base is the
  transaction price; lists with three-document data, under 1210 or 9610, are within scope.
* Cai Guan Shui [2018] 49 (财关税2018年49号, from 2019-01-01): single-transaction limit 5,000 CNY,
  annual limit 26,000 CNY per person; within them tariff 0% and VAT and CT at 70% of the
  statutory amount, no exemption threshold (S29). An order of only one item above the single
  limit but within the annual one may still use the CBEC channel, taxed in full (tariff + VAT +
  CT at the goods' rates), its value counting towards the annual total; above the annual total
  the goods are handled as general trade (S29, S29d), i.e. not as a CBEC retail list.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.roles import role


class CbecLimitsSpec(FrozenSpec):
    """Retail import limits and the CBEC tax reduction (S29, S29b)."""

    single_limit_cny: float = Field(
        gt=0, description="Largest value of one order.", json_schema_extra=role("rule")
    )
    annual_limit_cny: float = Field(
        gt=0, description="Largest CBEC spend of a person a year.", json_schema_extra=role("rule")
    )
    tax_factor: float = Field(
        gt=0,
        le=1,
        description="Share of statutory VAT and CT due within the limits.",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _order(self) -> CbecLimitsSpec:
        if self.single_limit_cny > self.annual_limit_cny:
            raise ValueError("single_limit_cny above annual_limit_cny: no order could pass")
        return self


class CbecBuyersSpec(FrozenSpec):
    """The consumers whose annual CBEC spend one ledger keeps across 1210 and 9610.

    The annual limit is per person, whatever the mode and platform (S29e: one national quota
    query by ID number); every CBEC process of a scenario must give the same buyers.
    """

    population: int = Field(
        gt=0, description="Buyers orders and parcels are drawn from (uniformly, by id)."
    )
    opening_spend_median_cny: float = Field(
        gt=0, description="Median CBEC spend of a buyer earlier in the year, before the run."
    )
    opening_spend_sigma: float = Field(ge=0, description="Sigma of log opening spend.")


class LimitDecision(IntEnum):
    """How the limit check ends for one order."""

    WITHIN = 0
    """Within the single and annual limits: CBEC tax rate."""
    INDIVISIBLE = 1
    """One indivisible item above the single limit, within the annual one: full duties (S29)."""
    OVER = 2
    """Above a limit: not a CBEC retail import (the list is rejected; general trade)."""


DECISION_NAMES = np.array(["within", "indivisible", "over"], dtype=object)
"""Export names of :class:`LimitDecision`, by value."""


def limit_decision(
    value_cny: float, quantity: int, prior_annual_cny: float, limits: CbecLimitsSpec
) -> LimitDecision:
    """Check one order against the single and annual limits (Cai Guan Shui [2018] 49, S29).

    ``prior_annual_cny`` is the buyer's CBEC spend this year before the order. A one-unit order
    is taken as a single indivisible item: it may pass the single limit at full duties as long
    as the buyer's year stays within the annual limit.
    """
    within_year = prior_annual_cny + value_cny <= limits.annual_limit_cny
    if not within_year:
        return LimitDecision.OVER
    if value_cny <= limits.single_limit_cny:
        return LimitDecision.WITHIN
    return LimitDecision.INDIVISIBLE if quantity == 1 else LimitDecision.OVER


def cbec_tax_rate(vat_rate: float, ct_rate: float, factor: float) -> float:
    """Comprehensive rate within the limits, ``(CT + VAT) / (1 - CT) * factor``, tariff 0 (S29b).

    ``factor`` is 0.7 (70% of statutory VAT and CT, S29). Examples (sources 1c): VAT 13%, no CT,
    gives 9.1%; with 15% CT, 23.1%.
    """
    if not 0 <= ct_rate < 1:
        raise ValueError("ct_rate must be in [0, 1)")
    return (ct_rate + vat_rate) / (1.0 - ct_rate) * factor


def full_duty_rate(tariff_rate: float, vat_rate: float, ct_rate: float) -> float:
    """Tariff + VAT + CT in full, as a share of the dutiable value (S29c).

    ``(tariff + CT + VAT + tariff * VAT) / (1 - CT)``: the tariff on the value, CT on the value
    with tariff grossed up by ``1 / (1 - CT)``, VAT on value, tariff and CT. Example: tariff
    10%, VAT 13%, no CT: 24.3% (6,000 CNY pays 600 + 858 = 1,458 CNY).
    """
    if not 0 <= ct_rate < 1:
        raise ValueError("ct_rate must be in [0, 1)")
    return (tariff_rate + ct_rate + vat_rate + tariff_rate * vat_rate) / (1.0 - ct_rate)


def order_tax_cny(
    value_cny: float,
    rates: tuple[float, float, float],
    decision: LimitDecision,
    factor: float,
) -> float:
    """Tax due on an order: CBEC rate within limits, full duties for the exception, 0 if over.

    ``rates`` are the goods' statutory (tariff, VAT, CT) rates.
    """
    tariff, vat, ct = rates
    if decision == LimitDecision.OVER:
        return 0.0
    if decision == LimitDecision.INDIVISIBLE:
        return value_cny * full_duty_rate(tariff, vat, ct)
    return value_cny * cbec_tax_rate(vat, ct, factor)


def order_tax_many(
    value_cny: np.ndarray,
    rates: tuple[float, float, np.ndarray],
    decision: np.ndarray,
    factor: float,
) -> np.ndarray:
    """:func:`order_tax_cny` for arrays of orders (the same operations, element by element)."""
    tariff, vat, ct = rates
    if ((ct < 0) | (ct >= 1)).any():
        raise ValueError("ct_rate must be in [0, 1)")
    within = (ct + vat) / (1.0 - ct) * factor
    full = (tariff + ct + vat + tariff * vat) / (1.0 - ct)
    rate = np.where(decision == LimitDecision.INDIVISIBLE, full, within)
    tax: np.ndarray = np.where(decision == LimitDecision.OVER, 0.0, value_cny * rate)
    return tax


def tax_rate_many(
    tariff: np.ndarray,
    vat: np.ndarray,
    ct: np.ndarray,
    decision: np.ndarray,
    factor: np.ndarray,
) -> np.ndarray:
    """The rate each order's tax was charged at (0 for an order over a limit), for exports."""
    within = (ct + vat) / (1.0 - ct) * factor
    full = (tariff + ct + vat + tariff * vat) / (1.0 - ct)
    rate = np.where(decision == LimitDecision.INDIVISIBLE, full, within)
    result: np.ndarray = np.where(decision == LimitDecision.OVER, 0.0, rate)
    return result
