"""Checking the registry against its receipts: the chain, and every work the chain says is registered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import cast

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from .content import LineContent, content_hash_of_lines
from .receipts import ACTIONS, GENESIS_HASH, Action, Receipt, receipt_hash
from .records import TimestampCheck
from .tables import LineRow, ReceiptRow, WorkRow


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `Registry.verify` (and `trust.verify`) found; `problems` names each receipt, work, published
    head or timestamp that does not check out. `heads_checked` and `timestamps` are trust.verify's."""

    ok: bool
    receipts_checked: int
    works_checked: int
    problems: tuple[str, ...]
    heads_checked: int = 0
    timestamps: tuple[TimestampCheck, ...] = ()

    def to_json(self) -> dict[str, object]:
        """`dockguard verify --format json`."""
        return {
            "ok": self.ok,
            "receipts_checked": self.receipts_checked,
            "works_checked": self.works_checked,
            "heads_checked": self.heads_checked,
            "timestamps": [check.to_json() for check in self.timestamps],
            "problems": list(self.problems),
        }


def verify_registry(session: Session) -> VerifyReport:
    """Recompute the receipt chain and each work's content hash; report every mismatch."""
    problems: list[str] = []
    receipts = [receipt_from_row(row) for row in session.scalars(select(ReceiptRow).order_by(ReceiptRow.seq))]
    registered = _check_chain(receipts, problems)
    works = session.execute(
        select(WorkRow.work_id, WorkRow.content_hash, WorkRow.registered_at, WorkRow.owner).order_by(
            WorkRow.work_id
        )
    ).all()
    stored_ids = {work.work_id for work in works}
    recomputed = _recompute_content_hashes(session, stored_ids, problems)
    for work in works:
        name = f"work {work.work_id!r}"
        actual_hash = recomputed.get(work.work_id, content_hash_of_lines(()))
        receipt = registered.get(work.work_id)
        if receipt is None:
            problems.append(
                f"{name} is in the registry without a register receipt "
                "(added behind the registry's back, or its receipt was deleted)"
            )
            if actual_hash != work.content_hash:
                problems.append(f"{name}: its lines no longer match its content hash (a line was edited)")
            continue
        name = f"{name} (receipt #{receipt.seq})"
        if work.registered_at != receipt.at:
            problems.append(
                f"{name}: registered_at is {work.registered_at!r} but the receipt says {receipt.at!r}"
            )
        if work.owner != receipt.owner:
            problems.append(f"{name}: owner is {work.owner!r} but the receipt says {receipt.owner!r}")
        if work.content_hash != receipt.content_hash:
            problems.append(f"{name}: stored content hash differs from the receipt's")
        if actual_hash != receipt.content_hash:
            problems.append(
                f"{name}: its stored lines no longer match the registered content hash "
                "(a line was edited, added or deleted)"
            )
    for work_id, receipt in registered.items():
        if work_id not in stored_ids:
            problems.append(
                f"work {work_id!r} (receipt #{receipt.seq}) is registered but missing from the registry "
                "(deleted behind the registry's back)"
            )
    return VerifyReport(
        ok=not problems, receipts_checked=len(receipts), works_checked=len(works), problems=tuple(problems)
    )


def _check_chain(receipts: list[Receipt], problems: list[str]) -> dict[str, Receipt]:
    """Check each receipt's links and hash; return the works the chain leaves registered."""
    registered: dict[str, Receipt] = {}
    expected_prev, prev_seq = GENESIS_HASH, 0
    for receipt in receipts:
        name = f"receipt #{receipt.seq} ({receipt.action} {receipt.work_id!r})"
        if receipt.prev_hash != expected_prev:
            after = f"receipt #{prev_seq}" if prev_seq else "the start of the chain"
            problems.append(
                f"{name}: does not follow {after} (prev_hash mismatch): a receipt was deleted, edited or reordered"
            )
        fields = (receipt.action, receipt.work_id, receipt.content_hash, receipt.owner, receipt.at)
        if receipt.hash != receipt_hash(receipt.prev_hash, receipt.seq, *fields):
            problems.append(f"{name}: its hash does not match its fields: the receipt was edited")
        # follow the stored hash so one edited receipt is reported once, not for every later one
        expected_prev, prev_seq = receipt.hash, receipt.seq
        if receipt.action not in ACTIONS:
            problems.append(f"{name}: unknown action {receipt.action!r}")
        elif receipt.action == "register":
            if receipt.work_id in registered:
                problems.append(f"{name}: registers a work id that is registered already")
            registered[receipt.work_id] = receipt
        elif registered.pop(receipt.work_id, None) is None:
            problems.append(f"{name}: removes a work that is not registered")
    return registered


def _recompute_content_hashes(session: Session, work_ids: set[str], problems: list[str]) -> dict[str, str]:
    query = select(LineRow.work_id, LineRow.kind, LineRow.speaker, LineRow.note, LineRow.text).order_by(
        LineRow.work_id, LineRow.position
    )
    rows = session.execute(query.execution_options(yield_per=5000))
    hashes: dict[str, str] = {}
    for work_id, group in groupby(rows, key=itemgetter(0)):
        if work_id not in work_ids:
            problems.append(f"lines are stored for work {work_id!r}, which is not in the registry")
        hashes[work_id] = content_hash_of_lines(_contents(group))
    return hashes


def _contents(rows: Iterator[Row[str, str, str | None, str | None, str]]) -> Iterator[LineContent]:
    for _, kind, speaker, note, text in rows:
        yield kind, speaker, note, text


def receipt_from_row(row: ReceiptRow) -> Receipt:
    """A stored receipt as read; its action is not checked here (verify reports unknown ones)."""
    return Receipt(
        seq=row.seq,
        action=cast(Action, row.action),
        work_id=row.work_id,
        content_hash=row.content_hash,
        owner=row.owner,
        at=row.at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
