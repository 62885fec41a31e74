"""Schema versions: an ordered list of migrations, and `ensure_schema` that brings a database up to date.

Migration N (1-based) takes a database from version N-1 to N, inside the same transaction that
records the new version, so a failed migration leaves the database as it was. Never edit a released
migration; append one. Migration 1 creates the v1 tables from `tables.TABLES_V1`, which therefore
must keep describing version 1: later changes go into new migrations written with explicit DDL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    update,
)

from dockguard.errors import RegistryError

from .engine import WRITE_OPTION, lock_for_write
from .tables import TABLES_V1, Base, SchemaVersionRow

Migration = Callable[[Connection], None]


def _create_v1_tables(connection: Connection) -> None:
    Base.metadata.create_all(connection, tables=list(TABLES_V1))


def _add_timestamps_table(connection: Connection) -> None:
    # written out here, not taken from tables.TimestampRow, so this migration never changes
    table = Table(
        "timestamps",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("seq", Integer, nullable=False),
        Column("head_hash", String(64), nullable=False),
        Column("digest", String(64), nullable=False, unique=True),
        Column("gen_time", String, nullable=False),
        Column("tsa", Text, nullable=False),
        Column("tsr", LargeBinary, nullable=False),
        Column("attached_at", String, nullable=False),
        sqlite_autoincrement=True,
    )
    table.create(connection)


MIGRATIONS: list[Migration] = [_create_v1_tables, _add_timestamps_table]


def code_schema_version() -> int:
    """The schema version this code writes and expects."""
    return len(MIGRATIONS)


def read_schema_version(connection: Connection) -> int | None:
    """The database's schema version; None for a database without DockGuard tables."""
    if not inspect(connection).has_table(SchemaVersionRow.__tablename__):
        return None
    version = connection.execute(select(SchemaVersionRow.version).where(SchemaVersionRow.id == 1)).scalar()
    return 0 if version is None else int(version)


def ensure_schema(engine: Engine, shown_url: str, *, read_only: bool = False) -> int:
    """Create or migrate the schema at `engine`; refuse a database newer than this code. Returns the version.

    `read_only`: nothing is created or migrated; an older registry is read at its own version (the
    tables a newer version adds read as empty).
    """
    target = code_schema_version()
    with engine.connect() as connection, connection.begin():
        version = read_schema_version(connection)
    if version == target:
        return version
    _refuse_newer(version, target, shown_url)
    if read_only:
        if version is None:
            raise RegistryError(f"{shown_url} is read-only and holds no DockGuard registry")
        return version
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection, connection.begin():
        lock_for_write(connection)
        # another process may have created or migrated it while we waited for the lock
        version = read_schema_version(connection)
        _refuse_newer(version, target, shown_url)
        if version is None:
            _refuse_foreign_tables(connection, shown_url)
        start = version or 0
        for migration in MIGRATIONS[start:target]:
            migration(connection)
        updated = connection.execute(
            update(SchemaVersionRow).where(SchemaVersionRow.id == 1).values(version=target)
        )
        if not updated.rowcount:
            connection.execute(insert(SchemaVersionRow).values(id=1, version=target))
    return target


def _refuse_newer(version: int | None, target: int, shown_url: str) -> None:
    if version is not None and version > target:
        raise RegistryError(
            f"the registry at {shown_url} has schema version {version}, but this DockGuard knows only "
            f"versions up to {target}; upgrade DockGuard to use it"
        )


def _refuse_foreign_tables(connection: Connection, shown_url: str) -> None:
    existing = set(inspect(connection).get_table_names())
    clash = sorted(existing & {table.name for table in TABLES_V1})
    if clash:
        raise RegistryError(
            f"{shown_url} has tables named {', '.join(clash)} but no DockGuard schema version; "
            "it is not a DockGuard registry: use another database"
        )
