"""Session-wide fixtures: the real multilingual model (built once into the cache), and the bundled
corpus registered with it; a fake embedder for unit tests."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from dockguard.embed import Embedder, build_default_model, cache_root, load_embedder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def e5_cache_dir() -> Path:
    """The cache holding the built default model: $DOCKGUARD_CACHE or ~/.cache/dockguard (built once)."""
    cache = cache_root()
    build_default_model(cache)
    return cache


@pytest.fixture(scope="session")
def e5_model_dir(e5_cache_dir: Path) -> Path:
    return build_default_model(e5_cache_dir)


@pytest.fixture(scope="session")
def real_embedder(e5_cache_dir: Path) -> Embedder:
    return load_embedder(cache_dir=e5_cache_dir, device="cpu")


@pytest.fixture
def fake_embedder() -> Embedder:
    return load_embedder("fake")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="session")
def corpus_releases() -> list[dict[str, str]]:
    return read_tsv(CORPUS / "releases.tsv")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> str:
    """A SQLite registry with the bundled corpus's originals, registered with the real model."""
    from dockguard.manifest import read_manifest
    from dockguard.pipeline import read_works, register
    from dockguard.registry import Registry

    url = f"sqlite:///{tmp_path_factory.mktemp('corpus-registry') / 'registry.sqlite'}"
    works = read_works(read_manifest(CORPUS / "registry.tsv"))
    with Registry.open(url) as registry:
        register(registry, works, real_embedder)
    return url


@pytest.fixture(scope="session")
def corpus_scan(corpus_db: str, corpus_releases: list[dict[str, str]], real_embedder: Embedder) -> dict[str, object]:
    """Every bundled release scanned against the corpus registry: path → ScanResult."""
    from dockguard.formats import read_script
    from dockguard.pipeline import Scanner
    from dockguard.registry import Registry

    with Registry.open(corpus_db) as registry:
        scanner = Scanner(registry, real_embedder)
        return {r["path"]: scanner.scan(read_script(CORPUS / r["path"]), r["path"]) for r in corpus_releases}
