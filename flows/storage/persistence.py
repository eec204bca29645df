"""Store runs and their replications, one transaction per run; read them back."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, insert, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlmodel import Session

from clearsim.flows.storage.provenance import code_version, library_versions_json
from clearsim.flows.storage.schema import SchemaError, upgrade_database
from clearsim.models.db import DEFAULT_DB_URL, make_engine
from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.models.tables import (
    SUMMARY_TABLES,
    ReplicationRow,
    RunRow,
    record_from_row,
    record_of,
    record_row,
)

DB_URL_ENV = "CLEARSIM_DB_URL"


class DatabaseError(Exception):
    """The database URL is malformed or the server cannot be reached (one line)."""


def resolve_db_url(cli_value: str | None) -> str:
    """``--db-url``, else ``CLEARSIM_DB_URL``, else a SQLite file in the working directory."""
    if cli_value is not None:
        return cli_value
    return os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


def refuse_password_parameter(url: str | None) -> None:
    """Refuse a database URL with a password given as a flow parameter.

    Prefect stores every flow run's parameters in its database and shows them in its UI; a
    password belongs in ``$CLEARSIM_DB_URL`` of the process that runs the flow.
    """
    if url is None:
        return
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = None if _PASSWORD.search(url) is None else "?"
    if password:
        raise DatabaseError(
            f"a database URL with a password is not a flow parameter (Prefect stores those): "
            f"set {DB_URL_ENV} where the flow runs instead"
        )


def open_flow_database(parameter: str | None) -> Engine:
    """A flow's database: its ``db_url`` parameter (without a password) or the environment's."""
    refuse_password_parameter(parameter)
    return open_database(resolve_db_url(parameter))


def open_database(url: str) -> Engine:
    """Check the URL, connect, create or upgrade the tables; raise :class:`DatabaseError` otherwise.

    The tables are brought to the newest schema revision (:mod:`clearsim.flows.storage.schema`):
    a new database gets them, an older one is migrated, one written by a newer clearsim is
    refused.
    """
    try:
        make_url(url).port  # noqa: B018 - a port that is not a number fails here
    except (ArgumentError, ValueError):
        shown = _PASSWORD.sub(r"\1***@", url)
        raise DatabaseError(f"database URL is not a valid SQLAlchemy URL: {shown!r}") from None
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        upgrade_database(engine)
    except SchemaError as error:
        _dispose(engine)
        raise DatabaseError(f"cannot use database {_redacted(url)}: {error}") from None
    except (SQLAlchemyError, ImportError) as error:
        _dispose(engine)
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        raise DatabaseError(f"cannot open database {_redacted(url)}: {reason}") from None
    return engine


def _dispose(engine: Engine | None) -> None:
    if engine is not None:
        engine.dispose()


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")
"""The password of a URL that SQLAlchemy cannot parse, to hide it in the error."""


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def store_run(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary], command: str = "run"
) -> int:
    """Store a run and any replication not stored before, in one transaction; return the run id.

    The summaries must be replications ``0 .. n - 1`` of ``scenario`` with its seed: that is
    what :func:`load_run` reads back. A replication another writer stored meanwhile is skipped.
    """
    expected = list(range(len(summaries)))
    if sorted(s.replication for s in summaries) != expected:
        raise ValueError("store_run needs replications 0 .. n - 1, each once")
    if any(
        (s.scenario_hash, s.root_seed) != (scenario.scenario_hash, scenario.seed) for s in summaries
    ):
        raise ValueError("every summary must come from this scenario and its seed")
    version, libraries = code_version(), library_versions_json()
    with Session(engine) as session:
        run = RunRow(
            created_at=datetime.now(UTC),
            command=command,
            scenario_name=scenario.name,
            scenario_hash=scenario.scenario_hash,
            scenario_json=scenario.resolved_json(),
            root_seed=scenario.seed,
            replications=len(summaries),
            code_version=version,
            library_versions=libraries,
        )
        session.add(run)
        for summary in sorted(summaries, key=lambda s: s.replication):
            _add_if_missing(session, summary, version, libraries)
        session.commit()
        session.refresh(run)
        assert run.id is not None
        return run.id


def _add_if_missing(session: Session, summary: RunSummary, version: str, libraries: str) -> bool:
    """Add a replication unless it is stored; a concurrent duplicate is harmless. True if added."""
    key = _key(summary.scenario_hash, summary.root_seed, version)
    existing = session.connection().execute(
        select(ReplicationRow.c.id).where(key, ReplicationRow.c.replication == summary.replication)
    )
    if existing.first() is not None:
        return False
    try:
        with session.begin_nested():  # a savepoint: a concurrent duplicate is harmless
            _add_replication(session, summary, version, libraries)
    except IntegrityError:
        return False
    return True


def _key(scenario_hash: str, root_seed: int, version: str) -> ColumnElement[bool]:
    """The replications of a scenario and root seed stored by code version ``version``."""
    columns = ReplicationRow.c
    return and_(
        columns.scenario_hash == scenario_hash,
        columns.root_seed == root_seed,
        columns.code_version == version,
    )


def store_replications(engine: Engine, summaries: Sequence[RunSummary]) -> int:
    """Store replications not stored before, all in one transaction; return how many were new.

    A process killed during the call leaves none of them half-written: the transaction is
    committed whole or not at all.
    """
    version, libraries = code_version(), library_versions_json()
    with Session(engine) as session:
        added = sum(_add_if_missing(session, s, version, libraries) for s in summaries)
        session.commit()
    return added


def stored_replications(engine: Engine, scenario_hash: str, root_seed: int) -> set[int]:
    """Replication numbers stored for a scenario and root seed by this code version."""
    with engine.connect() as connection:
        numbers = connection.execute(
            select(ReplicationRow.c.replication).where(
                _key(scenario_hash, root_seed, code_version())
            )
        ).scalars()
        return set(numbers)


def load_replications(
    engine: Engine, scenario_hash: str, root_seed: int, replications: int, version: str
) -> list[RunSummary]:
    """Summaries of replications ``0 .. replications - 1`` stored for this key, in order."""
    number = ReplicationRow.c.replication
    chosen = (
        select(ReplicationRow)
        .where(_key(scenario_hash, root_seed, version), number < replications)
        .order_by(number)
    )
    with engine.connect() as connection:
        return _summaries(connection, chosen)


def _add_replication(session: Session, summary: RunSummary, version: str, libraries: str) -> None:
    """Insert a replication's row, then its records, each kind in its table."""
    connection = session.connection()
    values = {**record_row(summary), "code_version": version, "library_versions": libraries}
    key = connection.execute(insert(ReplicationRow).values(values)).inserted_primary_key
    assert key is not None
    replication_id = key[0]
    for field, table in SUMMARY_TABLES.items():
        rows = [
            {"replication_id": replication_id, **record_row(record)}
            for record in getattr(summary, field)
        ]
        if rows:
            connection.execute(insert(table), rows)


