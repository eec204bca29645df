"""Database engine factory: SQLite file by default, any SQLAlchemy URL (PostgreSQL) by setting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

import clearsim.models.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

DEFAULT_DB_URL = "sqlite:///clearsim.db"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the tables created; SQLite gets WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    SQLModel.metadata.create_all(engine)
    _check_columns(engine)
    return engine


class SchemaMismatchError(RuntimeError):
    """The database holds clearsim tables of another schema (written by an older version)."""


def _check_columns(engine: Engine) -> None:
    """Refuse a database whose existing tables lack columns this version writes."""
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing = sorted(set(table.columns.keys()) - present)
        if missing:
            raise SchemaMismatchError(
                f"table {table.name} lacks column(s) {', '.join(missing)}: the database was "
                "written by another clearsim schema; use a new database file or URL"
            )
