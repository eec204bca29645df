"""Same scenario + seed = identical event log; parallel replications = sequential ones."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import yaml
from factories import BASELINE, MMC, short_sea_import

from clearsim.flows.execution.replications import run_replications
from clearsim.models.records import RunSummary
from clearsim.scenarios.load import load_scenario, read_document
from clearsim.simulation.log.recorder import check_event_log
from clearsim.simulation.run import run_replication


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
    scenario = load_scenario(MMC, horizon_min=20_000.0, warmup_min=1_000.0)
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


def test_mapping_order_changes_neither_hash_nor_log(tmp_path: Path) -> None:
    """Equal hashes mean equal replications: reordering YAML mappings changes nothing."""
    document = read_document(BASELINE)
    reordered = dict(reversed(list(document.items())))
    reordered["resources"] = dict(reversed(list(document["resources"].items())))
    reordered["network"]["nodes"] = dict(reversed(list(document["network"]["nodes"].items())))
    process = reordered["processes"][0]
    process["destinations"] = dict(reversed(list(process["destinations"].items())))
    path = tmp_path / "reordered.yaml"
    path.write_text(yaml.safe_dump(reordered, sort_keys=False), encoding="utf-8")
    short = {"horizon_min": 3 * 1440.0, "warmup_min": 1440.0}
    original, shuffled = load_scenario(BASELINE, **short), load_scenario(path, **short)
    assert shuffled.scenario_hash == original.scenario_hash
    assert run_replication(shuffled, 0, 3).log.rows == run_replication(original, 0, 3).log.rows