@dataclass(frozen=True)
class StoredRun:
    """A run read back: its row and the summaries of its replications."""

    run: RunRow
    summaries: list[RunSummary]


def load_run(engine: Engine, run_id: int) -> StoredRun:
    """Read run ``run_id`` and its replications (0 .. replications - 1) back as summaries."""
    with Session(engine) as session:
        run = session.get(RunRow, run_id)
        if run is None:
            raise DatabaseError(f"no run with id {run_id}")
        session.expunge(run)
    summaries = load_replications(
        engine, run.scenario_hash, run.root_seed, run.replications, run.code_version
    )
    return StoredRun(run=run, summaries=summaries)


RunTable = RunRow.__table__  # type: ignore[attr-defined]


def list_runs(engine: Engine) -> list[RunRow]:
    """Every stored run (``clearsim run``), newest first."""
    with Session(engine) as session:
        runs = list(session.scalars(select(RunRow).order_by(RunTable.c.id.desc())))
        session.expunge_all()
    return runs


def _summaries(connection: Connection, replications: Select[Any]) -> list[RunSummary]:
    """The summaries of the replication rows ``replications`` selects, in its order.

    Each table of records is read once for them all, its rows in the order they were stored,
    after the replications (each committed with its records, so none of them is missed).
    """
    rows = connection.execute(replications).mappings().all()
    ids = replications.with_only_columns(ReplicationRow.c.id).order_by(None)
    records: dict[tuple[str, int], list[object]] = defaultdict(list)
    for field, table in SUMMARY_TABLES.items():
        record = record_of(table)
        stored = select(table).where(table.c.replication_id.in_(ids)).order_by(table.c.id)
        for row in connection.execute(stored).mappings():
            records[field, row["replication_id"]].append(record_from_row(record, row))
    return [
        record_from_row(
            RunSummary, row, {field: tuple(records[field, row["id"]]) for field in SUMMARY_TABLES}
        )
        for row in rows
    ]
