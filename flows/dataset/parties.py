"""Enterprises and consumers: Faker names and addresses, codes with valid check characters.

Faker is seeded per table and chunk from the synthetic stream (``Purpose.SYNTHETIC``, labels
``dataset``, the table and the chunk), never from global state; Chinese parties use the zh_CN
locale, overseas sellers en_US. To keep a million consumers fast, each chunk draws pools of
family names, given names, streets and phone numbers from Faker and combines them with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from faker import Faker

from clearsim.flows.dataset.identifiers import (
    USCC_CHARSET,
    id_number,
    mask_id_number,
    mask_phone,
    uscc,
)
from clearsim.flows.dataset.regions import PROVINCES, population_shares
from clearsim.simulation.kernel.rng import Purpose, Streams

POOL = 2_000
WUHAN = "420100"
HUBS = ("440100", "330100", "110100", "310100", "420100")
"""Divisions of platform and payment firms [E]: Guangzhou, Hangzhou, Beijing, Shanghai, Wuhan."""
OVERSEAS = ("JP", "KR", "US", "AU", "DE", "FR", "NZ", "GB")
"""Countries of overseas sellers [E]."""


@dataclass(frozen=True)
class Role:
    """How many enterprises play a role, where they are, and their AEO share [E]."""

    name: str
    count: int
    overseas: bool
    aeo_share: float


ROLES = (
    Role("platform", 6, overseas=False, aeo_share=0.0),
    Role("ecommerce", 40, overseas=True, aeo_share=0.0),
    Role("payment", 5, overseas=False, aeo_share=0.0),
    Role("logistics", 8, overseas=False, aeo_share=0.25),
    Role("broker", 20, overseas=False, aeo_share=0.25),
    Role("trader", 120, overseas=False, aeo_share=0.2),
)
"""Enterprise pools [E]; AEO levels follow GACC Order 251 (S11): advanced certified or not."""


def synthetic_rng(streams: Streams, *labels: str) -> np.random.Generator:
    """The generator of one dataset table or chunk (``Purpose.SYNTHETIC``)."""
    return streams.generator(Purpose.SYNTHETIC, "dataset", *labels)


def seeded_faker(locale: str, rng: np.random.Generator) -> Faker:
    """A Faker of ``locale`` seeded from ``rng``."""
    fake = Faker(locale)
    fake.seed_instance(int(rng.integers(2**32)))
    return fake


@dataclass(frozen=True)
class Enterprises:
    """The enterprise table, and the row indices of each role (AEO ones first)."""

    table: pa.Table
    by_role: dict[str, np.ndarray]
    aeo: np.ndarray


def city_of(division: str) -> tuple[str, str]:
    """(province, city) names of a capital's division code."""
    for p in PROVINCES:
        if p.capital_code == division:
            return p.name_zh, p.capital_zh
    raise KeyError(division)


def enterprises(streams: Streams) -> Enterprises:
    """Every enterprise of the dataset, role by role."""
    rng = synthetic_rng(streams, "enterprises")
    zh, en = seeded_faker("zh_CN", rng), seeded_faker("en_US", rng)
    columns: dict[str, list[str | None]] = {
        k: []
        for k in (
            *("enterprise_id", "role", "name", "country", "uscc", "customs_code"),
            *("aeo_level", "province", "city"),
        )
    }
    by_role: dict[str, list[int]] = {}
    aeo: list[bool] = []
    digits = USCC_CHARSET[:10]
    for role in ROLES:
        n_aeo = round(role.count * role.aeo_share)
        for k in range(role.count):
            index = len(aeo)
            by_role.setdefault(role.name, []).append(index)
            aeo.append(k < n_aeo)
            columns["enterprise_id"].append(f"E{index + 1:05d}")
            columns["role"].append(role.name)
            if role.overseas:
                columns["name"].append(en.company())
                columns["country"].append(OVERSEAS[int(rng.integers(len(OVERSEAS)))])
                for key in ("uscc", "customs_code", "aeo_level", "province", "city"):
                    columns[key].append(None)
                continue
            division = (
                HUBS[int(rng.integers(len(HUBS)))]
                if role.name in ("platform", "payment")
                else WUHAN
            )
            province, city = city_of(division)
            body = "MA" + "".join(rng.choice(list(USCC_CHARSET), 6))
            columns["name"].append(zh.company())
            columns["country"].append("CN")
            columns["uscc"].append(uscc(division, body))
            columns["customs_code"].append(division[:4] + "".join(rng.choice(list(digits), 6)))
            columns["aeo_level"].append("advanced_certified" if k < n_aeo else "registered")
            columns["province"].append(province)
            columns["city"].append(city)
    return Enterprises(
        table=pa.table(columns),
        by_role={k: np.array(v) for k, v in by_role.items()},
        aeo=np.array(aeo),
    )


def zipf_choice(rng: np.random.Generator, n_options: int, size: int) -> np.ndarray:
    """Indices in ``[0, n_options)`` with weights ``1 / rank`` [E]: a few large firms."""
    weights = 1.0 / np.arange(1, n_options + 1)
    chosen: np.ndarray = rng.choice(n_options, size=size, p=weights / weights.sum())
    return chosen


@dataclass(frozen=True)
class People:
    """Consumers of one chunk: names, identities, phones and addresses, as numpy arrays."""

    name: np.ndarray
    id_masked: np.ndarray
    phone_masked: np.ndarray
    province_code: np.ndarray
    province: np.ndarray
    city: np.ndarray
    address: np.ndarray


def people(rng: np.random.Generator, size: int, base_year: int) -> People:
    """``size`` people living in provinces in proportion to the 2020 census (regions module)."""
    fake = seeded_faker("zh_CN", rng)
    family = np.array([fake.last_name() for _ in range(POOL)], dtype=object)
    given = np.array(
        [fake.first_name_male() if i % 2 else fake.first_name_female() for i in range(POOL)],
        dtype=object,
    )
    streets = np.array([fake.street_name() for _ in range(POOL)], dtype=object)
    phones = np.array([mask_phone(fake.phone_number()) for _ in range(POOL)], dtype=object)
    province = rng.choice(len(PROVINCES), size=size, p=population_shares())
    name = family[rng.integers(POOL, size=size)] + given[rng.integers(POOL, size=size)]
    age_days = rng.integers(18 * 365, 65 * 365, size=size)
    births = (np.datetime64(f"{base_year}-01-01") - age_days.astype("timedelta64[D]")).astype(str)
    sequence = rng.integers(1, 1000, size=size)
    codes = [PROVINCES[p].capital_code for p in province]
    ids = np.array(
        [
            mask_id_number(id_number(c, b.replace("-", ""), int(s)))
            for c, b, s in zip(codes, births, sequence, strict=True)
        ],
        dtype=object,
    )
    provinces = np.array([p.name_zh for p in PROVINCES], dtype=object)[province]
    cities = np.array([p.capital_zh for p in PROVINCES], dtype=object)[province]
    place = np.where(provinces == cities, cities, provinces + cities)
    number = rng.integers(1, 999, size=size).astype(str)
    address = place + streets[rng.integers(POOL, size=size)] + number + "号"
    return People(
        name=name,
        id_masked=ids,
        phone_masked=phones[rng.integers(POOL, size=size)],
        province_code=np.array([p.code for p in PROVINCES], dtype=object)[province],
        province=provinces,
        city=cities,
        address=address,
    )
