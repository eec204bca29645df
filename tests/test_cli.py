"""The clearsim command line: results, JSON purity, options, storage and one-line user errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from factories import BASELINE, MMC
from prefect.client.orchestration import get_client
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.models.scenario import Scenario
from clearsim.scenarios.catalogue import shipped_scenarios

runner = CliRunner()


def _short_mmc(tmp_path: Path, **fields: object) -> Path:
    """The M/M/3 validation scenario cut to about 200 arrivals."""
    body = {"extends": str(MMC), "horizon_min": 5000, "warmup_min": 500, "replications": 2}
    body.update(fields)
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def test_run_json_prints_only_json(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    result = runner.invoke(
        app, ["run", str(_short_mmc(tmp_path)), "--json", "--db-url", f"sqlite:///{db}"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scenario"]["name"] == "mmc_inspection"
    assert data["scenario"]["replications"] == 2
    assert data["run_id"] == 1
    segments = {(s["segment"], s["channel"]) for s in data["segments"]}
    for segment in ("arrival->lodgement", "lodgement->release", "release->exit"):
        assert (segment, "green") in segments
    assert (("arrival->release", "all")) in segments and ("arrival->exit", "red") in segments
    release = next(s for s in data["segments"] if s["segment"] == "arrival->release")
    assert set(release) >= {"mean_h", "median_h", "p90_h", "share_24h", "share_48h"}
    assert release["mean_h"]["n"] == 2 and release["mean_h"]["half_width"] > 0
    lanes = data["resources"][0]
    assert lanes["resource"] == "inspection_lanes"
    assert 0 < lanes["utilisation"]["mean"] < 1
    assert lanes["mean_queue_length"]["mean"] >= 0
    assert db.exists()
    # The run is listed, and printed again from the store alone.
    url = f"sqlite:///{db}"
    listing = json.loads(runner.invoke(app, ["results", "--json", "--db-url", url]).stdout)
    assert listing["studies"] == []
    (run,) = listing["runs"]
    assert (run["run_id"], run["scenario"], run["replications"]) == (1, "mmc_inspection", 2)
    again = runner.invoke(app, ["results", "--run", "1", "--json", "--db-url", url])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == data
    table = runner.invoke(app, ["results", "--db-url", url])
    assert "Stored runs" in table.stdout and "mmc_inspection" in table.stdout
    printed = runner.invoke(app, ["results", "--run", "1", "--db-url", url])
    assert "stored as run 1" in " ".join(printed.stdout.split())
    missing = runner.invoke(app, ["results", "--run", "7", "--db-url", url])
    assert missing.exit_code == 2 and "no run with id 7" in missing.stderr
    both = runner.invoke(app, ["results", "1", "--run", "1", "--db-url", url])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_run_table_output_and_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLEARSIM_DB_URL", raising=False)
    result = runner.invoke(
        app, ["run", str(_short_mmc(tmp_path)), "-r", "3", "--seed", "17", "--quiet"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "3 replications, seed 17" in result.stdout
    assert "WCO TRS segments" in result.stdout and "inspection_lanes" in result.stdout
    assert (tmp_path / "clearsim.db").exists()  # the default store


def test_db_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("CLEARSIM_DB_URL", f"sqlite:///{db}")
    result = runner.invoke(app, ["run", str(_short_mmc(tmp_path)), "--json", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert db.exists()


def _assert_user_error(args: list[str], *needles: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("clearsim: error: ")
    assert "Traceback" not in result.stderr and result.stdout == ""
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ({"colour": "red"}, ("bad.yaml", "colour", "unknown field")),
        ({"horizon_min": "soon"}, ("bad.yaml", "horizon_min", "number")),
        (
            {"resources": {"inspection_lanes": {"capacity": 0}}},
            ("capacity", "greater than or equal to 1"),
        ),
        ({"extends": "missing.yaml"}, ("bad.yaml", "extends", "file not found")),
        (
            {"processes": [{"name": "inspection_queue", "arrivals": {"rate_per_hour": -1}}]},
            ("processes.0.arrivals.rate_per_hour", "greater than 0"),
        ),
        (
            {
                "processes": [
                    {
                        "name": "inspection_queue",
                        "classes": [{"name": "a", "share": 0.5, "priority": 0}],
                    }
                ]
            },
            ("processes.0", "class shares must sum to 1"),
        ),
        (
            {"network": {"nodes": {"ISLAND": {"kind": "bonded_zone", "lat": 30, "lon": 114}}}},
            ("network", "disconnected", "ISLAND"),
        ),
        (
            {"processes": [{"name": "inspection_queue", "node": "NOWHERE"}]},
            ("node 'NOWHERE' is referenced but not defined",),
        ),
    ],
)
def test_bad_scenarios_exit_2_and_write_nothing(
    tmp_path: Path, body: dict, needles: tuple[str, ...]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"extends": str(MMC), **body}), encoding="utf-8")
    db = tmp_path / "never.db"
    _assert_user_error(["run", str(path), "--db-url", f"sqlite:///{db}"], *needles)
    assert not db.exists()


def test_extends_cycle_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    _assert_user_error(["run", str(tmp_path / "a.yaml")], "extends cycle")


def test_missing_scenario_file(tmp_path: Path) -> None:
    _assert_user_error(["run", str(tmp_path / "nope.yaml")], "nope.yaml", "file not found")


def test_bad_options(tmp_path: Path) -> None:
    path = _short_mmc(tmp_path)
    _assert_user_error(["run", str(path), "--replications", "0"], "--replications")
    _assert_user_error(["run", str(path), "--seed", "-3"], "--seed")
    _assert_user_error(["run", str(path), "--db-url", "not a url"], "database URL")


def test_unstable_steady_state_is_an_error(tmp_path: Path) -> None:
    path = _short_mmc(tmp_path, resources={"inspection_lanes": {"capacity": 2}})
    db = tmp_path / "never.db"
    message = _assert_user_error(["run", str(path), "--db-url", f"sqlite:///{db}"], "unstable")
    assert "inspection_lanes" in message and "1.20" in message
    assert not db.exists()


def test_validate_refuses_what_run_refuses(tmp_path: Path) -> None:
    path = _short_mmc(tmp_path, resources={"inspection_lanes": {"capacity": 2}})
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "offered utilisation inspection_lanes: 1.200  UNSTABLE" in result.stdout
    assert result.stderr.startswith("clearsim: error: ") and "unstable" in result.stderr
    _assert_user_error(["run", str(path), "--seed", str(2**63)], "--seed")


def test_unstable_terminating_run_warns_and_runs(tmp_path: Path) -> None:
    path = _short_mmc(
        tmp_path, kind="terminating", warmup_min=0, resources={"inspection_lanes": {"capacity": 2}}
    )
    result = runner.invoke(
        app, ["run", str(path), "--json", "--db-url", f"sqlite:///{tmp_path / 'r.db'}"]
    )
    assert result.exit_code == 0
    assert "warning: resource 'inspection_lanes'" in result.stderr
    json.loads(result.stdout)


def test_scenarios_lists_the_shipped_files() -> None:
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    entries = shipped_scenarios()
    names = {entry.name for entry in entries}
    assert {"sea_import_baseline", "sea_import_ship_side_pickup", "mmc_inspection"} <= names
    for entry in entries:
        assert entry.name in result.stdout
        assert entry.description and not entry.description.startswith("(unreadable")


def test_validate_shows_the_hash_and_offered_load() -> None:
    result = runner.invoke(app, ["validate", str(BASELINE)])
    assert result.exit_code == 0, result.stderr
    assert "valid scenario 'sea_import_baseline'" in result.stdout
    assert "offered utilisation inspection_lanes" in result.stdout
    data = json.loads(runner.invoke(app, ["validate", str(BASELINE), "--json"]).stdout)
    rho = data["offered_utilisation"]["inspection_lanes"]
    assert f"offered utilisation inspection_lanes: {rho:.3f}" in result.stdout
    assert data["scenario"]["name"] == "sea_import_baseline" and len(data["scenario_hash"]) == 64
    assert Scenario.model_validate(data["scenario"]).scenario_hash == data["scenario_hash"]


def test_console_script_error_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, in a real process: one line, exit 2."""
    exe = shutil.which("clearsim") or str(Path(sys.executable).parent / "clearsim")
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: nowhere.yaml\n", encoding="utf-8")
    done = subprocess.run([exe, "run", str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_set_overrides_fields_and_changes_the_hash(tmp_path: Path) -> None:
    """--set writes a dotted path (by name in lists); the run reports the changed scenario."""
    path = _short_mmc(tmp_path)
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    base = runner.invoke(app, ["run", str(path), "--json", "--db-url", db])
    more = runner.invoke(
        app,
        [
            "run",
            str(path),
            "--json",
            "--db-url",
            db,
            "--set",
            "resources.inspection_lanes.capacity=4",
        ],
    )
    assert base.exit_code == 0 and more.exit_code == 0, more.stderr
    base_data, more_data = json.loads(base.stdout), json.loads(more.stdout)
    assert base_data["scenario"]["hash"] != more_data["scenario"]["hash"]
    capacity = {r["resource"]: r["capacity"] for r in more_data["resources"]}
    assert capacity["inspection_lanes"] == 4


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("foo", "expected dotted.path=value"),
        ("resources.no_such.capacity=2", "no field 'no_such'"),
        ("resources.inspection_lanes.capacity=0", "greater than or equal to 1"),
    ],
)
def test_bad_set_exits_2_with_one_line(tmp_path: Path, assignment: str, message: str) -> None:
    result = runner.invoke(app, ["validate", str(_short_mmc(tmp_path)), "--set", assignment])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.prefect
