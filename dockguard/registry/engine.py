"""Engines for the registry's backends, and the write lock that makes registration atomic.

SQLite: WAL (readers never block the writer), a busy timeout (a second writer waits instead of
failing), and BEGIN IMMEDIATE for write transactions so the duplicate check and the inserts happen
under one write lock. PostgreSQL: a transaction-scoped advisory lock plays the same role.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from dockguard.errors import RegistryError

from .url import redact_url

BUSY_TIMEOUT_S = 60.0
# execution option that marks a write transaction
WRITE_OPTION = "dockguard_write"
# an arbitrary 64-bit key ("dockgrd" in ASCII) for PostgreSQL's advisory lock
_PG_LOCK_KEY = 0x646F636B677264


def create_registry_engine(url: URL) -> Engine:
    """An engine for `url`; SQLite and PostgreSQL (psycopg 3) are the supported backends."""
    backend = url.get_backend_name()
    if url.drivername == "postgresql":
        # SQLAlchemy's default PostgreSQL driver is psycopg2; DockGuard ships with psycopg 3
        url = url.set(drivername="postgresql+psycopg")
    try:
        if backend == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        hint = " (pip install 'dockguard[postgres]')" if backend == "postgresql" else ""
        raise RegistryError(
            f"no database driver for {redact_url(url.render_as_string(hide_password=False))}: "
            f"{exc.name} is not installed{hint}"
        ) from exc


def lock_for_write(connection: Connection) -> None:
    """Serialize writers. SQLite already holds the write lock (BEGIN IMMEDIATE); PostgreSQL takes one."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S}}
    if in_memory:
        # one connection shared by all, or each connection would see its own empty database
        kwargs.update(
            poolclass=StaticPool, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
        )
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # take BEGIN away from the sqlite3 module: it would skip it for SELECT and DDL (see _sqlite_on_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
    finally:
        cursor.close()


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database to WAL (a setting stored in the file), retrying while others hold it.

    Changing the journal mode needs an exclusive lock and SQLite gives up at once (without the busy
    handler) when another connection is switching it too: the race of two processes opening a new
    registry. Once the file is in WAL mode this is a read and never waits.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_on_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


@contextmanager
def database_errors(shown_url: str, doing: str) -> Iterator[None]:
    """Turn SQLAlchemy and driver errors into a RegistryError that names the registry and the action."""
    try:
        yield
    except DBAPIError as exc:
        detail = (str(exc.orig) if exc.orig is not None else str(exc)).strip().splitlines()
        first = detail[0] if detail else type(exc).__name__
        if "database is locked" in first:
            raise RegistryError(
                f"the registry at {shown_url} is locked by another process (waited up to "
                f"{BUSY_TIMEOUT_S:.0f} s) while {doing}; try again"
            ) from exc
        raise RegistryError(f"the registry at {shown_url}: {doing} failed: {first}") from exc
    except SQLAlchemyError as exc:
        raise RegistryError(f"the registry at {shown_url}: {doing} failed: {exc}") from exc
