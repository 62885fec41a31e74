"""Nearest registered lines for release lines, over one index generation's rows.

Rows in the trained lists are found by their codes (`faiss_lists`), then re-ranked with their exact
float16 vectors; rows registered since the last merge are searched exactly; rows of removed works
are never returned. Below `IndexSettings.min_lines` nothing is trained and every row is searched
exactly.
"""

from __future__ import annotations

import numpy as np

from dockguard.index.faiss_lists import InvertedLists
from dockguard.index.folder import VectorFile
from dockguard.index.settings import IndexSettings


class LineSearch:
    def __init__(
        self,
        vectors: np.ndarray | VectorFile,
        alive: np.ndarray,
        lists: InvertedLists | None,
        lists_rows: int,
        settings: IndexSettings,
        block_rows: int = 32_768,
    ) -> None:
        self.vectors = vectors  # float16 rows: on disk (VectorFile), or in memory
        self.alive = alive  # bool per row
        self.lists = lists
        self.lists_rows = lists_rows if lists is not None else 0
        self.settings = settings
        self.block_rows = block_rows
        self._dead_in_lists = not bool(alive[: self.lists_rows].all())
        self._bitmap = (
            np.packbits(alive[: self.lists_rows], bitorder="little") if self._dead_in_lists else None
        )
        # the unmerged rows are few (IndexSettings.merge_lines): kept as float32 for exact search
        self._tail = self.rows(slice(self.lists_rows, None))
        self._tail_alive = alive[self.lists_rows :]

    def __len__(self) -> int:
        return len(self.vectors)

    def rows(self, which: np.ndarray | slice) -> np.ndarray:
        """Some rows' exact vectors as float32: sorted unique row ids, or a slice of rows."""
        if isinstance(self.vectors, VectorFile):
            if isinstance(which, slice):
                return self.vectors.read(
                    which.start or 0, len(self.vectors) if which.stop is None else which.stop
                )
            return self.vectors.take(which)
        return np.asarray(self.vectors[which], dtype=np.float32)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k cosine scores and row ids for each query vector, best first; -inf and -1 where a
        registry has fewer than k live rows."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        scores = np.full((len(queries), 0), -np.inf, np.float32)
        ids = np.zeros((len(queries), 0), np.int64)
        if len(queries) == 0 or k <= 0:
            return scores, ids
        if self.lists is not None and self.lists_rows:
            scores, ids = self._search_lists(queries, k)
        if len(self._tail):
            tail_s, tail_i = _exact(queries, self._tail, self._tail_alive, k, self.block_rows)
            scores, ids = _best(np.hstack([scores, tail_s]), np.hstack([ids, tail_i + self.lists_rows]), k)
        if scores.shape[1] < k:  # fewer rows than k: pad
            pad = k - scores.shape[1]
            scores = np.hstack([scores, np.full((len(queries), pad), -np.inf, np.float32)])
            ids = np.hstack([ids, np.full((len(queries), pad), -1, np.int64)])
        return scores, ids

    def _search_lists(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        assert self.lists is not None
        s = self.settings
        short = self.lists.search(queries, max(k, s.shortlist), s.probes, self._bitmap)
        found = short >= 0
        rows = np.where(found, short, 0)
        # exact re-ranking: one gather of the shortlisted rows' float16 vectors
        flat = np.unique(rows[found])
        exact = self.rows(flat)
        where = np.searchsorted(flat, rows)
        scores = np.full(short.shape, -np.inf, np.float32)
        for q in range(len(queries)):
            hit = found[q]
            scores[q, hit] = exact[where[q, hit]] @ queries[q]
        return _best(scores, np.where(found, short, -1), k)


def _exact(
    queries: np.ndarray, rows: np.ndarray, alive: np.ndarray, k: int, block: int
) -> tuple[np.ndarray, np.ndarray]:
    best_s = np.full((len(queries), 0), -np.inf, np.float32)
    best_i = np.zeros((len(queries), 0), np.int64)
    for start in range(0, len(rows), block):
        sims = queries @ rows[start : start + block].T
        sims[:, ~alive[start : start + block]] = -np.inf
        kk = min(k, sims.shape[1])
        part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        best_s, best_i = _best(
            np.hstack([best_s, np.take_along_axis(sims, part, axis=1)]), np.hstack([best_i, part + start]), k
        )
    best_i[~np.isfinite(best_s)] = -1
    return best_s, best_i


def _best(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k best (score, id), best first."""
    if scores.shape[1] > k:
        keep = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        scores, ids = np.take_along_axis(scores, keep, axis=1), np.take_along_axis(ids, keep, axis=1)
    order = np.argsort(-scores, axis=1, kind="stable")
    return np.take_along_axis(scores, order, axis=1), np.take_along_axis(ids, order, axis=1)
