"""Bad input, family by family: one line naming the file, the field and the reason; exit 2; nothing
stored; within seconds. Each case was a hang, a traceback, a fork storm or a silent acceptance.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from factories import MMC, SCENARIOS
from typer.testing import CliRunner

from clearsim.flows.cli.main import app
from clearsim.flows.execution.replications import default_workers
from clearsim.flows.storage.persistence import DatabaseError, refuse_password_parameter
from clearsim.scenarios.yaml_reader import MAX_VALUES

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with the default database: nothing must appear in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLEARSIM_DB_URL", raising=False)
    return tmp_path


def _refused(arguments: list[str], *expected: str) -> str:
    started = time.perf_counter()
    result = runner.invoke(app, arguments)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (arguments, result.stdout, result.stderr)
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert time.perf_counter() - started < 30, "an error must come within seconds"
    return lines[0]


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _nothing_stored(directory: Path) -> None:
    assert not list(directory.glob("clearsim.db*")), "a refused input must store nothing"


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("horizon_min", "horizon_min: .inf"),
        ("drain_limit_min", "drain_limit_min: .inf"),
        ("warmup_min", "warmup_min: .nan"),
        ("resources.inspection_lanes.capacity", "resources: {inspection_lanes: {capacity: 1e30}}"),
    ],
)
def test_non_finite_or_absurd_numbers_in_a_file(workdir: Path, field: str, line: str) -> None:
    path = _write(workdir / "bad.yaml", f"extends: {MMC}\n{line}\n")
    for command in (["validate", str(path)], ["run", str(path), "-r", "2"]):
        _refused(command, "bad.yaml", field)
    _nothing_stored(workdir)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--set", "horizon_min=.inf"], "horizon_min: Input should be a finite number"),
        (["--set", "resources.inspection_lanes.capacity=10000000"], "less than or equal to 10000"),
        (["-r", "1000000000"], "replications: Input should be less than or equal to 100000"),
        (["--set", "warmup_min=10", "--set", "warmup_min=20"], "--set warmup_min: given twice"),
    ],
)
def test_options_out_of_bounds_or_repeated(
    workdir: Path, arguments: list[str], expected: str
) -> None:
    _refused(["run", str(MMC), *arguments], expected)
    _nothing_stored(workdir)


def test_sweep_and_dataset_options(workdir: Path) -> None:
    sweep = ["sweep", str(MMC), "-r", "2"]
    _refused([*sweep, "--lhs", "horizon_min=100:.inf", "--samples", "2"], "must be finite")
    _refused([*sweep, "--set", "seed=1,2", "--set", "seed=3"], "--set seed: given twice")
    dataset = ["dataset", str(MMC), "--out", str(workdir / "out")]
    _refused([*dataset, "--days", "inf"], "--days must be a finite number > 0")
    blocked = _write(workdir / "a-file", "")
    _refused(["dataset", str(MMC), "--out", str(blocked / "sub")], "--out", "cannot write there")
    _nothing_stored(workdir)


def _alias_bomb() -> str:
    """About 300 bytes that expand to 9**9 values: each level repeats the one before nine times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{previous}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: \xff\xfe\n", "not UTF-8 text (byte 0xff at offset 6)"),
        ("name: a\nname: b\n", "key 'name' given twice (line 2)"),
        ("start: 2026-02-30\n", "impossible date '2026-02-30' (line 1)"),
        (_alias_bomb(), f"more than {MAX_VALUES:,} values once aliases are expanded"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "invalid YAML: nested too deeply"),
        ("a: " + "[" * 80 + "]" * 80 + "\n", "nested more than 64 levels deep"),
    ],
    ids=["non-utf8", "duplicate-key", "impossible-date", "alias-bomb", "deep", "deep-but-parsed"],
)
def test_yaml_that_cannot_be_used(workdir: Path, content: str | bytes, expected: str) -> None:
    path = _write(workdir / "bad.yaml", content)
    _refused(["validate", str(path)], "bad.yaml", expected)
    _refused(["run", str(path), "-r", "2"], "bad.yaml", expected)
    # The same file reached through extends: or as a network file names the same reason.
    parent = _write(workdir / "child.yaml", f"extends: {path.name}\n")
    _refused(["validate", str(parent)], "bad.yaml", expected)
    _nothing_stored(workdir)


