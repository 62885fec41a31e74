"""The registry of original works: SQLAlchemy schema and store, content hashes and receipts.

Open it with `Registry.open(resolve_db_url(db))` (a context manager); register with `add_work(s)`,
read back with `get_work`, check the receipts with `verify`. Anchors outside the database (published
heads, RFC 3161 timestamps) are checked by `trust.verify`; `timestamps` makes and stores timestamps,
`receipt_export` exports a work's receipt for offline checking.
"""

from __future__ import annotations

from .content import content_hash, hashed_text
from .receipts import GENESIS_HASH, Receipt
from .records import Artifact, Batch, RegistryStats, Skipped, StoredTimestamp, TimestampCheck, WorkSummary
from .schema import code_schema_version
from .store import Registry, format_utc, utc_now
from .trust import Head, chain_head, parse_head
from .url import ENV_VAR, default_db_path, redact_url, resolve_db_url
from .verify import VerifyReport

__all__ = [
    "ENV_VAR",
    "GENESIS_HASH",
    "Artifact",
    "Batch",
    "Head",
    "Receipt",
    "Registry",
    "RegistryStats",
    "Skipped",
    "StoredTimestamp",
    "TimestampCheck",
    "VerifyReport",
    "WorkSummary",
    "chain_head",
    "hashed_text",
    "code_schema_version",
    "content_hash",
    "default_db_path",
    "format_utc",
    "parse_head",
    "redact_url",
    "resolve_db_url",
    "utc_now",
]
