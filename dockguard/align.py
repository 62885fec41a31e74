"""Line alignment of a release against one original: margins, mutual nearest neighbours, chains.

e5 cosines sit in a narrow band (MODEL.md), so raw cosine means little. Each cell of the similarity
matrix is re-scored as a CSLS margin (how much better this pair is than both lines' usual
neighbourhood); anchors are the mutual nearest neighbours under that margin; and only anchors that
chain into locally monotone blocks (both scripts advancing together, gaps allowed) count as copied
passages. Several blocks in any order are kept, so reordered scenes and partial copies align too.
Then each block is filled (`fill_block`): a translated line that lost the mutual-nearest-neighbour
test to some generic line elsewhere still pairs where the block's order puts it, so a lifted scene
aligns as one unbroken run rather than a few scattered anchors (issue 12).
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
    # Filling a block (issue 12, `fill_block`): between two anchors of a block, and fill_reach lines
    # beyond its ends, lines that are no mutual nearest neighbour over the whole scripts still pair
    # where the block's order puts them, if their margin passes fill_margin.
    fill: bool = True
    fill_reach: int = 4
    fill_margin: float = 0.02


@dataclass(frozen=True, slots=True)
class Anchor:
    release: int  # line index in the release
    original: int  # line index in the original
    similarity: float  # cosine
    margin: float  # CSLS margin over both lines' neighbourhoods
    weight: float  # margin mapped to [0, 1]
    filled: bool = False  # paired by filling its block (fill_block), not a mutual nearest neighbour


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


def find_anchors(sim: np.ndarray, settings: AlignSettings, margin: np.ndarray | None = None) -> list[Anchor]:
    """Mutual nearest neighbours under the CSLS margin, above the minimum margin."""
    if sim.size == 0:
        return []
    if margin is None:
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


def _heaviest_monotone(w: np.ndarray) -> list[tuple[int, int]]:
    """The cells of a weight matrix (0: not allowed) with the largest summed weight whose rows and
    columns both strictly increase (one longest-common-subsequence pass)."""
    rows, cols = w.shape
    best = np.zeros((rows + 1, cols + 1))
    for i in range(rows):
        for j in range(cols):
            take = best[i, j] + w[i, j] if w[i, j] > 0 else 0.0
            best[i + 1, j + 1] = max(best[i, j + 1], best[i + 1, j], take)
    out = []
    i, j = rows, cols
    while i > 0 and j > 0:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return out[::-1]


def _boxes(block: Block, n: int, m: int, reach: int) -> list[tuple[int, int, int, int]]:
    """The boxes (release from, to, original from, to) a block's order leaves open: between each two
    consecutive anchors, and `reach` lines before its first and after its last."""
    first, last = block.anchors[0], block.anchors[-1]
    boxes = [(max(0, first.release - reach), first.release, max(0, first.original - reach), first.original)]
    boxes += [
        (a.release + 1, b.release, a.original + 1, b.original)
        for a, b in zip(block.anchors, block.anchors[1:], strict=False)
    ]
    boxes.append(
        (
            last.release + 1,
            min(n, last.release + 1 + reach),
            last.original + 1,
            min(m, last.original + 1 + reach),
        )
    )
    return [b for b in boxes if b[1] > b[0] and b[3] > b[2]]


def fill_block(
    block: Block,
    sim: np.ndarray,
    margin: np.ndarray,
    free_r: np.ndarray,
    free_o: np.ndarray,
    settings: AlignSettings,
) -> Block:
    """The block with the open boxes of its order filled (`_boxes`): in each, the heaviest
    order-keeping set of free lines (`free_r`, `free_o`: in no anchor yet, and worded) whose margin
    passes `fill_margin`. Lines that lost the mutual-nearest-neighbour test to some line elsewhere
    in the scripts still pair where the block's order puts them. The lines it pairs are marked taken
    in `free_r` and `free_o`; the block's score is that of the filled chain."""
    found = list(block.anchors)
    n, m = margin.shape
    for r0, r1, o0, o1 in _boxes(block, n, m, settings.fill_reach):
        box = margin[r0:r1, o0:o1]
        ok = (
            (box > max(settings.fill_margin, settings.min_margin)) & free_r[r0:r1, None] & free_o[None, o0:o1]
        )
        weights = np.where(
            ok,
            np.clip((box - settings.min_margin) / (settings.full_margin - settings.min_margin), 1e-6, 1.0),
            0.0,
        )
        for i, j in _heaviest_monotone(weights):
            r, o = r0 + i, o0 + j
            free_r[r] = free_o[o] = False
            found.append(
                Anchor(r, o, float(sim[r, o]), float(margin[r, o]), float(weights[i, j]), filled=True)
            )
    found.sort(key=lambda a: a.release)
    score = found[0].weight
    for a, b in zip(found, found[1:], strict=False):
        score += b.weight - settings.gap_cost * (max(b.release - a.release, b.original - a.original) - 1)
    return Block(tuple(found), score)


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
    margin = margin_matrix(sim, settings.neighbourhood) if sim.size else sim
    blocks = chain_blocks(find_anchors(sim, settings, margin), settings)
    if settings.fill and blocks:
        free_r = np.ones(len(release), bool) if release_mask is None else np.array(release_mask, bool)
        free_o = np.ones(len(original), bool) if original_mask is None else np.array(original_mask, bool)
        for a in (a for b in blocks for a in b.anchors):
            free_r[a.release] = free_o[a.original] = False
        blocks = [fill_block(b, sim, margin, free_r, free_o, settings) for b in blocks]
    return Alignment(tuple(blocks), len(release), len(original))
