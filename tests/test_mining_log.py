"""The dataset's logs are ready for process mining: flat XES logs of completed events, one object
type each, read by pm4py without lifecycle self-loops; ``.xes.gz`` holding the same bytes as the
plain files; every container linked to the conveyance that carries it, in the ``containers``
table and as an OCEL 2.0 object-to-object relationship.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pm4py
import pyarrow.parquet as pq
import pytest
from factories import SCENARIOS
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.flows.dataset.xes import open_text, xes_name

runner = CliRunner()
WUHAN = SCENARIOS / "wuhan_baseline.yaml"
WUHAN_OPTIONS = ("--days", "1.5", "--orders", "300")
ARRIVALS = {"vessel": "vessel_arrival", "train": "train_arrival"}


def _build(out: Path, scenario: Path, *options: str) -> Path:
    result = runner.invoke(app, ["dataset", str(scenario), "--out", str(out), "--quiet", *options])
    assert result.exit_code == 0, result.stderr
    return out


def _table(directory: Path, name: str) -> pd.DataFrame:
    return pq.read_table(directory / f"{name}.parquet").to_pandas()


@pytest.fixture(scope="module")
def wuhan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A day and a half of every Wuhan flow with sea traffic: vessels, containers, flights, ..."""
    return _build(tmp_path_factory.mktemp("wuhan") / "plain", WUHAN, *WUHAN_OPTIONS)


