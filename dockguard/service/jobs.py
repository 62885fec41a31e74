"""The persistent scan queue: jobs and their uploaded files in the service's tables.

A job is `queued` when accepted, `running` while a worker holds its lease, then `done` (with the scan
document) or `failed` (with the message). Durability rules, which the restart test checks:

- a job is accepted only once its row and files are committed, so an answered 202 is never lost;
- a worker takes a job with a conditional update (only one worker wins) and holds a lease it renews;
  a job whose worker died (its process is gone from this host, or its lease ran out) is taken again;
- the result is written with a conditional update naming the worker, so a job is finished once: a
  worker that lost its lease cannot overwrite the result of the one that took over.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, Executable, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from dockguard.errors import DockGuardError
from dockguard.registry import format_utc, utc_now
from dockguard.service.store import JobFileRow, JobRow, ServiceStore

STATUSES = ("queued", "running", "done", "failed")


class QueueFull(DockGuardError):
    """The queue holds as many jobs as it may; the client should come back later."""

    def __init__(self, queued: int, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"the scan queue is full ({queued} jobs waiting); try again in {retry_after} s")


class JobNotFound(DockGuardError):
    """No such job, or not one of this key's."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Job:
    job_id: str
    key_id: str
    status: str
    fail_on: str
    top: int
    name: str
    files: tuple[str, ...]
    created_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    callback_url: str | None
    webhook_state: str
    webhook_attempts: int
    webhook_error: str | None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_json(self) -> dict[str, Any]:
        """The job as the API returns it (`Job` in the OpenAPI document)."""
        return {
            "id": self.job_id,
            "status": self.status,
            "error": self.error,
            "result": self.result,
            "fail_on": self.fail_on,
            "files": list(self.files),
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "attempts": self.attempts,
            "webhook": None
            if self.callback_url is None
            else {
                "url": self.callback_url,
                "state": self.webhook_state,
                "attempts": self.webhook_attempts,
                "error": self.webhook_error,
            },
        }


def _job(row: JobRow) -> Job:
    return Job(
        job_id=row.job_id,
        key_id=row.key_id,
        status=row.status,
        fail_on=row.fail_on,
        top=row.top,
        name=row.name,
        files=tuple(json.loads(row.files)),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        attempts=row.attempt,
        error=row.error,
        result=None if row.result is None else json.loads(row.result),
        callback_url=row.callback_url,
        webhook_state=row.webhook_state,
        webhook_attempts=row.webhook_attempts,
        webhook_error=row.webhook_error,
    )


