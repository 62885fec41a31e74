"""The registry's tables (schema version 1), as SQLAlchemy declarative models.

Episodes, scenes, sources and lines carry an `ordinal` (their index in the script) besides their
number, so a script whose numbering repeats or skips is rebuilt exactly as it was registered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _work_fk() -> ForeignKey:
    return ForeignKey("works.work_id", ondelete="CASCADE")


class Base(DeclarativeBase):
    pass


class SchemaVersionRow(Base):
    """A single row (id 1): the schema version the tables are at."""

    __tablename__ = "schema_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)


class WorkRow(Base):
    __tablename__ = "works"

    work_id: Mapped[str] = mapped_column(String, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # pairs [[key, value], ...]: keeps order and repeated keys
    meta: Mapped[list[list[str]]] = mapped_column(JSON)
    registered_at: Mapped[str] = mapped_column(String)
    # the Script's own title and language, which may differ from the work's
    script_title: Mapped[str] = mapped_column(Text)
    script_language: Mapped[str] = mapped_column(String)


class SourceRow(Base):
    __tablename__ = "sources"

    work_id: Mapped[str] = mapped_column(String, _work_fk(), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String)
    encoding: Mapped[str] = mapped_column(String)
    sha256: Mapped[str] = mapped_column(String)


class EpisodeRow(Base):
    __tablename__ = "episodes"

    work_id: Mapped[str] = mapped_column(String, _work_fk(), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)


class SceneRow(Base):
    __tablename__ = "scenes"

    work_id: Mapped[str] = mapped_column(String, _work_fk(), primary_key=True)
    episode_ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    episode: Mapped[int] = mapped_column(BigInteger)
    number: Mapped[int] = mapped_column(BigInteger)
    heading: Mapped[str] = mapped_column(Text)
    cast: Mapped[list[str]] = mapped_column(JSON)


class LineRow(Base):
    """One line; the primary key (work_id, position) is the index that reads a script in order."""

    __tablename__ = "lines"

    work_id: Mapped[str] = mapped_column(String, _work_fk(), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    episode_ordinal: Mapped[int] = mapped_column(Integer)
    scene_ordinal: Mapped[int] = mapped_column(Integer)
    episode: Mapped[int] = mapped_column(BigInteger)
    scene: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String)
    speaker: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    file: Mapped[str] = mapped_column(Text)
    line_no: Mapped[int | None] = mapped_column(BigInteger)
    start_ms: Mapped[int | None] = mapped_column(BigInteger)
    end_ms: Mapped[int | None] = mapped_column(BigInteger)


class ArtifactRow(Base):
    __tablename__ = "artifacts"
    __table_args__ = (
        Index("ix_artifacts_kind_config", "kind", "config_key"),
        Index("ix_artifacts_work", "work_id"),
    )

    work_id: Mapped[str] = mapped_column(String, _work_fk(), primary_key=True)
    kind: Mapped[str] = mapped_column(String, primary_key=True)
    config_key: Mapped[str] = mapped_column(String, primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReceiptRow(Base):
    """The receipt chain. Not tied to `works`: a removed work keeps its receipts."""

    __tablename__ = "receipts"
    __table_args__: Any = (Index("ix_receipts_work", "work_id"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String)
    work_id: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class TimestampRow(Base):
    """An RFC 3161 timestamp response over a chain head (schema version 2; see schema.py).

    `seq` and `head_hash` say which head it was attached for; verify trusts neither and checks the
    token's own message imprint against the chain. `digest` (sha256 of `tsr`) keeps a response
    from being stored twice.
    """

    __tablename__ = "timestamps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    gen_time: Mapped[str] = mapped_column(String)
    tsa: Mapped[str] = mapped_column(Text)
    tsr: Mapped[bytes] = mapped_column(LargeBinary)
    attached_at: Mapped[str] = mapped_column(String)


TABLES_V1: tuple[Table, ...] = tuple(
    Base.metadata.tables[name]
    for name in ("schema_version", "works", "sources", "episodes", "scenes", "lines", "artifacts", "receipts")
)
