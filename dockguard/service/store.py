"""The service's own tables (API keys, scan jobs and their uploaded files), kept in the registry's
database beside the registry's tables but under their own metadata and schema version, so the
registry's schema and migrations never need to know the service exists.

Created on open; `service_schema_version` in `service_meta` says which version the tables are at, and
a database newer than this code is refused like the registry refuses one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import BigInteger, Engine, Float, Index, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from dockguard.errors import RegistryError
from dockguard.registry.engine import WRITE_OPTION, create_registry_engine, database_errors, lock_for_write
from dockguard.registry.url import parse_db_url, redact_url, resolve_db_url

SERVICE_SCHEMA_VERSION = 1


class ServiceBase(DeclarativeBase):
    pass


class ServiceMetaRow(ServiceBase):
    """Key/value settings of the service: its schema version and the secret that signs cookies and webhooks."""

    __tablename__ = "service_meta"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ApiKeyRow(ServiceBase):
    __tablename__ = "service_api_keys"

    key_id: Mapped[str] = mapped_column(String, primary_key=True)  # the public part of the key
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String)  # scanner | registrar
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String)
    revoked_at: Mapped[str | None] = mapped_column(String, nullable=True)


class JobRow(ServiceBase):
    """One accepted scan. `seq` orders the queue; `attempt` counts how often a worker took it."""

    __tablename__ = "service_jobs"
    __table_args__ = (
        Index("ix_service_jobs_status_seq", "status", "seq"),
        Index("ix_service_jobs_key", "key_id", "seq"),
        Index("ix_service_jobs_webhook", "webhook_state", "webhook_next_at"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String, unique=True)
    key_id: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)  # queued | running | done | failed
    fail_on: Mapped[str] = mapped_column(String)
    top: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)  # what the release folder is called in results
    files: Mapped[str] = mapped_column(Text)  # JSON list of file names, in upload order
    created_at: Mapped[str] = mapped_column(String)
    started_at: Mapped[str | None] = mapped_column(String, nullable=True)
    finished_at: Mapped[str | None] = mapped_column(String, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(
        String, nullable=True
    )  # host:pid:nonce of the worker holding it
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)  # unix time
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # the scan document, JSON
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_state: Mapped[str] = mapped_column(String, default="none")  # none | pending | delivered | failed
    webhook_attempts: Mapped[int] = mapped_column(Integer, default=0)
    webhook_next_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    webhook_deadline: Mapped[float | None] = mapped_column(Float, nullable=True)
    webhook_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class JobFileRow(ServiceBase):
    """An uploaded file, kept until its job is finished (so a restart can run the job again)."""

    __tablename__ = "service_job_files"

    job_id: Mapped[str] = mapped_column(String, primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ServiceStore:
    """The service's tables in the registry's database. Open with `ServiceStore.open(url)`."""

    def __init__(self, engine: Engine, shown_url: str) -> None:
        self.engine = engine
        self.url = shown_url
        self._write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
        self._read = sessionmaker(engine, expire_on_commit=False)
        self.secret = b""

    @classmethod
    def open(cls, db: str | None) -> ServiceStore:
        """Open the store in the registry database named by `db` (as `--db`), creating its tables."""
        from dockguard.registry import Registry

        resolved = resolve_db_url(db)
        shown = redact_url(resolved)
        # the registry's own tables first, so a database is never one of service tables only (the
        # registry refuses to adopt a database that has tables but no schema version of its own)
        Registry.open(resolved).close()
        engine = create_registry_engine(parse_db_url(resolved))
        store = cls(engine, shown)
        try:
            store._ensure_schema()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ServiceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self, doing: str) -> Iterator[Session]:
        """A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the registry's advisory lock)."""
        with database_errors(self.url, doing), self._write.begin() as session:
            lock_for_write(session.connection())
            yield session

    @contextmanager
    def reading(self, doing: str) -> Iterator[Session]:
        with database_errors(self.url, doing), self._read.begin() as session:
            yield session

    def _ensure_schema(self) -> None:
        with database_errors(self.url, "creating the service tables"):
            with self.engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
                lock_for_write(connection)
                ServiceBase.metadata.create_all(connection)
        with self.writing("reading the service settings") as session:
            version = session.get(ServiceMetaRow, "service_schema_version")
            if version is None:
                session.add(ServiceMetaRow(key="service_schema_version", value=str(SERVICE_SCHEMA_VERSION)))
            elif int(version.value) > SERVICE_SCHEMA_VERSION:
                raise RegistryError(
                    f"the service tables at {self.url} are at version {version.value}, but this DockGuard knows "
                    f"only versions up to {SERVICE_SCHEMA_VERSION}; upgrade DockGuard to serve it"
                )
            secret = session.get(ServiceMetaRow, "secret")
            if secret is None:
                secret = ServiceMetaRow(key="secret", value=secrets.token_hex(32))
                session.add(secret)
            self.secret = bytes.fromhex(secret.value)

    def schema_version(self) -> int:
        with self.reading("reading the service schema version") as session:
            return int(
                session.scalar(
                    select(ServiceMetaRow.value).where(ServiceMetaRow.key == "service_schema_version")
                )
                or 0
            )
