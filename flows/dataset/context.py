"""What every table builder of one dataset shares: facts, enterprises, assignments, streams."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsim.flows.dataset.digest import LogDigest
from clearsim.flows.dataset.facts import CaseFacts
from clearsim.flows.dataset.parties import Enterprises, synthetic_rng, zipf_choice
from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.cbec_rules import CbecLimitsSpec
from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.simulation.kernel.rng import Streams

CHUNK_CASES = 50_000
"""Cases per chunk of every per-case table; fixed, so chunks (and their seeds) never move."""


@dataclass(frozen=True)
class ProcessTerms:
    """CBEC terms of one process: limits, tariff and VAT rates, consumption-tax rate."""

    limits: CbecLimitsSpec
    vat: float
    ct_rate: float
    tariff: float


@dataclass
class BuildContext:
    """Inputs of the table builders of one dataset."""

    digest: LogDigest
    facts: CaseFacts
    streams: Streams
    enterprises: Enterprises
    parties: dict[str, np.ndarray]
    """Enterprise id (string) of each role for every case: platform, ecommerce, payment,
    logistics, broker, trader."""
    terms: dict[str, ProcessTerms]
    start_year: int

    def chunks(self, ids: np.ndarray) -> list[np.ndarray]:
        """``ids`` cut into chunks of :data:`CHUNK_CASES`."""
        return [ids[i : i + CHUNK_CASES] for i in range(0, len(ids), CHUNK_CASES)] or []


def assign_parties(
    streams: Streams, enterprises: Enterprises, aeo: np.ndarray
) -> dict[str, np.ndarray]:
    """Enterprise ids of every role for every case; a case's trader is AEO iff the case is."""
    rng = synthetic_rng(streams, "assignments")
    ids = np.array(enterprises.table.column("enterprise_id").to_pylist(), dtype=object)
    n = len(aeo)
    parties = {}
    for role in ("platform", "ecommerce", "payment", "logistics", "broker"):
        rows = enterprises.by_role[role]
        parties[role] = ids[rows[zipf_choice(rng, len(rows), n)]]
    traders = enterprises.by_role["trader"]
    certified = traders[enterprises.aeo[traders]]
    registered = traders[~enterprises.aeo[traders]]
    parties["trader"] = np.where(
        aeo,
        ids[certified[zipf_choice(rng, len(certified), n)]],
        ids[registered[zipf_choice(rng, len(registered), n)]],
    )
    return parties


def process_terms(processes: tuple[object, ...]) -> dict[str, ProcessTerms]:
    """CBEC terms per CBEC process name (1210 and 9610), each from its own spec."""
    terms = {}
    for p in processes:
        if isinstance(p, BondedImportSpec):
            o = p.order
            terms[p.name] = ProcessTerms(
                p.limits, o.vat_rate, o.consumption_tax_rate, o.tariff_rate
            )
        elif isinstance(p, DirectPurchaseSpec):
            g = p.goods
            terms[p.name] = ProcessTerms(
                p.limits, g.vat_rate, g.consumption_tax_rate, g.tariff_rate
            )
    return terms
