"""Session-wide fixtures: the real multilingual model (built once into the cache), and the bundled
corpus registered with it; a fake embedder for unit tests; a registry location on each backend.

PostgreSQL: $DOCKGUARD_TEST_PG_URL if set (its user must be allowed to create schemas: each test
gets a fresh one), else a throwaway server started with scripts/start_test_postgres.sh; the postgres
tests skip, saying why, when neither works.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateSchema, DropSchema

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from dockguard.embed import Embedder, build_default_model, cache_root, load_embedder  # noqa: E402
from dockguard.registry import redact_url  # noqa: E402
from dockguard.registry.url import sqlite_url  # noqa: E402

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
def corpus_scan(
    corpus_db: str, corpus_releases: list[dict[str, str]], real_embedder: Embedder
) -> dict[str, object]:
    """Every bundled release scanned against the corpus registry: path → ScanResult."""
    from dockguard.formats import read_script
    from dockguard.pipeline import Scanner
    from dockguard.registry import Registry

    with Registry.open(corpus_db) as registry:
        scanner = Scanner(registry, real_embedder)
        return {r["path"]: scanner.scan(read_script(CORPUS / r["path"]), r["path"]) for r in corpus_releases}


START_SCRIPT = ROOT / "scripts" / "start_test_postgres.sh"
PG_ENV = "DOCKGUARD_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL URL for the session, or a skip that says why there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'dockguard[dev]')")
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    folder = tempfile.mkdtemp(prefix="dockguard-pg-", dir="/tmp")
    try:
        started = subprocess.run(
            [str(START_SCRIPT), folder], capture_output=True, text=True, timeout=180, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL: set {PG_ENV} ({START_SCRIPT.name} failed: {exc})")
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        reason = started.stderr.strip().splitlines()[-1:] or ["no message"]
        pytest.skip(f"no PostgreSQL: set {PG_ENV} ({START_SCRIPT.name} failed: {reason[0]})")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(START_SCRIPT), "--stop", folder], capture_output=True, timeout=120, check=False)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL schema for one test, reached through a URL whose search_path names it.

    A schema per test is an order of magnitude cheaper than a database per test.
    """
    name = f"dockguard_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_server_url)
    try:
        with admin.begin() as connection:
            connection.execute(CreateSchema(name))
    except DBAPIError as exc:
        admin.dispose()
        pytest.skip(f"cannot create a schema in {redact_url(pg_server_url)}: {exc.orig}")
    try:
        url = make_url(pg_server_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(DropSchema(name, cascade=True))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty registry location on each backend."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "registry.sqlite")
    url: str = request.getfixturevalue("pg_url")
    return url
