"""The bonded account book (保税账册): units of each SKU in bonded stock, and orders waiting.

Shared by the 1210 bonded import and the 1210 special-zone export (the zone keeps one account
book either way).

An order takes units of its SKU when it is placed. When the SKU is short, the order queues
first-come first-served for the next replenishment, so a large order at the head is not
overtaken by smaller ones behind it; an order that gives up leaves the queue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import simpy


class StockError(RuntimeError):
    """The account book was asked to do something impossible (a bug, not a stock-out)."""


class BondedStock:
    """Units on hand per SKU, the FIFO queue of waiting orders per SKU, and running totals.

    ``lowest_level`` is the smallest level any SKU reached: stock never goes negative, and
    tests assert it. ``received`` and ``issued`` count units booked in and taken out, so that
    ``sum(initial) + received - issued == sum(levels)`` at any time.
    """

    __slots__ = ("_waiting", "initial", "issued", "levels", "lowest_level", "received")

    def __init__(self, initial_units: Sequence[int]) -> None:
        if any(units < 0 for units in initial_units):
            raise StockError("initial stock must be >= 0")
        self.initial = tuple(initial_units)
        self.levels = list(initial_units)
        self.lowest_level = min(self.levels, default=0)
        self.received = 0
        self.issued = 0
        self._waiting: list[deque[tuple[int, simpy.Event]]] = [deque() for _ in initial_units]

    def take(self, sku: int, quantity: int) -> bool:
        """Take ``quantity`` units now if they are on hand and nobody waits ahead; else False."""
        if self._waiting[sku] or self.levels[sku] < quantity:
            return False
        self._issue(sku, quantity)
        return True

    def wait(self, env: simpy.Environment, sku: int, quantity: int) -> simpy.Event:
        """Queue for ``quantity`` units; the event succeeds when they have been taken."""
        claim = env.event()
        self._waiting[sku].append((quantity, claim))
        return claim

    def withdraw(self, sku: int, claim: simpy.Event) -> None:
        """Leave the queue (the order gave up); orders behind may now be served."""
        queue = self._waiting[sku]
        for i, (_, waiting) in enumerate(queue):
            if waiting is claim:
                del queue[i]
                self._serve(sku)
                return
        raise StockError("withdrawing a claim that is not waiting")

    def book_in(self, sku: int, units: int) -> None:
        """Units entered on the account book (a replenishment, or a cancelled order's units)."""
        if units < 0:
            raise StockError("cannot book in a negative quantity")
        self.levels[sku] += units
        self.received += units
        self._serve(sku)

    def waiting(self, sku: int) -> int:
        """Orders queued for ``sku``."""
        return len(self._waiting[sku])

    def _serve(self, sku: int) -> None:
        queue = self._waiting[sku]
        while queue and queue[0][0] <= self.levels[sku]:
            quantity, claim = queue.popleft()
            self._issue(sku, quantity)
            claim.succeed()

    def _issue(self, sku: int, quantity: int) -> None:
        level = self.levels[sku] - quantity
        if level < 0:
            raise StockError(f"SKU {sku} would go to {level} units")
        self.levels[sku] = level
        self.issued += quantity
        self.lowest_level = min(self.lowest_level, level)
