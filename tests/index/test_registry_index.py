"""The scan's view of the registry (index/registry_index.py), with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dockguard.config import EngineSettings
from dockguard.embed import load_embedder
from dockguard.errors import ModelError
from dockguard.formats import read_script
from dockguard.index.registry_index import RegistryIndex
from dockguard.manifest import read_manifest
from dockguard.model import FlatScript
from dockguard.pipeline import read_works, register
from dockguard.registry import Registry

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('index') / 'r.sqlite'}"
    with Registry.open(url) as registry:
        register(registry, read_works(read_manifest(CORPUS / "registry.tsv")), load_embedder("fake"))
    return url


def test_each_work_gets_its_own_rows_in_script_order(corpus_url: str) -> None:
    embedder = load_embedder("fake")
    with Registry.open(corpus_url) as registry:
        index = RegistryIndex.load(registry, embedder, EngineSettings())
        works = registry.list_works()
        assert len(index) == sum(w.lines for w in works)
        for w in works:
            flat = FlatScript.of(registry.get_work(w.work_id).script)
            expected = embedder.embed(flat.texts).astype("<f2").astype(np.float32)
            np.testing.assert_array_equal(index.vectors_of(w.work_id), expected)
            np.testing.assert_array_equal(index.worded_of(w.work_id), flat.worded)
            assert index.receipt_hash(w.work_id) == registry.receipt_for(w.work_id).hash
            assert index.work(w.work_id).title == w.title


def test_candidates_include_the_copied_work(corpus_url: str) -> None:
    embedder = load_embedder("fake")
    release = FlatScript.of(read_script(CORPUS / "releases/zh-Hant/changan_gongque.zh-Hant.txt"))
    with Registry.open(corpus_url) as registry:
        index = RegistryIndex.load(registry, embedder, EngineSettings())
    found = index.candidates(release, embedder.embed(release.texts))
    assert "changan-gongque" in {c.work_id for c in found}
    assert index.candidates(release, np.zeros((0, embedder.dim), np.float32)) == []


class _OtherModel:
    """The fake's vectors under another model id."""

    model_id = "other-model-v2"

    def __init__(self) -> None:
        self.fake = load_embedder("fake")
        self.dim = self.fake.dim

    def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
        return self.fake.embed(texts, progress=progress)


def test_vectors_of_another_model_are_refused_with_the_model_to_use(corpus_url: str) -> None:
    with Registry.open(corpus_url) as registry, pytest.raises(ModelError) as refused:
        RegistryIndex.load(registry, _OtherModel(), EngineSettings())
    assert "fake-ngram-v1" in str(refused.value) and "--model" in str(refused.value)
