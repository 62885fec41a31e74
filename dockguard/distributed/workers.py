"""The stateful Ray Data workers: each loads the embedder once, then parses and embeds what it is sent.

A row in is one file (a work to register, or a release to scan); a row out says what became of it:
`status` "ok" with a pickled payload, "skipped" (registered already: not embedded), or "failed" with
the error, so that one bad file fails only itself. The registry is never opened here: the driver
writes (catalogue.py).
"""

from __future__ import annotations

import pickle
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from dockguard.config import EngineSettings
from dockguard.errors import DockGuardError

# the columns every worker returns, so Ray Data's blocks agree whatever happened to a file
COLUMNS = ("index", "path", "status", "error", "payload", "seconds")


def _row(
    index: int, path: str, status: str, error: str = "", payload: bytes = b"", seconds: float = 0.0
) -> dict[str, Any]:
    return {
        "index": index,
        "path": path,
        "status": status,
        "error": error,
        "payload": payload,
        "seconds": seconds,
    }


def _failure(exc: Exception) -> str:
    if isinstance(exc, DockGuardError):
        return f"input: {exc}"
    # a bug shows with where it happened: the driver reports it as an internal error
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"internal: {type(exc).__name__}: {exc}{at}"


def _columns(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return {
        "index": np.array([r["index"] for r in rows], dtype=np.int64),
        "path": np.array([r["path"] for r in rows], dtype=object),
        "status": np.array([r["status"] for r in rows], dtype=object),
        "error": np.array([r["error"] for r in rows], dtype=object),
        "payload": np.array([r["payload"] for r in rows], dtype=object),
        "seconds": np.array([r["seconds"] for r in rows], dtype=np.float64),
    }


class _EmbeddingWorker:
    def __init__(
        self,
        model: str | None,
        device: str | None,
        backend: str | None,
        cache_dir: str | None,
        threads: int | None,
        settings: EngineSettings,
    ) -> None:
        from dockguard.embed import load_embedder

        self.embedder = load_embedder(
            model, device, Path(cache_dir) if cache_dir else None, backend=backend, threads=threads
        )
        self.settings = settings


class RegisterWorker(_EmbeddingWorker):
    """Parses a manifest entry into a work and fingerprints it (MinHash + line vectors).

    Works whose id or content hash the driver found registered already are parsed (the content hash
    needs the script) but not embedded."""

    def __init__(
        self,
        model: str | None,
        device: str | None,
        backend: str | None,
        cache_dir: str | None,
        threads: int | None,
        settings: EngineSettings,
        registered_ids: frozenset[str],
        registered_hashes: frozenset[str],
    ) -> None:
        super().__init__(model, device, backend, cache_dir, threads, settings)
        self.registered_ids = registered_ids
        self.registered_hashes = registered_hashes

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from dockguard.pipeline import fingerprint, read_works

        rows = []
        for index, entry_bytes in zip(batch["index"], batch["entry"], strict=True):
            entry = pickle.loads(entry_bytes)
            t = time.perf_counter()
            try:
                (work,) = read_works([entry])
                if work.work_id in self.registered_ids or work.content_hash in self.registered_hashes:
                    rows.append(
                        _row(int(index), str(entry.path), "skipped", payload=pickle.dumps((work, None)))
                    )
                    continue
                artifacts = fingerprint(work.script, self.embedder, self.settings)
                payload = pickle.dumps((work, artifacts), protocol=pickle.HIGHEST_PROTOCOL)
                rows.append(
                    _row(int(index), str(entry.path), "ok", payload=payload, seconds=time.perf_counter() - t)
                )
            except Exception as exc:  # one bad file fails only itself
                rows.append(_row(int(index), str(entry.path), "failed", error=_failure(exc)))
        return _columns(rows)


class ScanWorker(_EmbeddingWorker):
    """Reads a release and embeds its lines; the driver retrieves and aligns against the registry."""

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from dockguard.formats import read_script
        from dockguard.model import FlatScript

        rows = []
        for index, path in zip(batch["index"], batch["path"], strict=True):
            try:
                script = read_script(Path(path))
                texts = FlatScript.of(script).texts
                t = time.perf_counter()  # the embedding alone, as a single-process scan times it
                vectors = (
                    self.embedder.embed(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
                )
                seconds = time.perf_counter() - t
                payload = pickle.dumps((script, vectors.astype(np.float32)), protocol=pickle.HIGHEST_PROTOCOL)
                rows.append(_row(int(index), str(path), "ok", payload=payload, seconds=seconds))
            except Exception as exc:
                rows.append(_row(int(index), str(path), "failed", error=_failure(exc)))
        return _columns(rows)
