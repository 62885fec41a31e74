"""Line alignment of a release against one original: margins, mutual nearest neighbours, chains.

e5 cosines sit in a narrow band (MODEL.md), so raw cosine means little. Each cell of the similarity
matrix is re-scored as a CSLS margin (how much better this pair is than both lines' usual
neighbourhood); anchors are the mutual nearest neighbours under that margin; and only anchors that
chain into locally monotone blocks (both scripts advancing together, gaps allowed) count as copied
passages. Several blocks in any order are kept, so reordered scenes and partial copies align too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class AlignSettings:
    neighbourhood: int = 10  # k of the CSLS margin
    max_gap: int = 24  # lines either script may skip between two anchors of one block
    gap_cost: float = 0.04  # chain score lost per skipped line
    min_margin: float = 0.0  # anchors below this margin are dropped
    full_margin: float = 0.08  # margin at which an anchor weighs 1
    min_block_pairs: int = 3
    min_block_score: float = 1.5


@dataclass(frozen=True, slots=True)
class Anchor:
    release: int  # line index in the release
    original: int  # line index in the original
    similarity: float  # cosine
    margin: float  # CSLS margin over both lines' neighbourhoods
    weight: float  # margin mapped to [0, 1]


@dataclass(frozen=True, slots=True)
class Block:
    """A locally monotone run of anchors: a passage of the original copied into the release."""

    anchors: tuple[Anchor, ...]
    score: float

    @property
    def release_span(self) -> tuple[int, int]:
        return self.anchors[0].release, self.anchors[-1].release + 1

    @property
    def original_span(self) -> tuple[int, int]:
        return self.anchors[0].original, self.anchors[-1].original + 1


@dataclass(frozen=True, slots=True)
class Alignment:
    blocks: tuple[Block, ...]  # ordered by release position
    release_lines: int
    original_lines: int

    @property
    def anchors(self) -> tuple[Anchor, ...]:
        return tuple(a for b in self.blocks for a in b.anchors)


def _row_neighbourhood(sim: np.ndarray, k: int) -> np.ndarray:
    """Mean of each row's k highest values (fewer when the row is short)."""
    k = max(1, min(k, sim.shape[1]))
    top = np.partition(sim, sim.shape[1] - k, axis=1)[:, sim.shape[1] - k :]
    return np.asarray(top.mean(axis=1))


def margin_matrix(sim: np.ndarray, k: int) -> np.ndarray:
    """CSLS: 2·cos − (release line's neighbourhood) − (original line's neighbourhood)."""
    r_rel = _row_neighbourhood(sim, k)
    r_orig = _row_neighbourhood(sim.T, k)
    return np.asarray(2 * sim - r_rel[:, None] - r_orig[None, :])


def find_anchors(sim: np.ndarray, settings: AlignSettings) -> list[Anchor]:
    """Mutual nearest neighbours under the CSLS margin, above the minimum margin."""
    if sim.size == 0:
        return []
    margin = margin_matrix(sim, settings.neighbourhood)
    best_orig = margin.argmax(axis=1)
    best_rel = margin.argmax(axis=0)
    anchors = []
    for i, j in enumerate(best_orig):
        if best_rel[j] != i:
            continue
        m = float(margin[i, j])
        if m <= settings.min_margin:
            continue
        w = min(1.0, (m - settings.min_margin) / (settings.full_margin - settings.min_margin))
        anchors.append(Anchor(i, int(j), float(sim[i, j]), m, w))
    return anchors


def chain_blocks(anchors: list[Anchor], settings: AlignSettings) -> list[Block]:
    """Monotone chains of anchors (one dynamic-programming pass, as in genome read chaining), then
    blocks taken best first, each cut where it would reuse an anchor of a better block."""
    pts = sorted(anchors, key=lambda a: (a.release, a.original))
    n = len(pts)
    score = [0.0] * n
    prev = [-1] * n
    for x, p in enumerate(pts):
        score[x] = p.weight
        y = x - 1
        while y >= 0 and p.release - pts[y].release <= settings.max_gap:
            q = pts[y]
            if q.release < p.release and 0 < p.original - q.original <= settings.max_gap:
                skipped = max(p.release - q.release, p.original - q.original) - 1
                s = score[y] + p.weight - settings.gap_cost * skipped
                if s > score[x]:
                    score[x], prev[x] = s, y
            y -= 1
    used = [False] * n
    blocks: list[Block] = []
    for end in sorted(range(n), key=lambda x: -score[x]):
        if used[end] or score[end] < settings.min_block_score:
            continue
        chain = []
        x = end
        while x >= 0 and not used[x]:
            chain.append(x)
            x = prev[x]
        chain_score = score[end] - (score[x] if x >= 0 else 0.0)
        for y in chain:
            used[y] = True
        if len(chain) >= settings.min_block_pairs and chain_score >= settings.min_block_score:
            chain.reverse()
            blocks.append(Block(tuple(pts[y] for y in chain), chain_score))
    blocks.sort(key=lambda b: b.release_span[0])
    return blocks


def align_vectors(
    release: np.ndarray,
    original: np.ndarray,
    settings: AlignSettings,
    release_mask: np.ndarray | None = None,
    original_mask: np.ndarray | None = None,
) -> Alignment:
    """Align two scripts given their L2-normalised line vectors (rows in script order).

    Lines whose mask is False (no words: scene numbers, "……", "♪") take part in no anchor: two
    scripts numbering their scenes 1, 2, 3 … agree line after line without sharing any writing.
    """
    sim = release.astype(np.float32) @ original.astype(np.float32).T
    if release_mask is not None:
        sim[~release_mask, :] = -1.0
    if original_mask is not None:
        sim[:, ~original_mask] = -1.0
    anchors = find_anchors(sim, settings)
    return Alignment(tuple(chain_blocks(anchors, settings)), len(release), len(original))
