"""Fixtures: a registry on a SQLite file and on PostgreSQL, the same tests run on both.

PostgreSQL: $DOCKGUARD_TEST_PG_URL if set (its user must be allowed to create schemas: each test
gets a fresh one), else a throwaway server started with scripts/start_test_postgres.sh; the postgres
tests skip, saying why, when neither works.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateSchema, DropSchema

from dockguard.registry import Registry, redact_url
from dockguard.registry.url import sqlite_url

from .registry_samples import StepClock

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def registry(db_url: str, clock: StepClock) -> Iterator[Registry]:
    with Registry.open(db_url, now=clock) as opened:
        yield opened


@pytest.fixture
def outsider(db_url: str) -> Iterator[Callable[[Any], None]]:
    """Runs one statement on the registry's database behind its back, as a tamperer would."""
    engine = create_engine(db_url)

    def run(statement: Any) -> None:
        with engine.begin() as connection:
            connection.execute(statement)

    yield run
    engine.dispose()


@pytest.fixture
def trust_cli() -> Callable[..., Any]:
    """Runs `dockguard ARGS...` through CliRunner."""
    from click.testing import CliRunner

    from dockguard.cli import main

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run
