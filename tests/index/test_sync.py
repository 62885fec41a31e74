"""The persistent index kept in step with its registry (index/sync.py, folder.py), fake embedder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from dockguard.config import EngineSettings
from dockguard.embed import load_embedder
from dockguard.index import sync
from dockguard.index.registry_index import RegistryIndex, index_folder, update_index
from dockguard.index.settings import IndexSettings
from dockguard.manifest import read_manifest
from dockguard.model import FlatScript
from dockguard.pipeline import read_works, register
from dockguard.registry import Registry

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FAKE = load_embedder("fake")


@pytest.fixture(scope="module")
def corpus_works() -> list:  # type: ignore[type-arg]
    return read_works(read_manifest(CORPUS / "registry.tsv"))


def ids(index: RegistryIndex) -> set[str]:
    return set(index._indexed)


def candidates_for(index: RegistryIndex, work) -> set[str]:  # type: ignore[no-untyped-def]
    flat = FlatScript.of(work.script)
    return {c.work_id for c in index.candidates(flat, FAKE.embed(flat.texts))}


def test_another_process_registering_and_removing_is_seen_by_the_next_open(tmp_path, corpus_works):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    first, last = corpus_works[:-1], corpus_works[-1]
    with Registry.open(url) as registry:
        register(registry, first, FAKE)
        before = RegistryIndex.load(registry, FAKE, EngineSettings())
    assert ids(before) == {w.work_id for w in first}
    with Registry.open(url) as other:  # another process: its registration never touches the index
        register(other, [last], FAKE)
    with Registry.open(url) as registry:
        after = RegistryIndex.load(registry, FAKE, EngineSettings())
        assert last.work_id in ids(after) and last.work_id in candidates_for(after, last)
        np.testing.assert_array_equal(
            after.vectors_of(last.work_id), FAKE.embed(FlatScript.of(last.script).texts).astype("<f2")
        )
        assert after.receipt_hash(last.work_id) == registry.receipt_for(last.work_id).hash
        registry.remove_work(last.work_id)
        removed = RegistryIndex.load(registry, FAKE, EngineSettings())
    assert last.work_id not in ids(removed) and last.work_id not in candidates_for(removed, last)
    assert len(removed) == sum(len(w.script.lines) for w in first)
    assert removed.manifest.seq == len(corpus_works) + 1  # caught up to the remove receipt


def test_a_work_removed_after_the_catch_up_is_never_named(tmp_path, corpus_works, monkeypatch):
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        register(registry, corpus_works, FAKE)
        gone = corpus_works[0].work_id
        real_list = registry.list_works
        monkeypatch.setattr(registry, "list_works", lambda: [w for w in real_list() if w.work_id != gone])
        index = RegistryIndex.load(registry, FAKE, EngineSettings())
    assert gone not in candidates_for(index, corpus_works[0])


def test_a_killed_writer_leaves_nothing_the_next_writer_keeps(tmp_path, corpus_works):
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        register(registry, corpus_works[:2], FAKE)
        update_index(registry, FAKE, EngineSettings())
        gen = index_folder(registry, FAKE, EngineSettings()).current()
        assert gen is not None
        rows = (gen.path / "vectors.f16").stat().st_size
        gen.append(
            np.ones((7, FAKE.dim), np.float16), np.full(7, 99, np.int32), np.ones(7, np.uint8)
        )  # past the manifest
        register(registry, corpus_works[2:3], FAKE)
        index = RegistryIndex.load(registry, FAKE, EngineSettings())
    added = sum(len(w.script.lines) for w in corpus_works[2:3])
    assert (gen.path / "vectors.f16").stat().st_size == rows + added * FAKE.dim * 2
    assert int(index.owner.max()) == 2 and ids(index) == {w.work_id for w in corpus_works[:3]}


def test_a_registry_replaced_at_the_same_place_gets_a_fresh_index(tmp_path, corpus_works):
    path = tmp_path / "r.sqlite"
    with Registry.open(f"sqlite:///{path}") as registry:
        register(registry, corpus_works[:2], FAKE)
        RegistryIndex.load(registry, FAKE, EngineSettings())
    path.unlink()
    with Registry.open(f"sqlite:///{path}") as registry:
        register(registry, corpus_works[2:4], FAKE)  # the same receipt numbers, other works
        index = RegistryIndex.load(registry, FAKE, EngineSettings())
    assert ids(index) == {w.work_id for w in corpus_works[2:4]}


def test_lists_are_trained_at_min_lines_and_hold_every_line_at_once(tmp_path, corpus_works):
    settings = EngineSettings(
        index=IndexSettings(min_lines=300, lines_per_list=20, merge_lines=100_000, probes=64)
    )
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        first = corpus_works[:1]
        register(registry, first, FAKE)
        small = RegistryIndex.load(registry, FAKE, settings)
        assert small.manifest.lists is None or small.manifest.alive_rows >= 300
        register(registry, corpus_works[1:], FAKE)
        big = RegistryIndex.load(registry, FAKE, settings)
    lists = big.manifest.lists
    assert lists is not None and lists.rows == big.manifest.rows and lists.lists >= 8
    assert big.lines.lists is not None and len(big.lines.lists) == big.manifest.rows
    assert corpus_works[-1].work_id in candidates_for(big, corpus_works[-1])


def test_a_stopped_rebuild_goes_on_where_it_stopped(tmp_path, corpus_works, monkeypatch):
    settings = EngineSettings(index=IndexSettings(min_lines=100, lines_per_list=20))
    monkeypatch.setattr(sync, "ADD_LINES", 100)
    monkeypatch.setattr(sync, "CHECKPOINT_LINES", 100)
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        register(registry, corpus_works, FAKE)
        folder = index_folder(registry, FAKE, settings)
        live, _ = sync.refresh(folder, registry, FAKE, settings)
        real_add = sync.InvertedLists.add
        calls = []

        def add_then_die(self, vectors, first_row):  # type: ignore[no-untyped-def]
            calls.append(first_row)
            if len(calls) == 3:
                raise KeyboardInterrupt
            real_add(self, vectors, first_row)

        monkeypatch.setattr(sync.InvertedLists, "add", add_then_die)
        with pytest.raises(KeyboardInterrupt):
            sync.rebuild(folder, registry, FAKE, settings)
        assert (
            folder.current() is not None and folder.current().path == live.path
        )  # scans still use the old one
        pending = folder.pending()
        assert pending is not None and pending.read_manifest().lists.rows == 200  # two checkpoints kept
        monkeypatch.setattr(sync.InvertedLists, "add", real_add)
        calls.clear()
        gen, manifest = sync.rebuild(folder, registry, FAKE, settings)
        index = RegistryIndex.load(registry, FAKE, settings)
    assert gen.path == pending.path and folder.current().path == gen.path and not live.path.exists()
    assert manifest.complete and manifest.lists is not None and manifest.lists.rows == manifest.rows
    assert len(index.lines.lists) == manifest.rows  # every row once: resumed at 200, not from 0


def test_works_fingerprinted_under_other_settings_are_signed_again_from_their_text(tmp_path, corpus_works):
    old = EngineSettings(minhash=replace(EngineSettings().minhash, seed=99))
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        register(registry, corpus_works, FAKE, old)
        index = RegistryIndex.load(registry, FAKE, EngineSettings())
    release = corpus_works[0]
    flat = FlatScript.of(release.script)
    found = index.bands.candidates(
        [c.minhash for c in sync.sign_chunks(sync.canonical_lines(flat), EngineSettings().minhash)],
        index._names,
        index._alive_works,
    )
    assert found and found[0].work_id == release.work_id
