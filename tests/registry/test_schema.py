"""Schema versions: created when absent, migrated when older, refused when newer."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, create_engine, inspect, select, update

from dockguard.errors import RegistryError
from dockguard.registry import Registry, code_schema_version
from dockguard.registry import schema as schema_module
from dockguard.registry.tables import SchemaVersionRow

from .registry_samples import sample_work


def stored_version(db_url: str) -> int | None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(SchemaVersionRow.version)).scalar()
    finally:
        engine.dispose()


def set_version(db_url: str, version: int) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(SchemaVersionRow).values(version=version))
    finally:
        engine.dispose()


def test_a_new_database_gets_the_current_schema(db_url: str) -> None:
    with Registry.open(db_url) as registry:
        assert registry.schema_version == code_schema_version() == 2
    assert stored_version(db_url) == 2


def test_a_newer_schema_is_refused(db_url: str) -> None:
    Registry.open(db_url).close()
    set_version(db_url, code_schema_version() + 1)
    with pytest.raises(
        RegistryError, match=r"schema version 3, but this DockGuard knows only versions up to 2"
    ):
        Registry.open(db_url)


def _add_notes_table(connection: Connection) -> None:
    extra = MetaData()
    Table("extra_notes", extra, Column("id", Integer, primary_key=True))
    extra.create_all(connection)


def test_an_older_schema_is_migrated(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Registry.open(db_url) as registry:
        registry.add_work(sample_work("w1"))
    monkeypatch.setattr(schema_module, "MIGRATIONS", [*schema_module.MIGRATIONS, _add_notes_table])
    with Registry.open(db_url) as registry:
        assert registry.schema_version == 3
        assert registry.get_work("w1").work_id == "w1"
        assert registry.verify().ok
    assert stored_version(db_url) == 3
    engine = create_engine(db_url)
    assert inspect(engine).has_table("extra_notes")
    engine.dispose()


def test_a_failed_migration_changes_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Registry.open(db_url).close()

    def half_done(connection: Connection) -> None:
        _add_notes_table(connection)
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema_module, "MIGRATIONS", [*schema_module.MIGRATIONS, half_done])
    with pytest.raises(RuntimeError, match="migration bug"):
        Registry.open(db_url)
    assert stored_version(db_url) == 2
    engine = create_engine(db_url)
    assert not inspect(engine).has_table("extra_notes")  # the DDL was rolled back too
    engine.dispose()


def test_a_database_with_clashing_tables_is_refused(db_url: str) -> None:
    engine = create_engine(db_url)
    other = MetaData()
    Table("works", other, Column("id", Integer, primary_key=True))
    other.create_all(engine)
    engine.dispose()
    with pytest.raises(RegistryError, match="not a DockGuard registry"):
        Registry.open(db_url)


def test_a_version_1_registry_is_migrated_to_timestamps(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_module, "MIGRATIONS", schema_module.MIGRATIONS[:1])
    with Registry.open(db_url) as registry:
        registry.add_work(sample_work("w1"))
        assert registry.schema_version == 1
    monkeypatch.undo()
    with Registry.open(db_url) as registry:
        assert registry.schema_version == 2
        assert registry.verify().ok
        assert registry.timestamps() == []
    engine = create_engine(db_url)
    assert inspect(engine).has_table("timestamps")
    engine.dispose()
