"""Nearest registered lines for release lines, voted per work (cross-language candidates).

`LineVectorIndex` searches exactly (blocked matrix products over every registered line vector) while
the registry is small, and through inverted lists (`ivf`) from `IVFSettings.min_lines` registered
lines on. Callers only use `search` and `vote`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dockguard.index.ivf import InvertedLists, IVFSettings
from dockguard.index.votes import Candidate, chained_votes


class LineVectorIndex:
    """Every registered line vector with the work it belongs to."""

    def __init__(
        self,
        work_ids: Sequence[str],
        vectors: Sequence[np.ndarray],
        ivf: IVFSettings | None = None,
        block_rows: int = 32768,
    ) -> None:
        self.work_ids = list(work_ids)
        mats = [np.asarray(v, dtype=np.float32) for v in vectors]
        self.owner = (
            np.concatenate([np.full(len(m), w, dtype=np.int32) for w, m in enumerate(mats)])
            if mats
            else np.zeros(0, np.int32)
        )
        self.matrix = np.concatenate(mats) if mats else np.zeros((0, 1), np.float32)
        self.block_rows = block_rows
        sizes = np.array([len(m) for m in mats], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if mats else np.zeros(0, np.int64)
        ivf = ivf or IVFSettings()
        self.lists = InvertedLists(self.matrix, ivf) if len(self.matrix) >= ivf.min_lines else None

    def __len__(self) -> int:
        return len(self.matrix)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k cosine scores and registry row ids for each query vector, best first (through the
        inverted lists when there are any; a query whose probed lists hold fewer than k lines is
        searched exactly)."""
        queries = np.asarray(queries, dtype=np.float32)
        k = min(k, len(self.matrix))
        if k == 0 or len(queries) == 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        if self.lists is None:
            return self.exact_search(queries, k)
        scores, ids, short = self.lists.search(queries, k)
        if short.any():
            scores[short], ids[short] = self.exact_search(queries[short], k)
        return scores, ids

    def exact_search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.matrix)
        best_s = np.full((len(queries), 0), -np.inf, np.float32)
        best_i = np.zeros((len(queries), 0), np.int64)
        for start in range(0, n, self.block_rows):
            sims = queries @ self.matrix[start : start + self.block_rows].T
            kk = min(k, sims.shape[1])
            part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            best_s = np.concatenate([best_s, np.take_along_axis(sims, part, axis=1)], axis=1)
            best_i = np.concatenate([best_i, part + start], axis=1)
            if best_s.shape[1] > k:
                keep = np.argpartition(-best_s, k - 1, axis=1)[:, :k]
                best_s = np.take_along_axis(best_s, keep, axis=1)
                best_i = np.take_along_axis(best_i, keep, axis=1)
        order = np.argsort(-best_s, axis=1)
        return np.take_along_axis(best_s, order, axis=1), np.take_along_axis(best_i, order, axis=1)

    def vote(
        self, queries: np.ndarray, k: int = 10, top: int = 10, window: int = 3, stride: float = 1.0
    ) -> list[Candidate]:
        """Works ranked by chained neighbour hits (`votes.chained_votes`) of the 20 nearest lines."""
        full, full_ids = self.search(queries, max(k, 20))
        if full.size == 0:
            return []
        owners = self.owner[full_ids]
        positions = full_ids - self.starts[owners]
        return chained_votes(
            full, owners, positions, self.work_ids, k=k, top=top, window=window, stride=stride
        )
