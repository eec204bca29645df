"""Processes that share no resource run apart and give exactly what they give alone."""

from __future__ import annotations

import math
from pathlib import Path

import yaml
from factories import DAY, SCENARIOS

from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.groups import independent_groups
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.run import RunResult, run_replication


def _short(path: Path) -> Scenario:
    return load_scenario(path, horizon_min=3 * DAY, warmup_min=DAY, drain_limit_min=5 * DAY)


def _outcomes(result: RunResult, process: str) -> list[tuple[float | None, ...]]:
    """Milestone times of the process's shipments (None for NaN, so lists compare equal)."""
    return [
        tuple(
            None if math.isnan(t) else t
            for t in (o.arrival_min, o.lodgement_min, o.release_min, o.exit_min, o.delivery_min)
        )
        for o in shipment_outcomes(result.log)
        if o.process == process
    ]


def test_groups_follow_shared_resources() -> None:
    wuhan = load_scenario(SCENARIOS / "wuhan_baseline.yaml")
    groups = [{p.name for p in g.processes} for g in independent_groups(wuhan)]
    # Yangluo's import and export share its berths and lanes; the B2B export's checks use the
    # inspection lanes of Yangluo, Tianhe and Wujiashan, which joins the air and rail processes.
    linked = {"yangluo_import", "yangluo_export", "tianhe_air", "wujiashan_rail_import"}
    assert linked | {"wuhan_b2b_export"} in groups
    assert len(groups) == 7
    resources = [r for g in independent_groups(wuhan) for r in g.resources]
    assert sorted(resources) == sorted(wuhan.resources)  # every resource in exactly one group


def test_a_composed_scenario_equals_its_parts_run_alone(tmp_path: Path) -> None:
    """Rail and 9610 composed: each process's milestones are those of its own scenario."""
    parts = ("rail_import_baseline.yaml", "cbec_9610_baseline.yaml")
    both = tmp_path / "both.yaml"
    both.write_text(
        yaml.safe_dump({"extends": [str(SCENARIOS / p) for p in parts], "name": "both"}),
        encoding="utf-8",
    )
    composed = _short(both)
    result = run_replication(composed, 0, composed.seed)  # conftest checks the merged log
    for part in parts:
        alone = _short(SCENARIOS / part)
        (process,) = alone.processes
        expected = _outcomes(run_replication(alone, 0, alone.seed), process.name)
        assert expected and _outcomes(result, process.name) == expected
    flows = {(s.direction, s.mode) for s in result.summary.segments}
    assert flows == {("import", "rail"), ("import", "cbec_9610")}
