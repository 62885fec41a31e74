"""The registry: registered works, their derived artifacts and the receipt chain, in one database."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, delete, func, insert, or_, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dockguard.errors import AlreadyRegistered, NotRegistered, RegistryError, RegistryReadOnly
from dockguard.model import Line, Work

from .content import content_hash
from .engine import (
    WRITE_OPTION,
    create_registry_engine,
    database_errors,
    lock_for_write,
    retry_locked,
    sqlite_read_only,
)
from .receipts import GENESIS_HASH, Action, Receipt, make_receipt
from .records import Artifact, Batch, RegistryStats, Skipped, StoredTimestamp, WorkSummary
from .rows import WorkRows, row_to_line, rows_to_work, work_to_rows
from .schema import ensure_schema, read_schema_version
from .tables import (
    ArtifactRow,
    Base,
    EpisodeRow,
    LineRow,
    ReceiptRow,
    SceneRow,
    SourceRow,
    TimestampRow,
    WorkRow,
)
from .url import parse_db_url, redact_url, resolve_db_url
from .verify import VerifyReport, receipt_from_row, verify_registry

Clock = Callable[[], datetime]
P = ParamSpec("P")
R = TypeVar("R")

# children first: the order in which a work's rows are deleted (and the reverse of insertion)
_WORK_CHILDREN: tuple[type[Base], ...] = (ArtifactRow, LineRow, SceneRow, EpisodeRow, SourceRow)
# IN (...) lists are split so no statement exceeds a backend's bound-parameter limit
_IN_CHUNK = 500


def _retried(method: Callable[P, R]) -> Callable[P, R]:
    """Run the whole method again (backoff, up to the lock timeout) when a lock made it fail.

    Only for methods that are one transaction: a failed attempt has rolled back everything it did.
    """

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return retry_locked(lambda: method(*args, **kwargs))

    return run


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def format_utc(moment: datetime) -> str:
    """ISO-8601 UTC to the second, e.g. 2025-01-31T09:30:00Z. A naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Registry:
    """Registered works in a SQLite or PostgreSQL database. Open with `Registry.open(url)`."""

    def __init__(
        self, engine: Engine, shown_url: str, schema_version: int, now: Clock, read_only: bool = False
    ) -> None:
        self._engine = engine
        self._now = now
        self.url = shown_url
        self.schema_version = schema_version
        # a SQLite file on read-only media: reads work, writes are refused before they start
        self.read_only = read_only
        self.backend = engine.dialect.name
        self._write_sessions = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}))
        read_engine = engine
        if self.backend == "postgresql":
            # one snapshot per read, so a work is never seen half-removed
            read_engine = engine.execution_options(isolation_level="REPEATABLE READ")
        self._read_sessions = sessionmaker(read_engine)
        # the session every read goes through inside `snapshot()`
        self._pinned: Session | None = None

    @classmethod
    def open(cls, url: str, *, now: Clock = utc_now) -> Registry:
        """Open (and create or migrate) the registry at `url`: an SQLAlchemy URL or a SQLite file path.

        `now` gives the registration time (inject a fixed clock in tests). Raises RegistryError when
        the database cannot be reached or its schema is newer than this code.
        """
        if not url or not url.strip():
            raise RegistryError("no registry URL given; use resolve_db_url() for the default")
        resolved = resolve_db_url(url)
        parsed = parse_db_url(resolved)
        shown = redact_url(resolved)
        _refuse_missing_sqlite_folder(parsed, shown)
        read_only = sqlite_read_only(parsed)
        engine = create_registry_engine(parsed, read_only=read_only)
        try:
            with database_errors(shown, "opening"):
                version = retry_locked(lambda: ensure_schema(engine, shown, read_only=read_only))
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, shown, version, now, read_only)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite registry (None for PostgreSQL or an in-memory database)."""
        database = self._engine.url.database
        if self.backend != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)

    @property
    def identity(self) -> str:
        """The registry's URL without its password: names its index folder in the user's cache."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Registry({self.url!r})"

    # -- registering -------------------------------------------------------------------------------

    def add_work(self, work: Work, artifacts: Sequence[Artifact] = ()) -> Receipt:
        """Register one work with its artifacts; see `add_works`."""
        return self.add_works([(work, artifacts)])[0]

    def add_works(self, items: Sequence[tuple[Work, Sequence[Artifact]]]) -> list[Receipt]:
        """Register works in one transaction: all of them, or (on any error) none.

        Each work's content hash is computed from its script (a non-empty `work.content_hash` must
        match it) and its `registered_at` is set to the receipt time. Raises AlreadyRegistered, naming
        the existing work, when a work id or the same content is registered already or repeats in
        the batch.
        """
        return list(self.add_batch(items).receipts)

    @_retried
    def add_batch(
        self, items: Sequence[tuple[Work, Sequence[Artifact]]], *, skip_existing: bool = False
    ) -> Batch:
        """`add_works`, and with `skip_existing` the works whose id or content is registered already
        (or came earlier in the batch) are skipped instead of refused; the check runs inside the
        write transaction, so a work registered meanwhile by another process is skipped too."""
        batch = list(items)
        if not batch:
            return Batch((), ())
        hashes = [_checked_content_hash(work) for work, _ in batch]
        skipped: list[Skipped] = []
        if skip_existing:
            batch, hashes, skipped = _drop_repeats(batch, hashes)
        else:
            _refuse_repeats(batch, hashes)
        prepared = [
            work_to_rows(work, artifacts, content_hash=digest, registered_at="")
            for (work, artifacts), digest in zip(batch, hashes, strict=True)
        ]
        ids = [rows.work["work_id"] for rows in prepared]
        try:
            with self._writing("registering") as session:
                if skip_existing:
                    prepared, more = self._drop_registered(session, prepared, hashes)
                    skipped += more
                else:
                    self._refuse_registered(session, ids, hashes)
                at = format_utc(self._now())
                for rows in prepared:
                    rows.work["registered_at"] = at
                _insert_work_rows(session, prepared)
                seq, prev_hash = _chain_head(session)
                receipts: list[Receipt] = []
                for rows in prepared:
                    seq += 1
                    receipt = _next_receipt(seq, "register", rows.work, at, prev_hash)
                    receipts.append(receipt)
                    prev_hash = receipt.hash
                if receipts:
                    session.execute(insert(ReceiptRow), [asdict(receipt) for receipt in receipts])
        except RegistryError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                # written by something that bypassed the lock: report it the way the lock would have
                with self._reading("registering") as session:
                    self._refuse_registered(session, ids, hashes)
            raise
        return Batch(tuple(receipts), tuple(skipped))

    @_retried
    def registered_already(self, works: Sequence[Work]) -> list[Skipped]:
        """The works whose id or content is registered already (a read: `add_batch` checks again)."""
        ids, titles = [w.work_id for w in works], [w.title for w in works]
        hashes = [w.content_hash or content_hash(w.script) for w in works]
        with self._reading("checking works") as session:
            return list(_skips(self._registered(session, ids, hashes), ids, titles, hashes).values())

    @_retried
    def remove_work(self, work_id: str) -> Receipt:
        """Delete a work with its lines and artifacts; a 'remove' receipt records it. NotRegistered if absent."""
        with self._writing("removing a work") as session:
            row = session.get(WorkRow, work_id)
            if row is None:
                raise NotRegistered(f"no work {work_id!r} in the registry at {self.url}")
            work = {"work_id": row.work_id, "content_hash": row.content_hash, "owner": row.owner}
            for model in _WORK_CHILDREN:
                session.execute(delete(model).where(model.work_id == work_id))  # type: ignore[attr-defined]
            session.execute(delete(WorkRow).where(WorkRow.work_id == work_id))
            seq, prev_hash = _chain_head(session)
            receipt = _next_receipt(seq + 1, "remove", work, format_utc(self._now()), prev_hash)
            session.execute(insert(ReceiptRow), [asdict(receipt)])
        return receipt

    # -- reading -----------------------------------------------------------------------------------

    @_retried
    def get_work(self, work_id: str) -> Work:
        """The registered work with its full script, as it was added (plus `registered_at`)."""
        with self._reading("reading a work") as session:
            work = (
                session.execute(select(WorkRow.__table__).where(WorkRow.work_id == work_id))
                .mappings()
                .first()
            )
            if work is None:
                raise NotRegistered(f"no work {work_id!r} in the registry at {self.url}")
            sources = _child_rows(session, SourceRow, work_id, SourceRow.ordinal)
            episodes = _child_rows(session, EpisodeRow, work_id, EpisodeRow.ordinal)
            scenes = _child_rows(session, SceneRow, work_id, SceneRow.episode_ordinal, SceneRow.ordinal)
            lines = _child_rows(session, LineRow, work_id, LineRow.position)
            return rows_to_work(work, sources, episodes, scenes, lines)

    @_retried
    def work_lines(self, work_id: str) -> tuple[Line, ...]:
        """The work's lines in script order, without rebuilding episodes and scenes."""
        with self._reading("reading lines") as session:
            self._require(session, work_id)
            return tuple(row_to_line(row) for row in _child_rows(session, LineRow, work_id, LineRow.position))

    @_retried
    def line_texts(self, work_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Every registered work's (or only these works') line texts in script order, without
        rebuilding scripts."""
        query = select(LineRow.work_id, LineRow.text).order_by(LineRow.work_id, LineRow.position)
        ids = None if work_ids is None else sorted(set(work_ids))
        queries = (
            [query]
            if ids is None
            else [
                query.where(LineRow.work_id.in_(ids[i : i + _IN_CHUNK]))
                for i in range(0, len(ids), _IN_CHUNK)
            ]
        )
        out: dict[str, list[str]] = {}
        with self._reading("reading line texts") as session:
            for chunk_query in queries:
                for work_id, text in session.execute(chunk_query.execution_options(yield_per=10_000)):
                    out.setdefault(work_id, []).append(text)
        return out

    @_retried
    def list_works(self) -> list[WorkSummary]:
        """Every registered work, oldest registration first."""
        with self._reading("listing works") as session:
            return [_summary(row) for row in session.execute(_summary_query())]

    @_retried
    def find_by_content_hash(self, digest: str) -> WorkSummary | None:
        """The work registered with this content hash (see `content_hash`), if any."""
        with self._reading("looking up content") as session:
            row = session.execute(_summary_query().where(WorkRow.content_hash == digest)).first()
            return None if row is None else _summary(row)

    @_retried
    def receipt_for(self, work_id: str) -> Receipt:
        """The receipt that registered the work now registered under `work_id`."""
        with self._reading("reading a receipt") as session:
            self._require(session, work_id)
            row = session.scalars(
                select(ReceiptRow)
                .where(ReceiptRow.work_id == work_id, ReceiptRow.action == "register")
                .order_by(ReceiptRow.seq.desc())
                .limit(1)
            ).first()
            if row is None:
                raise RegistryError(f"work {work_id!r} has no register receipt; run `dockguard verify`")
            return receipt_from_row(row)

    @_retried
    def receipts(self, work_id: str | None = None, *, from_seq: int | None = None) -> list[Receipt]:
        """The receipt chain in order, or only the receipts of one work id, or those from `from_seq` on."""
        query = select(ReceiptRow).order_by(ReceiptRow.seq)
        if work_id is not None:
            query = query.where(ReceiptRow.work_id == work_id)
        if from_seq is not None:
            query = query.where(ReceiptRow.seq >= from_seq)
        with self._reading("reading receipts") as session:
            return [receipt_from_row(row) for row in session.scalars(query)]

    @_retried
    def artifact_keys(self, kind: str) -> set[str]:
        """The config keys (for vectors: model ids) of the stored artifacts of this kind."""
        query = select(ArtifactRow.config_key).where(ArtifactRow.kind == kind).distinct()
        with self._reading("reading artifacts") as session:
            return set(session.scalars(query))

    @_retried
    def head(self) -> Receipt | None:
        """The last receipt of the chain (its head), or None while the chain is empty."""
        with self._reading("reading the chain head") as session:
            row = session.scalars(select(ReceiptRow).order_by(ReceiptRow.seq.desc()).limit(1)).first()
            return None if row is None else receipt_from_row(row)

    @_retried
    def timestamps(self) -> list[StoredTimestamp]:
        """The timestamp responses attached to chain heads, in the order they were attached."""
        if self.schema_version < 2:  # an older registry opened read-only has no timestamps table
            return []
        with self._reading("reading timestamps") as session:
            return [
                _stored_timestamp(row)
                for row in session.scalars(select(TimestampRow).order_by(TimestampRow.id))
            ]

    @_retried
    def add_timestamp(self, seq: int, head_hash: str, gen_time: str, tsa: str, tsr: bytes) -> StoredTimestamp:
        """Store a timestamp response (already checked against the chain by the caller).

        A response stored already is not stored twice: the stored one is returned.
        """
        digest = hashlib.sha256(tsr).hexdigest()
        with self._writing("attaching a timestamp") as session:
            existing = session.scalars(select(TimestampRow).where(TimestampRow.digest == digest)).first()
            if existing is not None:
                return _stored_timestamp(existing)
            row = TimestampRow(
                seq=seq,
                head_hash=head_hash,
                digest=digest,
                gen_time=gen_time,
                tsa=tsa,
                tsr=tsr,
                attached_at=format_utc(self._now()),
            )
            session.add(row)
            session.flush()
            return _stored_timestamp(row)

    def iter_artifacts(
        self, kind: str, config_key: str, work_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[str, Artifact]]:
        """(work_id, artifact) for every artifact of this kind and config, by work id then part.

        With `work_ids`, only those works' artifacts. Streams: the rows are not all loaded at once.
        """
        query = (
            select(ArtifactRow.__table__)
            .where(ArtifactRow.kind == kind, ArtifactRow.config_key == config_key)
            .order_by(ArtifactRow.work_id, ArtifactRow.part)
        )
        if work_ids is None:
            queries = [query]
        else:
            ids = sorted(set(work_ids))
            queries = [
                query.where(ArtifactRow.work_id.in_(ids[i : i + _IN_CHUNK]))
                for i in range(0, len(ids), _IN_CHUNK)
            ]
        with self._reading("reading artifacts") as session:
            for chunk_query in queries:
                result = session.execute(chunk_query.execution_options(yield_per=1000)).mappings()
                for row in result:
                    yield (
                        row["work_id"],
                        Artifact(
                            kind=row["kind"],
                            config_key=row["config_key"],
                            part=row["part"],
                            start=row["start"],
                            end=row["end"],
                            data=bytes(row["data"]),
                        ),
                    )

    @_retried
    def stats(self) -> RegistryStats:
        """How much the registry holds."""
        with self._reading("counting") as session:

            def count(model: Any) -> int:
                return int(session.scalar(select(func.count()).select_from(model)) or 0)

            artifact_bytes = session.scalar(select(func.coalesce(func.sum(func.length(ArtifactRow.data)), 0)))
            return RegistryStats(
                url=self.url,
                backend=self.backend,
                schema_version=read_schema_version(session.connection()) or 0,
                works=count(WorkRow),
                episodes=count(EpisodeRow),
                lines=count(LineRow),
                artifacts=count(ArtifactRow),
                artifact_bytes=int(artifact_bytes or 0),
                receipts=count(ReceiptRow),
            )

    @_retried
    def verify(self) -> VerifyReport:
        """Recompute the receipt chain and every work's content hash; report what does not match."""
        with self._reading("verifying") as session:
            return verify_registry(session)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside the block sees the registry as of one moment (one read transaction).

        A scan that loads vectors, works, lines and receipts in several reads needs this: without it
        a registration committed between two reads makes them disagree (a work with vectors but no
        row yet). Writes are not allowed inside; nesting is allowed (the outer snapshot holds).
        """
        if self._pinned is not None:
            yield
            return
        with database_errors(self.url, "reading"), self._read_sessions.begin() as session:
            self._pinned = session
            try:
                yield
            finally:
                self._pinned = None

    # -- internals ---------------------------------------------------------------------------------

    @contextmanager
    def _writing(self, doing: str) -> Iterator[Session]:
        """A transaction holding the registry's write lock; commits on success, rolls back on error."""
        if self._pinned is not None:
            raise RegistryError(f"{doing}: the registry does not write inside a snapshot() block")
        if self.read_only:
            raise RegistryReadOnly(
                f"the registry at {self.url} is on read-only media (or not writable by this user): "
                f"{doing} needs a writable registry; scanning, listing and verifying work here"
            )
        with database_errors(self.url, doing), self._write_sessions.begin() as session:
            lock_for_write(session.connection())
            yield session

    @contextmanager
    def _reading(self, doing: str) -> Iterator[Session]:
        if self._pinned is not None:
            with database_errors(self.url, doing):
                yield self._pinned
            return
        with database_errors(self.url, doing), self._read_sessions.begin() as session:
            yield session

    def _require(self, session: Session, work_id: str) -> None:
        if session.scalar(select(WorkRow.work_id).where(WorkRow.work_id == work_id)) is None:
            raise NotRegistered(f"no work {work_id!r} in the registry at {self.url}")

    def _registered(
        self, session: Session, ids: Sequence[str], hashes: Sequence[str]
    ) -> tuple[set[str], dict[str, str]]:
        """Of these ids and content hashes, the ids registered already, and hash → registered work id."""
        wanted_ids, wanted_hashes = set(ids), set(hashes)
        known_ids: set[str] = set()
        known_hashes: dict[str, str] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            chunk_ids, chunk_hashes = ids[i : i + _IN_CHUNK], hashes[i : i + _IN_CHUNK]
            found = session.execute(
                select(WorkRow.work_id, WorkRow.content_hash).where(
                    or_(WorkRow.work_id.in_(chunk_ids), WorkRow.content_hash.in_(chunk_hashes))
                )
            )
            for existing_id, existing_hash in found:
                if existing_id in wanted_ids:
                    known_ids.add(existing_id)
                if existing_hash in wanted_hashes:
                    known_hashes[existing_hash] = existing_id
        return known_ids, known_hashes

    def _refuse_registered(self, session: Session, ids: Sequence[str], hashes: Sequence[str]) -> None:
        known_ids, known_hashes = self._registered(session, ids, hashes)
        for work_id in ids:
            if work_id in known_ids:
                raise AlreadyRegistered(f"work id {work_id!r} is registered already in {self.url}", work_id)
        for work_id, digest in zip(ids, hashes, strict=True):
            if digest in known_hashes:
                existing_id = known_hashes[digest]
                raise AlreadyRegistered(
                    f"work {work_id!r} has the same content as {existing_id!r}, registered already in {self.url}",
                    existing_id,
                )

    def _drop_registered(
        self, session: Session, prepared: Sequence[WorkRows], hashes: Sequence[str]
    ) -> tuple[list[WorkRows], list[Skipped]]:
        ids = [rows.work["work_id"] for rows in prepared]
        titles = [rows.work["title"] for rows in prepared]
        skips = _skips(self._registered(session, ids, hashes), ids, titles, hashes)
        return [rows for i, rows in enumerate(prepared) if i not in skips], list(skips.values())


