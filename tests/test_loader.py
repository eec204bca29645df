"""Bad scenario input gives one clear line naming file, field path and reason (and exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from factories import BASELINE, MMC

from clearsim.scenarios.load import ScenarioError, load_scenario, read_document


def _write(path: Path, data: dict | str) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _variant(tmp_path: Path, name: str, body: dict) -> Path:
    """A file that extends the shipped baseline with ``body``."""
    return _write(tmp_path / name, {"extends": str(BASELINE), **body})


def _error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert "\n" not in str(error)
    return error


def test_shipped_scenarios_load() -> None:
    scenario = load_scenario(BASELINE)
    assert scenario.name == "sea_import_baseline"
    assert scenario.processes[0].name == "yangluo_import"


def test_unknown_field(tmp_path: Path) -> None:
    error = _error(_variant(tmp_path, "a.yaml", {"colour": "red"}))
    assert error.file.name == "a.yaml"
    assert error.field == "colour"
    assert "unknown field 'colour'" in error.reason


def test_unknown_nested_field_in_a_process(tmp_path: Path) -> None:
    path = _variant(tmp_path, "a.yaml", {"processes": [{"name": "yangluo_import", "speed": 3}]})
    error = _error(path)
    assert error.field == "processes.0.speed"
    assert "unknown field" in error.reason


def test_wrong_type(tmp_path: Path) -> None:
    error = _error(_variant(tmp_path, "a.yaml", {"horizon_min": "two weeks"}))
    assert error.field == "horizon_min"
    assert "number" in error.reason


@pytest.mark.parametrize("rate", [0, -1.5])
def test_zero_or_negative_rate(tmp_path: Path, rate: float) -> None:
    body = {
        "processes": [
            {
                "name": "yangluo_import",
                "vessel_arrivals": {"kind": "poisson", "rate_per_hour": rate},
            }
        ]
    }
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert error.field == "processes.0.vessel_arrivals.rate_per_hour"
    assert "greater than 0" in error.reason


def test_channel_probabilities_must_sum_to_one(tmp_path: Path) -> None:
    shares = {"green": 0.8, "yellow": 0.1, "red": 0.05}
    body = {"processes": [{"name": "yangluo_import", "risk": {"general": shares}}]}
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert error.field == "processes.0.risk.general"
    assert "sum to 1" in error.reason


def test_destination_shares_must_sum_to_one(tmp_path: Path) -> None:
    body = {"processes": [{"name": "yangluo_import", "destinations": {"DONGXIHU_DC": 0.9}}]}
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert error.field.startswith("processes.0")
    assert "destinations must sum to 1" in error.reason


def test_disconnected_graph(tmp_path: Path) -> None:
    network = read_document(BASELINE)["network"]
    network["nodes"]["ISLAND"] = {"kind": "bonded_zone", "lat": 30.0, "lon": 114.0}
    error = _error(_variant(tmp_path, "a.yaml", {"network": network}))
    assert error.field == "network"
    assert "disconnected" in error.reason and "ISLAND" in error.reason


def test_edge_to_an_undefined_node(tmp_path: Path) -> None:
    network = read_document(BASELINE)["network"]
    network["edges"].append(
        {
            "source": "YANGLUO_PORT",
            "target": "NO_SUCH_PORT",
            "mode": "road",
            "km": 20,
            "travel_min": {"kind": "deterministic", "value_min": 30},
        }
    )
    error = _error(_variant(tmp_path, "a.yaml", {"network": network}))
    assert error.field == "network"
    assert "'NO_SUCH_PORT', which is not defined" in error.reason


def test_process_references_an_undefined_node(tmp_path: Path) -> None:
    body = {"processes": [{"name": "yangluo_import", "inspection_node": "NOWHERE"}]}
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert "processes.0: node 'NOWHERE' is referenced but not defined" in str(error)


def test_resource_references_an_undefined_calendar(tmp_path: Path) -> None:
    body = {"resources": {"gate_lanes": {"calendar": "night_shift"}}}
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert "resources.gate_lanes.calendar: calendar 'night_shift' is not defined" in str(error)


def test_extends_cycle(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", {"extends": "b.yaml", "name": "a"})
    _write(tmp_path / "b.yaml", {"extends": "a.yaml", "name": "b"})
    error = _error(tmp_path / "a.yaml")
    assert error.field == "extends"
    assert "extends cycle: a.yaml -> b.yaml -> a.yaml" in error.reason


def test_missing_file(tmp_path: Path) -> None:
    error = _error(tmp_path / "nope.yaml")
    assert str(error) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_missing_parent_file(tmp_path: Path) -> None:
    error = _error(_write(tmp_path / "a.yaml", {"extends": "gone.yaml"}))
    assert error.file.name == "a.yaml"
    assert error.field == "extends"
    assert "file not found" in error.reason and "gone.yaml" in error.reason


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    error = _error(_write(tmp_path / "a.yaml", "name: x\nresources: {a: [1, 2}\n"))
    assert "invalid YAML at line 2" in error.reason


def test_error_names_the_file_that_set_the_field(tmp_path: Path) -> None:
    """A bad value inherited from a parent is blamed on the parent."""
    _write(tmp_path / "parent.yaml", {**read_document(MMC), "warmup_min": -5})
    error = _error(_write(tmp_path / "child.yaml", {"extends": "parent.yaml", "name": "child"}))
    assert error.file.name == "parent.yaml"
    assert error.field == "warmup_min"


def test_named_lists_merge_by_name(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, "a.yaml", {"processes": [{"name": "yangluo_import", "aeo_share": 0.4}]}
    )
    scenario = load_scenario(path)
    assert len(scenario.processes) == 1
    assert scenario.processes[0].aeo_share == 0.4
    assert scenario.processes[0].inspection.duration_min.mean > 0  # inherited from the parent


def test_a_variant_can_change_a_distribution_kind(tmp_path: Path) -> None:
    """A mapping with another ``kind`` replaces the parent's instead of merging into it."""
    body = {
        "processes": [
            {
                "name": "yangluo_import",
                "inspection": {"duration_min": {"kind": "exponential", "mean_min": 100}},
            }
        ]
    }
    scenario = load_scenario(_variant(tmp_path, "a.yaml", body))
    assert scenario.processes[0].inspection.duration_min.kind == "exponential"
    assert scenario.processes[0].inspection.duration_min.mean == 100


