"""What the registry hands out besides works: artifacts, summaries, statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .receipts import Receipt

Signature = Literal["verified", "not checked", "failed"]


@dataclass(frozen=True, slots=True)
class Artifact:
    """Derived data stored beside a work: a MinHash signature, a block of line embeddings, ...

    `kind` says what it is ("minhash", "embedding"), `config_key` the settings that made it (so
    artifacts built with other settings are never mixed), `part` numbers the pieces of one kind,
    and `start`/`end` are the line positions (script order, end exclusive) the piece covers.
    """

    kind: str
    config_key: str
    part: int
    start: int
    end: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Skipped:
    """A work of a batch that was not registered, because its id or content is registered already."""

    work_id: str
    title: str
    existing_id: str  # the registered work it clashes with
    reason: str


@dataclass(frozen=True, slots=True)
class Batch:
    """What registering a batch did: a receipt per work registered, and the works skipped."""

    receipts: tuple[Receipt, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class WorkSummary:
    """One row of `dockguard list`: a registered work without its script."""

    work_id: str
    title: str
    owner: str
    language: str
    registered_at: str
    content_hash: str
    episodes: int
    lines: int


@dataclass(frozen=True, slots=True)
class RegistryStats:
    """Sizes of the registry, for `dockguard stats`. `url` has its password hidden."""

    url: str
    backend: str
    schema_version: int
    works: int
    episodes: int
    lines: int
    artifacts: int
    artifact_bytes: int
    receipts: int


@dataclass(frozen=True, slots=True)
class StoredTimestamp:
    """An RFC 3161 timestamp response kept in the registry for the chain head `seq`/`head_hash`.

    `tsr` is the response as the TSA sent it (DER); `gen_time` (ISO-8601 UTC) and `tsa` (the signer,
    as "issuer, serial N") were read from it when it was attached.
    """

    id: int
    seq: int
    head_hash: str
    digest: str
    gen_time: str
    tsa: str
    tsr: bytes
    attached_at: str


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """One timestamp checked against the chain: `source` is "stored #ID" or the file it came from.

    `seq`/`head_hash` are the head of the chain its imprint matches (None when it matches none);
    `signature` says whether the TSA's signature was checked against the given certificates.
    """

    source: str
    seq: int | None
    head_hash: str | None
    gen_time: str
    tsa: str
    signature: Signature
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "gen_time": self.gen_time,
            "tsa": self.tsa,
            "signature": self.signature,
            "ok": self.ok,
            "problems": list(self.problems),
        }
