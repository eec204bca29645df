"""Cost-vs-service optimisation: a target checked from replications, the frontier, the choice.

A candidate set-up is a number of servers for each named resource. Its cost per day is the sum
over resources of servers x cost per server-hour x staffed hours per day (the resource's
calendar: 24 x its measured available fraction). Its service is a flow's arrival->release,
measured per replication: the p90 (hours), or the share of cases released within a number of
hours (from the replication's percentiles). A target is met with 95% confidence when the
one-sided 95% bound of the mean over replications is on the right side of the limit (a
Student-t bound, as Batur & Kim 2010 check feasibility); when the two-sided interval still
straddles the limit, the candidate is *undecided* and more replications are run (sequential
replications, up to a maximum). Every candidate runs on the same root seed and replication
numbers (common random numbers).

The choice is the cheapest candidate found feasible; among candidates of equal cost, the one with
the best bound. Cost is known exactly (it is not simulated), so no ranking-and-selection over cost
is needed; the statistical error lies in the feasibility check alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearsim.analysis.levers import LEVER_SEGMENT
from clearsim.analysis.statistics import DEFAULT_CONFIDENCE, mean_confidence_interval
from clearsim.models.records import RunSummary

FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
UNDECIDED = "undecided"
P90 = "p90"
WITHIN = "within"
TARGET_PATTERN = re.compile(
    r"^\s*(?:(?P<p90>p90)\s*<=\s*(?P<limit>[0-9.]+)\s*h?"
    r"|within\s*(?P<hours>[0-9.]+)\s*h?\s*>=\s*(?P<share>[0-9.]+)\s*(?P<pct>%?))\s*$"
)


class TargetError(ValueError):
    """A target cannot be read (one line naming the option)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A service target for one flow's arrival->release (or every flow's, when ``flow`` is None).

    ``p90 <= limit`` hours, or ``within hours >= limit`` (a share in (0, 1]).
    """

    kind: str
    limit: float
    hours: float = math.nan
    flow: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        """The target as a user writes it."""
        where = "" if self.flow is None else f" for {'/'.join(self.flow)}"
        if self.kind == P90:
            return f"p90 arrival->release <= {self.limit:g} h{where}"
        return f">= {100 * self.limit:g}% released within {self.hours:g} h{where}"

    @property
    def upper(self) -> bool:
        """The statistic must stay below its limit (a p90), not above it (a share)."""
        return self.kind == P90


def parse_target(text: str, flow: str | None = None) -> Target:
    """``p90<=24`` or ``within48>=90%`` (or ``>=0.9``); ``flow`` is ``direction/mode``."""
    match = TARGET_PATTERN.match(text)
    where: tuple[str, str] | None = None
    if flow is not None:
        parts = flow.split("/")
        if len(parts) != 2 or not all(parts):
            raise TargetError(f"--flow must be direction/mode, e.g. import/sea (got {flow!r})")
        where = (parts[0], parts[1])
    if match is None:
        raise TargetError(f"--target must be 'p90<=HOURS' or 'withinHOURS>=SHARE' (got {text!r})")
    try:
        if match["p90"]:
            limit = float(match["limit"])
            if not (math.isfinite(limit) and limit > 0):
                raise ValueError
            return Target(P90, limit, flow=where)
        hours, share = float(match["hours"]), float(match["share"])
    except ValueError:
        raise TargetError(f"--target {text!r}: a limit is not a positive number") from None
    share = share / 100 if match["pct"] else share
    if not (math.isfinite(hours) and hours > 0 and 0 < share <= 1):
        raise TargetError(f"--target {text!r}: hours must be > 0 and the share in (0, 1]")
    return Target(WITHIN, share, hours, where)


def _share_within(hours: Sequence[float], limit_h: float) -> float:
    """Share of cases at or below ``limit_h`` from the 0th..100th percentiles (interpolated)."""
    if not hours:
        return math.nan
    if limit_h >= hours[-1]:
        return 1.0
    if limit_h < hours[0]:
        return 0.0
    step = 1 / (len(hours) - 1)
    for i in range(1, len(hours)):
        if hours[i] > limit_h:
            low, high = hours[i - 1], hours[i]
            return step * (i - 1 + (limit_h - low) / (high - low))
    return 1.0


def replication_values(
    runs: Sequence[RunSummary], target: Target
) -> dict[tuple[str, str], list[float]]:
    """Per flow: the target's statistic in each replication (sorted by replication)."""
    table: dict[tuple[str, str], list[float]] = {}
    for summary in sorted(runs, key=lambda s: s.replication):
        if target.kind == P90:
            for stat in summary.segments:
                if stat.segment == LEVER_SEGMENT and stat.channel == "all":
                    table.setdefault((stat.direction, stat.mode), []).append(stat.p90_h)
        else:
            for dist in summary.distributions:
                if dist.segment == LEVER_SEGMENT:
                    share = _share_within(dist.hours, target.hours)
                    table.setdefault((dist.direction, dist.mode), []).append(share)
    if target.flow is not None:
        return {target.flow: table.get(target.flow, [])}
    return table