@pytest.fixture(scope="module")
def wuhan_gz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same dataset with ``--xes-gz``."""
    return _build(tmp_path_factory.mktemp("wuhan") / "gz", WUHAN, *WUHAN_OPTIONS, "--xes-gz")


def _events(directory: Path) -> pd.DataFrame:
    events = _table(directory, "events")
    cases = _table(directory, "cases").set_index("case_id")
    return events.assign(object_type=cases["object_type"].reindex(events["case_id"]).to_numpy())


def _self_loops(log: pd.DataFrame) -> set[str]:
    dfg, _, _ = pm4py.discover_dfg(log)
    return {a for a, b in dfg if a == b}


def test_each_flat_log_holds_one_object_type_and_its_completed_events(wuhan: Path) -> None:
    events = _events(wuhan)
    manifest = json.loads((wuhan / "manifest.json").read_text(encoding="utf-8"))
    types = sorted(set(events["object_type"]))
    assert {"container", "vessel", "order", "parcel", "flight", "shipment"} <= set(types)
    assert sorted(manifest["flat_xes"]) == sorted(xes_name(t, False) for t in types)
    for object_type in types:
        name = xes_name(object_type, False)
        log = pm4py.read_xes(str(wuhan / name))
        completed = events[
            (events["object_type"] == object_type) & (events["lifecycle"] == "complete")
        ]
        assert set(log["case:object_type"]) == {object_type}, name
        assert set(log["lifecycle:transition"]) == {"complete"}, name
        assert len(log) == len(completed) == manifest["flat_xes"][name]["events"], name
        assert log["case:concept:name"].nunique() == manifest["flat_xes"][name]["traces"], name
        assert not log.duplicated(["case:concept:name", "instance"]).any(), name
        counts = log.groupby("concept:name").size().sort_index()
        assert counts.to_dict() == completed.groupby("activity").size().sort_index().to_dict()
        # One event per execution: an activity follows itself only when it ran twice in a row.
        assert not _self_loops(log), name


def test_the_full_log_keeps_every_lifecycle_row(wuhan: Path) -> None:
    full = pm4py.read_xes(str(wuhan / "event_log.xes"))
    assert len(full) == len(_table(wuhan, "events"))
    assert set(full["lifecycle:transition"]) == {"schedule", "start", "complete"}
    assert {"discharge", "gate_out", "berth"} <= _self_loops(full)  # what the flat logs drop


def test_gzip_logs_hold_the_plain_bytes(wuhan: Path, wuhan_gz: Path) -> None:
    plain = sorted(p.name for p in wuhan.glob("*.xes"))
    assert sorted(p.name for p in wuhan_gz.glob("*.xes.gz")) == [f"{n}.gz" for n in plain]
    assert not list(wuhan_gz.glob("*.xes"))
    for name in plain:
        assert (
            gzip.decompress((wuhan_gz / f"{name}.gz").read_bytes()) == (wuhan / name).read_bytes()
        )
    first = json.loads((wuhan / "manifest.json").read_text(encoding="utf-8"))
    second = json.loads((wuhan_gz / "manifest.json").read_text(encoding="utf-8"))
    assert second["libraries"]["zlib"] and "zlib" not in first["libraries"]
    for table in ("events.parquet", "containers.parquet", "event_log.ocel.json"):
        assert first["files"][table] == second["files"][table]
    assert second["flat_xes"] == {f"{n}.gz": v for n, v in first["flat_xes"].items()}
    read = pm4py.read_xes(str(wuhan_gz / "event_log.container.xes.gz"))
    expected = pm4py.read_xes(str(wuhan / "event_log.container.xes"))
    pd.testing.assert_frame_equal(read, expected)


def test_gzip_streams_carry_no_time_or_directory(tmp_path: Path) -> None:
    """Same text, same bytes, wherever and whenever written: mtime 0, the bare file name."""
    written = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "event_log.xes.gz"
        with open_text(path, True) as out:
            out.write("<log>\n</log>\n")
        written.append(path.read_bytes())
    assert written[0] == written[1]
    assert written[0][4:8] == b"\0\0\0\0"  # MTIME
    assert written[0][10:24] == b"event_log.xes\0"  # FNAME, without ".gz" or a directory


def test_containers_name_the_conveyance_that_carries_them(wuhan: Path) -> None:
    containers, conveyances = _table(wuhan, "containers"), _table(wuhan, "conveyances")
    events = _table(wuhan, "events")
    assert len(containers) > 300 and containers["conveyance_id"].notna().all()
    joined = containers.merge(
        conveyances, left_on="conveyance_id", right_on="case_id", suffixes=("", "_conveyance")
    )
    assert len(joined) == len(containers)
    assert (joined["process"] == joined["process_conveyance"]).all()
    assert set(joined["kind"]) <= {"vessel_call", "train"}
    _check_arrivals(containers, events)
    # An export box is loaded (its exit) while its call is berthed.
    _check_loading(containers[containers["direction"] == "export"], events)
    # The links table relates every box to the same conveyance, once.
    links = _table(wuhan, "links")
    carried = links[links["qualifier"] == "carried_by"]
    assert not carried.duplicated(["case_id", "related_case_id"]).any()
    conveyance = carried.set_index("case_id")["related_case_id"]
    assert (conveyance.reindex(containers["case_id"]) == containers["conveyance_id"].values).all()
    # A sea-export box departs (离境) when its vessel does.
    exports = containers[containers["process"] == "yangluo_export"]
    cases = _table(wuhan, "cases").set_index("case_id")
    departed = cases["departure_at"].reindex(exports["case_id"]).reset_index(drop=True)
    vessel = events[events["activity"] == "vessel_departure"].set_index("case_id")["timestamp"]
    own = vessel.reindex(exports["conveyance_id"]).reset_index(drop=True)
    assert departed.notna().sum() > 0
    assert (departed[departed.notna()] == own[departed.notna()]).all()


def _check_arrivals(containers: pd.DataFrame, events: pd.DataFrame) -> None:
    """An import box's ``arrival`` is its carrier's arrival, at the same instant."""
    imports = containers[containers["direction"] == "import"]
    arrival = events[events["activity"] == "arrival"].set_index("case_id")["timestamp"]
    carrier = events[events["activity"].isin(set(ARRIVALS.values()))]
    carrier_arrival = carrier.set_index("case_id")["timestamp"]
    box = arrival.reindex(imports["case_id"]).to_numpy()
    reached = ~pd.isna(box)
    assert reached.sum() > 0
    own = carrier_arrival.reindex(imports["conveyance_id"]).to_numpy()
    assert (box[reached] == own[reached]).all()


def _check_loading(exports: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """Every loaded export box was loaded between its call's berthing and departure."""

    def at(activity: str, ids: pd.Series) -> pd.Series:
        rows = events[(events["activity"] == activity) & (events["lifecycle"] == "complete")]
        return rows.set_index("case_id")["timestamp"].reindex(ids).reset_index(drop=True)

    loaded = at("loading", exports["case_id"])
    opened = at("berthing", exports["conveyance_id"])
    left = at("vessel_departure", exports["conveyance_id"])
    done = loaded.notna()
    assert done.sum() > 0
    assert ((loaded[done] >= opened[done]) & (loaded[done] <= left[done])).all()
    return done


