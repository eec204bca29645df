"""The shipped scenario catalogue hangs together: baselines, reforms, the Wuhan composition."""

from __future__ import annotations

from typing import Any

import pytest
from factories import SCENARIOS

from clearsim.scenarios.catalogue import shipped_scenarios
from clearsim.scenarios.load import load_scenario, read_document

SINGLE_MODE_BASELINES = (
    "sea_import_baseline.yaml",
    "sea_export_baseline.yaml",
    "rail_import_baseline.yaml",
    "air_cargo_baseline.yaml",
    "cbec_1210_baseline.yaml",
    "cbec_9610_baseline.yaml",
)

EXPORT_BASELINES = ("market_1039_baseline.yaml",)
"""Single-mode baselines of the CBEC export kinds, not yet part of wuhan_baseline.yaml."""

REFORM_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sea_import_ship_side_pickup.yaml": ("yangluo_import", ("ship_side_pickup",)),
    "sea_import_two_step_advance.yaml": ("yangluo_import", ("declaration",)),
    "sea_import_remote_inspection.yaml": ("yangluo_import", ("inspection",)),
    "sea_import_aeo_priority.yaml": ("yangluo_import", ("aeo_queue_priority",)),
    "sea_export_direct_loading.yaml": ("yangluo_export", ("direct_loading",)),
    "rail_fast_clearance.yaml": ("wujiashan_rail_import", ("fast_clearance",)),
    "rail_bonded_storage.yaml": ("wujiashan_rail_import", ("bonded_storage",)),
    "air_apron_direct.yaml": ("tianhe_air", ("apron_pickup", "apron_loading")),
    "air_airside_transfer.yaml": ("tianhe_air", ("airside_transfer",)),
    "cbec_1210_same_warehouse.yaml": ("east_lake_1210", ("same_warehouse",)),
}
"""Single-reform file -> (process, the fields it changes), which all_reforms.yaml restates."""


def _process(path_name: str, process: str) -> dict[str, Any]:
    scenario = load_scenario(SCENARIOS / path_name)
    (spec,) = [p for p in scenario.processes if p.name == process]
    return spec.model_dump(mode="json")


def test_every_top_level_file_is_a_baseline_or_extends_one() -> None:
    for entry in shipped_scenarios():
        if entry.path.parent != SCENARIOS:
            continue
        raw = entry.path.read_text(encoding="utf-8")
        is_baseline = entry.path.name in SINGLE_MODE_BASELINES + EXPORT_BASELINES
        assert is_baseline or "\nextends:" in raw or raw.startswith("extends:"), entry.path.name


def test_wuhan_baseline_runs_every_mode_with_the_single_mode_processes() -> None:
    wuhan = load_scenario(SCENARIOS / "wuhan_baseline.yaml")
    kinds = {p.kind for p in wuhan.processes}
    assert kinds == {
        "sea_import", "sea_export", "rail_import", "air_cargo", "cbec_1210", "cbec_9610",
    }  # fmt: skip
    for file in SINGLE_MODE_BASELINES:
        for process in load_scenario(SCENARIOS / file).processes:
            (same,) = [p for p in wuhan.processes if p.name == process.name]
            assert same == process, f"{process.name} differs from {file}"


@pytest.mark.parametrize("reform", sorted(REFORM_FIELDS))
def test_all_reforms_restates_each_single_reform(reform: str) -> None:
    """all_reforms.yaml makes exactly the change each single-reform file makes."""
    process, fields = REFORM_FIELDS[reform]
    single, combined = _process(reform, process), _process("all_reforms.yaml", process)
    for field in fields:
        assert combined[field] == single[field], f"{process}.{field} of {reform}"


def test_all_reforms_puts_customs_on_7x24_everywhere() -> None:
    resources = load_scenario(SCENARIOS / "all_reforms.yaml").resources
    customs = [name for name in resources if "officers" in name or "inspection_lanes" in name]
    assert len(customs) >= 6
    staffed = {name: resources[name].calendar for name in customs}
    assert {name for name, cal in staffed.items() if cal != "always"} <= {
        "east_lake_unpack_officers",
        "dongxihu_unpack_officers",
    }


def test_double11_peak_combines_both_cbec_peaks_at_three_times() -> None:
    document = read_document(SCENARIOS / "double11_peak.yaml")
    assert document["kind"] == "terminating"
    scenario = load_scenario(SCENARIOS / "double11_peak.yaml")
    multipliers = {
        p.kind: getattr(p, "order_multiplier", None) or getattr(p, "parcel_multiplier", None)
        for p in scenario.processes
    }
    assert multipliers == {"cbec_1210": 3, "cbec_9610": 3}
