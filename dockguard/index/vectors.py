"""Nearest registered lines for release lines, voted per work (cross-language candidates).

`LineVectorIndex` searches exactly (blocked matrix products over every registered line vector) while
the registry is small, and through inverted lists (`ivf`) from `IVFSettings.min_lines` registered
lines on. Callers only use `search` and `vote`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dockguard.index.ivf import InvertedLists, IVFSettings


@dataclass(frozen=True, slots=True)
class Candidate:
    work_id: str
    votes: float  # summed margin of the release lines whose neighbours fall in this work
    source: str  # "vectors" or "minhash"


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
        self.owner = np.concatenate([np.full(len(m), w, dtype=np.int32) for w, m in enumerate(mats)]) if mats else np.zeros(0, np.int32)
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

    def vote(self, queries: np.ndarray, k: int = 10, top: int = 10, window: int = 3, stride: float = 1.0) -> list[Candidate]:
        """Works ranked by chained neighbour hits: a release line's neighbour in a work counts only
        when a following release line (within `window` queries) has a neighbour a little further on
        in the same work, as consecutive lines of a copied passage do. Generic lines match lines
        scattered over many works, so they cancel out, and a passage copied into other material
        still ranks its original first. `queries` are release lines in order, `stride` release
        lines apart on average (a sample)."""
        full, full_ids = self.search(queries, max(k, 20))  # the neighbourhood: 20 nearest lines
        if full.size == 0:
            return []
        scores, ids = full[:, :k], full_ids[:, :k]
        margins = np.maximum(scores - full.mean(axis=1, keepdims=True), 0.0)
        owners = self.owner[ids]
        positions = ids - self.starts[owners]
        reach = int(2 * window * max(stride, 1.0)) + 6  # how far the original may advance meanwhile
        hits: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for row in range(len(queries)):
            for col in range(ids.shape[1]):
                hits[int(owners[row, col])].append((row, int(positions[row, col]), float(margins[row, col])))
        votes = np.zeros(len(self.work_ids))
        for work, found in hits.items():
            found.sort()
            total = 0.0
            for a, (row, pos, margin) in enumerate(found):
                for row2, pos2, _ in found[a + 1 :]:
                    if row2 - row > window:
                        break
                    if row2 > row and 0 < pos2 - pos <= reach:
                        total += margin + 0.01
                        break
            votes[work] = total
        ranked = np.argsort(-votes)[:top]
        return [Candidate(self.work_ids[w], float(votes[w]), "vectors") for w in ranked if votes[w] > 0]
