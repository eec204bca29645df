"""Per-case facts every table draws on: names, wall-clock milestones, channels, outcomes.

Computed once, vectorised over all cases, from the :class:`LogDigest`; the table builders then
slice them chunk by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms
from clearsim.flows.dataset.digest import LogDigest
from clearsim.flows.dataset.links import carrier_cases
from clearsim.models.vocabulary import CHANNEL_NAMES, MILESTONES

CBEC_OBJECTS = ("order", "parcel")
CARRIER_KINDS = {"vessel": "vessel_call", "flight": "flight", "train": "train"}
CUSTOMS_OFFICE = "4700"
"""Customs office code of the declaration numbers [E]: Wuhan Customs' codes start with 47."""


@dataclass(frozen=True)
class DeclarationNumbers:
    """Declaration numbers by case id, formatted when read (a million cases need no table).

    ``office + year + flag + serial``: flag ``0`` for an export, ``1`` for an import; the serial
    is the case id plus ``offset`` (0 for first declarations, the number of cases for two-step
    complete ones). Indexing with an id gives a string, with an array of ids an object array.
    """

    prefix: str
    export: np.ndarray
    offset: int

    @overload
    def __getitem__(self, ids: int) -> str: ...
    @overload
    def __getitem__(self, ids: np.ndarray) -> np.ndarray: ...
    def __getitem__(self, ids: int | np.ndarray) -> str | np.ndarray:
        if not isinstance(ids, np.ndarray):
            return f"{self.prefix}{'0' if self.export[ids] else '1'}{self.offset + ids:09d}"
        flags = np.where(self.export[ids], "0", "1").tolist()
        return np.array(
            [
                f"{self.prefix}{f}{self.offset + c:09d}"
                for f, c in zip(flags, ids.tolist(), strict=True)
            ],
            dtype=object,
        )


def timestamps(ms: np.ndarray, valid: np.ndarray) -> pa.Array:
    """A UTC millisecond timestamp array, null where ``valid`` is false."""
    return pa.array(ms, type=pa.timestamp("ms", tz="UTC"), mask=~valid)


@dataclass
class CaseFacts:
    """Arrays over case ids, derived from the digest of one replication's log."""

    start_ms: int
    names: pa.Array
    process: np.ndarray
    object_type: np.ndarray
    shipment: np.ndarray
    direction: np.ndarray
    mode: np.ndarray
    channel: np.ndarray
    milestone_ms: np.ndarray
    milestone_seen: np.ndarray
    first_ms: np.ndarray
    last_ms: np.ndarray
    declared: np.ndarray
    declaration_no: DeclarationNumbers
    complete_no: DeclarationNumbers
    complete_ms: np.ndarray
    complete_seen: np.ndarray
    outcome: np.ndarray
    carrier: np.ndarray
    """Case id of a container's conveyance (:mod:`clearsim.flows.dataset.links`), else -1."""

    def ms(self, milestone: str) -> tuple[np.ndarray, np.ndarray]:
        """(UTC milliseconds, reached) of ``milestone`` for every case."""
        column = MILESTONES.index(milestone)
        return self.milestone_ms[:, column], self.milestone_seen[:, column]


def case_facts(digest: LogDigest, start_ms: int, year: int) -> CaseFacts:
    """The :class:`CaseFacts` of a digested log whose minute 0 is ``start_ms``."""
    cases = digest.cases
    n = digest.n_cases
    ids = np.arange(n)
    process = np.array(cases.process, dtype=object)
    object_type = np.array(cases.object_type, dtype=object)
    names = pa.array(
        [f"{p}:{o}:{c:06d}" for p, o, c in zip(process, object_type, ids, strict=True)]
    )
    milestones = digest.milestone_table()
    seen = np.isfinite(milestones)
    milestone_ms = np.stack(
        [epoch_ms(start_ms, milestones[:, k]) for k in range(len(MILESTONES))], 1
    )
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, digest.case, digest.time_min)
    np.maximum.at(last, digest.case, digest.time_min)
    shipment = np.array(cases.shipment, dtype=bool)
    declared = shipment & (
        seen[:, MILESTONES.index("lodgement")] | seen[:, MILESTONES.index("release")]
    )
    direction = np.array(cases.direction, dtype=object)
    export = direction == "export"
    complete_min = digest.first_complete("complete_declaration")
    return CaseFacts(
        start_ms=start_ms,
        names=names,
        process=process,
        object_type=object_type,
        shipment=shipment,
        direction=direction,
        mode=np.array(cases.mode, dtype=object),
        channel=np.array(CHANNEL_NAMES, dtype=object)[np.array(cases.channel, dtype=np.int64)],
        milestone_ms=milestone_ms,
        milestone_seen=seen,
        first_ms=epoch_ms(start_ms, np.where(np.isfinite(first), first, np.nan)),
        last_ms=epoch_ms(start_ms, np.where(np.isfinite(last), last, np.nan)),
        declared=declared,
        declaration_no=DeclarationNumbers(f"{CUSTOMS_OFFICE}{year}", export, 0),
        complete_no=DeclarationNumbers(f"{CUSTOMS_OFFICE}{year}", export, n),
        complete_ms=epoch_ms(start_ms, complete_min),
        complete_seen=np.isfinite(complete_min),
        outcome=case_outcomes(digest, seen),
        carrier=carrier_cases(digest, process, object_type, shipment),
    )


OUTCOME_MILESTONES = (
    ("seized_or_returned", "seized"),
    ("over_limit_rejected", "rejected"),
    ("mismatch_cancelled", "cancelled"),
    ("out_of_stock_cancelled", "cancelled"),
)


def case_outcomes(digest: LogDigest, seen: np.ndarray) -> np.ndarray:
    """How each case's declaration ended: released, seized, rejected, cancelled or open."""
    outcome = np.full(digest.n_cases, "open", dtype=object)
    outcome[seen[:, MILESTONES.index("release")]] = "released"
    for activity, name in OUTCOME_MILESTONES:
        outcome[digest.recorded(activity)] = name
    return outcome
