"""Rows of the transport tables: containers (ISO 6346 numbers) and conveyances.

Conveyances are the carrier cases of the log (vessel calls, flights, trains); their first and
last events bound their stay in the model. A container names the conveyance that carries it
(:mod:`clearsim.flows.dataset.links`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.facts import CARRIER_KINDS, timestamps
from clearsim.flows.dataset.identifiers import container_number
from clearsim.flows.dataset.parties import synthetic_rng

OWNER_CODES = ("COS", "MSC", "MAE", "CMA", "OOL", "EGH", "HLX", "ONE", "TGH", "TCL")
"""Owner prefixes of container numbers [E]: large carriers' and lessors' BIC codes."""
SIZE_TYPES = (("22G1", "42G1", "45G1"), (0.35, 0.15, 0.5))
"""ISO 6346 size-type codes (20 ft, 40 ft, 40 ft high cube general purpose) and shares [E]."""
SERIAL_STEP = 7_919
"""A serial step prime to 10**6: consecutive cases get distinct serials (a permutation)."""
FLIGHT_CARRIERS = ("CA", "CZ", "MU", "CK", "O3", "YG", "5X", "FX")
"""IATA codes of cargo flight numbers [E]."""


class TransportBuilder:
    """Builds ``containers`` and ``conveyances``."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def container_chunks(self) -> Iterator[dict[str, object]]:
        """The ``containers`` table in chunks."""
        facts = self.ctx.facts
        ids = np.flatnonzero(facts.object_type == "container")
        for k, chunk in enumerate(self.ctx.chunks(ids)):
            numbers, size = self._container_draws(k, chunk)
            carrier = facts.carrier[chunk]
            yield {
                "container_no": numbers,
                "case_id": facts.names.take(pa.array(chunk)),
                "conveyance_id": facts.names.take(pa.array(carrier, mask=carrier < 0)),
                "process": facts.process[chunk],
                "direction": facts.direction[chunk],
                "mode": facts.mode[chunk],
                "size_type": size,
            }

    def _container_draws(self, k: int, chunk: np.ndarray) -> tuple[list[str], np.ndarray]:
        """ISO 6346 numbers and size-type codes of the ``k``-th chunk of containers."""
        rng = synthetic_rng(self.ctx.streams, "containers", str(k))
        owner = rng.integers(len(OWNER_CODES), size=len(chunk))
        codes, shares = SIZE_TYPES
        size = np.array(codes, dtype=object)[rng.choice(len(codes), size=len(chunk), p=shares)]
        numbers = [
            container_number(OWNER_CODES[o], (int(c) * SERIAL_STEP) % 1_000_000)
            for o, c in zip(owner, chunk, strict=True)
        ]
        return numbers, size

    def container_numbers(self) -> dict[int, str]:
        """The ``container_no`` of every container case, as the ``containers`` table has it."""
        ids = np.flatnonzero(self.ctx.facts.object_type == "container")
        numbers: dict[int, str] = {}
        for k, chunk in enumerate(self.ctx.chunks(ids)):
            numbers.update(zip(chunk.tolist(), self._container_draws(k, chunk)[0], strict=True))
        return numbers

    def conveyance_numbers(self) -> dict[int, str]:
        """The ``number`` of every conveyance case, as the ``conveyances`` table has it."""
        numbers = self.conveyances()["number"]
        assert isinstance(numbers, list)
        return dict(zip(self._conveyance_ids().tolist(), numbers, strict=True))

    def _conveyance_ids(self) -> np.ndarray:
        facts = self.ctx.facts
        return np.flatnonzero(np.isin(facts.object_type, tuple(CARRIER_KINDS)) & ~facts.shipment)

    def conveyances(self) -> dict[str, object]:
        """The ``conveyances`` table (carrier cases are few: one chunk)."""
        ctx, facts = self.ctx, self.ctx.facts
        ids = self._conveyance_ids()
        rng = synthetic_rng(ctx.streams, "conveyances")
        digest = ctx.digest
        first_node = np.full(digest.n_cases, -1, dtype=np.int64)
        rows = np.flatnonzero(np.isin(digest.case, ids))[::-1]
        first_node[digest.case[rows]] = digest.node[rows]
        kinds = np.array([CARRIER_KINDS[o] for o in facts.object_type[ids]], dtype=object)
        numbers = []
        for kind, case in zip(kinds, ids, strict=True):
            if kind == "flight":
                carrier = FLIGHT_CARRIERS[int(rng.integers(len(FLIGHT_CARRIERS)))]
                numbers.append(f"{carrier}{int(rng.integers(100, 10_000))}")
            elif kind == "train":
                numbers.append(f"X8{int(rng.integers(0, 1000)):03d}")
            else:
                bound = "W" if facts.direction[case] == "export" else "E"
                numbers.append(f"V{int(case) % 10_000:04d}{bound}")
        nodes = np.array(digest.nodes, dtype=object)
        every = np.ones(len(ids), dtype=bool)
        return {
            "case_id": facts.names.take(pa.array(ids)),
            "kind": kinds,
            "process": facts.process[ids],
            "number": numbers,
            "site": nodes[first_node[ids]],
            "first_event_at": timestamps(facts.first_ms[ids], every),
            "last_event_at": timestamps(facts.last_ms[ids], every),
        }