def test_compare_pairs_scenarios_and_flags_significant_differences(
    prefect_harness: str, tmp_path: Path
) -> None:
    """Three lanes vs four (the same arrivals and work): the fourth lane is a paired saving."""
    reference = _short_mmc(tmp_path)
    four = tmp_path / "four.yaml"
    four.write_text(
        yaml.safe_dump({"extends": str(reference), "name": "mmc_four_lanes",
                        "resources": {"inspection_lanes": {"capacity": 4}}}),
        encoding="utf-8",
    )  # fmt: skip
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    result = runner.invoke(
        app, ["compare", str(reference), str(four), "-r", "3", "--json", "--db-url", db]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reference"] == "mmc_inspection"
    assert [s["scenario"]["name"] for s in data["scenarios"]] == [
        "mmc_inspection",
        "mmc_four_lanes",
    ]
    assert all(s["scenario"]["replications"] == 3 for s in data["scenarios"])
    (saving,) = [
        d
        for d in data["differences"]
        if (d["segment"], d["channel"], d["statistic"]) == ("arrival->exit", "all", "mean_h")
    ]
    assert saving["paired"] and saving["significant"] and saving["material"]
    assert saving["difference"]["mean"] < 0
    assert (data["simulated"], data["resumed"]) == (6, False)
    # The URL reached the flow through the environment: Prefect's records never hold it.
    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs()
    assert flow_runs and all(db not in json.dumps(r.parameters) for r in flow_runs)
    assert os.environ.get("CLEARSIM_DB_URL") != db  # restored after the flow
    report = tmp_path / "report.html"
    text = runner.invoke(
        app,
        ["compare", str(reference), str(four), "-r", "3", "--db-url", db, "--report", str(report)],
    )
    assert text.exit_code == 0 and "Difference to the reference" in text.stdout
    assert f"report written to {report}" in " ".join(text.stderr.split())
    again_report = tmp_path / "again.html"
    written = runner.invoke(
        app, ["report", str(data["study_id"]), "--out", str(again_report), "--db-url", db]
    )
    assert written.exit_code == 0, written.stderr
    assert again_report.read_bytes() == report.read_bytes()
    words = " ".join(text.stdout.split())
    assert "0 replication(s) simulated, 6 reused" in words
    assert f"study {data['study_id']} (compare, complete)" in words

    listing = runner.invoke(app, ["results", "--db-url", db, "--json"])
    assert listing.exit_code == 0, listing.stderr
    (study,) = json.loads(listing.stdout)["studies"]
    assert (study["study_id"], study["stored"], study["planned"]) == (data["study_id"], 6, 6)
    table = runner.invoke(app, ["results", "--db-url", db])
    assert "mmc_inspection, mmc_four_lanes" in table.stdout and "6 / 6" in table.stdout
    again = runner.invoke(app, ["results", str(data["study_id"]), "--db-url", db, "--json"])
    stored = json.loads(again.stdout)
    volatile = ("resumed", "reused", "simulated", "first_task_started_monotonic")
    assert stored == {k: v for k, v in data.items() if k not in volatile}
    missing = runner.invoke(app, ["results", "99", "--db-url", db])
    assert missing.exit_code == 2 and "no study with id 99" in missing.stderr


@pytest.mark.prefect
def test_sweep_prints_every_point_by_name(prefect_harness: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    path = str(_short_mmc(tmp_path))
    arguments = ["sweep", path, "--set", "resources.inspection_lanes.capacity=4,5", "-r", "2"]
    result = runner.invoke(app, [*arguments, "--db-url", db])
    assert result.exit_code == 0, result.stderr
    words = " ".join(result.stdout.split())
    assert "study 1 (sweep, complete): 3 scenarios, reference mmc_inspection" in words
    # Square brackets in a point's name are text, not terminal markup.
    assert "mmc_inspection[resources.inspection_lanes.capacity=5]" in result.stdout


def test_sweep_user_errors(tmp_path: Path) -> None:
    path = str(_short_mmc(tmp_path))
    for arguments, message in [
        ([], "a sweep needs --set"),
        (["--lhs", "resources.inspection_lanes.capacity=2:5"], "--samples"),
        (["--set", "resources.nope.capacity=2,3"], "no field 'nope'"),
        (["--lhs", "x=a:b"], "low and high must be numbers"),
    ]:
        result = runner.invoke(app, ["sweep", path, *arguments])
        assert result.exit_code == 2, (arguments, result.stdout)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["one"], "compare needs a reference scenario and at least one other"),
        (["one", "one"], "scenario names must differ"),
        (["one", "one", "-r", "1"], "--replications must be >= 2"),
        (["one", "two", "--report", "out.txt"], "--report: out.txt: the report is an HTML file"),
    ],
)
def test_compare_user_errors(tmp_path: Path, arguments: list[str], message: str) -> None:
    path = str(_short_mmc(tmp_path))
    other = tmp_path / "two.yaml"
    other.write_text(yaml.safe_dump({"extends": path, "name": "two"}), encoding="utf-8")
    named = {"one": path, "two": str(other)}
    result = runner.invoke(app, ["compare", *[named.get(a, a) for a in arguments]])
    assert result.exit_code == 2 and message in result.stderr