def test_files_that_are_not_scenario_files(workdir: Path) -> None:
    _refused(["validate", "/dev/zero"], "/dev/zero: not a regular file")
    _refused(["validate", str(workdir)], "not a regular file")
    chain = [workdir / f"c{i}.yaml" for i in range(200)]
    for here, there in pairwise(chain):
        _write(here, f"extends: {there.name}\n")
    _write(chain[-1], f"extends: {MMC}\n")
    _refused(["validate", str(chain[0])], "extends: more than 32 files extend each other")
    _refused(["compare", str(MMC), "/dev/zero", "-r", "2"], "/dev/zero: not a regular file")
    _nothing_stored(workdir)


def test_workers_never_exceed_the_cores_or_the_replications() -> None:
    cores = os.cpu_count() or 1
    assert default_workers(3, 100_000) == min(3, cores)
    assert default_workers(1_000, 100_000) == cores
    assert default_workers(1_000) == cores
    assert default_workers(1) == 1


def test_an_invalid_database_url_never_shows_its_password(workdir: Path) -> None:
    url = "postgresql+psycopg://clerk:s3cret@host:notaport/db"
    line = _refused(["run", str(MMC), "-r", "2", "--db-url", url], "not a valid SQLAlchemy URL")
    assert "s3cret" not in line and "clerk:***@" in line


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a hung database server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for connection in accepted:
        connection.close()


def test_a_database_server_that_never_answers_fails_in_seconds(
    workdir: Path, silent_server: int
) -> None:
    """libpq's connect_timeout (10 s) instead of the kernel's two minutes."""
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://clerk:s3cret@127.0.0.1:{silent_server}/db"
    started = time.perf_counter()
    line = _refused(["run", str(MMC), "-r", "2", "--db-url", url], "cannot open database")
    assert time.perf_counter() - started < 25
    assert "s3cret" not in line


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://clerk:s3cret@db.example/clearsim",
        "postgresql://clerk:s3cret@host:x/db",
    ],
)
def test_a_flow_refuses_a_password_in_its_parameters(url: str) -> None:
    """Prefect stores flow parameters: a password there would sit in its database and UI."""
    with pytest.raises(DatabaseError, match="CLEARSIM_DB_URL") as caught:
        refuse_password_parameter(url)
    assert "s3cret" not in str(caught.value)
    refuse_password_parameter("sqlite:///runs.db")
    refuse_password_parameter(None)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("perishables: {share: 0.0, green_channel: true}", "share 0"),
        ("perishables: {sampling_share: 1.5}", "sampling_share"),
        ("perishables: {risk: {green: 0.5, yellow: 0.1, red: 0.1}}", "perishables.risk"),
        ("perishables: {appointment_resource: nowhere}", "nowhere"),
    ],
)
def test_bad_perishable_air_imports(workdir: Path, override: str, expected: str) -> None:
    """The perishable class of air cargo: one line naming the file and the field or reason."""
    fresh = MMC.parent.parent / "air_cargo_fresh_baseline.yaml"
    text = f"extends: {fresh}\nprocesses:\n  - name: tianhe_air\n    {override}\n"
    path = _write(workdir / "bad_fresh.yaml", text)
    _refused(["validate", str(path)], "bad_fresh.yaml", expected)


@pytest.mark.parametrize(
    ("block", "field", "reason"),
    [
        ("{statutory_share: 1.5}", "export_inspection.statutory_share", "less than or equal"),
        ("{batch: {enabled: true}}", "export_inspection", "batch inspection is enabled"),
        ("{remote: {enabled: true, share: 0}}", "export_inspection", "remote inspection is"),
    ],
    ids=["statutory-share-above-1", "batch-share-0", "remote-share-0"],
)
def test_bad_sea_export_inspection_of_goods(
    workdir: Path, block: str, field: str, reason: str
) -> None:
    """The sea export's statutory-inspection goods: one line naming file, field path, reason."""
    herbs = SCENARIOS / "sea_export_herbs_baseline.yaml"
    process = f"  - name: yangluo_export\n    export_inspection: {block}\n"
    text = f"extends: {herbs}\nprocesses:\n{process}"
    path = _write(workdir / "bad.yaml", text)
    for command in (["validate", str(path)], ["run", str(path), "-r", "2"]):
        _refused(command, "bad.yaml", field, reason)
    _nothing_stored(workdir)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("feedback: {probability: 1.0, to: inspection}", "never lets a customer leave"),
        ("feedback: {probability: 0.5, to: nowhere}", "not this stage or an earlier one"),
        ("capacity: {limit: 0}", "limit"),
        ("impatience: {balk_probability: 1.5}", "balk_probability"),
        ("batch: {size: 0}", "batch.size"),
        ("capacity: {limit: 2}", "is below the 3 servers"),
    ],
)
def test_bad_engine_blocks_are_refused_in_one_line(
    workdir: Path, stage: str, expected: str
) -> None:
    """A loop that never exits, an unknown feedback target, a capacity below the servers or of
    0, a batch of 0: one line, exit 2."""
    text = (
        f"extends: {MMC}\nprocesses:\n  - name: inspection_queue\n    stages:\n"
        "      - activity: inspection\n        resource: inspection_lanes\n"
        "        service_min: {kind: exponential, mean_min: 60}\n"
        f"        {stage}\n"
    )
    path = _write(workdir / "bad.yaml", text)
    line = _refused(["validate", str(path)], "bad.yaml", expected)
    assert "stages" in line, line


