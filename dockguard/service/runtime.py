"""The warm side of `dockguard serve`: one registry, one embedder and one Scanner kept loaded, the
workers that take scans off the persistent queue, and registration through the same embedder.

The Scanner's index is the registry as it was when it loaded; before each scan the receipt chain's
head (its last sequence number: one indexed query) is compared with the one the index was loaded at,
and a changed head (a work registered or removed by the service, the CLI or another process) makes a
new Scanner, so a scan never misses a registration that finished before it started.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockguard.embed import Embedder, load_embedder
from dockguard.errors import DockGuardError, InputError, NotRegistered
from dockguard.model import Script, VerdictLevel
from dockguard.registry import Registry, redact_url, resolve_db_url
from dockguard.report.document import ScanDocument
from dockguard.report.registry_json import batch_json, summary_json, work_json
from dockguard.service.jobs import Job, JobQueue, Upload
from dockguard.service.limits import UploadLimits
from dockguard.service.store import ServiceStore
from dockguard.service.webhooks import WebhookSender

log = logging.getLogger("dockguard.service")


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """How `dockguard serve` runs; each field is a `serve` option."""

    db: str | None = None
    model: str | None = None
    device: str | None = None
    workers: int = 1
    max_queued: int = 64
    lease_s: float = 30.0
    max_wait_s: float = 120.0
    webhook_retry_s: float = 600.0
    webhook_backoff_s: float = 1.0
    limits: UploadLimits = field(default_factory=UploadLimits)


class LockedEmbedder:
    """One model shared by the scan workers and registration: one `embed` call at a time (the model
    already uses every core; two at once only thrash)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: Callable[[int], None] | None = None
    ) -> Any:
        with self._lock:
            return self.inner.embed(texts, batch_size=batch_size, progress=progress)


@contextmanager
def upload_folder(uploads: Sequence[Upload], name: str) -> Iterator[Path]:
    """The uploaded files written into a fresh folder called `name`, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="dockguard-upload-"))
    try:
        folder = root / name
        folder.mkdir()
        for u in uploads:
            (folder / u.name).write_bytes(u.data)
        yield folder
    finally:
        shutil.rmtree(root, ignore_errors=True)


def read_releases(folder: Path) -> list[tuple[str, Script]]:
    """The releases in an upload folder, by the CLI's rule for a folder (`expand_works`), each read
    and named relative to the folder (the folder's own name when it is one release of episodes).
    Raises InputError with the CLI's message, naming the uploaded file."""
    from dockguard.formats import expand_works, read_script

    releases = []
    for path in expand_works([folder]):
        shown = folder.name if path == folder else path.relative_to(folder).as_posix()
        try:
            releases.append((shown, read_script(path)))
        except InputError as e:
            raise type(e)(_shown(e.path, folder), e.problem) from None
    if not releases:
        raise InputError(folder.name, "no release in the upload (only manifests, notes or results?)")
    return releases


def _shown(path: str, folder: Path) -> str:
    if path.startswith(str(folder) + os.sep):
        return path[len(str(folder)) + 1 :]
    return folder.name if path == str(folder) else path.replace(str(folder.parent) + os.sep, "")


class ScanService:
    """The warm process: open with `ScanService.open(settings)`, then `start()` the threads."""

    def __init__(
        self, settings: ServiceSettings, registry: Registry, store: ServiceStore, embedder: Embedder
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.store = store
        self.embedder = LockedEmbedder(embedder)
        self.queue = JobQueue(
            store,
            max_queued=settings.max_queued,
            lease_s=settings.lease_s,
            webhook_retry_s=settings.webhook_retry_s,
        )
        self.webhooks = WebhookSender(self.queue, backoff_base_s=settings.webhook_backoff_s)
        self.ready = threading.Event()
        self.load_error: str | None = None
        self.finished = threading.Condition()  # notified whenever this process finishes a job
        self.wake = threading.Event()  # set when a job is submitted here
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._scanner_lock = threading.Lock()
        self._scanner: Any = None
        self._head: int | None = None
        self._running: set[str] = set()
        self._running_lock = threading.Lock()

    @classmethod
    def open(cls, settings: ServiceSettings, embedder: Embedder | None = None) -> ScanService:
        url = resolve_db_url(settings.db)
        registry = Registry.open(url)
        try:
            store = ServiceStore.open(url)
        except BaseException:
            registry.close()
            raise
        return cls(settings, registry, store, embedder or load_embedder(settings.model, settings.device))

    @property
    def registry_url(self) -> str:
        return redact_url(self.registry.url)

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        recovered = self.queue.recover()
        if recovered:
            log.info("%d scan(s) of a process that died are queued again", recovered)
        self._spawn(self._load, "dockguard-load")
        for i in range(self.settings.workers):
            self._spawn(self._work, f"dockguard-worker-{i}")
        self._spawn(self._keep_leases, "dockguard-leases")
        self.webhooks.start()

    def stop(self) -> None:
        """Stop taking jobs; jobs still running go back to the queue for the next start."""
        if self._stop.is_set():
            return
        self._stop.set()
        self.wake.set()
        for t in self._threads:
            t.join(timeout=2.0)
        self.webhooks.stop()
        try:
            self.queue.release()
        finally:
            self.store.close()
            self.registry.close()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _load(self) -> None:
        try:
            self.embedder.embed(["warm up"])  # loads the model
            self.scanner()  # loads the registry's index
            self.ready.set()
            log.info("ready: model %s, registry %s", self.embedder.model_id, self.registry_url)
        except Exception as e:
            self.load_error = f"{type(e).__name__}: {e}"
            log.error("cannot load the model or the registry index: %s", self.load_error)

    # -- scanning ----------------------------------------------------------------------------------

    def receipt_head(self) -> int:
        """The last receipt's sequence number (0 for an empty registry): changes with every registration and removal."""
        head = self.registry.head()
        return 0 if head is None else head.seq

    def scanner(self, reload: bool = False) -> Any:
        """The warm Scanner, made again when the registry changed since its index was loaded (or when asked)."""
        from dockguard.pipeline import Scanner

        with self._scanner_lock:
            head = self.receipt_head()
            if reload or self._scanner is None or head != self._head:
                scanner = Scanner(self.registry, self.embedder)
                scanner.index  # noqa: B018 - load now, under the lock, not during the first scan
                self._scanner, self._head = scanner, head
            return self._scanner

    def check_upload(self, uploads: Sequence[Upload], name: str) -> int:
        """Parse an upload as the worker will (InputError with the CLI's message if it cannot be); the number of releases."""
        with upload_folder(uploads, name) as folder:
            return len(read_releases(folder))

    def scan_uploads(
        self, uploads: Sequence[Upload], name: str, fail_on: VerdictLevel, top: int
    ) -> ScanDocument:
        from dockguard.pipeline import formats_of

        with upload_folder(uploads, name) as folder:
            releases = read_releases(folder)
            for attempt in (0, 1):
                scanner = self.scanner(reload=attempt > 0)
                try:
                    results = [scanner.scan(script, shown, formats_of(script)) for shown, script in releases]
                    break
                except NotRegistered:
                    # a candidate work was removed while this scan ran: once more, on the registry as it is now
                    if attempt:
                        raise
        return ScanDocument.build(
            results, registry=self.registry_url, model=self.embedder.model_id, fail_on=fail_on, top=top
        )

    def _work(self) -> None:
        while not self._stop.is_set():
            if not self.ready.is_set():
                self.ready.wait(0.5)
                continue
            try:
                claimed = self.queue.claim()
            except DockGuardError as e:  # e.g. the database is locked for longer than its timeout
                log.warning("cannot take a scan: %s", e)
                claimed = None
            if claimed is None:
                self.wake.wait(1.0)
                self.wake.clear()
                continue
            job, uploads = claimed
            self._run(job, uploads)

    def _run(self, job: Job, uploads: Sequence[Upload]) -> None:
        with self._running_lock:
            self._running.add(job.job_id)
        try:
            try:
                document = self.scan_uploads(uploads, job.name, VerdictLevel(job.fail_on), job.top)
                outcome: dict[str, Any] = {"result": document.to_json()}
            except DockGuardError as e:
                outcome = {"error": str(e)}
            except Exception as e:  # a bug: the job fails with a message, the worker goes on
                log.error("scan %s failed: %s", job.job_id, traceback.format_exc())
                outcome = {"error": f"internal error: {type(e).__name__}: {e}"}
            if self._stop.is_set():
                return  # shutting down mid-scan: the job goes back to the queue (release) and runs again
            if self.queue.finish(job.job_id, **outcome):
                log.info("scan %s %s", job.job_id, "done" if "result" in outcome else "failed")
            else:
                log.warning("scan %s was taken over by another worker; its result stands", job.job_id)
        finally:
            with self._running_lock:
                self._running.discard(job.job_id)
            with self.finished:
                self.finished.notify_all()
            self.webhooks.wake.set()

    def _keep_leases(self) -> None:
        while not self._stop.wait(self.settings.lease_s / 3):
            with self._running_lock:
                running = list(self._running)
            for job_id in running:
                try:
                    self.queue.renew(job_id)
                except DockGuardError as e:
                    log.warning("cannot renew the lease of %s: %s", job_id, e)

    def wait_for(self, job_id: str, key_id: str, seconds: float) -> Job:
        """The job once finished, or as it is after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            job = self.queue.get(job_id, key_id)
            left = deadline - time.monotonic()
            if job.finished or left <= 0:
                return job
            with self.finished:
                self.finished.wait(min(left, 1.0))  # 1 s: a job finished by another process is seen too

    # -- registering -------------------------------------------------------------------------------

    def register_upload(
        self,
        uploads: Sequence[Upload],
        *,
        title: str | None,
        owner: str,
        lang: str | None,
        work_id: str | None,
        meta: Sequence[tuple[str, str]],
        skip_existing: bool,
    ) -> dict[str, Any]:
        """Register one work (one file, a zip, or several episode files) as `dockguard register` does;
        the same JSON as `register --format json`."""
        from dockguard.manifest import ManifestEntry
        from dockguard.pipeline import read_works, register

        with upload_folder(uploads, "work") as folder:
            path = folder / uploads[0].name if len(uploads) == 1 else folder
            try:
                works = read_works(
                    [ManifestEntry(path, work_id, title, lang, None, (), 0)], owner=owner, meta=meta
                )
            except InputError as e:
                raise type(e)(_shown(e.path, folder), e.problem) from None
        batch = register(self.registry, works, self.embedder, skip_existing=skip_existing)
        return batch_json(batch, works)

    def work_json(self, work_id: str) -> dict[str, Any]:
        """One work with its receipt, as `dockguard works show --format json`."""
        return work_json(self.registry.get_work(work_id), self.registry.receipt_for(work_id))

    def works_json(self, query: str = "") -> list[dict[str, Any]]:
        """The registered works, as `dockguard works list --format json`; `query` keeps those whose
        title, owner or id contains it (case-insensitive)."""
        q = query.strip().casefold()
        rows = [summary_json(w) for w in self.registry.list_works()]
        return [
            r for r in rows if not q or any(q in str(r[k]).casefold() for k in ("title", "owner", "work_id"))
        ]
