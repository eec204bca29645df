"""The search of ``clearsim optimise``: Optuna's ask-and-tell over the server counts.

Optuna (a maintained optimiser library) samples the discrete space: its TPE sampler, seeded from
the study's root seed, proposes integer server counts; each proposal is evaluated by simulating
the candidate on common random numbers and checking the target statistically
(:func:`clearsim.analysis.optimise.check_target`). A candidate that stays undecided gets more
replications (``step`` at a time, up to ``max_replications``). Optuna is told the cost of a
feasible candidate, and of an infeasible one a cost above every set-up's, so that it learns to
look for cheap feasible set-ups. With ``grid`` every set-up is evaluated in order: the reference
the search is measured against.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from clearsim.analysis.optimise import FEASIBLE, UNDECIDED, Candidate, Target, check_target
from clearsim.models.records import RunSummary
from clearsim.scenarios.optimise import Servers

Simulate = Callable[[dict[str, int], int], Sequence[RunSummary]]
"""(server counts, replications) -> replications 0..n-1 of that set-up (stored, resumable)."""
Cost = Callable[[dict[str, int], Sequence[RunSummary]], float]


def evaluate(
    counts: dict[str, int],
    simulate: Simulate,
    cost: Cost,
    target: Target,
    replications: int,
    max_replications: int,
) -> Candidate:
    """Simulate ``replications``, and more while the verdict is undecided (sequential)."""
    n = replications
    while True:
        runs = simulate(counts, n)
        verdict, checks = check_target(runs, target)
        if verdict != UNDECIDED or n >= max_replications:
            return Candidate(dict(counts), cost(counts, runs), verdict, checks, n)
        n = min(max_replications, n + replications)


def search(
    servers: Sequence[Servers],
    simulate: Simulate,
    cost: Cost,
    target: Target,
    replications: int,
    max_replications: int,
    *,
    trials: int,
    seed: int,
    grid: bool = False,
) -> list[Candidate]:
    """The candidates evaluated, in the order they were (each set-up once)."""
    space = {s.resource: list(s.counts) for s in servers}
    if grid:  # every set-up, cheapest counts first: the reference the search is measured against
        return [
            evaluate(dict(zip(space, counts, strict=True)), simulate, cost, target,
                     replications, max_replications)
            for counts in itertools.product(*space.values())
        ]  # fmt: skip
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    size = math.prod(len(v) for v in space.values())
    sampler = optuna.samplers.TPESampler(seed=seed % 2**32, n_startup_trials=min(5, trials))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    worst_cost = cost({s.resource: s.high for s in servers}, ())
    seen: dict[tuple[int, ...], Candidate] = {}
    # A repeated proposal is told its earlier value and does not count; the space bounds the loop.
    asked = 0
    while len(seen) < min(trials, size) and asked < 20 * max(trials, size):
        asked += 1
        trial = study.ask()
        counts = {s.resource: trial.suggest_int(s.resource, s.low, s.high) for s in servers}
        key = tuple(counts.values())
        if key not in seen:
            seen[key] = evaluate(counts, simulate, cost, target, replications, max_replications)
        found = seen[key]
        feasible = found.verdict == FEASIBLE
        study.tell(trial, found.cost_per_day if feasible else worst_cost + 1 + found.cost_per_day)
    return list(seen.values())
