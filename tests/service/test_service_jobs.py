"""The persistent queue without HTTP: exclusive claims, leases, finishing once, recovery, webhooks' state."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockguard.service.jobs import JobNotFound, JobQueue, QueueFull, Upload
from dockguard.service.store import ServiceStore


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same tests on a SQLite file and, where $DOCKGUARD_TEST_PG_URL is set (make test sets it), in a
    fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.sqlite'}"
        return
    server = os.environ.get("DOCKGUARD_TEST_PG_URL")
    if not server:
        pytest.skip("no PostgreSQL: set DOCKGUARD_TEST_PG_URL (scripts/test.sh starts one)")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.schema import CreateSchema, DropSchema

    name = f"dgservice_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(CreateSchema(name))
    try:
        yield (
            make_url(server)
            .update_query_dict({"options": f"-csearch_path={name}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(DropSchema(name, cascade=True))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[ServiceStore]:
    s = ServiceStore.open(db_url)
    yield s
    s.close()


def _submit(queue: JobQueue, key: str = "k1", **kw) -> str:  # type: ignore[no-untyped-def]
    return queue.submit(
        key, [Upload("a.txt", b"hello")], fail_on="partial-copy", top=5, name="release", **kw
    ).job_id


def test_tables_are_the_services_own_with_their_version(store: ServiceStore, db_url: str) -> None:
    from sqlalchemy import inspect

    names = set(inspect(store.engine).get_table_names())
    assert {"service_meta", "service_api_keys", "service_jobs", "service_job_files"} <= names
    assert store.schema_version() == 1
    again = ServiceStore.open(db_url)
    assert again.secret == store.secret  # the signing secret survives a restart
    again.close()


def test_a_newer_service_schema_is_refused(store: ServiceStore, db_url: str) -> None:
    from sqlalchemy import update

    from dockguard.errors import RegistryError
    from dockguard.service.store import ServiceMetaRow

    with store.writing("test") as session:
        session.execute(
            update(ServiceMetaRow).where(ServiceMetaRow.key == "service_schema_version").values(value="99")
        )
    with pytest.raises(RegistryError, match="version 99"):
        ServiceStore.open(db_url)


def test_fifo_and_each_job_claimed_by_one_worker(store: ServiceStore) -> None:
    ids = [_submit(JobQueue(store)) for _ in range(30)]
    workers = [JobQueue(store) for _ in range(4)]
    taken: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        while (claimed := workers[i].claim()) is not None:
            job, files = claimed
            assert files == [Upload("a.txt", b"hello")]
            with lock:
                taken.append((i, job.job_id))
            assert workers[i].finish(job.job_id, result={"ok": i})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(j for _, j in taken) == sorted(ids)  # every job once, none twice
    assert JobQueue(store).counts() == {"queued": 0, "running": 0, "done": 30, "failed": 0}
    first = JobQueue(store).get(ids[0], None)
    assert first.attempts == 1 and first.result is not None


def test_expired_lease_is_taken_over_and_the_loser_cannot_overwrite(store: ServiceStore) -> None:
    job_id = _submit(JobQueue(store))
    slow, fast = JobQueue(store, lease_s=0.2), JobQueue(store)
    assert slow.claim() is not None
    assert fast.claim() is None  # held
    time.sleep(0.3)
    claimed = fast.claim()
    assert claimed is not None and claimed[0].attempts == 2
    assert fast.finish(job_id, result={"by": "fast"})
    assert not slow.finish(job_id, result={"by": "slow"})  # lost its lease: its result is dropped
    assert not slow.renew(job_id)
    assert JobQueue(store).get(job_id, None).result == {"by": "fast"}


def test_renewed_lease_is_kept(store: ServiceStore) -> None:
    from dockguard.service.store import JobRow

    def lease(job_id: str) -> float:
        with store.reading("test") as session:
            row = session.get(JobRow, 1)
            assert row is not None and row.job_id == job_id and row.lease_until is not None
            return row.lease_until

    job_id = _submit(JobQueue(store))
    holder, other = JobQueue(store, lease_s=60), JobQueue(store)
    assert holder.claim() is not None
    first = lease(job_id)
    time.sleep(0.05)
    assert holder.renew(job_id)
    assert lease(job_id) > first
    assert other.claim() is None and not other.renew(job_id)


def test_recover_requeues_jobs_of_a_dead_process_here(store: ServiceStore) -> None:
    from sqlalchemy import update

    from dockguard.service.store import JobRow

    queue = JobQueue(store)
    dead_id, live_id = _submit(queue), _submit(queue)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    with store.writing("test") as session:
        session.execute(
            update(JobRow)
            .where(JobRow.job_id == dead_id)
            .values(status="running", worker=f"{queue.host}:{dead_pid}:x", lease_until=time.time() + 3600)
        )
        session.execute(
            update(JobRow)
            .where(JobRow.job_id == live_id)
            .values(status="running", worker=f"{queue.host}:{os.getppid()}:x", lease_until=time.time() + 3600)
        )
    assert JobQueue(store).recover() == 1
    assert queue.get(dead_id, None).status == "queued"
    assert queue.get(live_id, None).status == "running"  # its process is alive: left alone


def test_queue_full_and_not_found(store: ServiceStore) -> None:
    queue = JobQueue(store, max_queued=2)
    job_id = _submit(queue)
    _submit(queue)
    with pytest.raises(QueueFull) as full:
        _submit(queue)
    assert full.value.retry_after >= 1
    with pytest.raises(JobNotFound):
        queue.get(job_id, "someone-else")
    assert queue.get(job_id, "k1").status == "queued"


def test_release_gives_running_jobs_back(store: ServiceStore) -> None:
    queue = JobQueue(store)
    job_id = _submit(queue)
    assert queue.claim() is not None
    assert queue.release() == 1
    assert queue.get(job_id, None).status == "queued"


def test_files_are_dropped_once_finished(store: ServiceStore) -> None:
    from sqlalchemy import func, select

    from dockguard.service.store import JobFileRow

    queue = JobQueue(store)
    job_id = _submit(queue)
    queue.claim()
    queue.finish(job_id, error="bad")
    with store.reading("test") as session:
        assert session.scalar(select(func.count()).select_from(JobFileRow)) == 0
    assert queue.get(job_id, None).status == "failed"


def test_webhook_state_backoff_and_deadline(store: ServiceStore) -> None:
    queue = JobQueue(store, webhook_retry_s=1.0)
    job_id = _submit(queue, callback_url="http://127.0.0.1:9/hook")
    queue.claim()
    queue.finish(job_id, result={"x": 1})
    job = queue.due_webhook()
    assert job is not None and job.job_id == job_id
    assert queue.due_webhook() is None  # held by the sender that took it
    queue.webhook_outcome(job_id, delivered=False, error="HTTP 500", backoff_s=0.1)
    time.sleep(0.15)
    assert queue.due_webhook() is not None
    queue.webhook_outcome(job_id, delivered=False, error="HTTP 500", backoff_s=5.0)  # past the 1 s deadline
    job = queue.get(job_id, None)
    assert job.webhook_state == "failed" and job.webhook_attempts == 2 and job.webhook_error == "HTTP 500"