def _skips(
    known: tuple[set[str], dict[str, str]], ids: Sequence[str], titles: Sequence[str], hashes: Sequence[str]
) -> dict[int, Skipped]:
    """Which of these works (by position) are registered already, by content or by id, and why."""
    known_ids, known_hashes = known
    out: dict[int, Skipped] = {}
    for i, (work_id, title, digest) in enumerate(zip(ids, titles, hashes, strict=True)):
        if digest in known_hashes:
            existing = known_hashes[digest]
            out[i] = Skipped(work_id, title, existing, f"same content as {existing}, registered already")
        elif work_id in known_ids:
            out[i] = Skipped(work_id, title, work_id, f"id {work_id} is registered already")
    return out


def _checked_content_hash(work: Work) -> str:
    try:
        digest = content_hash(work.script)
    except ValueError as exc:  # a line kind that is not a LineKind
        raise RegistryError(f"work {work.work_id!r}: {exc}") from exc
    if work.content_hash and work.content_hash != digest:
        raise RegistryError(
            f"work {work.work_id!r}: its content_hash {work.content_hash[:12]}... does not match its script "
            f"({digest[:12]}...); compute it with dockguard.registry.content_hash or leave it empty"
        )
    return digest


def _drop_repeats(
    batch: Sequence[tuple[Work, Sequence[Artifact]]], hashes: Sequence[str]
) -> tuple[list[tuple[Work, Sequence[Artifact]]], list[str], list[Skipped]]:
    """The batch without works whose id or content came earlier in it."""
    keep, kept_hashes, skipped = [], [], []
    first_id: set[str] = set()
    first_hash: dict[str, str] = {}
    for (work, artifacts), digest in zip(batch, hashes, strict=True):
        if digest in first_hash:
            earlier = first_hash[digest]
            skipped.append(
                Skipped(work.work_id, work.title, earlier, f"same content as {earlier} in the batch")
            )
        elif work.work_id in first_id:
            skipped.append(
                Skipped(
                    work.work_id, work.title, work.work_id, f"id {work.work_id} appears twice in the batch"
                )
            )
        else:
            first_id.add(work.work_id)
            first_hash[digest] = work.work_id
            keep.append((work, artifacts))
            kept_hashes.append(digest)
    return keep, kept_hashes, skipped


