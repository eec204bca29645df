"""Closed forms of textbook queues, used to validate stages that are textbook queues.

References: Erlang C and the M/M/c mean wait (Gross, Shortle, Thompson and Harris,
*Fundamentals of Queueing Theory*, 4th ed., section 2.3); non-preemptive priorities in M/M/c
with equal service rates, Cobham's formula (same book, section 3.4.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c: C(c, a) with ``a = lambda / mu < c``."""
    if servers < 1:
        raise ValueError("servers must be >= 1")
    if not 0 <= offered_load < servers:
        raise ValueError("offered load must be in [0, servers) for a stable queue")
    term, total = 1.0, 1.0  # a^k / k! for k = 0, and the running sum up to c - 1
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    last = term * offered_load / servers * servers / (servers - offered_load)
    return last / (total + last)


def mmc_mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c, ``C(c, a) / (c mu - lambda)`` (same time unit as inputs)."""
    a = arrival_rate * mean_service
    return erlang_c(servers, a) * mean_service / (servers - a)


def mmc_priority_waits(
    servers: int, arrival_rates: Sequence[float], mean_service: float
) -> list[float]:
    """Mean wait per class of non-preemptive priority M/M/c (class 0 first), Cobham's formula.

    ``W_k = [C(c, a) / (c mu)] / ((1 - sigma_{k-1}) (1 - sigma_k))`` with
    ``sigma_k = sum_{i <= k} lambda_i / (c mu)``.
    """
    mu = 1.0 / mean_service
    total_rate = math.fsum(arrival_rates)
    base = erlang_c(servers, total_rate / mu) / (servers * mu)
    waits, sigma = [], 0.0
    for rate in arrival_rates:
        before = sigma
        sigma += rate / (servers * mu)
        waits.append(base / ((1 - before) * (1 - sigma)))
    return waits
