"""Same scenario + seed = identical event log; parallel replications = sequential ones."""

from __future__ import annotations

import json
from dataclasses import asdict

from factories import short_sea_import

from flows.replications import run_replications
from models.records import RunSummary
from simulation.recorder import check_event_log
from simulation.run import run_replication


def _canonical(summary: RunSummary) -> str:
    return json.dumps(asdict(summary), sort_keys=True)  # NaN-safe equality


def test_same_seed_gives_an_identical_event_log() -> None:
    scenario = short_sea_import(days=5, warmup_days=1)
    first = run_replication(scenario, 2, 99)
    second = run_replication(scenario, 2, 99)
    check_event_log(first.log)
    assert len(first.log.rows) > 10_000
    assert first.log.rows == second.log.rows
    assert first.log.capacity_rows == second.log.capacity_rows
    assert first.log.cases == second.log.cases
    assert _canonical(first.summary) == _canonical(second.summary)


def test_other_replication_or_seed_gives_another_log() -> None:
    scenario = short_sea_import(days=3, warmup_days=1)
    base = run_replication(scenario, 0, 99).log.rows
    assert run_replication(scenario, 1, 99).log.rows != base
    assert run_replication(scenario, 0, 100).log.rows != base


def test_parallel_replications_equal_sequential_ones() -> None:
    scenario = short_sea_import(days=4, warmup_days=1)
    sequential = run_replications(scenario, range(4), 5, workers=1)
    parallel = run_replications(scenario, range(4), 5, workers=2)
    assert [s.replication for s in parallel] == [0, 1, 2, 3]
    assert [_canonical(s) for s in parallel] == [_canonical(s) for s in sequential]


def test_scenario_name_and_seed_do_not_change_the_hash() -> None:
    scenario = short_sea_import(days=4)
    renamed = scenario.model_copy(update={"name": "other", "seed": 1, "replications": 3})
    assert renamed.scenario_hash == scenario.scenario_hash
    longer = scenario.model_copy(update={"horizon_min": scenario.horizon_min + 1})
    assert longer.scenario_hash != scenario.scenario_hash
