"""Typical goods of Wuhan's cross-border e-commerce exports, with their commodity codes.

Every line carries a 10-digit Chinese commodity code (商品编号: the 8-digit tariff line of
China's tariff on the HS, then 2 statistical digits) whose first 6 digits are an HS 2022
subheading. Each code is one an exporter declared for such goods (source key EXPORT-HS in
docs/background/sources.md). ``weight`` is the share of export lists of the line [E]: no
published split of Wuhan CBEC exports by goods was found.

A list declares the code at the depth its rule asks (:func:`hs_digits`): 4 digits for a 9610
list under regime A (清单核放、汇总统计, S61, S63), 6 for a 9710 or 9810 list (申报清单, S62),
10 for a declaration form, a regime-B list and every other declaration.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class ExportLine(NamedTuple):
    """One goods line of CBEC exports."""

    code: str
    name_zh: str
    name_en: str
    weight: float


EXPORT_GOODS: tuple[ExportLine, ...] = (
    ExportLine("9503008900", "其他玩具", "other toys", 0.25),
    ExportLine("9506999000", "儿童滑梯等游乐用品", "children's slides and play equipment", 0.10),
    ExportLine(
        "4202920000",
        "以塑料或纺织材料作面的收纳包袋",
        "bags and organisers with outer surface of plastics or textiles",
        0.20,
    ),
    ExportLine("9403700000", "塑料家具", "furniture of plastics", 0.10),
    ExportLine("9403609990", "其他木家具", "other wooden furniture", 0.20),
    ExportLine("8516310000", "电吹风机", "hair dryers", 0.15),
)
"""The goods lines [E weights]; codes from EXPORT-HS."""

FULL, SUBHEADING, HEADING = 10, 6, 4


def hs_digits(code: str, regime: str) -> int:
    """Digits a list of supervision ``code`` declares under ``regime`` (see the module)."""
    if code == "9610" and regime == "A":
        return HEADING
    if code in ("9710", "9810") and regime == "list":
        return SUBHEADING
    return FULL


def draw_lines(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` goods lines (indices into :data:`EXPORT_GOODS`), by their weights."""
    weights = np.array([line.weight for line in EXPORT_GOODS])
    return rng.choice(len(EXPORT_GOODS), size=n, p=weights / weights.sum())
