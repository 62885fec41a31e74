"""Registering a batch with skip_existing: the duplicate check runs inside the write transaction."""

from __future__ import annotations

import pytest

from dockguard.errors import AlreadyRegistered
from dockguard.registry import Registry

from .registry_samples import sample_artifacts, sample_work


def test_skip_existing_skips_registered_content_and_ids_and_registers_the_rest(registry: Registry) -> None:
    registry.add_work(sample_work("a"), sample_artifacts())
    registry.add_work(sample_work("b"), sample_artifacts())
    batch = registry.add_batch(
        [
            (sample_work("copy-of-a", variant="a"), sample_artifacts()),  # same content as a
            (sample_work("b", variant="other"), sample_artifacts()),  # same id as b
            (sample_work("c"), sample_artifacts()),
        ],
        skip_existing=True,
    )
    assert [r.work_id for r in batch.receipts] == ["c"]
    assert [(s.work_id, s.existing_id) for s in batch.skipped] == [("copy-of-a", "a"), ("b", "b")]
    assert batch.skipped[0].title == "逆光而行 copy-of-a" and "same content as a" in batch.skipped[0].reason
    assert "id b is registered already" in batch.skipped[1].reason
    assert sorted(w.work_id for w in registry.list_works()) == ["a", "b", "c"]
    assert registry.verify().ok


def test_skip_existing_skips_repeats_inside_one_batch(registry: Registry) -> None:
    batch = registry.add_batch(
        [
            (sample_work("x"), sample_artifacts()),
            (sample_work("x-again", variant="x"), sample_artifacts()),
            (sample_work("x", variant="y"), sample_artifacts()),
        ],
        skip_existing=True,
    )
    assert [r.work_id for r in batch.receipts] == ["x"]
    assert [(s.work_id, s.existing_id) for s in batch.skipped] == [("x-again", "x"), ("x", "x")]
    assert "in the batch" in batch.skipped[0].reason and "twice in the batch" in batch.skipped[1].reason


def test_without_skip_existing_a_repeat_refuses_the_whole_batch(registry: Registry) -> None:
    with pytest.raises(AlreadyRegistered):
        registry.add_batch([(sample_work("x"), sample_artifacts()), (sample_work("y", variant="x"), sample_artifacts())])
    assert registry.list_works() == []


def test_registered_already_is_what_add_batch_would_skip(registry: Registry) -> None:
    registry.add_work(sample_work("a"), sample_artifacts())
    works = [sample_work("a2", variant="a"), sample_work("a", variant="z"), sample_work("new")]
    assert [(s.work_id, s.existing_id) for s in registry.registered_already(works)] == [("a2", "a"), ("a", "a")]
    skipped = registry.add_batch([(w, sample_artifacts()) for w in works], skip_existing=True).skipped
    assert [s.work_id for s in skipped] == ["a2", "a"]