def test_error_inside_a_distribution_names_the_field_not_the_kind(tmp_path: Path) -> None:
    bad = {"kind": "triangular", "low_min": 9, "mode_min": 2, "high_min": 10}
    body = {"processes": [{"name": "yangluo_import", "inspection": {"duration_min": bad}}]}
    error = _error(_variant(tmp_path, "a.yaml", body))
    assert error.field == "processes.0.inspection.duration_min"
    assert "low_min <= mode_min <= high_min" in error.reason


def test_a_stage_cannot_take_a_milestone_name(tmp_path: Path) -> None:
    stage = {
        "activity": "release",
        "resource": "inspection_lanes",
        "service_min": {"kind": "exponential", "mean_min": 5},
    }
    body = {"processes": [{"name": "inspection_queue", "stages": [stage]}]}
    path = _write(tmp_path / "a.yaml", {"extends": str(MMC), **body})
    assert "milestone name" in _error(path).reason


@pytest.mark.parametrize("marker", ["arrival", "exit", "delivery"])
def test_a_stage_cannot_record_arrival_or_exit(tmp_path: Path, marker: str) -> None:
    stage = {
        "activity": "inspection",
        "resource": "inspection_lanes",
        "service_min": {"kind": "exponential", "mean_min": 5},
        "milestone_on_complete": marker,
    }
    body = {"processes": [{"name": "inspection_queue", "stages": [stage]}]}
    error = _error(_write(tmp_path / "a.yaml", {"extends": str(MMC), **body}))
    assert error.field == "processes.0.stages.0.milestone_on_complete"


def test_extends_a_list_composes_parents_left_to_right(tmp_path: Path) -> None:
    """Two single-process files compose into one scenario with both processes."""
    base = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    base["network"] = str(BASELINE.parent / base["network"])
    first = dict(base, horizon_min=5000)
    second = dict(base, horizon_min=6000, warmup_min=1000)
    second["processes"] = [dict(base["processes"][0], name="second_port")]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(first), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(second), encoding="utf-8")
    (tmp_path / "both.yaml").write_text("extends: [a.yaml, b.yaml]\nname: both\n", encoding="utf-8")
    scenario = load_scenario(tmp_path / "both.yaml")
    assert [p.name for p in scenario.processes] == ["yangluo_import", "second_port"]
    assert scenario.horizon_min == 6000 and scenario.name == "both"


def test_extends_must_name_files(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("extends: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="extends: must be the path of a scenario file"):
        load_scenario(tmp_path / "bad.yaml")
