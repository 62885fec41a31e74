"""Two processes registering at once: both succeed, or one is refused cleanly; never corruption."""

from __future__ import annotations

import multiprocessing
from typing import Any

from dockguard.registry import Registry, content_hash

from .registry_samples import sample_work
from .registry_workers import register

# forkserver: each worker is a clean process (no state inherited from pytest), as two CLI invocations
# would be, yet starts fast because the server has imported the registry once for the session
_SPAWN = multiprocessing.get_context("forkserver")
_SPAWN.set_forkserver_preload([register.__module__])


def run_workers(url: str, jobs: list[tuple[list[str], str | None]]) -> list[tuple[str, Any]]:
    start = _SPAWN.Barrier(len(jobs))
    results = _SPAWN.Queue()
    workers = [
        _SPAWN.Process(target=register, args=(url, ids, variant, start, results)) for ids, variant in jobs
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcomes


def test_two_processes_register_different_works_at_once(db_url: str) -> None:
    # the database does not exist yet: the workers also race to create the schema
    first = [f"p1-{i}" for i in range(10)]
    second = [f"p2-{i}" for i in range(10)]
    outcomes = run_workers(db_url, [(first, None), (second, None)])
    assert sorted(outcomes) == [("ok", first), ("ok", second)]
    with Registry.open(db_url) as registry:
        report = registry.verify()
        assert report.ok, report.problems
        assert report.receipts_checked == 20
        assert sorted(summary.work_id for summary in registry.list_works()) == sorted(first + second)
        assert [receipt.seq for receipt in registry.receipts()] == list(range(1, 21))


def test_two_processes_register_the_same_content_at_once(db_url: str) -> None:
    Registry.open(db_url).close()
    outcomes = run_workers(db_url, [(["left"], "same"), (["right"], "same")])
    winners = [ids[0] for status, ids in outcomes if status == "ok"]
    losers = [existing for status, existing in outcomes if status == "already"]
    assert len(winners) == 1 and losers == winners, outcomes
    with Registry.open(db_url) as registry:
        assert [summary.work_id for summary in registry.list_works()] == winners
        assert registry.find_by_content_hash(content_hash(sample_work("x", "same").script)) is not None
        assert registry.verify().ok
