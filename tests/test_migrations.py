"""Schema migrations: every database is brought to the head revision, the old ones included.

``tests/data/clearsim_c5ef2f5.db`` was written by the release before the schema was versioned
(commit c5ef2f5, with its top-level module names), in a fresh directory, by:

    export PREFECT_HOME=/tmp/fixture/prefect DB=sqlite:////tmp/fixture/clearsim_c5ef2f5.db
    python -m flows.cli run scenarios/validation/mmc_inspection.yaml -r 2 --db-url $DB
    python -m flows.cli run scenarios/sea_import_baseline.yaml -r 1 --set horizon_min=4320 \\
        --set warmup_min=1440 --set drain_limit_min=4320 --db-url $DB
    python -m flows.cli compare scenarios/validation/mmc_inspection.yaml \\
        scenarios/validation/mmc_priority.yaml -r 2 --db-url $DB

It holds run 1 (M/M/3, two replications), run 2 (a short sea import: overlong cases, outcome
counts, leg trips) and study 1 (the M/M/3 against its priority variant, whose first scenario
shares run 1's replications). The figures pinned below are the ones that release stored and
printed with ``--json``. Tests marked ``postgres`` run again on PostgreSQL when
``CLEARSIM_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from factories import MMC
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel
from test_persistence import assert_same_summaries, postgres_base_url, postgres_schema_url
from typer.testing import CliRunner

import clearsim.flows.storage.schema as schema
from clearsim.analysis.aggregate import aggregate
from clearsim.flows.cli.main import app
from clearsim.flows.storage.persistence import DatabaseError, load_run, open_database
from clearsim.flows.storage.schema import (
    BASELINE,
    alembic_config,
    database_revision,
    head_revision,
)
from clearsim.flows.storage.studies import list_studies, load_study
from clearsim.models.scenario import Scenario

RELEASE_DB = Path(__file__).resolve().parent / "data" / "clearsim_c5ef2f5.db"
PROCESSES = 4


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    with postgres_schema_url(postgres_base_url()) as url:
        yield url


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return database_revision(connection)


def _differences(engine: Engine) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def _columns(engine: Engine) -> dict[str, set[str]]:
    reader = inspect(engine)
    return {
        table: {column["name"] for column in reader.get_columns(table)}
        for table in reader.get_table_names()
        if table != "alembic_version"
    }


def assert_schema_is_the_models(engine: Engine) -> None:
    """The tables and columns are exactly those the SQLModel metadata declares, and no more."""
    declared = {
        table.name: {column.name for column in table.columns}
        for table in SQLModel.metadata.sorted_tables
    }
    assert _columns(engine) == declared
    assert _differences(engine) == []


def test_the_revisions_are_one_numbered_line() -> None:
    scripts = list(reversed(list(schema._scripts().walk_revisions())))
    numbers = [script.revision for script in scripts]
    assert numbers[0] == BASELINE == "0001"
    assert numbers == [f"{n:04d}" for n in range(1, len(numbers) + 1)]
    assert [script.down_revision for script in scripts] == [None, *numbers[:-1]]
    assert head_revision() == numbers[-1]


def test_a_new_database_gets_every_revision_and_exactly_the_models_tables(empty_url: str) -> None:
    engine = open_database(empty_url)
    try:
        assert _revision(engine) == head_revision()
        assert_schema_is_the_models(engine)
    finally:
        engine.dispose()


def test_every_revision_downgrades_to_nothing_and_upgrades_again(empty_url: str) -> None:
    engine = open_database(empty_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert _columns(engine) == {}
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        assert_schema_is_the_models(engine)
    finally:
        engine.dispose()


def test_an_unversioned_database_with_the_baseline_tables_is_stamped_then_upgraded(
    empty_url: str,
) -> None:
    """As a PostgreSQL database of the release before migrations would be (SQLite: below)."""
    engine = create_engine(empty_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), BASELINE)
            connection.execute(text("DROP TABLE alembic_version"))
        assert _revision(engine) is None
        open_database(empty_url).dispose()
        assert _revision(engine) == head_revision()
        assert_schema_is_the_models(engine)
    finally:
        engine.dispose()


def _copy_of_the_release_db(tmp_path: Path) -> Path:
    path = tmp_path / "release.db"
    shutil.copyfile(RELEASE_DB, path)
    return path


def _sqlite_schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    connection.close()
    return rows


def test_the_fixture_is_a_database_of_the_release_before_migrations() -> None:
    names = {name for name, _sql in _sqlite_schema(RELEASE_DB)}
    assert {"run", "replication_result", "segment_stat", "study", "study_scenario"} <= names
    assert "alembic_version" not in names
    assert RELEASE_DB.stat().st_size < 400_000


def test_the_release_database_is_upgraded_and_reads_back_its_runs_and_studies(
    tmp_path: Path,
) -> None:
    engine = open_database(f"sqlite:///{_copy_of_the_release_db(tmp_path)}")
    try:
        assert _revision(engine) == head_revision()
        assert_schema_is_the_models(engine)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []

        # Run 1: the M/M/3 stage, two replications, as `clearsim run --json` printed it.
        mmc = load_run(engine, 1)
        assert (mmc.run.command, mmc.run.scenario_name) == ("run", "mmc_inspection")
        assert mmc.run.code_version == "0.1.0+src.35797ae908f0"
        assert [s.replication for s in mmc.summaries] == [0, 1]
        assert [s.arrived for s in mmc.summaries] == [12040, 12279]
        assert [s.events for s in mmc.summaries] == [72240, 73671]
        assert [len(s.segments) for s in mmc.summaries] == [20, 20]
        # 17 of the 20 have no case (a station flow has no lodgement, no channels): NULL, NaN.
        assert [sum(math.isnan(g.mean_h) for g in s.segments) for s in mmc.summaries] == [17, 17]
        scenario = Scenario.model_validate_json(mmc.run.scenario_json)
        report = aggregate(scenario.name, mmc.summaries, scenario.monitoring)
        release = next(
            s for s in report.segments if (s.segment, s.channel) == ("arrival->release", "all")
        )
        assert release.mean_h.mean == pytest.approx(2.0988000793592647, rel=1e-12)
        assert release.p90_h.mean == pytest.approx(4.692073531327533, rel=1e-12)
        lanes = report.resources[0]
        assert lanes.resource == "inspection_lanes"
        assert lanes.utilisation.mean == pytest.approx(0.7911838593310184, rel=1e-12)
        profile = mmc.summaries[0].profiles[0]
        assert (profile.resource, profile.bin_min) == ("inspection_lanes", 480.0)
        assert len(profile.utilisation_by_hour) == 24
        assert [len(d.hours) for d in mmc.summaries[0].distributions] == [101, 101]

        # Run 2: a short sea import, with overlong cases, outcome counts and leg trips.
        sea = load_run(engine, 2).summaries
        assert len(sea) == 1
        (summary,) = sea
        assert (summary.arrived, summary.measured, summary.censored) == (1209, 342, 65)
        assert summary.warmup_mser5_min == pytest.approx(2680.64951672924)
        assert len(summary.overlong) == 75
        assert sum(case.open for case in summary.overlong) == 45
        assert all(type(case.open) is bool for case in summary.overlong)
        assert summary.overlong[0].case_id == "yangluo_import:container:000202"
        assert summary.overlong[0].hours == pytest.approx(116.86971287255531)
        assert [(o.outcome, o.cases) for o in summary.outcomes] == [
            ("complete_declaration_late", 0)
        ]
        assert sum(leg.trips for leg in summary.leg_trips) == 1149
        assert [r.resource for r in summary.resources][:2] == ["berths", "customs_officers"]
        segments = {(s.segment, s.channel): s for s in summary.segments}
        assert segments["arrival->release", "all"].mean_h == pytest.approx(27.13581680594059)

        # Study 1: the comparison, complete, its scenarios in place, every replication found.
        (listing,) = list_studies(engine)
        assert listing.scenario_names == ("mmc_inspection", "mmc_priority")
        assert (listing.stored, listing.planned) == (4, 4)
        study = load_study(engine, listing.study.id)
        assert (study.study.kind, study.study.status) == ("compare", "complete")
        assert [s.position for s in study.scenarios] == [0, 1]
        assert_same_summaries(study.summaries[0], mmc.summaries)
        priority = study.summaries[1]
        assert [s.replication for s in priority] == [0, 1]
        priority_scenario = Scenario.model_validate_json(study.scenarios[1].scenario_json)
        priority_report = aggregate("mmc_priority", priority, priority_scenario.monitoring)
        priority_release = next(
            s
            for s in priority_report.segments
            if (s.segment, s.channel) == ("arrival->release", "all")
        )
        assert priority_release.mean_h.mean == pytest.approx(2.081992650715028, rel=1e-12)
    finally:
        engine.dispose()


def test_a_database_at_the_head_is_opened_again_without_change(tmp_path: Path) -> None:
    path = _copy_of_the_release_db(tmp_path)
    open_database(f"sqlite:///{path}").dispose()
    upgraded = _sqlite_schema(path)
    open_database(f"sqlite:///{path}").dispose()
    assert _sqlite_schema(path) == upgraded


def test_a_failed_upgrade_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_of_the_release_db(tmp_path)
    before = _sqlite_schema(path)
    real_upgrade = command.upgrade

    def upgrade_then_fail(config: object, revision: str) -> None:
        real_upgrade(config, revision)  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(schema.command, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        open_database(f"sqlite:///{path}")
    # Neither the stamp nor any revision is left: the whole upgrade was one transaction.
    assert _sqlite_schema(path) == before


def _one_line_error(url: str) -> str:
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.__cause__ is None
    return message


def test_a_database_written_by_a_newer_clearsim_is_refused(empty_url: str) -> None:
    engine = open_database(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    message = _one_line_error(empty_url)
    assert message.startswith("cannot use database ")
    assert message.endswith(
        f"its schema is at revision 9999, which this clearsim does not know "
        f"(newest {head_revision()}): a newer clearsim wrote it; upgrade clearsim"
    )


def test_a_migration_failing_on_a_database_error_is_one_line_and_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_of_the_release_db(tmp_path)
    before = _sqlite_schema(path)
    real_upgrade = command.upgrade

    def upgrade_then_fail(config: object, revision: str) -> None:
        real_upgrade(config, revision)  # type: ignore[arg-type]
        raise OperationalError("ALTER TABLE ...", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(schema.command, "upgrade", upgrade_then_fail)
    message = _one_line_error(f"sqlite:///{path}")
    assert message == (
        f"cannot use database sqlite:///{path}: migrating its schema from no revision to "
        f"revision {head_revision()} failed and was rolled back: disk I/O error"
    )
    assert _sqlite_schema(path) == before


def test_the_command_line_refuses_a_newer_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    engine = open_database(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    result = CliRunner().invoke(app, ["run", str(MMC), "-r", "1", "--db-url", f"sqlite:///{path}"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"clearsim: error: cannot use database sqlite:///{path}: its schema is at revision "
        f"9999, which this clearsim does not know (newest {head_revision()}): a newer clearsim "
        "wrote it; upgrade clearsim"
    ]


def test_a_database_older_than_the_baseline_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = _copy_of_the_release_db(tmp_path)
    with sqlite3.connect(path) as connection:  # segment rows before they carried their flow
        connection.execute("ALTER TABLE segment_stat DROP COLUMN mode")
        connection.execute("ALTER TABLE segment_stat DROP COLUMN direction")
    connection.close()
    before = _sqlite_schema(path)
    message = _one_line_error(f"sqlite:///{path}")
    assert message.endswith(
        "table segment_stat lacks column(s) direction, mode: a clearsim older than schema "
        "revision 0001 wrote it; use a new database file or URL"
    )
    assert _sqlite_schema(path) == before


CHILD = """
import sys, time
from pathlib import Path
from clearsim.flows.storage.persistence import open_database

ready, go, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ready.touch()
deadline = time.monotonic() + 120
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("the go signal never came")
    time.sleep(0.001)
open_database(url).dispose()
"""


def test_processes_opening_a_new_database_at_once_all_succeed(
    empty_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(PROCESSES)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(flag), str(go), empty_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    try:
        deadline = time.monotonic() + 120
        while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        go.touch()  # every child has imported clearsim: they open the database together
        outcomes = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            child.kill()
    assert [child.returncode for child in children] == [0] * PROCESSES, outcomes
    engine = create_engine(empty_url)
    try:
        assert _revision(engine) == head_revision()
        assert_schema_is_the_models(engine)
    finally:
        engine.dispose()
