"""Persistence: a run and its replications are stored, read back, deduplicated and atomic.

Every storage test runs on a temporary SQLite file and, when ``CLEARSIM_TEST_POSTGRES_URL``
names a PostgreSQL database, again on a fresh schema there (marked ``postgres``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import pytest
from sqlalchemy import Table, create_engine, func, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import SQLModel

import clearsim.flows.storage.persistence as persistence
from clearsim.flows.storage.persistence import (
    DB_URL_ENV,
    DatabaseError,
    load_run,
    open_database,
    resolve_db_url,
    store_run,
)
from clearsim.flows.storage.provenance import (
    behaviour_sources,
    code_version,
    library_versions_json,
)
from clearsim.models.records import (
    LegTrips,
    LodgementTiming,
    OutcomeCount,
    OverlongCase,
    ResourceStat,
    RunSummary,
    SegmentCause,
)
from clearsim.models.scenario import Scenario
from clearsim.models.tables import (
    SUMMARY_TABLES,
    ReplicationRow,
    ResourceStatRow,
    RunRow,
    SegmentStatRow,
    record_of,
)
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import run_summary

POSTGRES_ENV = "CLEARSIM_TEST_POSTGRES_URL"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
REPLICATIONS = 3
TABLES: dict[str, type[SQLModel] | Table] = {
    "run": RunRow,
    "replication_result": ReplicationRow,
    "segment_stat": SegmentStatRow,
    "resource_stat": ResourceStatRow,
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    # M/M/3 shortened to ~120 arrivals: milliseconds per replication, and its green, yellow
    # and red channels see no case, so their statistics are NaN.
    return load_scenario(
        SCENARIOS / "validation" / "mmc_inspection.yaml",
        horizon_min=3000,
        warmup_min=500,
        drain_limit_min=2000,
    )


@pytest.fixture(scope="module")
def summaries(scenario: Scenario) -> list[RunSummary]:
    result = [run_summary(scenario, r, scenario.seed) for r in range(REPLICATIONS)]
    segments = [s for summary in result for s in summary.segments]
    # The round trip below is only meaningful if both kinds of value are present.
    assert any(s.n == 0 and math.isnan(s.mean_h) for s in segments)
    assert any(s.n > 0 and math.isfinite(s.mean_h) for s in segments)
    return result


@contextmanager
def postgres_schema_url(base_url: str) -> Iterator[str]:
    """The URL of a fresh, empty schema of the test database, dropped afterwards."""
    url = make_url(base_url)
    admin = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with admin.connect():
            pass
    except OperationalError as error:
        admin.dispose()
        reason = " ".join(str(error.orig).split())
        pytest.skip(
            f"PostgreSQL named by {POSTGRES_ENV} ({url.render_as_string()}) "
            f"does not answer: {reason}"
        )
    schema = f"clearsim_test_{os.getpid()}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    in_schema = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield in_schema.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def postgres_base_url() -> str:
    """The test database named by ``CLEARSIM_TEST_POSTGRES_URL``; skip the test without it."""
    base_url = os.environ.get(POSTGRES_ENV)
    if not base_url:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+psycopg://user:pw@host/db)")
    return base_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        sqlite_engine = open_database(f"sqlite:///{tmp_path / 'runs.db'}")
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    with postgres_schema_url(postgres_base_url()) as url:
        postgres_engine = open_database(url)
        yield postgres_engine
        postgres_engine.dispose()


def _count(engine: Engine, table: type[SQLModel] | Table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _counts(engine: Engine) -> dict[str, int]:
    """Rows per table, by table name."""
    return {name: _count(engine, table) for name, table in TABLES.items()}


def assert_same_record(actual: Any, expected: Any, where: str = "summary") -> None:
    """Field by field, recursively: same types, equal values, NaN where NaN was stored."""
    assert type(actual) is type(expected), where
    for field in dataclasses.fields(expected):
        here = f"{where}.{field.name}"
        assert_same_value(getattr(actual, field.name), getattr(expected, field.name), here)


def assert_same_value(got: Any, want: Any, here: str) -> None:
    if dataclasses.is_dataclass(want):
        assert_same_record(got, want, here)
    elif isinstance(want, tuple):
        assert isinstance(got, tuple), here
        assert len(got) == len(want), here
        for i, (item_got, item_want) in enumerate(zip(got, want, strict=True)):
            assert_same_value(item_got, item_want, f"{here}[{i}]")
    elif isinstance(want, float) and math.isnan(want):
        assert isinstance(got, float), here
        assert math.isnan(got), here
    else:
        assert type(got) is type(want), here
        assert got == want, here


def assert_same_summaries(actual: list[RunSummary], expected: list[RunSummary]) -> None:
    assert [s.replication for s in actual] == [s.replication for s in expected]
    for got, want in zip(actual, expected, strict=True):
        assert_same_record(got, want, f"replication {want.replication}")


def test_round_trip_restores_every_field(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary]
) -> None:
    before = datetime.now(UTC)
    # Stored in reverse: reading back orders by replication.
    run_id = store_run(engine, scenario, summaries[::-1], command="compare")
    after = datetime.now(UTC)

    stored = load_run(engine, run_id)

    assert_same_summaries(stored.summaries, summaries)
    run = stored.run
    assert run.id == run_id
    assert run.command == "compare"
    assert run.scenario_name == scenario.name == "mmc_inspection"
    assert run.scenario_json == scenario.resolved_json()
    assert Scenario.model_validate_json(run.scenario_json) == scenario
    assert json.loads(run.scenario_json)["horizon_min"] == 3000
    assert run.scenario_hash == scenario.scenario_hash
    assert re.fullmatch(r"[0-9a-f]{64}", run.scenario_hash)
    assert run.root_seed == scenario.seed
    assert run.replications == REPLICATIONS
    assert run.code_version == code_version()
    assert re.search(r"\+src\.[0-9a-f]{12}$", run.code_version)
    # The digest covers the engine's sources, not an empty set of files.
    assert not run.code_version.endswith(hashlib.sha256().hexdigest()[:12])
    sources = behaviour_sources()
    assert sorted(sources) == ["models", "simulation"]
    assert all(len(list(folder.rglob("*.py"))) > 10 for folder in sources.values())
    assert run.library_versions == library_versions_json()
    libraries = json.loads(run.library_versions)
    assert {"python", "simpy", "numpy", "sqlmodel", "prefect"} <= libraries.keys()
    created = run.created_at
    if created.tzinfo is None:  # a backend without time zones keeps UTC wall time
        created = created.replace(tzinfo=UTC)
    assert before <= created <= after

    with engine.connect() as connection:
        rows = connection.execute(
            select(ReplicationRow).order_by(ReplicationRow.c.replication)
        ).all()
    assert [r.replication for r in rows] == list(range(REPLICATIONS))
    for row in rows:
        assert (row.scenario_hash, row.root_seed) == (scenario.scenario_hash, scenario.seed)
        assert (row.code_version, row.library_versions) == (run.code_version, run.library_versions)
    n_segments = sum(len(s.segments) for s in summaries)
    assert _counts(engine) == {
        "run": 1,
        "replication_result": REPLICATIONS,
        "segment_stat": n_segments,
        "resource_stat": REPLICATIONS,
    }


def test_nan_statistics_are_null_in_the_database_and_nan_again(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary]
) -> None:
    nan = math.nan
    idle = ResourceStat("inspection_lanes", 3, 0.0, nan, nan, nan, nan, 0, 0)
    summary = dataclasses.replace(summaries[0], resources=(idle,))
    run_id = store_run(engine, scenario, [summary])

    nan_segments = sum(math.isnan(s.mean_h) for s in summary.segments)
    with engine.connect() as connection:
        null_segments = connection.execute(
            select(func.count())
            .select_from(SegmentStatRow)
            .where(SegmentStatRow.c.mean_h.is_(None))
        ).scalar_one()
        resource = connection.execute(select(ResourceStatRow)).one()
    assert null_segments == nan_segments > 0
    assert resource.available_fraction == 0.0
    assert resource.utilisation is None
    assert resource.utilisation_check is None
    assert resource.mean_queue_length is None
    assert resource.mean_wait_min is None

    stored = load_run(engine, run_id)
    assert_same_summaries(stored.summaries, [summary])
    assert math.isnan(stored.summaries[0].resources[0].utilisation)


def _all_nan(value: Any) -> Any:
    """``value`` with every float in it, at any depth, NaN."""
    if isinstance(value, float):
        return math.nan
    if isinstance(value, tuple):
        return tuple(_all_nan(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _all_nan(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **fields)
    return value


def test_every_field_of_every_record_is_stored_and_any_float_may_be_nan(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary]
) -> None:
    """The columns follow the records: one rule per field type, NaN as NULL in any float."""
    # Every tuple of records a summary carries has its table, of that record.
    carried = {
        name: get_args(hint)[0]
        for name, hint in get_type_hints(RunSummary).items()
        if get_origin(hint) is tuple and dataclasses.is_dataclass(get_args(hint)[0])
    }
    assert {name: record_of(table) for name, table in SUMMARY_TABLES.items()} == carried

    full = dataclasses.replace(
        summaries[0],
        outcomes=(OutcomeCount("mmc", "inspected", 3),),
        overlong=(OverlongCase("mmc:000001", "mmc", "import", "station", "stay", 5.0, 50.0, True),),
        leg_trips=(LegTrips("gate", "station", 7),),
        lodgement_timing=(
            LodgementTiming("import", "station", "before_arrival", 4, -2.0, 3.0, 1.0),
        ),
        causes=(SegmentCause("import", "station", "arrival->exit", "queueing", 4, 2.5, 0.25),),
    )
    nan = _all_nan(full)
    for field, table in SUMMARY_TABLES.items():
        assert getattr(nan, field), f"{field} is empty: {table.name} would go untested"
    assert math.isnan(nan.end_time_min)
    assert math.isnan(nan.overlong[0].hours)
    assert math.isnan(nan.profiles[0].bin_min)

    stored = load_run(engine, store_run(engine, scenario, [nan])).summaries
    assert_same_summaries(stored, [nan])


def test_same_replications_twice_make_two_runs_and_one_set_of_results(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary]
) -> None:
    first = store_run(engine, scenario, summaries)
    counts_after_first = _counts(engine)
    second = store_run(engine, scenario, summaries)

    assert second != first
    assert _counts(engine) == {**counts_after_first, "run": 2}
    assert counts_after_first["replication_result"] == REPLICATIONS
    assert_same_summaries(load_run(engine, first).summaries, summaries)
    assert_same_summaries(load_run(engine, second).summaries, summaries)

    # A longer run of the same scenario and seed adds only the replications it lacks.
    extra = run_summary(scenario, REPLICATIONS, scenario.seed)
    third = store_run(engine, scenario, [*summaries, extra])
    assert _count(engine, ReplicationRow) == REPLICATIONS + 1
    assert_same_summaries(load_run(engine, third).summaries, [*summaries, extra])
    assert_same_summaries(load_run(engine, first).summaries, summaries)

    # Another root seed is another replication.
    reseeded = scenario.model_copy(update={"seed": 7})
    fourth = store_run(engine, reseeded, [run_summary(reseeded, 0, 7)])
    assert _count(engine, ReplicationRow) == REPLICATIONS + 2
    assert [s.root_seed for s in load_run(engine, fourth).summaries] == [7]


def test_unique_key_rejects_a_duplicate_replication_row(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary]
) -> None:
    store_run(engine, scenario, summaries[:1])
    with engine.connect() as connection:
        original = connection.execute(select(ReplicationRow)).one()._asdict()
        duplicate = {column: value for column, value in original.items() if column != "id"}
        with pytest.raises(IntegrityError):
            connection.execute(insert(ReplicationRow).values(duplicate))
            connection.commit()
    assert _count(engine, ReplicationRow) == 1


def test_a_store_failing_midway_leaves_nothing(
    engine: Engine,
    scenario: Scenario,
    summaries: list[RunSummary],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[ResourceStat] = []
    real_row = persistence.record_row

    def failing_row(record: object) -> dict[str, Any]:
        # One resource per replication: the second is inside the second replication, after
        # the run row and the first replication have been written.
        if isinstance(record, ResourceStat):
            made.append(record)
            if len(made) == 2:
                raise RuntimeError("disk full")
        return real_row(record)

    monkeypatch.setattr(persistence, "record_row", failing_row)
    with pytest.raises(RuntimeError, match="disk full"):
        store_run(engine, scenario, summaries)
    assert len(made) == 2
    assert _counts(engine) == dict.fromkeys(TABLES, 0)

    # Nothing is left pending or locked: the same store now succeeds from scratch.
    monkeypatch.undo()
    run_id = store_run(engine, scenario, summaries)
    assert _count(engine, RunRow) == 1
    assert _count(engine, ReplicationRow) == REPLICATIONS
    assert_same_summaries(load_run(engine, run_id).summaries, summaries)


def test_load_run_of_an_unknown_id_is_a_database_error(engine: Engine) -> None:
    with pytest.raises(DatabaseError, match=r"^no run with id 999$"):
        load_run(engine, 999)


def test_db_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    assert resolve_db_url(None) == "sqlite:///clearsim.db"
    monkeypatch.setenv(DB_URL_ENV, "sqlite:///from-env.db")
    assert resolve_db_url(None) == "sqlite:///from-env.db"
    assert resolve_db_url("sqlite:///explicit.db") == "sqlite:///explicit.db"
    monkeypatch.delenv(DB_URL_ENV)
    assert resolve_db_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


def _one_line_error(url: str) -> DatabaseError:
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    error = caught.value
    assert "\n" not in str(error)
    # Raised `from None`: the CLI prints the message, and there is no chained traceback.
    assert error.__cause__ is None
    assert error.__suppress_context__
    return error


def test_open_database_rejects_a_malformed_url() -> None:
    error = _one_line_error("not a url")
    assert str(error) == "database URL is not a valid SQLAlchemy URL: 'not a url'"


def test_open_database_rejects_an_unknown_backend() -> None:
    assert str(_one_line_error("nosuchdb://host/db")).startswith(
        "cannot open database nosuchdb://host/db: "
    )


def test_open_database_reports_an_unreachable_server_without_its_password() -> None:
    message = str(_one_line_error("postgresql+psycopg://clearsim:s3cret@127.0.0.1:1/clearsim"))
    assert message.startswith("cannot open database postgresql+psycopg://clearsim:***@127.0.0.1:1")
    assert "s3cret" not in message
    assert "127.0.0.1" in message


def test_open_database_reports_an_unopenable_sqlite_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "runs.db"
    message = str(_one_line_error(f"sqlite:///{missing}"))
    assert message.startswith("cannot open database sqlite:///")
    assert "unable to open database file" in message


def test_open_database_creates_the_tables_and_reopens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = open_database(url)
    assert _counts(first) == dict.fromkeys(TABLES, 0)
    first.dispose()
    again = open_database(url)
    assert _count(again, RunRow) == 0
    again.dispose()
