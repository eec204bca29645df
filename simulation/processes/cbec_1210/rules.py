"""The CBEC retail import rules an order is checked against: limits and the CBEC tax (S29, S29b).

Pure functions of an order's figures, so they are tested against hand-computed values.
"""

from __future__ import annotations

from enum import IntEnum

from clearsim.models.bonded_import import CbecLimitsSpec


class LimitDecision(IntEnum):
    """How the limit check ends for one order."""

    WITHIN = 0
    """Within the single and annual limits: CBEC tax rate."""
    INDIVISIBLE = 1
    """One indivisible item above the single limit, within the annual one: full duties (S29)."""
    OVER = 2
    """Above a limit: the list is rejected."""


def limit_decision(
    value_cny: float, quantity: int, prior_annual_cny: float, limits: CbecLimitsSpec
) -> LimitDecision:
    """Check one order against the single and annual limits (Cai Guan Shui [2018] 49, S29).

    A one-unit order is taken as a single indivisible item: it may pass the single limit at
    full duties as long as the consumer's year stays within the annual limit.
    """
    within_year = prior_annual_cny + value_cny <= limits.annual_limit_cny
    if not within_year:
        return LimitDecision.OVER
    if value_cny <= limits.single_limit_cny:
        return LimitDecision.WITHIN
    return LimitDecision.INDIVISIBLE if quantity == 1 else LimitDecision.OVER


def cbec_tax_rate(vat_rate: float, ct_rate: float, factor: float) -> float:
    """Comprehensive rate ``(CT + VAT) / (1 - CT) * factor``, tariff 0 (S29b).

    ``factor`` is 0.7 within the limits (70% of statutory VAT and CT, S29) and 1 for the
    indivisible exception taxed in full. Examples (sources 1c): VAT 13%, no CT, factor 0.7 gives
    9.1%; with 15% CT, 23.1%.
    """
    if not 0 <= ct_rate < 1:
        raise ValueError("ct_rate must be in [0, 1)")
    return (ct_rate + vat_rate) / (1.0 - ct_rate) * factor


def order_tax_cny(
    value_cny: float, vat_rate: float, ct_rate: float, decision: LimitDecision, factor: float
) -> float:
    """Tax due on an order: CBEC rate within limits, full rate for the exception, 0 if rejected."""
    if decision == LimitDecision.OVER:
        return 0.0
    full = decision == LimitDecision.INDIVISIBLE
    return value_cny * cbec_tax_rate(vat_rate, ct_rate, 1.0 if full else factor)
