"""Rows of the customs tables: cases, declarations, releases and inspections.

Timestamps are the simulated ones: a declaration's ``lodged_at`` and ``released_at`` are its
case's ``lodgement`` and ``release`` milestones, an inspection's times those of its activity
instance, all converted with :func:`clearsim.flows.dataset.clock.epoch_ms`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms
from clearsim.flows.dataset.context import CHUNK_CASES, BuildContext
from clearsim.flows.dataset.facts import timestamps
from clearsim.models.vocabulary import MILESTONES

SUPERVISION_CODES = {
    "cbec_1210": "1210",
    "cbec_9610": "9610",
    "cbec_9710": "9710",
    "cbec_9810": "9810",
    "market_1039": "1039",
}
GENERAL_TRADE = "0110"
"""Customs supervision codes (监管方式): 1210 and 9610 for CBEC retail (import and export), 9710
and 9810 for CBEC B2B export (GACC 2020 No. 75, S62), 1039 for market procurement (S64), 0110
general trade for the other modes."""
INSPECTION_ACTIVITIES = (
    "document_review",
    "inspection",
    "video_inspection",
    "destination_inspection",
    "spot_check",
    "xray_check",
    "xray_scan",
    "unpack_check",
)
"""Activities that are a customs check of documents or goods (glossary)."""
XRAYS = ("xray_check", "xray_scan")


def _strings(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string(), mask=~valid)


class CustomsBuilder:
    """Builds the customs tables chunk by chunk."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        digest = ctx.digest
        self.seized = digest.recorded("seized_or_returned")
        self.held = digest.recorded("inspection_hold")
        self.unpacked = digest.recorded("unpack_check")
        self.late = digest.recorded("complete_declaration_late")
        release = digest.code("release")
        self.release_site = np.full(digest.n_cases, -1, dtype=np.int64)
        mask = digest.activity == release
        self.release_site[digest.case[mask]] = digest.node[mask]
        self.nodes = np.array(digest.nodes, dtype=object)

    def case_chunks(self) -> Iterator[dict[str, dict[str, object]]]:
        """For each chunk of cases, the columns of ``cases``, ``declarations`` and ``releases``."""
        ids = np.arange(self.ctx.digest.n_cases)
        for chunk in self.ctx.chunks(ids):
            yield {
                "cases": self._cases(chunk),
                "declarations": self._declarations(chunk),
                "releases": self._releases(chunk),
            }

    def _cases(self, ids: np.ndarray) -> dict[str, object]:
        facts, cases = self.ctx.facts, self.ctx.digest.cases
        columns: dict[str, object] = {
            "case_id": facts.names.take(pa.array(ids)),
            "process": facts.process[ids],
            "object_type": facts.object_type[ids],
            "shipment": facts.shipment[ids],
            "direction": facts.direction[ids],
            "mode": facts.mode[ids],
            "channel": facts.channel[ids],
        }
        for name in ("case_class", "aeo", "advance_declared", "two_step", "direct_path"):
            columns[name] = [getattr(cases, name)[c] for c in ids]
        columns["destination"] = [cases.destination[c] for c in ids]
        columns["finished"] = [cases.finished[c] for c in ids]
        for milestone in MILESTONES:
            ms, seen = facts.ms(milestone)
            columns[f"{milestone}_at"] = timestamps(ms[ids], seen[ids])
        return columns

    def _declarations(self, ids: np.ndarray) -> dict[str, object]:
        ctx, facts, cases = self.ctx, self.ctx.facts, self.ctx.digest.cases
        first = ids[facts.declared[ids]]
        two_step = np.array([cases.two_step[c] for c in first], dtype=bool)
        complete = first[two_step & facts.complete_seen[first]]
        rows = np.concatenate([first, complete])
        n_first = len(first)
        is_complete = np.arange(len(rows)) >= n_first
        mode = facts.mode[rows]
        cbec = np.isin(mode, tuple(SUPERVISION_CODES))
        two = np.array([cases.two_step[c] for c in rows], dtype=bool)
        kind = np.where(
            cbec,
            "cbec_list",
            np.where(
                two, np.where(is_complete, "two_step_complete", "two_step_summary"), "one_step"
            ),
        )
        lodged_ms, lodged = facts.ms("lodgement")
        released_ms, released = facts.ms("release")
        outcome = np.where(
            is_complete,
            np.where(self.late[rows], "completed_late", "completed"),
            facts.outcome[rows],
        )
        return {
            "declaration_no": np.where(
                is_complete, facts.complete_no[rows], facts.declaration_no[rows]
            ),
            "case_id": facts.names.take(pa.array(rows)),
            "kind": kind,
            "supervision_code": np.array(
                [SUPERVISION_CODES.get(m, GENERAL_TRADE) for m in mode], dtype=object
            ),
            "process": facts.process[rows],
            "mode": mode,
            "direction": facts.direction[rows],
            "declarant_id": ctx.parties["broker"][rows],
            "trader_id": np.where(
                cbec, ctx.parties["ecommerce"][rows], ctx.parties["trader"][rows]
            ),
            "aeo": np.array([cases.aeo[c] for c in rows], dtype=bool),
            "advance_declared": np.array([cases.advance_declared[c] for c in rows], dtype=bool),
            "channel": np.where(is_complete, "none", facts.channel[rows]),
            "lodged_at": timestamps(
                np.where(is_complete, facts.complete_ms[rows], lodged_ms[rows]),
                np.where(is_complete, True, lodged[rows]),
            ),
            "released_at": timestamps(released_ms[rows], released[rows] & ~is_complete),
            "outcome": outcome,
        }

    def _releases(self, ids: np.ndarray) -> dict[str, object]:
        facts = self.ctx.facts
        released_ms, released = facts.ms("release")
        rows = ids[released[ids] & facts.declared[ids]]
        exit_ms, exited = facts.ms("exit")
        delivery_ms, delivered = facts.ms("delivery")
        return {
            "declaration_no": facts.declaration_no[rows],
            "case_id": facts.names.take(pa.array(rows)),
            "released_at": timestamps(released_ms[rows], np.ones(len(rows), dtype=bool)),
            "site": self.nodes[self.release_site[rows]],
            "exit_at": timestamps(exit_ms[rows], exited[rows]),
            "delivery_at": timestamps(delivery_ms[rows], delivered[rows]),
        }

    def inspection_chunks(self) -> Iterator[dict[str, object]]:
        """The ``inspections`` table in chunks of activity instances."""
        ctx, facts = self.ctx, self.ctx.facts
        digest = ctx.digest
        found = digest.instances(INSPECTION_ACTIVITIES)
        activities = np.array(digest.activities, dtype=object)
        resources = np.array([*digest.resources, ""], dtype=object)
        for start in range(0, len(found.instance), CHUNK_CASES):
            sl = slice(start, start + CHUNK_CASES)
            case = found.case[sl].astype(np.int64)
            kind = activities[found.activity[sl]]
            resource = found.resource[sl].astype(np.int64)
            outcome = np.where(
                np.isin(kind, XRAYS),
                np.where(self.unpacked[case], "referred_to_unpacking", "clear"),
                np.where(
                    self.seized[case] & (kind == "unpack_check"),
                    "seized",
                    np.where(self.held[case] & (kind != "document_review"), "held", "no_finding"),
                ),
            )
            times = {
                "scheduled_at": found.schedule_min[sl],
                "started_at": found.start_min[sl],
                "completed_at": found.complete_min[sl],
            }
            columns: dict[str, object] = {
                "inspection_id": found.instance[sl],
                "case_id": facts.names.take(pa.array(case)),
                "declaration_no": _strings(facts.declaration_no[case], facts.declared[case]),
                "kind": kind,
                "site": self.nodes[found.node[sl].astype(np.int64)],
                "resource": _strings(resources[resource], resource >= 0),
                "outcome": np.where(np.isnan(found.complete_min[sl]), "open", outcome),
            }
            for name, minutes in times.items():
                columns[name] = timestamps(epoch_ms(facts.start_ms, minutes), np.isfinite(minutes))
            yield columns
