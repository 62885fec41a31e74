"""Concurrency soak: 4 writers and 4 scanners on one registry for a bounded time (SQLite and PostgreSQL).

No process may crash (an exception other than a DockGuardError is what a user would see as a
traceback), no writer may see an error besides "already registered" for the shared content, no
registration may be lost or duplicated, and the registry verifies at the end. The time is bounded
($DOCKGUARD_SOAK_SECONDS, default 8 per backend); nothing is asserted about speed.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from dockguard.errors import RegistryLocked
from dockguard.registry import Registry
from dockguard.registry.engine import retry_locked

from . import soak_workers

SECONDS = float(os.environ.get("DOCKGUARD_SOAK_SECONDS", "8"))
ROOT = Path(__file__).resolve().parents[2]
_SPAWN = multiprocessing.get_context("forkserver")
_SPAWN.set_forkserver_preload([soak_workers.__name__])


def test_four_writers_and_four_scanners(db_url: str) -> None:
    Registry.open(db_url).close()
    start = _SPAWN.Barrier(8)
    results = _SPAWN.Queue()
    processes = [
        _SPAWN.Process(target=role, args=(db_url, index, SECONDS, start, results))
        for role in (soak_workers.writer, soak_workers.scanner)
        for index in range(4)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=SECONDS + 300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    crashes = [crash for _, _, out in reports for crash in out["crashes"]]
    errors = [error for _, _, out in reports for error in out["errors"]]
    assert not crashes, crashes[0]
    assert not errors, errors[:3]

    registered = [work_id for role, _, out in reports if role == "writer" for work_id in out["registered"]]
    refused = [item for role, _, out in reports if role == "writer" for item in out["refused"]]
    scans = sum(len(out["scans"]) for role, _, out in reports if role == "scanner")
    with Registry.open(db_url) as registry:
        report = registry.verify()
        assert report.ok, report.problems
        stored = [w.work_id for w in registry.list_works()]
        receipts = registry.receipts()
    # nothing lost, nothing twice: what the writers were told is exactly what the registry holds
    assert len(set(registered)) == len(registered) and sorted(stored) == sorted(registered)
    assert [r.seq for r in receipts] == list(range(1, len(registered) + 1))
    # each shared content went in once; every other attempt at it was refused naming the winner
    winners = Counter(work_id.split("-by-")[0] for work_id in registered if work_id.startswith("shared-"))
    assert set(winners.values()) <= {1}, winners
    assert all(existing.split("-by-")[0] == attempt.split("-by-")[0] for attempt, existing in refused)
    assert all(existing in stored for _, existing in refused)
    assert len(registered) > 8 and scans > 4
    print(f"{len(registered)} registered, {len(refused)} refused duplicates, {scans} scans/verifies in {SECONDS:.0f} s")


def test_retry_locked_retries_with_backoff_then_gives_up() -> None:
    attempts: list[int] = []

    def locked_twice() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise RegistryLocked("the registry is locked by another process")
        return "done"

    assert retry_locked(locked_twice, deadline_s=30) == "done" and len(attempts) == 3

    def always_locked() -> str:
        raise RegistryLocked("the registry is locked by another process")

    with pytest.raises(RegistryLocked):
        retry_locked(always_locked, deadline_s=0.2)

    def other_error() -> str:
        attempts.append(1)
        raise ValueError("not a lock")

    attempts.clear()
    with pytest.raises(ValueError):
        retry_locked(other_error, deadline_s=30)
    assert len(attempts) == 1  # only locks are retried


def hold_write_lock(db_url: str, release: threading.Event, held: threading.Event) -> None:
    """Hold the registry's write lock the way another DockGuard writer would, until `release`."""
    if db_url.startswith("sqlite"):
        connection = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(120)
        connection.execute("ROLLBACK")
        connection.close()
        return
    from dockguard.registry.engine import _PG_LOCK_KEY

    engine = create_engine(db_url)
    with engine.connect() as connection, connection.begin():
        connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
        held.set()
        release.wait(120)
    engine.dispose()


def test_a_lock_held_too_long_is_a_clear_error_not_a_traceback(db_url: str, tmp_path: Path) -> None:
    Registry.open(db_url).close()
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(db_url, release, held))
    holder.start()
    try:
        assert held.wait(60)
        script = tmp_path / "original.txt"
        script.write_text("第1集\n1-1 日 内 办公室\n林霄：好久不见。\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DOCKGUARD_LOCK_TIMEOUT": "1", "DOCKGUARD_MODEL": "fake"}
        done = subprocess.run(
            [sys.executable, "-m", "dockguard", "register", str(script), "--id", "x", "--db", db_url],
            env=env, capture_output=True, text=True, timeout=300,
        )
    finally:
        release.set()
        holder.join(60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "locked by another process" in done.stderr, done.stderr
    assert "nothing was written" in done.stderr
    with Registry.open(db_url) as registry:
        assert registry.list_works() == [] and registry.verify().ok


def test_a_bad_lock_timeout_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from dockguard.errors import RegistryError

    monkeypatch.setenv("DOCKGUARD_LOCK_TIMEOUT", "soon")
    with pytest.raises(RegistryError, match="DOCKGUARD_LOCK_TIMEOUT must be a number of seconds"):
        Registry.open(str(tmp_path / "r.sqlite"))