@dataclass(frozen=True, slots=True)
class Check:
    """A candidate's target statistic over its replications and the verdict."""

    flow: tuple[str, str]
    mean: float
    half_width: float
    """Two-sided 90% half-width: mean +/- it are the two one-sided 95% bounds."""
    n: int
    verdict: str


def check_target(
    runs: Sequence[RunSummary], target: Target, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[str, tuple[Check, ...]]:
    """Verdict of the target over every flow it names: feasible only if every flow is.

    A flow is feasible when its one-sided ``confidence`` bound meets the limit, infeasible when
    the opposite bound misses it, else undecided; a flow with no measured case is infeasible.
    """
    checks = []
    for flow, values in replication_values(runs, target).items():
        estimate = mean_confidence_interval(values, 2 * confidence - 1)
        mean, half = estimate.mean, estimate.half_width
        if not (math.isfinite(mean) and math.isfinite(half)):
            verdict = INFEASIBLE
        elif target.upper:
            verdict = (FEASIBLE if mean + half <= target.limit
                       else INFEASIBLE if mean - half > target.limit else UNDECIDED)  # fmt: skip
        else:
            verdict = (FEASIBLE if mean - half >= target.limit
                       else INFEASIBLE if mean + half < target.limit else UNDECIDED)  # fmt: skip
        checks.append(Check(flow, mean, half, estimate.n, verdict))
    if not checks:
        return INFEASIBLE, ()
    verdicts = {c.verdict for c in checks}
    overall = (INFEASIBLE if INFEASIBLE in verdicts
               else UNDECIDED if UNDECIDED in verdicts else FEASIBLE)  # fmt: skip
    return overall, tuple(checks)


def staffed_hours_per_day(runs: Sequence[RunSummary]) -> dict[str, float]:
    """Each resource's staffed hours per day: 24 x its mean available fraction (its calendar)."""
    fractions: dict[str, list[float]] = {}
    for summary in runs:
        for stat in summary.resources:
            fractions.setdefault(stat.resource, []).append(stat.available_fraction)
    return {name: 24.0 * math.fsum(f) / len(f) for name, f in fractions.items()}


def daily_cost(
    servers: Mapping[str, int], cost_per_hour: Mapping[str, float], staffed_h: Mapping[str, float]
) -> float:
    """Cost per day of a set-up: servers x cost per server-hour x staffed hours per day."""
    return math.fsum(
        n * cost_per_hour.get(r, 0.0) * staffed_h.get(r, 24.0) for r, n in servers.items()
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """One evaluated set-up: its servers, cost, verdict and target statistic per flow."""

    servers: dict[str, int]
    cost_per_day: float
    verdict: str
    checks: tuple[Check, ...]
    replications: int

    @property
    def label(self) -> str:
        """``customs_officers=4 inspection_lanes=2``."""
        return " ".join(f"{r}={n}" for r, n in self.servers.items())


def _worst(candidate: Candidate, target: Target) -> float:
    """The unfavourable bound of the candidate's worst flow (lower is better)."""
    if not candidate.checks:
        return math.inf
    if target.upper:
        return max(c.mean + c.half_width for c in candidate.checks)
    return -min(c.mean - c.half_width for c in candidate.checks)


def choose(candidates: Sequence[Candidate], target: Target) -> Candidate | None:
    """The cheapest feasible candidate (ties: the best bound, then the label); None if none."""
    feasible = [c for c in candidates if c.verdict == FEASIBLE]
    if not feasible:
        return None
    return min(feasible, key=lambda c: (c.cost_per_day, _worst(c, target), c.label))


def frontier(candidates: Sequence[Candidate], target: Target) -> list[Candidate]:
    """The cost-vs-service frontier: no other candidate is as cheap with as good a bound."""
    ranked = sorted(candidates, key=lambda c: (c.cost_per_day, _worst(c, target), c.label))
    kept: list[Candidate] = []
    best = math.inf
    for candidate in ranked:
        worst = _worst(candidate, target)
        if worst < best:
            kept.append(candidate)
            best = worst
    return kept