def _changed(session: Session, statement: Executable) -> int:
    """Rows an UPDATE changed: how a conditional update tells who won."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claimable(now: float) -> Any:
    """A job a worker may take: waiting, or running under a lease that ran out (its worker died)."""
    return or_(JobRow.status == "queued", and_(JobRow.status == "running", JobRow.lease_until < now))


class JobQueue:
    """Submit, take, renew and finish jobs. Safe to share between threads and between processes."""

    def __init__(
        self,
        store: ServiceStore,
        *,
        max_queued: int = 64,
        lease_s: float = 30.0,
        webhook_retry_s: float = 600.0,
    ) -> None:
        self.store = store
        self.max_queued = max_queued
        self.lease_s = lease_s
        self.webhook_retry_s = webhook_retry_s
        self.host = socket.gethostname()
        self.worker_id = f"{self.host}:{os.getpid()}:{secrets.token_hex(4)}"

    # -- clients -----------------------------------------------------------------------------------

    def submit(
        self,
        key_id: str,
        uploads: Sequence[Upload],
        *,
        fail_on: str,
        top: int,
        name: str,
        callback_url: str | None = None,
    ) -> Job:
        """Accept a job (row and files committed together), or raise QueueFull."""
        row = JobRow(
            job_id=str(uuid.uuid4()),
            key_id=key_id,
            status="queued",
            fail_on=fail_on,
            top=top,
            name=name,
            files=json.dumps([u.name for u in uploads], ensure_ascii=False),
            created_at=format_utc(utc_now()),
            attempt=0,
            callback_url=callback_url,
            webhook_state="none",
            webhook_attempts=0,
        )
        with self.store.writing("queueing a scan") as session:
            waiting = int(
                session.scalar(select(func.count()).select_from(JobRow).where(JobRow.status == "queued")) or 0
            )
            if waiting >= self.max_queued:
                raise QueueFull(waiting, retry_after=max(1, min(60, waiting // 4)))
            session.add(row)
            for i, u in enumerate(uploads):
                session.add(
                    JobFileRow(job_id=row.job_id, ordinal=i, name=u.name, size=len(u.data), data=u.data)
                )
            session.flush()
            return _job(row)

    def check_room(self) -> None:
        """Raise QueueFull now, before an upload is parsed, when it would be refused anyway."""
        with self.store.reading("counting waiting scans") as session:
            waiting = int(
                session.scalar(select(func.count()).select_from(JobRow).where(JobRow.status == "queued")) or 0
            )
        if waiting >= self.max_queued:
            raise QueueFull(waiting, retry_after=max(1, min(60, waiting // 4)))

    def get(self, job_id: str, key_id: str | None) -> Job:
        """The job, if it is this key's (None: any key's, for the worker and tests)."""
        with self.store.reading("reading a scan") as session:
            row = session.scalars(select(JobRow).where(JobRow.job_id == job_id)).first()
            if row is None or (key_id is not None and row.key_id != key_id):
                raise JobNotFound(f"no scan {job_id!r}")
            return _job(row)

    def list_jobs(self, key_id: str | None, limit: int = 100, offset: int = 0) -> list[Job]:
        """This key's jobs, newest first."""
        query = select(JobRow).order_by(JobRow.seq.desc()).limit(limit).offset(offset)
        if key_id is not None:
            query = query.where(JobRow.key_id == key_id)
        with self.store.reading("listing scans") as session:
            return [_job(r) for r in session.scalars(query)]

    def counts(self) -> dict[str, int]:
        with self.store.reading("counting scans") as session:
            rows = session.execute(select(JobRow.status, func.count()).group_by(JobRow.status)).all()
        found = {str(status): int(n) for status, n in rows}
        return {s: found.get(s, 0) for s in STATUSES}

    # -- workers -----------------------------------------------------------------------------------

    def recover(self) -> int:
        """Put back in the queue the running jobs of workers on this host whose process is gone
        (a crash or kill -9); other hosts' jobs come back when their lease runs out. Returns how many."""
        with self.store.writing("recovering scans") as session:
            rows = session.execute(
                select(JobRow.job_id, JobRow.worker).where(JobRow.status == "running")
            ).all()
            dead = [job_id for job_id, worker in rows if self._dead_here(worker)]
            if dead:
                session.execute(
                    update(JobRow)
                    .where(JobRow.job_id.in_(dead), JobRow.status == "running")
                    .values(status="queued", worker=None, lease_until=None)
                )
            return len(dead)

    def _dead_here(self, worker: str | None) -> bool:
        if not worker:
            return True
        host, _, rest = worker.partition(":")
        pid = rest.partition(":")[0]
        return host == self.host and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid))

    def claim(self) -> tuple[Job, list[Upload]] | None:
        """Take the oldest waiting job (or one whose lease ran out) and its files; None when there is none."""
        now = time.time()
        for _ in range(8):  # another worker may win a race: try the next one
            with self.store.reading("looking for a scan") as session:
                job_id = session.scalar(
                    select(JobRow.job_id).where(_claimable(now)).order_by(JobRow.seq).limit(1)
                )
            if job_id is None:
                return None
            with self.store.writing("taking a scan") as session:
                taken = _changed(
                    session,
                    update(JobRow)
                    .where(
                        JobRow.job_id == job_id,
                        _claimable(now),
                    )
                    .values(
                        status="running",
                        worker=self.worker_id,
                        lease_until=now + self.lease_s,
                        attempt=JobRow.attempt + 1,
                        started_at=format_utc(utc_now()),
                    ),
                )
                if not taken:
                    continue
                row = session.scalars(select(JobRow).where(JobRow.job_id == job_id)).one()
                files = session.scalars(
                    select(JobFileRow).where(JobFileRow.job_id == job_id).order_by(JobFileRow.ordinal)
                )
                return _job(row), [Upload(f.name, bytes(f.data)) for f in files]
        return None

    def renew(self, job_id: str) -> bool:
        """Extend this worker's lease on a job; False when it lost the job."""
        with self.store.writing("renewing a lease") as session:
            return bool(
                _changed(
                    session,
                    update(JobRow)
                    .where(
                        JobRow.job_id == job_id, JobRow.status == "running", JobRow.worker == self.worker_id
                    )
                    .values(lease_until=time.time() + self.lease_s),
                )
            )

    def finish(self, job_id: str, *, result: dict[str, Any] | None = None, error: str | None = None) -> bool:
        """Record the outcome once: done with `result`, or failed with `error`. False when this worker
        no longer holds the job (another worker took it over and finishes it)."""
        now = time.time()
        with self.store.writing("finishing a scan") as session:
            row = session.scalars(select(JobRow).where(JobRow.job_id == job_id)).first()
            if row is None:
                return False
            webhook = (
                {
                    "webhook_state": "pending",
                    "webhook_next_at": now,
                    "webhook_deadline": now + self.webhook_retry_s,
                }
                if row.callback_url
                else {}
            )
            done = _changed(
                session,
                update(JobRow)
                .where(JobRow.job_id == job_id, JobRow.status == "running", JobRow.worker == self.worker_id)
                .values(
                    status="done" if error is None else "failed",
                    error=error,
                    result=None if result is None else json.dumps(result, ensure_ascii=False),
                    finished_at=format_utc(utc_now()),
                    lease_until=None,
                    **webhook,
                ),
            )
            if done:
                session.execute(delete(JobFileRow).where(JobFileRow.job_id == job_id))
            return bool(done)

    def release(self) -> int:
        """Give this worker's running jobs back to the queue (a clean shutdown)."""
        with self.store.writing("releasing scans") as session:
            return _changed(
                session,
                update(JobRow)
                .where(JobRow.status == "running", JobRow.worker == self.worker_id)
                .values(status="queued", worker=None, lease_until=None),
            )

    # -- webhooks ----------------------------------------------------------------------------------

    def due_webhook(self) -> Job | None:
        """Take a webhook whose delivery is due (held for a lease, so one sender sends it at a time)."""
        now = time.time()
        with self.store.reading("looking for webhooks") as session:
            job_id = session.scalar(
                select(JobRow.job_id)
                .where(JobRow.webhook_state == "pending", JobRow.webhook_next_at <= now)
                .order_by(JobRow.webhook_next_at)
                .limit(1)
            )
        if job_id is None:
            return None
        with self.store.writing("taking a webhook") as session:
            taken = _changed(
                session,
                update(JobRow)
                .where(
                    JobRow.job_id == job_id, JobRow.webhook_state == "pending", JobRow.webhook_next_at <= now
                )
                .values(webhook_next_at=now + self.lease_s),
            )
            if not taken:
                return None
            return _job(session.scalars(select(JobRow).where(JobRow.job_id == job_id)).one())

    def webhook_outcome(self, job_id: str, *, delivered: bool, error: str | None, backoff_s: float) -> None:
        """Record one delivery attempt: delivered, retried after `backoff_s`, or failed past the deadline."""
        now = time.time()
        with self.store.writing("recording a webhook") as session:
            row = session.scalars(select(JobRow).where(JobRow.job_id == job_id)).one()
            attempts = row.webhook_attempts + 1
            if delivered:
                values: dict[str, Any] = {
                    "webhook_state": "delivered",
                    "webhook_error": None,
                    "webhook_next_at": None,
                }
            elif row.webhook_deadline is not None and now + backoff_s > row.webhook_deadline:
                values = {"webhook_state": "failed", "webhook_error": error, "webhook_next_at": None}
            else:
                values = {"webhook_error": error, "webhook_next_at": now + backoff_s}
            session.execute(
                update(JobRow).where(JobRow.job_id == job_id).values(webhook_attempts=attempts, **values)
            )
