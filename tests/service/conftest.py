"""Fixtures for the service tests: a ScanService over a fresh SQLite registry with the corpus
registered (fake embedder unless a test asks for the real model), its app in a TestClient, keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from service_helpers import CORPUS, Served

from dockguard.embed import Embedder, load_embedder


def register_corpus(db: str, embedder: Embedder) -> None:
    from dockguard.manifest import read_manifest
    from dockguard.pipeline import read_works, register
    from dockguard.registry import Registry

    with Registry.open(db) as registry:
        register(registry, read_works(read_manifest(CORPUS / "registry.tsv")), embedder)


@pytest.fixture(scope="session")
def fake_corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite registry of the corpus originals embedded by the fake embedder (made once; copied per test)."""
    path = tmp_path_factory.mktemp("fake-corpus") / "registry.sqlite"
    register_corpus(f"sqlite:///{path}", load_embedder("fake"))
    return path


@pytest.fixture
def make_served(tmp_path: Path, fake_corpus_db: Path) -> Iterator[Callable[..., Served]]:
    """make_served(**settings): a started service over a copy of the fake corpus registry, in a TestClient."""
    import shutil

    from fastapi.testclient import TestClient

    from dockguard.service.app import create_app
    from dockguard.service.keys import Role, create_key
    from dockguard.service.runtime import ScanService, ServiceSettings

    opened: list[Any] = []

    def make(
        embedder: Any = None, db_file: Path | None = None, wait_ready: bool = True, **settings: Any
    ) -> Served:
        path = tmp_path / f"registry-{len(opened)}.sqlite"
        shutil.copy(db_file or fake_corpus_db, path)
        db = f"sqlite:///{path}"
        service = ScanService.open(
            ServiceSettings(db=db, **settings), embedder=embedder or load_embedder("fake")
        )
        scanner = create_key(service.store, Role.SCANNER, "scanner").token
        registrar = create_key(service.store, Role.REGISTRAR, "registrar").token
        client = TestClient(create_app(service))
        client.__enter__()
        opened.append(client)
        served = Served(service, client, scanner, registrar, db)
        if wait_ready:
            assert service.ready.wait(120), service.load_error
        return served

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def served(make_served: Callable[..., Served]) -> Served:
    return make_served()
