"""``clearsim dataset``: the tables agree with the simulated log, pm4py reads the exports, the
identifiers are well formed, the CBEC rules hold, and the same seed gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pm4py
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from factories import ROOT, SCENARIOS
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.flows.dataset.apart import simulate_apart
from clearsim.flows.dataset.identifiers import (
    container_number,
    id_number,
    id_number_valid,
    iso6346_check,
    uscc_valid,
)
from clearsim.flows.dataset.manifest import UNFINISHED
from clearsim.flows.dataset.ocel import case_relationships
from clearsim.flows.dataset.regions import PROVINCES, REGION_TOTALS, population_shares
from clearsim.flows.dataset.schema import SCHEMAS
from clearsim.flows.dataset.scope import dataset_scope, expected_orders
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.log.row_store import COLUMNS
from clearsim.simulation.run import simulate

runner = CliRunner()
D11 = SCENARIOS / "double11_peak.yaml"
TWO_STEP = SCENARIOS / "sea_import_two_step.yaml"
MISMATCH, INCOMPLETE, REVIEW = 0.2, 0.2, 0.1
CBEC_SETTINGS = (
    f"processes.east_lake_1210.declaration.mismatch_share={MISMATCH}",
    f"processes.east_lake_1210.declaration.review_share={REVIEW}",
    f"processes.dongxihu_9610.parcel_list.incomplete_share={INCOMPLETE}",
)


def _build(out: Path, scenario: Path, *options: str) -> None:
    result = runner.invoke(app, ["dataset", str(scenario), "--out", str(out), "--quiet", *options])
    assert result.exit_code == 0, result.stderr
    assert str(out) in result.stdout


def _cbec_options(seed: int) -> list[str]:
    options = ["--orders", "1200", "--seed", str(seed)]
    for setting in CBEC_SETTINGS:
        options += ["--set", setting]
    return options


@pytest.fixture(scope="module")
def cbec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Double-11 dataset of about 1,200 CBEC orders, with raised mismatch and review shares."""
    out = tmp_path_factory.mktemp("cbec") / "d11"
    _build(out, D11, *_cbec_options(5))
    return out


