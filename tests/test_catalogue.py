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
    "cbec_9610_export_baseline.yaml",
    "cbec_9710_baseline.yaml",
    "cbec_9810_baseline.yaml",
    "cbec_1210_export_baseline.yaml",
    "market_1039_baseline.yaml",
)


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
    "cbec_9710_inspect_before_loading.yaml": ("wuhan_b2b_export", ("inspect_before_loading",)),
    "cbec_9710_batch_inspection.yaml": ("wuhan_b2b_export", ("inspection.batch",)),
    "cbec_9710_video_inspection.yaml": ("wuhan_b2b_export", ("inspection.remote",)),
    "cbec_9710_simplified_documents.yaml": ("wuhan_b2b_export", ("documents",)),
    "cbec_9810_no_registration.yaml": ("wujiashan_9810", ("registration",)),
    "cbec_9810_simplified_documents.yaml": ("wujiashan_9810", ("documents",)),
    "market_1039_batch_inspection.yaml": ("hankou_north_1039", ("inspection.batch",)),
    "market_1039_video_inspection.yaml": ("hankou_north_1039", ("inspection.remote",)),
}
"""Single-reform file -> (process, the fields it changes, dotted below the process), which
all_reforms.yaml restates."""

STANDALONE_BASELINES = (
    "huashan_import_baseline.yaml",
    "huashan_export_baseline.yaml",
    "huahu_air_cargo_baseline.yaml",
    "rail_export_baseline.yaml",
)
"""Baselines standing alone, not in wuhan_baseline: a further site of a mode (another port or
airport), or a process kind not (yet) in the Wuhan composition nor in all_reforms.yaml."""


def _field(spec: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        spec = spec[part]
    return spec


def _process(path_name: str, process: str) -> dict[str, Any]:
    scenario = load_scenario(SCENARIOS / path_name)
    (spec,) = [p for p in scenario.processes if p.name == process]
    return spec.model_dump(mode="json")


def test_every_top_level_file_is_a_baseline_or_extends_one() -> None:
    for entry in shipped_scenarios():
        if entry.path.parent != SCENARIOS:
            continue
        raw = entry.path.read_text(encoding="utf-8")
        is_baseline = entry.path.name in (*SINGLE_MODE_BASELINES, *STANDALONE_BASELINES)
        assert is_baseline or "\nextends:" in raw or raw.startswith("extends:"), entry.path.name


def test_wuhan_baseline_runs_every_mode_with_the_single_mode_processes() -> None:
    wuhan = load_scenario(SCENARIOS / "wuhan_baseline.yaml")
    kinds = {p.kind for p in wuhan.processes}
    assert kinds == {
        "sea_import", "sea_export", "rail_import", "air_cargo", "cbec_1210", "cbec_9610",
        "cbec_9610_export", "cbec_9710", "cbec_9810", "cbec_1210_export", "market_1039",
    }  # fmt: skip
    flows = {(p.kind, p.name) for p in wuhan.processes}
    assert len(flows) == len(wuhan.processes) == 11
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
        assert _field(combined, field) == _field(single, field), f"{process}.{field} of {reform}"


def test_all_reforms_puts_customs_on_7x24_everywhere() -> None:
    resources = load_scenario(SCENARIOS / "all_reforms.yaml").resources
    customs = [name for name in resources if "officers" in name or "inspection_lanes" in name]
    assert len(customs) >= 6
    staffed = {name: resources[name].calendar for name in customs}
    # Officers who open parcels at a warehouse's or zone's exit line work the line's shifts.
    assert {name for name, cal in staffed.items() if cal != "always"} <= {
        "east_lake_unpack_officers",
        "dongxihu_unpack_officers",
        "dongxihu_cbz_check_officers",
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


def test_export_festival_peak_runs_both_retail_exports_at_three_times() -> None:
    """The overseas shopping festival: 9610 parcels x3, 1210 export orders at 3x the baseline."""
    document = read_document(SCENARIOS / "export_festival_peak.yaml")
    assert document["kind"] == "terminating"
    peak = {p.kind: p for p in load_scenario(SCENARIOS / "export_festival_peak.yaml").processes}
    base = load_scenario(SCENARIOS / "cbec_1210_export_baseline.yaml").processes[0]
    assert set(peak) == {"cbec_9610_export", "cbec_1210_export"}
    assert getattr(peak["cbec_9610_export"], "parcel_multiplier", None) == 3
    day = 1440.0
    rate = peak["cbec_1210_export"].orders.mean_rate_per_min(day)
    assert rate == pytest.approx(3 * base.orders.mean_rate_per_min(day))


def _named_sites(value: Any, sites: set[str], found: set[str]) -> None:
    """Collect the network sites a scenario's processes and resources name (keys or values)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in sites:
                found.add(key)
            _named_sites(item, sites, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _named_sites(item, sites, found)
    elif isinstance(value, str) and value in sites:
        found.add(value)


def test_every_site_of_the_wuhan_network_is_used_by_a_shipped_scenario() -> None:
    network = read_document(SCENARIOS / "networks" / "wuhan.yaml")
    sites = set(network["nodes"])
    found: set[str] = set()
    for entry in shipped_scenarios():
        scenario = load_scenario(entry.path)
        dumped = scenario.model_dump(mode="json")
        _named_sites({key: dumped[key] for key in ("resources", "processes")}, sites, found)
    assert sites - found == set(), "sites of networks/wuhan.yaml no shipped scenario uses"
