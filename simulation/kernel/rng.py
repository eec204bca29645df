"""Named, seeded random streams (architecture rule 2, docs/architecture.md).

Every draw comes from a ``numpy.random.Generator`` built from
``SeedSequence(root_seed, spawn_key=(replication, purpose, *labels))``. Purposes have fixed
integer ids, and labels (a process name, a stage name) map to integers through sha256, so adding
a purpose or a stage never shifts the others, and two scenarios run with the same root seed and
replication see the same draws wherever they share a purpose and label: common random numbers.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """What a stream is for. Never renumber: append new purposes at the end."""

    ARRIVALS = 1
    BATCH_SIZE = 2
    ATTRIBUTES = 3
    RISK = 4
    DECLARATION = 5
    REVIEW = 6
    INSPECTION = 7
    PORT_OPERATIONS = 8
    GATE = 9
    TRANSPORT = 10
    ROUTING = 11
    SERVICE = 12
    SYNTHETIC = 13


def label_key(label: str) -> int:
    """Stable 32-bit integer of a label (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.sha256(label.encode("utf-8")).digest()[:4], "big")


class Streams:
    """Factory of the generators of one replication."""

    __slots__ = ("replication", "root_seed")

    def __init__(self, root_seed: int, replication: int) -> None:
        if root_seed < 0 or replication < 0:
            raise ValueError("root_seed and replication must be >= 0")
        self.root_seed = root_seed
        self.replication = replication

    def generator(self, purpose: Purpose, *labels: str) -> np.random.Generator:
        """A fresh generator for ``purpose`` and ``labels``; equal arguments give equal draws."""
        key = (self.replication, int(purpose), *(label_key(label) for label in labels))
        return np.random.default_rng(np.random.SeedSequence(self.root_seed, spawn_key=key))
