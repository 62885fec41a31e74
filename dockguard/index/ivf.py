"""Inverted lists over registered line vectors (IVF): approximate nearest lines for a large registry.

Registered lines are grouped under the nearest of `lists` centroids (spherical k-means on a sample
of them). A query is compared with the centroids, then only with the lines of its `probes` nearest
lists: about lists + probes·N/lists dot products instead of N. Queries that probe the same list are
scored together, one matrix product per list. Neighbours whose list is not probed are missed; the
benchmark measures what that costs (docs/SPEED.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class IVFSettings:
    min_lines: int = 50_000  # registries smaller than this are searched exactly
    lines_per_list: int = 160  # lists = registered lines / this
    probes: int = 32  # lists searched per query
    train_sample: int = 16_384  # lines the centroids are fitted on
    iterations: int = 8
    seed: int = 0


def _nearest(x: np.ndarray, centroids: np.ndarray, block: int = 16_384) -> np.ndarray:
    return np.concatenate(
        [np.argmax(x[s : s + block] @ centroids.T, axis=1) for s in range(0, len(x), block)]
    )


def _normalise(x: np.ndarray) -> np.ndarray:
    return np.asarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12), dtype=np.float32)


def spherical_kmeans(x: np.ndarray, k: int, iterations: int, rng: np.random.Generator) -> np.ndarray:
    """k unit centroids for unit vectors x (Lloyd's iterations under cosine). An emptied centroid
    is re-seeded at a random line, so every list starts with lines in it."""
    centroids = x[rng.choice(len(x), size=k, replace=False)].copy()
    for _ in range(iterations):
        assign = _nearest(x, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, x)
        empty = np.flatnonzero(np.bincount(assign, minlength=k) == 0)
        sums[empty] = x[rng.choice(len(x), size=len(empty), replace=False)]
        centroids = _normalise(sums)
    return centroids


class InvertedLists:
    """Registry rows grouped by nearest centroid; `search` returns rows of the original matrix."""

    def __init__(self, matrix: np.ndarray, settings: IVFSettings) -> None:
        n = len(matrix)
        rng = np.random.default_rng(settings.seed)
        lists = max(1, min(n, n // settings.lines_per_list))
        sample = matrix[rng.choice(n, size=min(n, max(settings.train_sample, lists)), replace=False)]
        self.centroids = spherical_kmeans(sample, lists, settings.iterations, rng)
        assign = _nearest(matrix, self.centroids)
        self.rows = np.argsort(assign, kind="stable")  # registry row of each grouped line
        self.grouped = np.ascontiguousarray(matrix[self.rows])
        self.bounds = np.concatenate([[0], np.cumsum(np.bincount(assign, minlength=lists))])
        self.probes = min(settings.probes, lists)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-k scores and registry rows per query among its probed lists, best first, and a mask
        of the queries whose probed lists held fewer than k lines (their rows are incomplete)."""
        nq = len(queries)
        routing = queries @ self.centroids.T
        probed = np.argpartition(-routing, self.probes - 1, axis=1)[:, : self.probes]
        pair_list = probed.ravel()
        pair_query = np.repeat(np.arange(nq), self.probes)
        order = np.argsort(pair_list, kind="stable")
        pair_list, pair_query = pair_list[order], pair_query[order]
        cuts = np.flatnonzero(np.diff(pair_list)) + 1
        scores, owners, rows = [], [], []
        for lst, qs in zip(pair_list[np.r_[0, cuts]], np.split(pair_query, cuts), strict=True):
            a, b = self.bounds[lst], self.bounds[lst + 1]
            if a == b:
                continue
            sims = queries[qs] @ self.grouped[a:b].T
            if b - a > k:
                top = np.argpartition(sims, b - a - k, axis=1)[:, b - a - k :]
                sims = np.take_along_axis(sims, top, axis=1)
            else:
                top = np.broadcast_to(np.arange(b - a), sims.shape)
            scores.append(sims.ravel())
            owners.append(np.repeat(qs, sims.shape[1]))
            rows.append(self.rows[a + top].ravel())
        s, q, r = np.concatenate(scores), np.concatenate(owners), np.concatenate(rows)
        order = np.argsort(q * 4.0 - s)  # by query, then best first (cosines lie in [-1, 1])
        s, q, r = s[order], q[order], r[order]
        first = np.searchsorted(q, np.arange(nq))
        rank = np.arange(len(q)) - first[q]
        keep = rank < k
        out_s = np.full((nq, k), -np.inf, np.float32)
        out_r = np.zeros((nq, k), np.int64)
        out_s[q[keep], rank[keep]] = s[keep]
        out_r[q[keep], rank[keep]] = r[keep]
        return out_s, out_r, np.diff(np.r_[first, len(q)]) < k