_CHEMICALS = (
    Path(__file__).resolve().parents[1] / "scenarios" / "sea_import_chemicals_baseline.yaml"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "resources:\n  wuhan_customs_lab: {capacity: 0}\n",
            "resources.wuhan_customs_lab.capacity",
        ),
        (
            "processes:\n  - name: yangluo_import\n    agency:\n      sampling:\n"
            "        laboratory: {resource: no_such_lab}\n",
            "'no_such_lab' is referenced but not defined",
        ),
        (
            "processes:\n  - name: yangluo_import\n    agency:\n      sampling:\n"
            "        white_list: {enabled: true, take_up: 0}\n",
            "take_up 0",
        ),
        (
            "processes:\n  - name: yangluo_import\n    inspection:\n      remote:\n"
            "        method: joint\n        share: 0.8\n"
            "        video_min: {kind: deterministic, value_min: 25}\n"
            "        destination_min: {kind: deterministic, value_min: 90}\n",
            "needs port_min",
        ),
        (
            "processes:\n  - name: yangluo_import\n    agency:\n      quarantine_approval:\n"
            "        share: 1.0\n"
            "        application_lead_min: {kind: deterministic, value_min: 60}\n"
            "        working_days: 1\n        instant: true\n",
            "instant_share 0",
        ),
    ],
    ids=[
        "lab_capacity_0",
        "lab_missing",
        "white_list_without_take_up",
        "joint_without_port_part",
        "instant_approval_without_share",
    ],
)
def test_agency_layer_bad_input(workdir: Path, body: str, expected: str) -> None:
    """A laboratory must exist with capacity >= 1; a switched-on part needs its take-up."""
    path = _write(workdir / "bad.yaml", f"extends: {_CHEMICALS}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_SHIP_SIDE_TRUCKS = (
    Path(__file__).resolve().parents[1] / "scenarios" / "sea_import_ship_side_trucks.yaml"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "processes:\n  - name: yangluo_import\n    trucks:\n      resource: gate_lanes\n",
            "already serves another role",
        ),
        ("processes:\n  - name: yangluo_import\n    trucks:\n      resource: lorries\n", "lorries"),
        ("resources:\n  trucks: {capacity: 0}\n", "resources.trucks.capacity"),
    ],
    ids=["trucks_on_gate_lanes", "trucks_missing", "trucks_capacity_0"],
)
def test_truck_pool_bad_input(workdir: Path, body: str, expected: str) -> None:
    """The truck pool is a resource of its own, defined in the scenario, with capacity >= 1."""
    path = _write(workdir / "bad.yaml", f"extends: {_SHIP_SIDE_TRUCKS}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_FEEDER = Path(__file__).resolve().parents[1] / "scenarios" / "sea_import_feeder_baseline.yaml"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "processes:\n  - name: yangluo_import\n    upstream:\n      mode: by_air\n",
            "processes.0.upstream.mode",
        ),
        (
            "processes:\n  - name: yangluo_import\n    upstream:\n"
            "      transit_officers: customs_officers\n",
            "already serves another role",
        ),
        (
            "processes:\n  - name: yangluo_import\n    upstream:\n      feeder:\n"
            "        node: YANGLUO_PORT\n",
            "must be the origin_node",
        ),
        (
            "processes:\n  - name: yangluo_import\n    upstream:\n      feeder:\n"
            "        cutoff_before_min: 400\n",
            "shorter than interval_min",
        ),
    ],
    ids=["unknown_mode", "officers_shared", "feeder_elsewhere", "cutoff_too_long"],
)
def test_upstream_chain_bad_input(workdir: Path, body: str, expected: str) -> None:
    """The upstream chain: a known mode, officers of their own, sailings from the origin."""
    path = _write(workdir / "bad.yaml", f"extends: {_FEEDER}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_RAIL_EXPORT = Path(__file__).resolve().parents[1] / "scenarios" / "rail_export_baseline.yaml"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "processes:\n  - name: wujiashan_rail_export\n"
            "    fast_transit: {enabled: true, take_up: 0}\n",
            "fast_transit is enabled with take_up 0",
        ),
        (
            "processes:\n  - name: wujiashan_rail_export\n    trains: {node: YANGLUO_PORT}\n",
            "trains.node must be the terminal_node",
        ),
        (
            "processes:\n  - name: wujiashan_rail_export\n    transit: {share: 1.5}\n",
            "transit.share",
        ),
    ],
    ids=["rail_export_fast_take_up_0", "rail_export_train_node", "rail_export_transit_share"],
)
def test_rail_export_bad_input(workdir: Path, body: str, expected: str) -> None:
    """A switched-on reform needs its take-up; trains leave from the terminal; shares <= 1."""
    path = _write(workdir / "bad.yaml", f"extends: {_RAIL_EXPORT}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_EXPORT_FEEDER = (
    Path(__file__).resolve().parents[1] / "scenarios" / "sea_export_feeder_baseline.yaml"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "processes:\n  - name: yangluo_export\n    onward:\n"
            "      ocean_sailings: {node: YANGLUO_PORT}\n",
            "must be the hub_node",
        ),
        (
            "processes:\n  - name: yangluo_export\n    onward:\n"
            "      linked_cutoff_before_min: 1440\n",
            "linked_cutoff_before_min must be shorter",
        ),
        (
            "processes:\n  - name: yangluo_export\n    onward:\n      river_sea: {enabled: true}\n",
            "river_sea is enabled with share 0",
        ),
        (
            "processes:\n  - name: yangluo_export\n    onward:\n      transshipment: barge\n",
            "onward.transshipment",
        ),
        (
            "processes:\n  - name: yangluo_export\n    onward:\n      hub_node: ROTTERDAM\n"
            "      ocean_sailings: {node: ROTTERDAM}\n",
            "ROTTERDAM",
        ),
    ],
    ids=[
        "sailings_elsewhere",
        "linked_cutoff_too_long",
        "river_sea_share_0",
        "rule_unknown",
        "hub_unknown",
    ],
)
def test_onward_chain_bad_input(workdir: Path, body: str, expected: str) -> None:
    """The ocean sailings leave the hub, a transshipped box's cut-off fits the interval."""
    path = _write(workdir / "bad.yaml", f"extends: {_EXPORT_FEEDER}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_SCENARIOS_DIR = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.mark.parametrize(
    ("base", "body", "expected"),
    [
        (
            "sea_import_yard_baseline.yaml",
            "processes:\n  - name: yangluo_import\n    yard:\n      resource: berths\n",
            "already serves another role",
        ),
        (
            "sea_import_yard_baseline.yaml",
            "processes:\n  - name: yangluo_import\n    yard:\n      resource: stacks\n",
            "stacks",
        ),
        (
            "sea_import_appointments_baseline.yaml",
            "processes:\n  - name: yangluo_import\n    trucks:\n      appointments:\n"
            "        open_hours: [18, 6]\n",
            "open_hours",
        ),
        (
            "sea_import_appointments_baseline.yaml",
            "processes:\n  - name: yangluo_import\n    trucks:\n      appointments:\n"
            "        no_show_share: 1.2\n",
            "no_show_share",
        ),
        (
            "rail_bonded_positions_baseline.yaml",
            "processes:\n  - name: wujiashan_rail_import\n    bonded_storage:\n"
            "      positions:\n        resource: wujiashan_gate_lanes\n",
            "already serves another role",
        ),
    ],
    ids=[
        "yard_on_berths",
        "yard_missing",
        "appointments_hours_reversed",
        "no_show_above_1",
        "positions_on_gate_lanes",
    ],
)
def test_capacities_bad_input(workdir: Path, base: str, body: str, expected: str) -> None:
    """Yard slots and positions are resources of their own; the platform's hours and shares."""
    path = _write(workdir / "bad.yaml", f"extends: {_SCENARIOS_DIR / base}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad.yaml", expected)
    _nothing_stored(workdir)


