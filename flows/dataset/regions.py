"""Provinces of mainland China with their population, the weights of consumer addresses.

Resident population on 1 November 2020 from the Seventh National Population Census, Communiqué
No. 3 (国家统计局《第七次全国人口普查公报(第三号)》, 2021-05-11; source key
NBS-2021 in docs/background/sources.md). Consumers of a dataset live in a province with
probability proportional to its population: a proxy [E] for where CBEC buyers live, since no
published provincial split of CBEC buyers was found. Codes are GB/T 2260 division codes of the
province and of its capital, the city given to a consumer of that province.
"""

from __future__ import annotations

from typing import NamedTuple


class Province(NamedTuple):
    """One province-level division: names, GB/T 2260 codes, capital, census population."""

    code: str
    name_zh: str
    name_en: str
    capital_code: str
    capital_zh: str
    region: str
    population: int


PROVINCES: tuple[Province, ...] = (
    Province("11", "北京市", "Beijing", "110100", "北京市", "east", 21_893_095),
    Province("12", "天津市", "Tianjin", "120100", "天津市", "east", 13_866_009),
    Province("13", "河北省", "Hebei", "130100", "石家庄市", "east", 74_610_235),
    Province("14", "山西省", "Shanxi", "140100", "太原市", "central", 34_915_616),
    Province("15", "内蒙古自治区", "Inner Mongolia", "150100", "呼和浩特市", "west", 24_049_155),
    Province("21", "辽宁省", "Liaoning", "210100", "沈阳市", "northeast", 42_591_407),
    Province("22", "吉林省", "Jilin", "220100", "长春市", "northeast", 24_073_453),
    Province("23", "黑龙江省", "Heilongjiang", "230100", "哈尔滨市", "northeast", 31_850_088),
    Province("31", "上海市", "Shanghai", "310100", "上海市", "east", 24_870_895),
    Province("32", "江苏省", "Jiangsu", "320100", "南京市", "east", 84_748_016),
    Province("33", "浙江省", "Zhejiang", "330100", "杭州市", "east", 64_567_588),
    Province("34", "安徽省", "Anhui", "340100", "合肥市", "central", 61_027_171),
    Province("35", "福建省", "Fujian", "350100", "福州市", "east", 41_540_086),
    Province("36", "江西省", "Jiangxi", "360100", "南昌市", "central", 45_188_635),
    Province("37", "山东省", "Shandong", "370100", "济南市", "east", 101_527_453),
    Province("41", "河南省", "Henan", "410100", "郑州市", "central", 99_365_519),
    Province("42", "湖北省", "Hubei", "420100", "武汉市", "central", 57_752_557),
    Province("43", "湖南省", "Hunan", "430100", "长沙市", "central", 66_444_864),
    Province("44", "广东省", "Guangdong", "440100", "广州市", "east", 126_012_510),
    Province("45", "广西壮族自治区", "Guangxi", "450100", "南宁市", "west", 50_126_804),
    Province("46", "海南省", "Hainan", "460100", "海口市", "east", 10_081_232),
    Province("50", "重庆市", "Chongqing", "500100", "重庆市", "west", 32_054_159),
    Province("51", "四川省", "Sichuan", "510100", "成都市", "west", 83_674_866),
    Province("52", "贵州省", "Guizhou", "520100", "贵阳市", "west", 38_562_148),
    Province("53", "云南省", "Yunnan", "530100", "昆明市", "west", 47_209_277),
    Province("54", "西藏自治区", "Tibet", "540100", "拉萨市", "west", 3_648_100),
    Province("61", "陕西省", "Shaanxi", "610100", "西安市", "west", 39_528_999),
    Province("62", "甘肃省", "Gansu", "620100", "兰州市", "west", 25_019_831),
    Province("63", "青海省", "Qinghai", "630100", "西宁市", "west", 5_923_957),
    Province("64", "宁夏回族自治区", "Ningxia", "640100", "银川市", "west", 7_202_654),
    Province("65", "新疆维吾尔自治区", "Xinjiang", "650100", "乌鲁木齐市", "west", 25_852_345),
)

REGION_TOTALS = {
    "east": 563_717_119,
    "central": 364_694_362,
    "west": 382_852_295,
    "northeast": 98_514_948,
}
"""Regional totals of the same communiqué; the provinces above add up to them."""


def population_shares() -> list[float]:
    """Each province's share of the population, in the order of :data:`PROVINCES`."""
    total = sum(p.population for p in PROVINCES)
    return [p.population / total for p in PROVINCES]
