"""Closed forms of textbook queues, used to validate stages that are textbook queues.

References: Erlang C and the M/M/c mean wait (Gross, Shortle, Thompson and Harris,
*Fundamentals of Queueing Theory*, 4th ed., section 2.3); non-preemptive priorities in M/M/c
with equal service rates, Cobham's formula (same book, section 3.4.2); the engine blocks' models
(Erlang B, M/M/c/K, M/M/c+M with balking, M/M/1 with feedback) from their birth-death chains or
Jackson's theorem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np


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


def birth_death(
    birth: Callable[[int], float], death: Callable[[int], float], states: int
) -> np.ndarray:
    """Stationary distribution of a birth-death chain on ``0 .. states - 1``.

    ``p_{n+1} = p_n birth(n) / death(n + 1)``, normalised; truncate at a ``states`` where the
    tail is negligible (or where ``birth`` is zero: a finite capacity). Computed in logs, so a
    long chain neither overflows nor underflows.
    """
    logs = np.zeros(states)
    for n in range(states - 1):
        up, down = birth(n), death(n + 1)
        logs[n + 1] = -np.inf if up <= 0 or logs[n] == -np.inf else logs[n] + math.log(up / down)
    weights = np.exp(logs - logs.max())
    distribution: np.ndarray = weights / weights.sum()
    return distribution


def erlang_b(servers: int, offered_load: float) -> float:
    """Loss probability of M/M/c/c (Erlang B): ``B_k = a B_{k-1} / (k + a B_{k-1})``, ``B_0 = 1``.

    Gross, Shortle, Thompson and Harris, section 2.6 (Erlang's loss formula).
    """
    if servers < 1 or offered_load < 0:
        raise ValueError("servers must be >= 1 and the offered load >= 0")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


class FiniteQueue(NamedTuple):
    """M/M/c/K figures: loss probability, mean number waiting, mean wait of admitted customers."""

    loss_probability: float
    mean_queue: float
    mean_wait: float


def mmck(servers: int, limit: int, arrival_rate: float, mean_service: float) -> FiniteQueue:
    """M/M/c/K with K = ``limit`` in the system (Gross et al., section 2.5).

    Loss ``p_K`` (PASTA), ``Lq = sum (n - c) p_n``, and the mean wait of admitted customers by
    Little's law, ``Wq = Lq / (lambda (1 - p_K))``.
    """
    if limit < servers:
        raise ValueError("the capacity must be at least the number of servers")
    mu = 1.0 / mean_service
    p = birth_death(
        lambda n: arrival_rate if n < limit else 0.0, lambda n: mu * min(n, servers), limit + 1
    )
    n = np.arange(limit + 1)
    lq = float(np.sum(np.maximum(n - servers, 0) * p))
    loss = float(p[limit])
    return FiniteQueue(loss, lq, lq / (arrival_rate * (1 - loss)))


class Abandonment(NamedTuple):
    """M/M/c+M with balking: shares of arrivals that balk and renege, mean wait of the served."""

    balk_probability: float
    renege_probability: float
    mean_wait_served: float


def mmc_impatient(
    servers: int,
    arrival_rate: float,
    mean_service: float,
    mean_patience: float,
    balk_probability: float = 0.0,
    states: int = 2000,
) -> Abandonment:
    """M/M/c+M (Erlang A) with balking, from its birth-death chain truncated at ``states``.

    Births ``lambda`` below ``c`` and ``lambda (1 - b)`` from ``c`` on (a customer finding every
    server busy joins with probability ``1 - b``); deaths ``min(n, c) mu + max(n - c, 0) theta``
    with ``theta = 1 / mean_patience`` (Gross et al., section 2.9; Garnett, Mandelbaum and
    Reiman 2002). By PASTA an arrival sees ``n`` with ``p_n``. A joiner with ``j`` customers ahead
    in the queue moves up at rate ``c mu + j theta`` and reneges at ``theta``, so its probability
    of service ``P_j = (c mu + j theta) / r_j P_{j-1}`` and ``A_j = E[W; served] =
    (c mu + j theta) / r_j (P_{j-1} / r_j + A_{j-1})``, ``r_j = c mu + (j + 1) theta``,
    ``P_{-1} = 1``, ``A_{-1} = 0``.
    """
    mu, theta = 1.0 / mean_service, 1.0 / mean_patience
    p = birth_death(
        lambda n: arrival_rate * (1.0 if n < servers else 1.0 - balk_probability),
        lambda n: min(n, servers) * mu + max(n - servers, 0) * theta,
        states,
    )
    busy = p[servers:]
    served_p, served_a = np.empty(busy.size), np.empty(busy.size)
    previous_p, previous_a = 1.0, 0.0
    for j in range(busy.size):
        up = servers * mu + j * theta
        rate = up + theta
        previous_a = up / rate * (previous_p / rate + previous_a)
        previous_p = up / rate * previous_p
        served_p[j], served_a[j] = previous_p, previous_a
    joins = 1.0 - balk_probability
    balked = float(busy.sum()) * balk_probability
    reneged = joins * float(np.sum(busy * (1 - served_p)))
    served = float(p[:servers].sum()) + joins * float(np.sum(busy * served_p))
    wait = joins * float(np.sum(busy * served_a)) / served
    return Abandonment(balked, reneged, wait)


class FeedbackQueue(NamedTuple):
    """M/M/1 with Bernoulli feedback as a Jackson network of one node."""

    node_rate: float
    mean_number: float
    mean_sojourn: float


def mm1_feedback(arrival_rate: float, mean_service: float, feedback: float) -> FeedbackQueue:
    """Jackson: node rate ``lambda / (1 - p)``, ``L = rho / (1 - rho)``, sojourn ``L / lambda``.

    Each pass draws a new exponential service (Gross et al., section 4.1, Jackson networks).
    """
    node_rate = arrival_rate / (1 - feedback)
    rho = node_rate * mean_service
    if rho >= 1:
        raise ValueError("the node is unstable: lambda E[S] / (1 - p) >= 1")
    mean_number = rho / (1 - rho)
    return FeedbackQueue(node_rate, mean_number, mean_number / arrival_rate)


def mg1_preemptive_resume(
    arrival_rates: Sequence[float], mean_services: Sequence[float], second_moments: Sequence[float]
) -> list[float]:
    """Mean sojourn per class of M/G/1 with preemptive-resume priority (class 0 first).

    ``T_k = (E[S_k] (1 - s_k) + R_k) / ((1 - s_{k-1}) (1 - s_k))``, that is
    ``E[S_k] / (1 - s_{k-1}) + R_k / ((1 - s_{k-1}) (1 - s_k))``, with
    ``s_k = sum_{i <= k} lambda_i E[S_i]`` and ``R_k = sum_{i <= k} lambda_i E[S_i^2] / 2``
    (Kleinrock, *Queueing Systems* vol. 2, section 3.7; Harchol-Balter, ch. 32; Bose, eq. 4.51).
    With one class it is M/G/1's ``E[S] + lambda E[S^2] / (2 (1 - rho))`` (Pollaczek-Khinchine).
    """
    sojourns, s, r = [], 0.0, 0.0
    for rate, mean, second in zip(arrival_rates, mean_services, second_moments, strict=True):
        before = s
        s += rate * mean
        r += rate * second / 2
        if s >= 1:
            raise ValueError("the classes up to this one load the server to 1 or more")
        sojourns.append((mean * (1 - s) + r) / ((1 - before) * (1 - s)))
    return sojourns


class BulkService(NamedTuple):
    """M/M^[N]/1 bulk service: the root ``r0``, idle probability, mean queue and mean wait."""

    root: float
    idle_probability: float
    mean_queue: float
    mean_wait: float


def bulk_service(arrival_rate: float, mean_service: float, batch: int) -> BulkService:
    """M/M^[N]/1: one server takes ``min(queue, N)`` at once (Gross et al., section 3.2, S90).

    ``r0`` is the root in (0, 1) of ``mu r^(N+1) - (lambda + mu) r + lambda = 0``. With the server
    busy, ``q`` waiting has probability ``C r0^q``; idle (then nobody waits) has ``mu / lambda C``
    by the balance of the idle state, so ``C = 1 / (mu / lambda + 1 / (1 - r0))``,
    ``Lq = C r0 / (1 - r0)^2`` and ``Wq = Lq / lambda`` (Little).
    """
    mu = 1.0 / mean_service
    if arrival_rate >= batch * mu:
        raise ValueError("unstable: lambda >= N mu")
    coefficients = np.zeros(batch + 2)
    coefficients[0], coefficients[batch] = mu, -(arrival_rate + mu)
    coefficients[batch + 1] = arrival_rate
    roots = np.roots(coefficients)
    inside = [float(r.real) for r in roots if abs(r.imag) < 1e-9 and 1e-12 < r.real < 1 - 1e-9]
    if len(inside) != 1:
        raise ValueError(f"expected one root in (0, 1), found {inside}")
    r0 = inside[0]
    c = 1.0 / (mu / arrival_rate + 1.0 / (1.0 - r0))
    queue = c * r0 / (1.0 - r0) ** 2
    return BulkService(r0, mu / arrival_rate * c, queue, queue / arrival_rate)