_AIR_CHAINS = SCENARIOS


@pytest.mark.parametrize(
    ("base", "body", "expected"),
    [
        (
            "air_cargo_city_terminal_baseline.yaml",
            "processes:\n  - name: huahu_air\n    city_terminal: {node: HUAHU_AIRPORT}\n",
            "is the airport itself",
        ),
        (
            "air_cargo_city_terminal_baseline.yaml",
            "processes:\n  - name: huahu_air\n    city_terminal: {dock: huahu_truck_docks}\n",
            "already serves another role",
        ),
        (
            "air_cargo_belly_baseline.yaml",
            "processes:\n  - name: tianhe_air\n    belly: {enabled: true, share: 0.0}\n",
            "share 0",
        ),
        (
            "air_cargo_belly_baseline.yaml",
            "processes:\n  - name: tianhe_air\n    belly: {departures: {cutoff_before_min: 200}}\n",
            "cutoff_before_min must be shorter",
        ),
        (
            "air_cargo_uld_baseline.yaml",
            "processes:\n  - name: tianhe_air\n    ulds: {resource: pallets}\n",
            "pallets",
        ),
        ("air_cargo_uld_baseline.yaml", "resources:\n  tianhe_ulds: {capacity: 0}\n", "capacity"),
        (
            "air_cargo_road_feeder_baseline.yaml",
            "processes:\n  - name: tianhe_air\n    road_feeder: {hub_node: TIANHE_AIRPORT}\n",
            "is the airport itself",
        ),
    ],
    ids=[
        "city-at-airport",
        "city-dock-role",
        "belly-share-0",
        "belly-cutoff",
        "uld-missing",
        "uld-0",
        "feeder-at-airport",
    ],
)
def test_air_chains_bad_input(workdir: Path, base: str, body: str, expected: str) -> None:
    """The air chains' blocks: one line naming the file and the field or reason, exit 2."""
    path = _write(workdir / "bad_air.yaml", f"extends: {_AIR_CHAINS / base}\n{body}")
    _refused(["run", str(path), "-r", "1"], "bad_air.yaml", expected)
    _nothing_stored(workdir)


