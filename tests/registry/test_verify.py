"""`Registry.verify`: a clean chain passes; every kind of tampering behind the registry's back is named."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, insert, update

from dockguard.registry import Registry
from dockguard.registry.receipts import receipt_hash
from dockguard.registry.tables import LineRow, ReceiptRow, WorkRow

from .registry_samples import sample_artifacts, sample_work

Tamper = Callable[[Any], None]


@pytest.fixture
def filled(registry: Registry) -> Registry:
    """Works a, b and c registered (receipts 1-3), then d registered and removed (receipts 4-5)."""
    for work_id in ("a", "b", "c", "d"):
        registry.add_work(sample_work(work_id), sample_artifacts())
    registry.remove_work("d")
    return registry


def problems_of(registry: Registry) -> tuple[str, ...]:
    report = registry.verify()
    assert report.ok is (not report.problems)
    return report.problems


def assert_problem(problems: tuple[str, ...], pattern: str) -> None:
    assert any(re.search(pattern, problem) for problem in problems), problems


def test_a_clean_registry_verifies(filled: Registry) -> None:
    report = filled.verify()
    assert report.ok and report.problems == ()
    assert (report.receipts_checked, report.works_checked) == (5, 3)


def test_an_empty_registry_verifies(registry: Registry) -> None:
    report = registry.verify()
    assert report.ok and (report.receipts_checked, report.works_checked) == (0, 0)


def test_changed_registration_date(filled: Registry, outsider: Tamper) -> None:
    outsider(update(WorkRow).where(WorkRow.work_id == "b").values(registered_at="2020-01-01T00:00:00Z"))
    problems = problems_of(filled)
    assert_problem(
        problems, r"work 'b' \(receipt #2\): registered_at is '2020-01-01T00:00:00Z' but the receipt"
    )
    assert len(problems) == 1


def test_changed_owner(filled: Registry, outsider: Tamper) -> None:
    outsider(update(WorkRow).where(WorkRow.work_id == "a").values(owner="冒名者"))
    assert_problem(problems_of(filled), r"work 'a' \(receipt #1\): owner is '冒名者'")


def test_deleted_work(filled: Registry, outsider: Tamper) -> None:
    outsider(delete(WorkRow).where(WorkRow.work_id == "c"))
    assert_problem(problems_of(filled), r"work 'c' \(receipt #3\) is registered but missing")


def test_edited_line(filled: Registry, outsider: Tamper) -> None:
    outsider(update(LineRow).where(LineRow.work_id == "a", LineRow.position == 1).values(text="改过的台词"))
    problems = problems_of(filled)
    assert_problem(problems, r"work 'a' \(receipt #1\): its stored lines no longer match")
    assert len(problems) == 1


def test_deleted_line(filled: Registry, outsider: Tamper) -> None:
    outsider(delete(LineRow).where(LineRow.work_id == "b", LineRow.position == 0))
    assert_problem(problems_of(filled), r"work 'b' .*no longer match")


def test_edited_receipt(filled: Registry, outsider: Tamper) -> None:
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 2).values(at="2020-01-01T00:00:00Z"))
    problems = problems_of(filled)
    assert_problem(problems, r"receipt #2 \(register 'b'\): its hash does not match its fields")


def test_edited_receipt_with_its_hash_recomputed(filled: Registry, outsider: Tamper) -> None:
    first = filled.receipts()[0]
    forged = receipt_hash(first.prev_hash, 1, "register", "a", first.content_hash, "冒名者", first.at)
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 1).values(owner="冒名者", hash=forged))
    outsider(update(WorkRow).where(WorkRow.work_id == "a").values(owner="冒名者"))
    assert_problem(problems_of(filled), r"receipt #2 \(register 'b'\): does not follow receipt #1")


def test_deleted_receipt(filled: Registry, outsider: Tamper) -> None:
    outsider(delete(ReceiptRow).where(ReceiptRow.seq == 2))
    problems = problems_of(filled)
    assert_problem(problems, r"receipt #3 \(register 'c'\): does not follow receipt #1")
    assert_problem(problems, r"work 'b' is in the registry without a register receipt")


def test_deleted_last_receipt(filled: Registry, outsider: Tamper) -> None:
    outsider(delete(ReceiptRow).where(ReceiptRow.seq == 5))  # d's removal
    assert_problem(problems_of(filled), r"work 'd' \(receipt #4\) is registered but missing")


def test_deleted_first_receipt(filled: Registry, outsider: Tamper) -> None:
    outsider(delete(ReceiptRow).where(ReceiptRow.seq == 1))
    problems = problems_of(filled)
    assert_problem(problems, r"receipt #2 \(register 'b'\): does not follow the start of the chain")
    assert_problem(problems, r"work 'a' is in the registry without a register receipt")


def test_reordered_receipts(filled: Registry, outsider: Tamper) -> None:
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 1).values(seq=100))
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 2).values(seq=1))
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 100).values(seq=2))
    problems = problems_of(filled)
    assert_problem(problems, r"receipt #1 \(register 'b'\)")
    assert_problem(problems, r"receipt #2 \(register 'a'\)")


def test_work_added_behind_the_registrys_back(filled: Registry, outsider: Tamper) -> None:
    outsider(
        insert(WorkRow).values(
            work_id="smuggled",
            title="t",
            owner="o",
            language="zh",
            content_hash="e" * 64,
            meta=[],
            registered_at="2025-01-01T00:00:00Z",
            script_title="t",
            script_language="zh",
        )
    )
    problems = problems_of(filled)
    assert_problem(problems, r"work 'smuggled' is in the registry without a register receipt")
    assert_problem(problems, r"work 'smuggled': its lines no longer match its content hash")


def test_unknown_action(filled: Registry, outsider: Tamper) -> None:
    outsider(update(ReceiptRow).where(ReceiptRow.seq == 3).values(action="grant"))
    problems = problems_of(filled)
    assert_problem(problems, r"receipt #3 \(grant 'c'\): unknown action")
    assert_problem(problems, r"receipt #3 \(grant 'c'\): its hash does not match")
