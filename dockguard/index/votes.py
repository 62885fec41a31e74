"""Per-work votes from the nearest registered lines of a release's lines (cross-language candidates).

Any line index (exact or approximate) gives, per release line, its nearest registered lines'
scores and rows; `chained_votes` turns them into ranked candidate works.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Candidate:
    work_id: str
    votes: float  # summed margin of the release lines whose neighbours fall in this work
    source: str  # "vectors" or "minhash"


def chained_votes(
    full: np.ndarray,
    owners: np.ndarray,
    positions: np.ndarray,
    work_ids: list[str],
    *,
    k: int = 10,
    top: int = 10,
    window: int = 3,
    stride: float = 1.0,
) -> list[Candidate]:
    """Works ranked by chained neighbour hits: a release line's neighbour in a work is linked to a
    neighbour of a following release line (within `window` queries) a little further on in the same
    work, as consecutive lines of a copied passage are; hits on no link count nothing. Each hit on
    a chain of L linked hits (the longest through it, `chain_lengths`) counts its margin times L, so a work's votes
    grow with the square of its chains' lengths: a copied passage is one long chain, while generic
    lines match lines scattered over many works and link by chance into short ones, so a passage
    copied into other material still ranks its original among the first (issue 12).

    `full` holds each release line's nearest registered lines' scores, best first (its mean is the
    neighbourhood a margin is measured against); `owners` and `positions` the work (an index into
    `work_ids`) and line number of the first `k` of them. The release lines are in order,
    `stride` lines apart on average (a sample)."""
    if full.size == 0:
        return []
    scores = full[:, :k]
    margins = np.maximum(scores - full.mean(axis=1, keepdims=True), 0.0)
    owners, positions = owners[:, :k], positions[:, :k]
    reach = int(2 * window * max(stride, 1.0)) + 6  # how far the original may advance meanwhile
    hits: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for row in range(len(full)):
        for col in range(owners.shape[1]):
            if owners[row, col] >= 0:  # -1: no neighbour (a removed work, or fewer lines than k)
                hits[int(owners[row, col])].append((row, int(positions[row, col]), float(margins[row, col])))
    votes = np.zeros(len(work_ids))
    for work, found in hits.items():
        found.sort()
        lengths = chain_lengths(found, window, reach)
        votes[work] = sum(
            (margin + 0.01) * n for (_, _, margin), n in zip(found, lengths, strict=True) if n > 1
        )
    ranked = np.argsort(-votes)[:top]
    return [Candidate(work_ids[w], float(votes[w]), "vectors") for w in ranked if votes[w] > 0]


def chain_lengths(hits: list[tuple[int, int, float]], window: int, reach: int) -> list[int]:
    """For each hit (release row, work position, margin; sorted), the number of hits on the longest
    chain through it: each link from a hit to one of a later row (at most `window` rows on) whose
    position is ahead by 1 to `reach`."""
    n = len(hits)
    links: list[list[int]] = [[] for _ in range(n)]
    for a, (row, pos, _) in enumerate(hits):
        for b in range(a + 1, n):
            row2, pos2, _ = hits[b]
            if row2 - row > window:
                break
            if row2 > row and 0 < pos2 - pos <= reach:
                links[a].append(b)
    before, after = [1] * n, [1] * n
    for a in range(n):  # hits are sorted by row, and links go to later rows
        for b in links[a]:
            before[b] = max(before[b], before[a] + 1)
    for a in range(n - 1, -1, -1):
        for b in links[a]:
            after[a] = max(after[a], after[b] + 1)
    return [x + y - 1 for x, y in zip(before, after, strict=True)]
