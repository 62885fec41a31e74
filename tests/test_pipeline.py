"""The wired stages with a fake embedder: what a scan reads from the registry."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dockguard import pipeline
from dockguard.align import Alignment
from dockguard.formats import read_script
from dockguard.manifest import read_manifest
from dockguard.pipeline import Scanner, read_works, register
from dockguard.registry import Registry

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_a_scan_loads_only_the_originals_something_aligned_with(tmp_path, fake_embedder, monkeypatch):
    works = {w.work_id: w for w in read_works(read_manifest(CORPUS / "registry.tsv"))}
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        register(registry, list(works.values()), fake_embedder)
        scanner = Scanner(registry, fake_embedder)
        copied = scanner.index.vectors_of("changan-gongque")
        align = pipeline.align_vectors

        def only_the_copy_aligns(release, original, *args):  # the fake embedder aligns a little of anything
            alignment = align(release, original, *args)
            if original.shape == copied.shape and np.array_equal(original, copied):
                return alignment
            return Alignment((), alignment.release_lines, alignment.original_lines)

        monkeypatch.setattr(pipeline, "align_vectors", only_the_copy_aligns)
        loaded: list[str] = []
        get_work = registry.get_work
        monkeypatch.setattr(registry, "get_work", lambda work_id: loaded.append(work_id) or get_work(work_id))
        result = scanner.scan(read_script(CORPUS / "releases/zh-Hant/changan_gongque.zh-Hant.txt"), "copy")
        receipts = {w: registry.receipt_for(w).hash for w in works}

    assert result.matches[0].work_id == "changan-gongque" and result.matches[0].evidence.pairs
    assert len(result.matches) > 1
    assert loaded == ["changan-gongque"]
    for m in result.matches[1:]:  # named, receipted and sized all the same, from the registry view
        assert (m.title, m.receipt_hash) == (works[m.work_id].title, receipts[m.work_id])
        assert m.evidence.pairs == () and m.evidence.original_lines == len(works[m.work_id].script.lines)