def test_sensitivity_options(workdir: Path) -> None:
    """``clearsim sensitivity``: a bad --param or --delta names the option and the reason."""
    sens = ["sensitivity", str(MMC), "-r", "2"]
    lanes = "resources.inspection_lanes.capacity"
    _refused(sens, "--param is required")
    _refused([*sens, "--param", "resources.nope.capacity"], "--param", "no field 'nope'")
    _refused([*sens, "--param", "processes.inspection_queue.name"], "--param", "not a number")
    _refused([*sens, "--param", lanes, "--param", lanes], f"--param {lanes}: given twice")
    _refused([*sens, "--param", lanes, "--delta", "0"], "--delta must be a percentage")
    _refused([*sens, "--param", lanes, "--delta", "nan"], "--delta must be a percentage")
    one_lane = _write(workdir / "one.yaml", f"extends: {MMC}\nresources:\n  inspection_lanes: "
                      "{capacity: 1}\n")  # fmt: skip
    _refused(["sensitivity", str(one_lane), "--param", lanes], f"--param {lanes} (low, 0)")
    _nothing_stored(workdir)


def test_optimise_options(workdir: Path) -> None:
    """``clearsim optimise``: a bad --servers, --target or --flow names the option and reason."""
    opt = ["optimise", str(MMC), "-r", "2"]
    lanes = ["--servers", "inspection_lanes=2:5:10"]
    _refused([*opt, *lanes], "--target is required")
    _refused([*opt, "--target", "p90<=3"], "--servers is required")
    _refused([*opt, "--servers", "nope=1:2:3", "--target", "p90<=3"], "--servers nope",
             "no resource")  # fmt: skip
    _refused([*opt, "--servers", "inspection_lanes=5:2:1", "--target", "p90<=3"], "1 <= LOW")
    _refused([*opt, "--servers", "inspection_lanes=2:x:1", "--target", "p90<=3"], "integers")
    _refused([*opt, "--servers", "inspection_lanes", "--target", "p90<=3"], "NAME=LOW:HIGH:COST")
    _refused([*opt, *lanes, "--target", "p50<=3"], "--target must be")
    _refused([*opt, *lanes, "--target", "within48>=150%"], "--target", "(0, 1]")
    _refused([*opt, *lanes, "--target", "p90<=3", "--flow", "sea"], "--flow must be")
    _refused([*opt, *lanes, "--target", "p90<=3", "--trials", "0"], "--trials must be >= 1")
    _refused([*opt, *lanes, "--target", "p90<=3", "--max-replications", "1"],
             "--max-replications")  # fmt: skip
    _refused([*opt, *lanes, "--target", "p90<=3", "--staff-24h", "nope"], "--staff-24h nope")
    _nothing_stored(workdir)
