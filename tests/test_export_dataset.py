"""Datasets of the export baselines: export tables, valid codes, links, OCEL and XES read back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pm4py
import pyarrow.parquet as pq
import pytest
from factories import SCENARIOS
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.flows.dataset.export_goods import EXPORT_GOODS
from clearsim.flows.dataset.identifiers import iso6346_check

runner = CliRunner()
BASELINES = {
    # A short day of the busy ones; a half-day consolidation period so declarations are made.
    "cbec_9610_export": (
        "0.1",
        "processes.dongxihu_9610_export.regime.period_min=60",
        "processes.dongxihu_9610_export.regime.due_after_period_min=60",
    ),
    "cbec_1210_export": ("0.25",),
    "cbec_9710": ("1",),
    "cbec_9810": ("1",),
    "market_1039": ("1",),
}
CODES = {
    "cbec_9610_export": "9610",
    "cbec_1210_export": "1210",
    "cbec_9710": "9710",
    "cbec_9810": "9810",
    "market_1039": "1039",
}
FULL_CODES = {line.code for line in EXPORT_GOODS}


def _build(out: Path, kind: str, seed: int = 3) -> None:
    days, *settings = BASELINES[kind]
    options = ["--days", days, "--seed", str(seed), "--quiet"]
    for setting in settings:
        options += ["--set", setting]
    scenario = SCENARIOS / f"{kind}_baseline.yaml"
    result = runner.invoke(app, ["dataset", str(scenario), "--out", str(out), *options])
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One short dataset of each export baseline."""
    root = tmp_path_factory.mktemp("export")
    for kind in BASELINES:
        _build(root / kind, kind)
    return {kind: root / kind for kind in BASELINES}


def _table(path: Path, name: str) -> pd.DataFrame:
    return pq.read_table(path / f"{name}.parquet").to_pandas()


def _digits(code: str, regime: str) -> int:
    if code == "9610" and regime == "A":
        return 4
    if code in ("9710", "9810") and regime == "list":
        return 6
    return 10


@pytest.mark.parametrize("kind", list(BASELINES))
def test_every_declared_export_case_has_its_list(datasets: dict[str, Path], kind: str) -> None:
    out = datasets[kind]
    lists = _table(out, "export_lists")
    declarations = _table(out, "declarations")
    assert len(lists) > 0
    assert set(lists.case_id) == set(declarations.case_id)
    assert lists.declaration_no.is_unique
    assert set(lists.declaration_no) <= set(declarations.declaration_no)
    assert (lists.declaration_no.str[8] == "0").all()  # the export flag
    assert (lists.supervision_code == CODES[kind]).all()
    for code, regime, hs in zip(lists.supervision_code, lists.regime, lists.hs_code, strict=True):
        assert len(hs) == _digits(code, regime)
        assert any(full.startswith(hs) for full in FULL_CODES)
    assert lists.destination_country.str.fullmatch("[A-Z]{2}").all()
    assert set(lists.exporter_id) <= set(_table(out, "enterprises").enterprise_id)
    # No consumer, import tax or import list for export parcels.
    assert len(_table(out, "orders")) == len(_table(out, "cbec_lists")) == 0


def test_regimes_and_lines(datasets: dict[str, Path]) -> None:
    parcels = _table(datasets["cbec_9610_export"], "export_lists")
    assert set(parcels.regime) == {"A", "B"}
    assert parcels[parcels.regime == "A"].consolidated_declaration_no.isna().all()
    b2b = _table(datasets["cbec_9710"], "export_lists")
    assert set(b2b.regime) <= {"list", "form"}
    assert (b2b[b2b.regime == "list"].value_cny <= 5000).all()
    market = _table(datasets["market_1039"], "export_lists")
    assert set(market.regime) <= {"simplified", "itemised"}
    assert (market.declared_lines >= 1).all() and market.value_simulated.all()


@pytest.mark.parametrize("kind", ["cbec_9610_export", "cbec_1210_export"])
def test_consolidated_declarations_count_their_lists(datasets: dict[str, Path], kind: str) -> None:
    out = datasets[kind]
    declarations = _table(out, "consolidated_declarations")
    lists = _table(out, "export_lists")
    assert len(declarations) > 0 and declarations.declaration_no.is_unique
    inside = lists.dropna(subset=["consolidated_declaration_no"])
    counted = inside.groupby("consolidated_declaration_no").size()
    by_no = declarations.set_index("declaration_no")
    assert counted.to_dict() == by_no.lists[by_no.lists > 0].to_dict()
    values = inside.groupby("consolidated_declaration_no").value_cny.sum()
    assert (values - by_no.value_cny[values.index]).abs().max() < 0.05
    for no, exporters in inside.groupby("consolidated_declaration_no").exporter_id:
        assert set(exporters) == {by_no.exporter_id[no]}


def test_orders_and_warehouse_consignments(datasets: dict[str, Path]) -> None:
    orders = _table(datasets["cbec_9710"], "b2b_orders")
    links = _table(datasets["cbec_9710"], "links")
    part_of = links[links.qualifier == "part_of"].groupby("related_case_id").size()
    assert orders.order_no.is_unique and (orders.consignments >= 1).all()
    assert orders.set_index("case_id").consignments.to_dict() == part_of.to_dict()
    out = datasets["cbec_9810"]
    consignments = _table(out, "warehouse_consignments")
    containers = _table(out, "containers")
    conveyances = _table(out, "conveyances")
    assert len(consignments) > 0 and consignments.booking_no.is_unique
    loaded = consignments.dropna(subset=["container_no"])
    assert set(loaded.container_no) <= set(containers.container_no)
    for number in loaded.container_no:
        assert iso6346_check(number[:10]) == int(number[10])
    trains = conveyances.set_index("case_id").number
    for case, number in zip(loaded.train_case_id, loaded.train_no, strict=True):
        assert trains[case] == number
    assert (consignments.warehouse_country == "DE").all()  # Duisburg


@pytest.mark.parametrize("kind", list(BASELINES))
def test_links_resolve_and_pm4py_reads(datasets: dict[str, Path], kind: str) -> None:
    out = datasets[kind]
    cases = set(_table(out, "cases").case_id)
    links = _table(out, "links")
    assert set(links.case_id) <= cases and set(links.related_case_id) <= cases
    ocel = pm4py.read_ocel2_json(str(out / "event_log.ocel.json"))
    types = set(ocel.objects["ocel:type"])
    assert "declaration" in types
    related = set(ocel.o2o["ocel:oid"]) | set(ocel.o2o["ocel:oid_2"])
    assert related <= set(ocel.objects["ocel:oid"])
    log = pm4py.read_xes(str(out / "event_log.xes"), return_legacy_log_object=False)
    assert len(log) > 0


def test_same_seed_same_bytes(datasets: dict[str, Path], tmp_path: Path) -> None:
    _build(tmp_path / "again", "cbec_9710")
    for name in ("export_lists.parquet", "b2b_orders.parquet"):
        first = hashlib.sha256((datasets["cbec_9710"] / name).read_bytes()).hexdigest()
        again = hashlib.sha256((tmp_path / "again" / name).read_bytes()).hexdigest()
        assert first == again
