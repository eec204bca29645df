"""Typical goods of cross-border e-commerce retail imports, with their tariff lines.

Every line is a tariff line (税则号列, 8 digits of China's tariff on the HS) of the positive list
of CBEC retail imports, 《跨境电子商务零售进口商品清单(2019年版)》 (财政部等13部门公告
2019年第96号; source key CBEC-LIST in docs/background/sources.md). ``weight`` is the share of
orders of the line among the lines of its tax class [E]: no published split of Wuhan CBEC
orders by goods was found. Lines liable to consumption tax are the cosmetics (高档化妆品, 15%
CT, sources 1c); the engine decides which SKUs are liable (``consumption_tax_share``), and a
liable SKU is given a cosmetics line, any other SKU a line free of consumption tax.
"""

from __future__ import annotations

from typing import NamedTuple


class GoodsLine(NamedTuple):
    """One tariff line of the positive list, as sold in CBEC retail."""

    hs_code: str
    name_zh: str
    name_en: str
    category: str
    consumption_tax: bool
    weight: float


GOODS: tuple[GoodsLine, ...] = (
    GoodsLine(
        "33049900",
        "其他美容化妆品及护肤品",
        "skin care and other beauty preparations",
        "cosmetics",
        True,
        0.55,
    ),
    GoodsLine("33041000", "唇用化妆品", "lip make-up preparations", "cosmetics", True, 0.15),
    GoodsLine(
        "33049100",
        "粉，不论是否压紧",  # noqa: RUF001 (the tariff's own wording)
        "powders, whether or not compressed",
        "cosmetics",
        True,
        0.10,
    ),
    GoodsLine("33030000", "香水及花露水", "perfumes and toilet waters", "cosmetics", True, 0.20),
    GoodsLine(
        "19011010",
        "供婴幼儿食用的零售包装配方奶粉",
        "infant formula milk powder, retail packed",
        "milk_powder",
        False,
        0.22,
    ),
    GoodsLine(
        "04022100", "未加糖的全脂乳粉", "whole milk powder, unsweetened", "milk_powder", False, 0.05
    ),
    GoodsLine(
        "21069090",
        "其他编号未列名的食品",
        "food preparations n.e.s. (dietary supplements)",
        "supplements",
        False,
        0.20,
    ),
    GoodsLine("04090000", "天然蜂蜜", "natural honey", "food", False, 0.05),
    GoodsLine("08023200", "鲜或干的去壳核桃", "walnuts, shelled", "food", False, 0.03),
    GoodsLine(
        "09012100",
        "未浸除咖啡碱的已焙炒咖啡",
        "roasted coffee, not decaffeinated",
        "food",
        False,
        0.04,
    ),
    GoodsLine("96190011", "供婴儿使用的尿裤及尿布", "baby diapers", "baby_care", False, 0.10),
    GoodsLine("33051000", "洗发剂", "shampoos", "personal_care", False, 0.08),
    GoodsLine("33061010", "牙膏", "toothpaste", "personal_care", False, 0.05),
    GoodsLine("85163100", "电吹风机", "electric hair dryers", "appliances", False, 0.05),
    GoodsLine("85101000", "电动剃须刀", "electric shavers", "appliances", False, 0.03),
    GoodsLine(
        "42022100",
        "以皮革作面的手提包",
        "handbags with outer surface of leather",
        "fashion",
        False,
        0.05,
    ),
    GoodsLine(
        "64039900",
        "其他皮革制面的鞋靴",
        "other footwear with uppers of leather",
        "fashion",
        False,
        0.05,
    ),
)


def lines(consumption_tax: bool) -> tuple[GoodsLine, ...]:
    """The lines of one tax class, in table order."""
    return tuple(g for g in GOODS if g.consumption_tax == consumption_tax)


def weights(consumption_tax: bool) -> list[float]:
    """Normalised weights of the lines of one tax class."""
    chosen = lines(consumption_tax)
    total = sum(g.weight for g in chosen)
    return [g.weight / total for g in chosen]
