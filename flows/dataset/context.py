"""What every table builder of one dataset shares: facts, enterprises, assignments, streams."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsim.flows.dataset.digest import LogDigest
from clearsim.flows.dataset.documents import DEFAULT_CT, DEFAULT_LIMITS, DEFAULT_VAT
from clearsim.flows.dataset.facts import CaseFacts
from clearsim.flows.dataset.parties import Enterprises, synthetic_rng, zipf_choice
from clearsim.models.bonded_import import BondedImportSpec, CbecLimitsSpec
from clearsim.simulation.kernel.rng import Streams

CHUNK_CASES = 50_000
"""Cases per chunk of every per-case table; fixed, so chunks (and their seeds) never move."""


@dataclass(frozen=True)
class ProcessTerms:
    """CBEC terms of one process: limits, VAT, consumption-tax rate."""

    limits: CbecLimitsSpec
    vat: float
    ct_rate: float


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
    """CBEC terms per process name: a 1210 process's own; a 9610 one's from the first 1210."""
    bonded = [p for p in processes if isinstance(p, BondedImportSpec)]
    fallback = (
        ProcessTerms(
            bonded[0].limits, bonded[0].order.vat_rate, bonded[0].order.consumption_tax_rate
        )
        if bonded
        else ProcessTerms(DEFAULT_LIMITS, DEFAULT_VAT, DEFAULT_CT)
    )
    terms = {}
    for p in processes:
        name = getattr(p, "name", "")
        if isinstance(p, BondedImportSpec):
            terms[name] = ProcessTerms(p.limits, p.order.vat_rate, p.order.consumption_tax_rate)
        else:
            terms[name] = fallback
    return terms
