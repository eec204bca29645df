"""One annual CBEC limit per buyer across every CBEC process of a replication (S29, S29e).

The annual limit (26,000 CNY) is per person, whatever the mode (1210 bonded or 9610 direct
purchase) and the platform: customs keeps one quota per ID number. The ledger is the run's
stateful facility for it. Before a process group runs, every CBEC process hands in its claims
(when each order is placed or each parcel lands, its buyer, value and quantity; :class:`Claims`);
the ledger settles them all in time order (ties: the scenario's process order, then the order's
index), charging a buyer's year only with the orders that pass the limit check (a rejected
order is not a CBEC retail import and uses no quota). The processes then read their decisions
and each order's prior spend by index. So the outcome does not depend on how processes are
grouped or on the fast path, and the same seed gives the same decisions.

A buyer's opening spend (earlier in the year, before the run) is drawn once per buyer from the
ledger's own stream, capped at the annual limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsim.models.cbec_rules import CbecBuyersSpec, CbecLimitsSpec, limit_decision
from clearsim.simulation.kernel.rng import Purpose, Streams

LEDGER_LABEL = "cbec_buyers"
"""Stream label of the ledger's draws (not a process name: the ledger is shared)."""


@dataclass(frozen=True)
class Claims:
    """One process's orders, in its own index order: placement time, buyer, value, quantity."""

    times_min: np.ndarray
    buyers: np.ndarray
    values_cny: np.ndarray
    quantities: np.ndarray


@dataclass(frozen=True)
class Settled:
    """A process's limit decisions (``LimitDecision`` values) and each order's prior spend."""

    decisions: np.ndarray
    prior_annual_cny: np.ndarray


def draw_buyers(streams: Streams, process: str, buyers: CbecBuyersSpec, n: int) -> np.ndarray:
    """Buyer ids of ``n`` orders of ``process``, uniform over the population (its own stream)."""
    rng = streams.generator(Purpose.ATTRIBUTES, process, "buyer")
    ids: np.ndarray = rng.integers(0, buyers.population, size=n)
    return ids


class BuyerLedger:
    """Settled annual-limit decisions of every CBEC order and parcel of a replication."""

    def __init__(
        self,
        limits: CbecLimitsSpec,
        buyers: CbecBuyersSpec,
        streams: Streams,
        claims: dict[str, Claims],
    ) -> None:
        self.limits = limits
        self.buyers = buyers
        rng = streams.generator(Purpose.ATTRIBUTES, LEDGER_LABEL, "opening_spend")
        opening = buyers.opening_spend_median_cny * np.exp(
            buyers.opening_spend_sigma * rng.standard_normal(buyers.population)
        )
        self.opening_cny: np.ndarray = np.minimum(opening, limits.annual_limit_cny)
        self._settled = self._settle(claims)

    def _settle(self, claims: dict[str, Claims]) -> dict[str, Settled]:
        names = list(claims)
        if not names:
            return {}
        times = np.concatenate([claims[n].times_min for n in names])
        rank = np.concatenate([np.full(len(claims[n].times_min), k) for k, n in enumerate(names)])
        index = np.concatenate([np.arange(len(claims[n].times_min)) for n in names])
        buyers = np.concatenate([claims[n].buyers for n in names]).tolist()
        values = np.concatenate([claims[n].values_cny for n in names]).tolist()
        quantities = np.concatenate([claims[n].quantities for n in names]).tolist()
        order = np.lexsort((index, rank, times)).tolist()
        spent = self.opening_cny.tolist()
        decisions = np.zeros(len(values), dtype=np.int64)
        prior = np.zeros(len(values))
        limits = self.limits
        for k in order:
            buyer = buyers[k]
            before = spent[buyer]
            decision = limit_decision(values[k], quantities[k], before, limits)
            decisions[k], prior[k] = int(decision), before
            if decision != decision.OVER:
                spent[buyer] = before + values[k]
        settled, start = {}, 0
        for name in names:
            end = start + len(claims[name].times_min)
            settled[name] = Settled(decisions[start:end], prior[start:end])
            start = end
        return settled

    def settled(self, process: str) -> Settled:
        """The decisions and prior spends of ``process``'s orders, by index."""
        return self._settled[process]