@pytest.fixture(scope="module")
def sea(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Half a day of two-step sea import, as CSV."""
    out = tmp_path_factory.mktemp("sea") / "two_step"
    _build(out, TWO_STEP, "--days", "0.5", "--format", "csv")
    return out


def _table(directory: Path, name: str) -> pd.DataFrame:
    parquet = directory / f"{name}.parquet"
    if parquet.exists():
        return pq.read_table(parquet).to_pandas()
    options = pacsv.ConvertOptions(column_types=SCHEMAS[name], strings_can_be_null=True)
    return pacsv.read_csv(directory / f"{name}.csv", convert_options=options).to_pandas()


def test_identifier_check_characters_against_published_examples() -> None:
    assert iso6346_check("CSQU305438") == 3  # the example of ISO 6346 Annex A
    assert container_number("CSQ", 305438) == "CSQU3054383"
    assert uscc_valid("91350100M000100Y43")  # example code of GB 32100-2015
    assert not uscc_valid("91350100M000100Y44")
    assert id_number("110105", "19491231", 2) == "11010519491231002X"  # GB 11643-1999 example
    assert id_number_valid("11010519491231002X") and not id_number_valid("110105194912310021")


def test_census_provinces_add_up_to_the_communique_regions() -> None:
    for region, total in REGION_TOTALS.items():
        assert sum(p.population for p in PROVINCES if p.region == region) == total
    assert len(PROVINCES) == 31


def test_every_file_is_written_and_in_the_manifest(cbec: Path) -> None:
    manifest = json.loads((cbec / "manifest.json").read_text(encoding="utf-8"))
    names = {p.name for p in cbec.iterdir()} - {"manifest.json"}
    flat = {f"event_log.{t}.xes" for t in set(_table(cbec, "cases")["object_type"])}
    assert {"event_log.order.xes", "event_log.parcel.xes", "event_log.flight.xes"} <= flat
    logs = {"event_log.xes", "event_log.ocel.json"} | flat
    assert names == {f"{t}.parquet" for t in SCHEMAS} | logs
    assert set(manifest["flat_xes"]) == flat
    assert set(manifest["files"]) == names
    assert manifest["seed"] == 5 and manifest["replication"] == 0
    assert manifest["scenario_hash"] != manifest["source_scenario_hash"]  # --orders, --set
    for table in SCHEMAS:
        assert manifest["files"][f"{table}.parquet"]["rows"] == len(_table(cbec, table))
    assert manifest["events"] == manifest["files"]["events.parquet"]["rows"]


def test_same_seed_same_bytes_other_seed_other_log(
    cbec: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("again") / "d11"
    _build(again, D11, *_cbec_options(5))
    first = json.loads((cbec / "manifest.json").read_text(encoding="utf-8"))
    second = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    assert first == second  # every file's sha256, the code version, the row counts
    other = tmp_path_factory.mktemp("other") / "d11"
    _build(other, D11, *_cbec_options(6))
    third = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
    assert third["files"]["events.parquet"]["sha256"] != first["files"]["events.parquet"]["sha256"]


def test_release_times_equal_the_release_events_of_the_log(cbec: Path, sea: Path) -> None:
    for directory in (cbec, sea):
        events = _table(directory, "events")
        releases = events[events["activity"] == "release"].set_index("case_id")["timestamp"]
        declarations = _table(directory, "declarations")
        released = declarations.dropna(subset=["released_at"]).set_index("case_id")
        assert len(released) == len(releases) > 0
        assert (released["released_at"] == releases.reindex(released.index)).all()
        lodged = events[events["activity"] == "lodgement"].set_index("case_id")["timestamp"]
        first = declarations[declarations["kind"] != "two_step_complete"].set_index("case_id")
        assert (first["lodged_at"] == lodged.reindex(first.index)).all()


def test_two_step_complete_declarations_are_the_logs(sea: Path) -> None:
    declarations = _table(sea, "declarations")
    events = _table(sea, "events")
    complete = declarations[declarations["kind"] == "two_step_complete"].set_index("case_id")
    summary = declarations[declarations["kind"] == "two_step_summary"]
    assert len(complete) > 0 and len(summary) >= len(complete)
    assert complete["released_at"].isna().all()
    logged = events[events["activity"] == "complete_declaration"].set_index("case_id")
    assert (complete["lodged_at"] == logged["timestamp"].reindex(complete.index)).all()
    assert set(declarations["supervision_code"]) == {"0110"}
    assert declarations["declaration_no"].is_unique
    assert declarations["declaration_no"].str.fullmatch(r"4700\d{4}1\d{9}").all()


def test_containers_and_enterprises_have_valid_codes(sea: Path) -> None:
    containers = _table(sea, "containers")
    cases = _table(sea, "cases")
    assert len(containers) == (cases["object_type"] == "container").sum() > 0
    numbers = containers["container_no"]
    assert numbers.is_unique
    assert all(iso6346_check(n[:10]) == int(n[10]) for n in numbers)
    firms = _table(sea, "enterprises")
    domestic = firms.dropna(subset=["uscc"])
    assert len(domestic) > 100 and domestic["uscc"].map(uscc_valid).all()
    assert firms["enterprise_id"].is_unique
    conveyances = _table(sea, "conveyances")
    assert set(conveyances["kind"]) == {"vessel_call"}
    assert containers["conveyance_id"].isin(conveyances["case_id"]).all()


def test_pm4py_reads_the_xes_with_the_tables_counts(cbec: Path) -> None:
    log = pm4py.read_xes(str(cbec / "event_log.xes"))
    events, cases = _table(cbec, "events"), _table(cbec, "cases")
    assert log["case:concept:name"].nunique() == len(cases)
    assert len(log) == len(events)
    counts = log.groupby(["concept:name", "lifecycle:transition"]).size()
    expected = events.groupby(["activity", "lifecycle"]).size()
    assert counts.sort_index().tolist() == expected.sort_index().tolist()
    assert (log["lifecycle:transition"].value_counts() == events["lifecycle"].value_counts()).all()
    assert log["time:timestamp"].min() == events["timestamp"].min()


def test_pm4py_reads_the_ocel_with_the_tables_counts(cbec: Path) -> None:
    ocel = pm4py.read_ocel2_json(str(cbec / "event_log.ocel.json"))
    events, cases = _table(cbec, "events"), _table(cbec, "cases")
    declarations = _table(cbec, "declarations")
    assert len(ocel.events) == len(events)
    types = ocel.objects["ocel:type"].value_counts()
    for object_type, n in cases["object_type"].value_counts().items():
        assert types[object_type] == n
    assert types["declaration"] == len(declarations)
    assert types["resource"] == len(load_scenario(D11).resources)
    qualifiers = ocel.relations["ocel:qualifier"].value_counts()
    assert qualifiers["case"] == len(events)
    assert qualifiers["released"] == declarations["released_at"].notna().sum()
    assert qualifiers["resource"] == events["resource"].notna().sum()
    assert len(ocel.o2o) == len(declarations)


def test_cbec_tax_follows_the_rules(cbec: Path) -> None:
    lists = _table(cbec, "cbec_lists")
    assert len(lists) > 500
    decision = lists["limit_decision"]
    ct, vat, tariff = lists["ct_rate"], lists["vat_rate"], lists["tariff_rate"]
    within = (ct + vat) / (1 - ct) * 0.7  # tariff 0, 70% of VAT and CT (S29)
    full = (tariff + ct + vat + tariff * vat) / (1 - ct)  # indivisible item: all in full (S29d)
    expected = np.where(decision == "within", within, np.where(decision == "over", 0.0, full))
    assert np.allclose(lists["tax_rate"], expected)
    assert np.allclose(lists["tax_cny"], lists["value_cny"] * lists["tax_rate"])
    assert np.allclose(lists["unit_price_cny"] * lists["quantity"], lists["value_cny"])
    cosmetics = lists[lists["category"] == "cosmetics"]
    assert len(cosmetics) > 0 and (cosmetics["ct_rate"] == 0.15).all()
    assert (lists.loc[lists["category"] != "cosmetics", "ct_rate"] == 0).all()
    assert lists["hs_code"].str.fullmatch(r"\d{8}").all()


def test_cbec_limits_are_respected(cbec: Path) -> None:
    lists = _table(cbec, "cbec_lists")
    declarations = _table(cbec, "declarations").set_index("declaration_no")
    outcome = declarations["outcome"].reindex(lists["declaration_no"]).to_numpy()
    released = outcome == "released"
    value, prior = lists["value_cny"].to_numpy(), lists["prior_annual_spend_cny"].to_numpy()
    assert (prior[released] + value[released] <= 26_000 + 1e-6).all()
    over_single = released & (value > 5000)
    assert (lists["quantity"].to_numpy()[over_single] == 1).all()
    assert (lists["limit_decision"].to_numpy()[over_single] == "indivisible").all()
    assert (outcome[lists["limit_decision"].to_numpy() == "over"] == "rejected").all()


def _near(observed: int, n: int, p: float) -> bool:
    return abs(observed - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 1


def test_channel_and_mismatch_shares_follow_the_scenario(cbec: Path) -> None:
    orders = _table(cbec, "orders")
    for mode, share in (("cbec_1210", MISMATCH), ("cbec_9610", INCOMPLETE)):
        group = orders[orders["mode"] == mode]
        assert len(group) > 200
        assert _near(int((group["mismatch"] != "none").sum()), len(group), share), mode
    payments, waybills = _table(cbec, "payments"), _table(cbec, "waybills")
    first = payments[payments["version"] == 1].set_index("order_no")
    wrong = orders.set_index("order_no")["mismatch"].reindex(first.index)
    assert (~first["matches_order"] == wrong.isin(["payment_amount", "payer_identity"])).all()
    assert waybills.groupby("order_no")["version"].max().max() <= 2
    assert payments.loc[payments["version"] == 2, "matches_order"].all()
    declarations = _table(cbec, "declarations")
    bonded = declarations[
        (declarations["mode"] == "cbec_1210") & declarations["released_at"].notna()
    ]
    yellow = int((bonded["channel"] == "yellow").sum())
    assert _near(yellow, len(bonded), REVIEW * (1 - 0.055 * 0.1)), yellow
    spec = load_scenario(D11).processes[1]
    parcels = declarations[declarations["mode"] == "cbec_9610"]
    unpacked = parcels[parcels["channel"] == "red"]
    assert _near(len(unpacked), len(parcels), spec.unpack_share()), len(unpacked)


def test_consumers_live_in_provinces_by_census_population(cbec: Path) -> None:
    consumers = _table(cbec, "consumers")
    n = len(consumers)
    counts = consumers["province_code"].value_counts()
    for province, share in zip(PROVINCES, population_shares(), strict=True):
        assert _near(int(counts.get(province.code, 0)), n, share), province.name_en
    assert consumers["id_number_masked"].str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").all()
    assert (consumers["id_number_masked"].str[:2] == consumers["province_code"]).all()
    assert consumers["phone_masked"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()


def test_orders_scale_the_cbec_rates_and_staff() -> None:
    scenario = load_scenario(D11)
    scope = dataset_scope(scenario, None, 84_000)
    assert scope.rate_factor == pytest.approx(84_000 / expected_orders(scenario, 1440.0))
    assert scope.expected_orders == pytest.approx(84_000)
    assert scope.scenario.kind == "terminating" and scope.scenario.warmup_min == 0
    pickers = scope.scenario.resources["east_lake_pickers"].capacity
    assert pickers == math.ceil(scenario.resources["east_lake_pickers"].capacity * 2)
    week = dataset_scope(load_scenario(SCENARIOS / "wuhan_baseline.yaml"), 7, None)
    assert week.scenario.horizon_min == 7 * 1440 and week.rate_factor == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "xls"], "--format must be one of parquet, csv"),
        (["--days", "0"], "--days must be a finite number > 0"),
        (["--orders", "0"], "--orders must be >= 1"),
        (["--seed", "-1"], "--seed must be in"),
    ],
)
def test_bad_options_fail_on_one_line(tmp_path: Path, options: list[str], message: str) -> None:
    result = runner.invoke(app, ["dataset", str(D11), "--out", str(tmp_path / "x"), *options])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_orders_need_a_cbec_process_and_out_must_be_empty(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["dataset", str(TWO_STEP), "--orders", "10", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "has no 1210 or 9610 process" in result.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["dataset", str(D11), "--out", str(tmp_path / "full")])
    assert result.exit_code == 2 and "is not an empty directory" in result.stderr


def test_an_unfinished_dataset_is_rebuilt_and_a_finished_one_kept(tmp_path: Path) -> None:
    """The manifest is written last, atomically; until then the directory is marked unfinished."""
    out = tmp_path / "d11"
    out.mkdir()
    (out / UNFINISHED).touch()  # what a killed build leaves, with a file half written
    (out / "events.parquet").write_bytes(b"half")
    _build(out, D11, "--days", "0.05", "--orders", "100")
    assert not (out / UNFINISHED).exists() and not list(out.glob(".*"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    events = (out / "events.parquet").read_bytes()
    assert manifest["files"]["events.parquet"]["sha256"] == hashlib.sha256(events).hexdigest()
    result = runner.invoke(app, ["dataset", str(D11), "--out", str(out), "--days", "0.05"])
    assert result.exit_code == 2 and "is not an empty directory" in result.stderr
    assert (out / "events.parquet").read_bytes() == events  # a finished dataset is kept


DOC_TYPES = {"string": "string", "int64": "int64", "double": "float64", "bool": "bool"}


def _documented_columns(text: str) -> dict[str, list[tuple[str, str]]]:
    """``{table: [(column, type), ...]}`` from the dictionary's tables under each table heading."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^### `([a-z0-9_]+)`$", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        row = re.match(r"^\| `([a-z_]+)` \| ([a-z0-9]+) \|", line)
        if current is not None and row:
            tables[current].append((row.group(1), row.group(2)))
    return tables


def test_the_dictionary_matches_the_files_column_for_column(cbec: Path) -> None:
    documented = _documented_columns((ROOT / "docs" / "dataset.md").read_text(encoding="utf-8"))
    written = sorted(p.stem for p in cbec.glob("*.parquet"))
    assert sorted(documented) == written
    for table in written:
        schema = pq.read_schema(cbec / f"{table}.parquet")
        actual = [
            (f.name, "timestamp" if str(f.type).startswith("timestamp") else DOC_TYPES[str(f.type)])
            for f in schema
        ]
        assert documented[table] == actual, table


def test_a_replication_simulated_apart_is_the_one_simulated_here(tmp_path: Path) -> None:
    """The build's child process returns the log ``simulate`` gives in this process.

    Its columns come back as files in the directory given and are read when first asked for.
    """
    scenario = dataset_scope(load_scenario(D11), 0.25, 3_000).scenario
    here, _, _ = simulate(scenario, 0, 9)
    run = simulate_apart(scenario, 0, 9, tmp_path)
    apart = run.log
    assert run.peak_rss_mb > 50
    assert len(list(tmp_path.iterdir())) == len(COLUMNS)  # spilled, not yet read
    assert len(apart.rows) == len(here.rows) > 10_000
    for name in COLUMNS:
        assert np.array_equal(apart.column(name), here.column(name))
    assert not list(tmp_path.iterdir())  # each file is removed once read back
    assert apart.cases == here.cases
    assert apart.activities == here.activities


def testcase_relationships_are_the_json_of_their_names() -> None:
    """Plain names are formatted as they are, the same JSON the encoder gives; others escaped."""
    plain = ["east_lake_1210:order:000001", "dongxihu_9610:parcel:123456"]
    assert case_relationships(plain, True) == case_relationships(plain, False)
    odd = ['yard "B":container:000007', "站\\场:order:000008"]
    decoded = [json.loads(text) for text in case_relationships(odd, False)]
    assert decoded == [{"objectId": name, "qualifier": "case"} for name in odd]
