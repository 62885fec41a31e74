"""Nearest registered lines for release lines, voted per work (cross-language candidates).

`LineVectorIndex` is exact (blocked matrix products over every registered line vector). It is the
one seam to swap for an approximate index (HNSW, IVF) on a large registry: callers only use
`search` and `vote`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Candidate:
    work_id: str
    votes: float  # summed margin of the release lines whose neighbours fall in this work
    source: str  # "vectors" or "minhash"


class LineVectorIndex:
    """Every registered line vector with the work it belongs to."""

    def __init__(self, work_ids: Sequence[str], vectors: Sequence[np.ndarray], block_rows: int = 32768) -> None:
        self.work_ids = list(work_ids)
        mats = [np.asarray(v, dtype=np.float32) for v in vectors]
        self.owner = np.concatenate([np.full(len(m), w, dtype=np.int32) for w, m in enumerate(mats)]) if mats else np.zeros(0, np.int32)
        self.matrix = np.concatenate(mats) if mats else np.zeros((0, 1), np.float32)
        self.block_rows = block_rows

    def __len__(self) -> int:
        return len(self.matrix)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k cosine scores and registry row ids for each query vector, best first."""
        queries = np.asarray(queries, dtype=np.float32)
        n = len(self.matrix)
        k = min(k, n)
        if k == 0 or len(queries) == 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
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

    def vote(self, queries: np.ndarray, k: int = 20, top: int = 10) -> list[Candidate]:
        """Works ranked by how many release lines find a neighbour there clearly above their usual
        neighbourhood (margin over the mean of the line's k neighbours)."""
        scores, ids = self.search(queries, k)
        if scores.size == 0:
            return []
        margins = scores - scores.mean(axis=1, keepdims=True)
        owners = self.owner[ids]
        votes = np.zeros(len(self.work_ids))
        for row_m, row_o in zip(margins, owners, strict=True):
            seen: set[int] = set()
            for m, o in zip(row_m, row_o, strict=True):
                if m <= 0:
                    break
                if o not in seen:  # each release line votes once per work, with its best margin
                    seen.add(int(o))
                    votes[o] += m
        ranked = np.argsort(-votes)[:top]
        return [Candidate(self.work_ids[w], float(votes[w]), "vectors") for w in ranked if votes[w] > 0]
