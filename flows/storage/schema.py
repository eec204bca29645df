"""The schema's version: a database is brought to the newest Alembic revision when it is opened.

The revisions live in ``flows/storage/migrations/versions``; ``0001`` is the schema of the
release before the schema was versioned. :func:`upgrade_database`:

- leaves a database at the head revision alone (one read of ``alembic_version``);
- gives a new, empty database every revision;
- stamps a database written before versioning (clearsim's tables, no ``alembic_version``) as
  ``0001``, then upgrades it;
- refuses a database at a revision this code does not know: a newer clearsim wrote it;
- reports an upgrade that fails (a database error) in one line, after rolling it back.

Stamp and upgrade run in one transaction holding a lock that one process at a time can hold
(SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock): processes opening a new database at
once wait for each other, the first creates the tables and the others find them; a failure
leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from clearsim.models.db import SQLITE_BUSY_TIMEOUT_MS

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
"""The revision of a database written before the schema was versioned."""
_CONNECTION = "connection"  # the key under which migrations/env.py finds our connection
_POSTGRES_LOCK = 0x636C656172  # any fixed number: the advisory lock of clearsim's schema


class SchemaError(Exception):
    """The database's schema cannot be brought to this code's (one line)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration of the migrations, running on ``connection`` when given."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    if connection is not None:
        config.attributes[_CONNECTION] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision: the schema this code reads and writes."""
    head = _scripts().get_current_head()
    assert head is not None, "no revision in flows/storage/migrations/versions"
    return head


def database_revision(connection: Connection) -> str | None:
    """The revision recorded in the database (None: never versioned, or empty)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """Bring the database to the head revision; raise :class:`SchemaError` if it cannot be."""
    with engine.connect() as connection:
        current = database_revision(connection)
    _check_known(current)
    if current == head_revision():
        return
    try:
        with _schema_lock(engine) as connection:
            _upgrade(connection)
    except (SQLAlchemyError, CommandError) as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        origin = f"revision {current}" if current else "no revision"
        raise SchemaError(
            f"migrating its schema from {origin} to revision {head_revision()} failed "
            f"and was rolled back: {reason}"
        ) from None


def _check_known(revision: str | None) -> None:
    known = {script.revision for script in _scripts().walk_revisions()}
    if revision is not None and revision not in known:
        raise SchemaError(
            f"its schema is at revision {revision}, which this clearsim does not know "
            f"(newest {head_revision()}): a newer clearsim wrote it; upgrade clearsim"
        )


def _upgrade(connection: Connection) -> None:
    """Stamp a database written before versioning, then upgrade it, in the caller's transaction."""
    current = database_revision(connection)  # again: another process may have upgraded it
    _check_known(current)
    if current == head_revision():
        return
    config = alembic_config(connection)
    if current is None and _check_pre_versioning(connection):
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")


def _check_pre_versioning(connection: Connection) -> bool:
    """True if the unversioned database holds the baseline's tables; False if it holds none.

    Raises :class:`SchemaError` for some of them, or for tables lacking baseline columns (a
    database of a clearsim older than the baseline).
    """
    reader = inspect(connection)
    present = set(reader.get_table_names())
    baseline = _baseline_columns()
    if not present & baseline.keys():
        return False
    for table, columns in baseline.items():
        if table not in present:
            raise SchemaError(
                f"it lacks table {table}: a clearsim older than schema revision {BASELINE} "
                "wrote it; use a new database file or URL"
            )
        missing = sorted(columns - {column["name"] for column in reader.get_columns(table)})
        if missing:
            raise SchemaError(
                f"table {table} lacks column(s) {', '.join(missing)}: a clearsim older than "
                f"schema revision {BASELINE} wrote it; use a new database file or URL"
            )
    return True


@cache
def _baseline_columns() -> dict[str, frozenset[str]]:
    """The tables and columns of revision 0001, read from an in-memory database."""
    scratch = create_engine("sqlite://")
    with scratch.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
        reader = inspect(connection)
        columns = {
            table: frozenset(column["name"] for column in reader.get_columns(table))
            for table in reader.get_table_names()
            if table != "alembic_version"
        }
    scratch.dispose()
    return columns


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that one process at a time holds, committed on exit."""
    if engine.dialect.name == "sqlite":
        locking = _sqlite_locking_engine(engine)
        try:
            with locking.begin() as connection:
                yield connection
        finally:
            locking.dispose()
        return
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK})
        yield connection


def _sqlite_locking_engine(engine: Engine) -> Engine:
    """An engine on the same file whose transactions take the write lock and include DDL.

    Python's sqlite3 neither begins a transaction before DDL nor takes the write lock until the
    first write; here the transaction starts with ``BEGIN IMMEDIATE`` (SQLAlchemy's recipe for
    SQLite), so a second process waits for the first to commit, and a failed upgrade rolls
    back whole. Foreign keys stay off, as SQLite needs while a migration copies a table.
    """
    locking = create_engine(engine.url, poolclass=NullPool)
    event.listen(locking, "connect", _sqlite_manual_transactions)
    event.listen(locking, "begin", _begin_immediate)
    return locking


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # sqlite3 emits no BEGIN of its own
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
