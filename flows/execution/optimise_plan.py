"""Run the search of ``clearsim optimise`` on stored replications and make the study's plan.

Every error in the inputs is a :class:`clearsim.flows.execution.study_plans.PlanError` (one line
naming the option), raised before anything is simulated or stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from clearsim.analysis.optimise import (
    Candidate,
    Target,
    TargetError,
    choose,
    daily_cost,
    frontier,
    parse_target,
    staffed_hours_per_day,
)
from clearsim.flows.execution.study_design import OPTIMISE, StudyPlan
from clearsim.flows.execution.study_plans import PlanError, _check_common, _load, _plan
from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.scenarios.optimise import (
    DecisionError,
    Servers,
    candidate_scenario,
    parse_servers,
    parse_staffing,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MAX_REPLICATIONS_FACTOR = 4
"""An undecided candidate may reach 4 x the first replications by default [E]."""


@dataclass(frozen=True)
class OptimiseInputs:
    """The checked inputs: the base scenario (on the study's seed), variables, target."""

    base: Scenario
    servers: list[Servers]
    target: Target
    replications: int
    max_replications: int
    seed: int


def check_inputs(
    path: str,
    servers: Sequence[str],
    target: str,
    flow_name: str | None,
    replications: int | None,
    max_replications: int | None,
    seed: int | None,
    trials: int = 1,
    staff_24h: Sequence[str] = (),
) -> OptimiseInputs:
    """Read and check everything the command is given (a :class:`PlanError` on bad input)."""
    _check_common(replications, seed)
    if trials < 1:
        raise PlanError(f"--trials must be >= 1 (got {trials})")
    first = _load(path)
    n0 = replications or first.replications
    if n0 < 2:
        raise PlanError(f"--replications must be >= 2 to bound the target (got {n0})")
    nmax = max_replications or MAX_REPLICATIONS_FACTOR * n0
    if nmax < n0:
        raise PlanError(f"--max-replications ({nmax}) is below the replications ({n0})")
    base = _load(path, replications=n0, seed=first.seed if seed is None else seed)
    try:
        made = parse_servers(servers, base)
        made += parse_staffing(staff_24h, made, base)
        parsed = parse_target(target, flow_name)
        for s in made:  # every bound makes a valid scenario (a staffing flag: both values)
            candidate_scenario(base, {s.resource: s.low})
            candidate_scenario(base, {s.resource: s.high})
    except (DecisionError, TargetError) as error:
        raise PlanError(str(error)) from None
    return OptimiseInputs(base, made, parsed, n0, nmax, base.seed)


def candidate_json(candidate: Candidate, chosen: Candidate | None) -> dict[str, Any]:
    """One candidate as JSON: servers, cost, verdict, replications, per-flow statistic."""
    return {
        "servers": candidate.servers,
        "label": candidate.label,
        "cost_per_day": candidate.cost_per_day,
        "verdict": candidate.verdict,
        "replications": candidate.replications,
        "chosen": candidate is chosen,
        "flows": [
            {"flow": "/".join(c.flow), "mean": c.mean, "half_width_90": c.half_width, "n": c.n}
            for c in candidate.checks
        ],
    }


def optimise_plan(
    engine: Engine,
    path: str,
    servers: Sequence[str],
    target: str,
    flow_name: str | None,
    trials: int,
    grid: bool,
    replications: int | None,
    max_replications: int | None,
    seed: int | None,
    on_progress: Callable[[int, int], None] | None = None,
    staff_24h: Sequence[str] = (),
) -> tuple[StudyPlan, dict[str, Any]]:
    """Search (simulating and storing), then the study of the reference and every candidate."""
    from clearsim.flows.execution.optimise_search import search
    from clearsim.flows.execution.replications import default_workers, run_replications
    from clearsim.flows.storage.persistence import load_replications, store_replications
    from clearsim.flows.storage.provenance import code_version

    given = check_inputs(path, servers, target, flow_name, replications, max_replications, seed,
                         trials, staff_24h)  # fmt: skip
    version = code_version()
    spent = {"simulated": 0}
    staffed: dict[str, float] = {}

    def simulate(counts: dict[str, int], n: int) -> Sequence[RunSummary]:
        spec = candidate_scenario(given.base, counts)
        stored = load_replications(engine, spec.scenario_hash, given.seed, n, version)
        missing = sorted(set(range(n)) - {s.replication for s in stored})
        if missing:
            runs = run_replications(spec, missing, given.seed, default_workers(len(missing)))
            store_replications(engine, runs)
            spent["simulated"] += len(runs)
            stored = load_replications(engine, spec.scenario_hash, given.seed, n, version)
        if on_progress is not None:
            on_progress(spent["simulated"], max(spent["simulated"], 1))
        return stored

    def cost(counts: dict[str, int], runs: Sequence[RunSummary]) -> float:
        hours = staffed_hours_per_day(runs)  # the candidate's own calendars
        if runs and not staffed:
            staffed.update(hours)
        rates = {s.resource: s.cost_per_hour for s in given.servers}
        return daily_cost(counts, rates, hours)

    evaluated = search(
        given.servers, simulate, cost, given.target, given.replications,
        given.max_replications, trials=trials, seed=given.seed, grid=grid,
    )  # fmt: skip
    chosen = choose(evaluated, given.target)
    on_frontier = {c.label for c in frontier(evaluated, given.target)}
    block: dict[str, Any] = {
        "target": given.target.label,
        "limit": given.target.limit,
        "confidence": 0.95,
        "search": "grid" if grid else "tpe",
        "space": [asdict(s) for s in given.servers],
        "staffed_hours_per_day": staffed,
        "candidates": [
            candidate_json(c, chosen) | {"frontier": c.label in on_frontier} for c in evaluated
        ],
        "chosen": None if chosen is None else candidate_json(chosen, chosen),
        "replications_spent": sum(c.replications for c in evaluated),
        "simulated": spent["simulated"],
    }
    specs = [given.base, *(candidate_scenario(given.base, c.servers) for c in evaluated)]
    parameters: list[dict[str, Any]] = [{"file": path}]
    parameters += [{"servers": c.servers, "optimise_of": given.base.name} for c in evaluated]
    plan = _plan(
        OPTIMISE,
        specs,
        parameters,
        root_seed=given.seed,
        replications=given.replications,
        design={"file": path, "optimise": block},
    )
    return plan, block
