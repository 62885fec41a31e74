"""Receipts: an append-only, hash-chained log of every registration and removal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

Action = Literal["register", "remove"]
ACTIONS: tuple[Action, ...] = ("register", "remove")
GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class Receipt:
    """One entry of the chain. `hash` covers every other field and the previous receipt's hash."""

    seq: int
    action: Action
    work_id: str
    content_hash: str
    owner: str
    at: str
    prev_hash: str
    hash: str


def receipt_hash(
    prev_hash: str, seq: int, action: str, work_id: str, content_hash: str, owner: str, at: str
) -> str:
    """sha256 of the receipt's fields, JSON-encoded as one array so no field can bleed into the next."""
    payload = json.dumps(
        [prev_hash, seq, action, work_id, content_hash, owner, at], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_receipt(
    *, seq: int, action: Action, work_id: str, content_hash: str, owner: str, at: str, prev_hash: str
) -> Receipt:
    """The receipt that follows `prev_hash` in the chain, with its hash computed."""
    digest = receipt_hash(prev_hash, seq, action, work_id, content_hash, owner, at)
    return Receipt(seq, action, work_id, content_hash, owner, at, prev_hash, digest)
