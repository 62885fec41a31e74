"""Engines for the registry's backends, and the write lock that makes registration atomic.

SQLite: WAL (readers never block the writer), a busy timeout (a second writer waits instead of
failing), and BEGIN IMMEDIATE for write transactions so the duplicate check and the inserts happen
under one write lock. PostgreSQL: a transaction-scoped advisory lock plays the same role, with a
`lock_timeout` so a writer stuck behind another gives up with a message instead of waiting forever.

A SQLite file on read-only media (or one this user may not write) is opened read-only: `mode=ro`
when a write-ahead log is beside it (its committed pages are read), else `immutable=1` (SQLite
then needs no -shm file, which it could not create there).

Whatever still comes back as "database is locked" (SQLite answers SQLITE_BUSY without waiting in
a few cases: recovery after a crash, a snapshot that moved) is retried with backoff by
`retry_locked` until the lock timeout, then reported as `RegistryLocked`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from dockguard.errors import RegistryError, RegistryFull, RegistryLocked, RegistryReadOnly

from .url import redact_url

T = TypeVar("T")

BUSY_TIMEOUT_S = 60.0
# how long a writer waits for another one, in seconds (tests and impatient scripts shorten it)
LOCK_TIMEOUT_ENV = "DOCKGUARD_LOCK_TIMEOUT"
# execution option that marks a write transaction
WRITE_OPTION = "dockguard_write"
# an arbitrary 64-bit key ("dockgrd" in ASCII) for PostgreSQL's advisory lock
_PG_LOCK_KEY = 0x646F636B677264


def lock_timeout_s() -> float:
    """$DOCKGUARD_LOCK_TIMEOUT (seconds, > 0), else BUSY_TIMEOUT_S; a bad value is a RegistryError."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise RegistryError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds above 0, not {raw!r}")
    return value


def sqlite_read_only(url: URL) -> bool:
    """True for a SQLite file that exists on media (or with permissions) this process cannot write."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    path = Path(url.database or "")
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


class _DropAbortedPipelineNotice(logging.Filter):
    """psycopg logs "error ignored terminating <Pipeline>: pipeline aborted" when a batch insert
    fails (a full disk, a lock timeout) besides raising the error itself, which the registry turns
    into its message; without a handler the notice would reach the user's terminal as a second,
    cryptic line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "error ignored terminating" not in record.getMessage()


_PIPELINE_NOTICE = _DropAbortedPipelineNotice()


def create_registry_engine(url: URL, *, read_only: bool = False) -> Engine:
    """An engine for `url`; SQLite and PostgreSQL (psycopg 3) are the supported backends.

    `read_only` (SQLite only) opens the file without ever writing to it or beside it.
    """
    backend = url.get_backend_name()
    if url.drivername == "postgresql":
        # SQLAlchemy's default PostgreSQL driver is psycopg2; DockGuard ships with psycopg 3
        url = url.set(drivername="postgresql+psycopg")
    try:
        if backend == "sqlite":
            return _sqlite_engine(url, read_only)
        psycopg_logger = logging.getLogger("psycopg")
        if _PIPELINE_NOTICE not in psycopg_logger.filters:
            psycopg_logger.addFilter(_PIPELINE_NOTICE)
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
        milliseconds = int(lock_timeout_s() * 1000)
        # SET does not take bind parameters; the value is an int we formatted ourselves
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
        connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))


def _sqlite_engine(url: URL, read_only: bool) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    timeout = lock_timeout_s()
    kwargs: dict[str, Any] = {"connect_args": {"timeout": timeout}}
    if in_memory:
        # one connection shared by all, or each connection would see its own empty database
        kwargs.update(poolclass=StaticPool, connect_args={"timeout": timeout, "check_same_thread": False})
    elif read_only:
        path = Path(url.database or "").absolute()
        wal = path.with_name(path.name + "-wal")
        # with a non-empty log the committed pages live partly in it: mode=ro reads them (immutable
        # would not); without one immutable needs no -shm file, which cannot be created here
        flag = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
        url = url.set(database=f"file:{path}?{flag}", query={"uri": "true"})
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect_read_only if read_only else _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # take BEGIN away from the sqlite3 module: it would skip it for SELECT and DDL (see _sqlite_on_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout_s() * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
    finally:
        cursor.close()


def _sqlite_on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout_s() * 1000)}")
    finally:
        cursor.close()


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database to WAL (a setting stored in the file), retrying while others hold it.

    Changing the journal mode needs an exclusive lock and SQLite gives up at once (without the busy
    handler) when another connection is switching it too: the race of two processes opening a new
    registry. Once the file is in WAL mode this is a read and never waits.
    """
    deadline = time.monotonic() + lock_timeout_s()
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


# what the backends say when the disk is full, when the database is read-only, when a lock is held
_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
_READ_ONLY = ("attempt to write a readonly database", "read-only transaction", "readonly database")
_LOCKED = ("database is locked", "database table is locked", "lock timeout")


def is_locked_error(exc: BaseException) -> bool:
    """True for a RegistryLocked, or a driver error saying another connection holds a lock."""
    if isinstance(exc, RegistryLocked):
        return True
    orig = getattr(exc, "orig", None)
    return any(marker in str(orig or exc).lower() for marker in _LOCKED)


def retry_locked(run: Callable[[], T], *, deadline_s: float | None = None) -> T:
    """`run()`, run again with exponential backoff (10 ms to 1 s) while it fails with a lock held,
    until `deadline_s` (default: the lock timeout) has passed; then its last error is raised.

    `run` must be a whole transaction: a failed attempt has rolled back and left nothing behind.
    """
    deadline = time.monotonic() + (lock_timeout_s() if deadline_s is None else deadline_s)
    pause = 0.01
    while True:
        try:
            return run()
        except (RegistryLocked, DBAPIError) as exc:
            if not is_locked_error(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


@contextmanager
def database_errors(shown_url: str, doing: str) -> Iterator[None]:
    """Turn SQLAlchemy and driver errors into a RegistryError that names the registry and the action:
    RegistryLocked, RegistryFull and RegistryReadOnly for the failures a user can do something about."""
    try:
        yield
    except DBAPIError as exc:
        detail = (str(exc.orig) if exc.orig is not None else str(exc)).strip().splitlines()
        first = detail[0] if detail else type(exc).__name__
        lowered = first.lower()
        if any(marker in lowered for marker in _LOCKED):
            raise RegistryLocked(
                f"the registry at {shown_url} is locked by another process (waited up to "
                f"{lock_timeout_s():.0f} s, ${LOCK_TIMEOUT_ENV}) while {doing}; nothing was written; try again"
            ) from exc
        if any(marker in lowered for marker in _FULL):
            raise RegistryFull(
                f"the disk holding the registry at {shown_url} is full ({first}) while {doing}; "
                "nothing was written: free some space and run it again"
            ) from exc
        if any(marker in lowered for marker in _READ_ONLY):
            raise RegistryReadOnly(
                f"the registry at {shown_url} is read-only ({first}) while {doing}; nothing was written: "
                "scanning, listing and verifying work here, registering needs a writable registry"
            ) from exc
        raise RegistryError(f"the registry at {shown_url}: {doing} failed: {first}") from exc
    except SQLAlchemyError as exc:
        raise RegistryError(f"the registry at {shown_url}: {doing} failed: {exc}") from exc