def test_the_ocel_relates_each_container_to_its_conveyance(wuhan: Path) -> None:
    ocel = pm4py.read_ocel2_json(str(wuhan / "event_log.ocel.json"))
    containers = _table(wuhan, "containers").set_index("case_id")
    o2o = ocel.o2o[ocel.o2o["ocel:qualifier"] == "carried_by"]
    assert not o2o.duplicated(["ocel:oid", "ocel:oid_2"]).any()
    boxes = o2o[o2o["ocel:oid"].isin(containers.index)]
    assert boxes["ocel:oid"].is_unique  # a box travels on one conveyance
    carried = boxes.set_index("ocel:oid")["ocel:oid_2"]
    has = containers["conveyance_id"].notna()
    assert (carried.reindex(containers.index[has]) == containers.loc[has, "conveyance_id"]).all()
    types = ocel.objects.set_index("ocel:oid")["ocel:type"]
    assert set(types.reindex(o2o["ocel:oid_2"])) <= {"vessel", "train", "flight"}
    # Every row of the links table is a relationship of the OCEL file.
    document = json.loads((wuhan / "event_log.ocel.json").read_text(encoding="utf-8"))
    related = {
        (o["id"], r["objectId"], r["qualifier"])
        for o in document["objects"]
        for r in o.get("relationships", [])
    }
    links = _table(wuhan, "links")
    rows = zip(links["case_id"], links["related_case_id"], links["qualifier"], strict=True)
    assert set(rows) <= related


def test_rolled_over_export_boxes_sail_on_a_later_call(tmp_path: Path) -> None:
    """A loading window too short for the boxes: some roll over, once or more."""
    window = "processes.yangluo_export.loading_window_min={kind: deterministic, value_min: 30}"
    out = _build(
        tmp_path / "export", SCENARIOS / "sea_export_baseline.yaml", "--days", "3", "--set", window
    )
    containers, events = _table(out, "containers"), _table(out, "events")
    rolled = set(events.loc[events["activity"] == "rolled_over", "case_id"])
    assert rolled
    done = _check_loading(containers, events)
    assert done[containers["case_id"].isin(rolled).to_numpy()].sum() > 0


def test_rail_boxes_name_their_train(tmp_path: Path) -> None:
    out = _build(tmp_path / "rail", SCENARIOS / "rail_import_baseline.yaml", "--days", "3")
    containers, conveyances = _table(out, "containers"), _table(out, "conveyances")
    events = _table(out, "events")
    assert len(containers) > 0 and set(conveyances["kind"]) == {"train"}
    assert set(containers["conveyance_id"]) <= set(conveyances["case_id"])

    # A box's transit formalities at the border end with its train's last transit step.
    def done(activity: str) -> pd.Series:
        rows = events[(events["activity"] == activity) & (events["lifecycle"] == "complete")]
        return rows.set_index("case_id")["timestamp"]

    box = done("transit_formalities").reindex(containers["case_id"]).to_numpy()
    train = done("transit_sealing").reindex(containers["conveyance_id"]).to_numpy()
    reached = ~pd.isna(box)
    assert reached.sum() > 0 and (box[reached] == train[reached]).all()