def _refuse_repeats(batch: Sequence[tuple[Work, Sequence[Artifact]]], hashes: Sequence[str]) -> None:
    first_id: dict[str, str] = {}
    first_hash: dict[str, str] = {}
    for (work, _), digest in zip(batch, hashes, strict=True):
        if work.work_id in first_id:
            raise AlreadyRegistered(f"work id {work.work_id!r} appears twice in the batch", work.work_id)
        if digest in first_hash:
            earlier = first_hash[digest]
            raise AlreadyRegistered(
                f"work {work.work_id!r} has the same content as {earlier!r} in the batch", earlier
            )
        first_id[work.work_id] = digest
        first_hash[digest] = work.work_id


def _insert_work_rows(session: Session, prepared: Sequence[WorkRows]) -> None:
    # works first: the other tables refer to them
    session.execute(insert(WorkRow), [rows.work for rows in prepared])
    for model, field in (
        (SourceRow, "sources"),
        (EpisodeRow, "episodes"),
        (SceneRow, "scenes"),
        (LineRow, "lines"),
        (ArtifactRow, "artifacts"),
    ):
        table_rows = [row for rows in prepared for row in getattr(rows, field)]
        if table_rows:
            session.execute(insert(model), table_rows)


def _chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the last receipt; (0, 64 zeros) for an empty chain."""
    last = session.execute(
        select(ReceiptRow.seq, ReceiptRow.hash).order_by(ReceiptRow.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS_HASH) if last is None else (int(last.seq), str(last.hash))


def _next_receipt(seq: int, action: Action, work: dict[str, Any], at: str, prev_hash: str) -> Receipt:
    return make_receipt(
        seq=seq,
        action=action,
        work_id=work["work_id"],
        content_hash=work["content_hash"],
        owner=work["owner"],
        at=at,
        prev_hash=prev_hash,
    )


def _child_rows(session: Session, model: Any, work_id: str, *order: Any) -> list[Any]:
    query = select(model.__table__).where(model.work_id == work_id).order_by(*order)
    return list(session.execute(query).mappings())


def _summary_query() -> Any:
    episodes = select(EpisodeRow.work_id, func.count().label("n")).group_by(EpisodeRow.work_id).subquery()
    lines = select(LineRow.work_id, func.count().label("n")).group_by(LineRow.work_id).subquery()
    return (
        select(
            WorkRow.work_id,
            WorkRow.title,
            WorkRow.owner,
            WorkRow.language,
            WorkRow.registered_at,
            WorkRow.content_hash,
            func.coalesce(episodes.c.n, 0),
            func.coalesce(lines.c.n, 0),
        )
        .outerjoin(episodes, episodes.c.work_id == WorkRow.work_id)
        .outerjoin(lines, lines.c.work_id == WorkRow.work_id)
        .order_by(WorkRow.registered_at, WorkRow.work_id)
    )


def _summary(row: Any) -> WorkSummary:
    work_id, title, owner, language, registered_at, digest, episodes, lines = row
    return WorkSummary(work_id, title, owner, language, registered_at, digest, int(episodes), int(lines))


def _stored_timestamp(row: TimestampRow) -> StoredTimestamp:
    return StoredTimestamp(
        id=row.id,
        seq=row.seq,
        head_hash=row.head_hash,
        digest=row.digest,
        gen_time=row.gen_time,
        tsa=row.tsa,
        tsr=bytes(row.tsr),
        attached_at=row.attached_at,
    )


def _refuse_missing_sqlite_folder(url: URL, shown: str) -> None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    folder = Path(url.database or "").parent
    if not folder.is_dir():
        raise RegistryError(f"cannot create the registry {shown}: folder {folder} does not exist")
