"""An on-disk cache of line vectors for the benchmarks, so re-running the quality harness after a
change in retrieval or alignment does not re-embed ~280k evaluation lines. Keyed by model id and
text; never used by the product itself."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class CachedEmbedder:
    def __init__(self, inner, path: Path) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.model_id: str = inner.model_id
        self.dim: int = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS vec (key BLOB PRIMARY KEY, v BLOB)")
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.model_id}\x1f{text}".encode()).digest()

    def embed(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})"
            for k, v in self.db.execute(q, chunk):
                found[k] = np.frombuffer(v, dtype=np.float16)
        missing = sorted({i for i, k in enumerate(keys) if k not in found}, key=lambda i: keys[i])
        todo: dict[bytes, str] = {}
        for i in missing:
            todo.setdefault(keys[i], texts[i])
        self.hits += len(texts) - len(missing)
        self.misses += len(todo)
        if todo:
            vecs = self.inner.embed(list(todo.values()), batch_size=batch_size)
            rows = [(k, v.astype(np.float16).tobytes()) for k, v in zip(todo, vecs, strict=True)]
            self.db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
            self.db.commit()
            for k, v in zip(todo, vecs, strict=True):
                found[k] = v.astype(np.float16)
        if progress:
            progress(len(texts))
        out = np.stack([found[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, self.dim), np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
