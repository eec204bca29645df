"""Database engine factory: SQLite file by default, any SQLAlchemy URL (PostgreSQL) by setting."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

import clearsim.models.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

DEFAULT_DB_URL = "sqlite:///clearsim.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another process's write lock."""

CONNECT_TIMEOUT_S = 10
"""Seconds to connect to a database server (libpq's ``connect_timeout``)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The busy timeout first: switching a new file to WAL may wait for another process.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _switch_to_wal(dbapi_connection, cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _switch_to_wal(dbapi_connection: Any, cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another process holds the file's lock.

    Switching a new file to WAL needs it exclusively, and SQLite may answer "database is
    locked" at once instead of calling the busy handler (while another process creates the
    schema under its write lock, say); so the switch is retried for the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except dbapi_connection.OperationalError as error:  # sqlite3's, as the connection has it
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    It creates no table: opening a database for clearsim (``open_database`` in
    ``clearsim.flows.storage.persistence``) also creates or upgrades its tables through the
    Alembic migrations.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif parsed.get_backend_name() == "postgresql":
        # A server that accepts the connection and never answers fails in seconds, not minutes.
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S}
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine
