"""Registering and scanning whole catalogues on Ray: workers parse and embed, the driver writes.

register_catalogue:  manifest entries → Ray Data (RegisterWorker actors: parse → MinHash + vectors)
                     → the driver, in batches of `batch_works`: Registry.add_batch(skip_existing=True),
                     one transaction per batch (all or nothing)
scan_catalogue:      release paths → Ray Data (ScanWorker actors: parse → vectors) → the driver's
                     Scanner (retrieval and alignment against the registry view, loaded once)

A file that cannot be read fails only itself: it is listed in the result's `failed`, and everything
else goes on. Re-running skips what is registered: the driver sends the registered ids and content
hashes to the workers, which then parse such works (the content hash needs the script) but do not
embed them, and the registry checks again inside each batch's transaction. The registry is opened
only by the driver, so a SQLite file on the driver's disk works as well as PostgreSQL.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dockguard.config import EngineSettings
from dockguard.distributed.cluster import Workers, connect
from dockguard.distributed.workers import RegisterWorker, ScanWorker
from dockguard.manifest import ManifestEntry
from dockguard.model import ScanResult, Script, Work
from dockguard.registry import Batch, Receipt, Registry, Skipped

if TYPE_CHECKING:
    from dockguard.embed import Embedder

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class FailedFile:
    """A file that failed only itself: `kind` "input" (cannot be read or parsed) or "internal" (a bug)."""

    path: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class CatalogueRegistration:
    """What `register_catalogue` did: the works it registered, those skipped, the files that failed."""

    works: tuple[Work, ...]  # registered, in the order of `receipts`
    receipts: tuple[Receipt, ...]
    skipped: tuple[Skipped, ...]
    failed: tuple[FailedFile, ...]
    batches: int
    workers: Workers


@dataclass(frozen=True, slots=True)
class CatalogueScan:
    results: tuple[ScanResult, ...]  # in the order of the paths given
    failed: tuple[FailedFile, ...]
    workers: Workers
    model_id: str  # of the workers' embedder (on a GPU cluster, not necessarily the driver's default)


@dataclass(frozen=True, slots=True)
class EmbedderSpec:
    """What each worker needs to load the same embedder as the driver."""

    model: str | None = None
    device: str | None = None
    backend: str | None = None
    cache_dir: Path | None = None

    def args(self, workers: Workers) -> tuple[Any, ...]:
        device = self.device or workers.device
        threads = None if workers.gpus else max(int(workers.cpus), 1)
        return (self.model, device, self.backend, str(self.cache_dir) if self.cache_dir else None, threads)


def _failed(path: str, error: str) -> FailedFile:
    kind, _, message = error.partition(": ")
    return FailedFile(path, kind, message)


def _prepare(spec: EmbedderSpec, workers: Workers) -> None:
    """Build the model folders once on the driver, so local workers never race to build them."""
    from dockguard.embed import build_default_model, resolve_backend
    from dockguard.embed.loader import FAKE_NAMES, is_default_model

    if spec.model in FAKE_NAMES or not is_default_model(spec.model):
        return
    build_default_model(spec.cache_dir, backend=resolve_backend(spec.backend, spec.device or workers.device))


def _run(
    ds: Any, worker: type, constructor_args: tuple[Any, ...], workers: Workers
) -> Iterator[dict[str, Any]]:
    from ray.data import ActorPoolStrategy

    mapped = ds.map_batches(
        worker,
        fn_constructor_args=constructor_args,
        batch_size=1,  # one file per call: progress per file, and a slow file holds back nothing else
        batch_format="numpy",
        compute=ActorPoolStrategy(size=workers.count),
        num_cpus=workers.cpus,
        num_gpus=workers.gpus or None,
    )
    for batch in mapped.iter_batches(batch_size=1, batch_format="numpy"):
        for i in range(len(batch["index"])):
            yield {key: batch[key][i] for key in batch}


def register_catalogue(
    registry: Registry,
    entries: Sequence[ManifestEntry],
    *,
    owner: str = "",
    meta: Sequence[tuple[str, str]] = (),
    embedder: EmbedderSpec | None = None,
    settings: EngineSettings | None = None,
    workers: int | None = None,
    cpus_per_worker: int = 1,
    batch_works: int = 32,
    progress: Progress | None = None,
) -> CatalogueRegistration:
    """Register `entries` through Ray: parsed and embedded by `workers` actors, written by this
    process in transactions of `batch_works` works. Works registered already are skipped."""
    layout = connect(workers, cpus_per_worker)
    import ray.data

    spec = embedder or EmbedderSpec()
    settings = settings or EngineSettings()
    _prepare(spec, layout)
    summaries = registry.list_works()
    registered_ids = frozenset(s.work_id for s in summaries)
    registered_hashes = frozenset(s.content_hash for s in summaries)

    rows = []
    for i, entry in enumerate(entries):
        # the command's --owner and --meta apply as read_works applies them
        entry = replace(entry, owner=entry.owner or owner or None, meta=entry.meta + tuple(meta))
        rows.append({"index": i, "entry": pickle.dumps(entry)})
    ds = ray.data.from_items(rows, override_num_blocks=max(min(len(rows), 4 * layout.count), 1))
    constructor = (*spec.args(layout), settings, registered_ids, registered_hashes)

    works: list[Work] = []
    receipts: list[Receipt] = []
    skipped: list[Skipped] = []
    failed: list[FailedFile] = []
    pending: list[tuple[Work, Any]] = []
    batches = 0

    def flush() -> None:
        nonlocal batches
        if not pending:
            return
        batch: Batch = registry.add_batch(pending, skip_existing=True)
        by_id = {w.work_id: w for w, _ in pending}
        works.extend(by_id[r.work_id] for r in batch.receipts)
        receipts.extend(batch.receipts)
        skipped.extend(batch.skipped)
        batches += 1
        pending.clear()

    for row in _run(ds, RegisterWorker, constructor, layout):
        if row["status"] == "failed":
            failed.append(_failed(str(row["path"]), str(row["error"])))
        elif row["status"] == "skipped":
            work, _ = pickle.loads(row["payload"])
            skipped.extend(registry.registered_already([work]))
        else:
            pending.append(pickle.loads(row["payload"]))
            if len(pending) >= batch_works:
                flush()
        if progress:
            progress(1)
    flush()
    failed.sort(key=lambda f: f.path)
    return CatalogueRegistration(
        tuple(works), tuple(receipts), tuple(skipped), tuple(failed), batches, layout
    )


class _Replay:
    """The driver's embedder for a Ray scan: hands back the vectors a worker made for these texts.

    It has the real embedder's model id and dimension, so the registry's vectors are checked
    against the backend that actually embedded the release."""

    def __init__(self, embedder: Embedder) -> None:
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self._next: tuple[tuple[str, ...], np.ndarray] | None = None

    def expect(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._next = (tuple(texts), vectors)

    def embed(
        self, texts: Sequence[str], *, batch_size: int | None = None, progress: Progress | None = None
    ) -> np.ndarray:
        if self._next is None or self._next[0] != tuple(texts):
            raise RuntimeError("a Ray scan asked for vectors of texts no worker embedded")
        vectors = self._next[1]
        self._next = None
        return vectors


def scan_catalogue(
    registry: Registry,
    paths: Sequence[Path],
    *,
    embedder: EmbedderSpec | None = None,
    settings: EngineSettings | None = None,
    workers: int | None = None,
    cpus_per_worker: int = 1,
    on_result: Callable[[ScanResult], None] | None = None,
    index_dir: Path | str | None = None,
) -> CatalogueScan:
    """Scan the releases `paths` against `registry`: read and embedded by Ray workers, retrieved and
    aligned here (the registry view is loaded once). `on_result` is called as each release is done."""
    from dockguard.embed import load_embedder
    from dockguard.model import FlatScript
    from dockguard.pipeline import Scanner, formats_of

    layout = connect(workers, cpus_per_worker)
    import ray.data

    spec = embedder or EmbedderSpec()
    _prepare(spec, layout)
    # lazily loaded: only its model id and dimension are used here, the model never is
    local = load_embedder(spec.model, spec.device or layout.device, spec.cache_dir, backend=spec.backend)
    replay = _Replay(local)
    scanner = Scanner(registry, replay, settings, index_dir)
    scanner.index  # noqa: B018  (fails now, before any embedding, on a registry of another model)

    rows = [{"index": i, "path": str(p)} for i, p in enumerate(paths)]
    ds = ray.data.from_items(rows, override_num_blocks=max(min(len(rows), 4 * layout.count), 1))
    constructor = (*spec.args(layout), settings or EngineSettings())
    results: dict[int, ScanResult] = {}
    failed: list[FailedFile] = []
    for row in _run(ds, ScanWorker, constructor, layout):
        if row["status"] == "failed":
            failed.append(_failed(str(row["path"]), str(row["error"])))
            continue
        script, vectors = pickle.loads(row["payload"])
        assert isinstance(script, Script)
        replay.expect(FlatScript.of(script).texts, vectors)
        result = scanner.scan(script, str(row["path"]), formats_of(script))
        # the embedding happened on the worker: its time, not the replay's
        timings = tuple(
            (k, round(float(row["seconds"]), 4) if k == "embed" else v) for k, v in result.timings
        )
        result = replace(result, timings=timings)
        results[int(row["index"])] = result
        if on_result:
            on_result(result)
    failed.sort(key=lambda f: f.path)
    return CatalogueScan(tuple(results[i] for i in sorted(results)), tuple(failed), layout, replay.model_id)
