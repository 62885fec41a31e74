"""Checks that do not take the database's word for it: a published chain head, and timestamps.

`verify` on its own recomputes the chain from the database, so a chain recomputed consistently after
an edit passes it. A head published earlier (`chain_head`, printed by `dockguard receipts head`) or a
TSA's timestamp over one is kept outside the database; `verify(registry, heads=..., ...)` fails
unless the chain still passes through each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dockguard.errors import InputError

from .receipts import GENESIS_HASH
from .store import Registry
from .timestamps import TimestampCheck, chain_hashes, check_timestamp
from .verify import VerifyReport

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

_HEAD = re.compile(r"^\s*#?(\d+)\s*:\s*([0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True, slots=True)
class Head:
    """A point of the receipt chain: receipt `seq` with its `hash` (seq 0 is the empty chain).

    `at` is the receipt's time; None for the empty chain and for a head read from `SEQ:HASH`.
    """

    seq: int
    hash: str
    at: str | None = None

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    def to_json(self) -> dict[str, object]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at}


def chain_head(registry: Registry) -> Head:
    """The registry's current head: what the owner publishes or has timestamped."""
    last = registry.head()
    if last is None:
        return Head(0, GENESIS_HASH, None)
    return Head(last.seq, last.hash, last.at)


def parse_head(text: str, origin: str = "--head") -> Head:
    """`SEQ:HASH` (as printed by `receipts head`) as a Head; InputError naming `origin` otherwise."""
    match = _HEAD.match(text)
    if match is None:
        raise InputError(origin, f"{text!r} is not SEQ:HASH (a receipt number, a colon, 64 hex digits)")
    return Head(int(match.group(1)), match.group(2).lower())


def check_head(head: Head, chain: dict[int, str]) -> list[str]:
    """Problems that keep the chain (seq -> stored hash) from passing through `head`."""
    last = max(chain)
    stored = chain.get(head.seq)
    if stored is None and head.seq > last:
        return [
            f"head {head.seq}:{head.hash[:16]}…: the chain ends at receipt #{last}, before the published "
            f"head: receipts after #{last} were deleted (or this is another registry)"
        ]
    if stored is None:
        return [f"head {head.seq}:{head.hash[:16]}…: receipt #{head.seq} is missing from the chain"]
    if stored != head.hash:
        return [
            f"head {head.seq}:{head.hash[:16]}…: receipt #{head.seq} now has hash {stored[:16]}…: the "
            f"history up to #{head.seq} was rewritten since the head was published (or this is another registry)"
        ]
    return []


def verify(
    registry: Registry,
    *,
    heads: Sequence[Head] = (),
    tsa_certificates: Sequence[Certificate] = (),
    timestamp_files: Iterable[Path] = (),
) -> VerifyReport:
    """`registry.verify()`, and that the chain passes through every head in `heads`, through the head
    each stored timestamp covers and through each timestamp in `timestamp_files` (.tsr files kept
    outside the registry). With `tsa_certificates`, each timestamp's signature is checked too.

    Problems are reported, not raised; a .tsr file that cannot be read is an InputError.
    """
    base = registry.verify()
    chain = chain_hashes(registry.receipts())
    problems = list(base.problems)
    for head in heads:
        problems.extend(check_head(head, chain))
    checks: list[TimestampCheck] = []
    for stored in registry.timestamps():
        checks.append(
            check_timestamp(
                stored.tsr, f"stored #{stored.id}", chain, tsa_certificates, claimed_seq=stored.seq
            )
        )
    for path in timestamp_files:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read the timestamp response: {exc.strerror}") from exc
        checks.append(check_timestamp(data, str(path), chain, tsa_certificates))
    for check in checks:
        problems.extend(check.problems)
    return replace(
        base,
        ok=not problems,
        problems=tuple(problems),
        heads_checked=len(heads),
        timestamps=tuple(checks),
    )
