from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.align import AlignSettings, _heaviest_monotone, align_vectors, margin_matrix

S = AlignSettings()
D = 96


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


class Lines:
    """e5-like line vectors: every line shares a large common direction (cosines in a narrow band).
    Each test makes its own, from its own seed, so its data never depends on which tests ran before."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.common = self.rng.normal(size=D)

    def specific(self, n):
        return self.rng.normal(size=(n, D)) / np.sqrt(D) * np.linalg.norm(self.common) * 0.5

    def background(self, n):
        return unit(self.common + self.specific(n))

    def noisy(self, v):
        """A translation of lines v: the same specific meaning, blurred."""
        parts = v / np.linalg.norm(v, axis=1, keepdims=True) * np.linalg.norm(self.common) - self.common
        return unit(self.common + parts + 0.6 * self.specific(len(v)))


@pytest.fixture
def gen():
    return Lines(7)


def test_a_copy_aligns_as_one_diagonal_block(gen):
    orig = gen.background(120)
    al = align_vectors(gen.noisy(orig), orig, S)
    big = max(al.blocks, key=lambda b: len(b.anchors))
    assert len(big.anchors) > 100
    assert all(a.release == a.original for a in big.anchors)


def test_reordered_scenes_align_as_shifted_blocks(gen):
    orig = gen.background(120)
    release = np.concatenate([gen.noisy(orig[60:120]), gen.noisy(orig[0:60])])
    al = align_vectors(release, orig, S)
    big = sorted((b for b in al.blocks if len(b.anchors) > 30), key=lambda b: b.release_span)
    assert [b.original_span[0] >= 55 for b in big] == [True, False]


def test_a_partial_copy_aligns_only_where_it_was_copied(gen):
    orig = gen.background(150)
    release = np.concatenate([gen.background(80), gen.noisy(orig[40:80]), gen.background(80)])
    al = align_vectors(release, orig, S)
    copied = [a for a in al.anchors if 80 <= a.release < 120]
    assert len(copied) >= 35
    assert all(40 <= a.original < 80 for a in copied)
    assert sum(len(b.anchors) for b in al.blocks) < 60


def test_unrelated_scripts_form_no_long_block(gen):
    al = align_vectors(gen.background(200), gen.background(200), S)
    assert max((len(b.anchors) for b in al.blocks), default=0) < 10


@settings(max_examples=20, deadline=None)
@given(st.integers(3, 30), st.integers(3, 30))
def test_margin_matrix_is_symmetric_under_transpose(n, m):
    gen = Lines(n * 31 + m)
    sim = gen.background(n) @ gen.background(m).T
    assert np.allclose(margin_matrix(sim, 5), margin_matrix(sim.T, 5).T)


def test_filling_pairs_the_lines_a_decoy_took_where_the_blocks_order_puts_them(gen):
    # a 40-line passage copied into other material; elsewhere in the release, near-duplicates of
    # every third copied line, out of order, win those original lines' mutual-nearest-neighbour test
    orig = gen.background(120)
    passage = gen.noisy(orig[40:80])
    decoys = unit(orig[40:80:3] + 0.05 * gen.specific(len(orig[40:80:3])))[gen.rng.permutation(14)]
    release = np.concatenate([gen.background(60), passage, gen.background(60), decoys])
    unfilled = align_vectors(release, orig, replace(S, fill=False))
    filled = align_vectors(release, orig, S)

    def in_passage(al):
        return {(a.release, a.original) for a in al.anchors if 60 <= a.release < 100}

    assert in_passage(unfilled) < in_passage(filled)
    gained = in_passage(filled) - in_passage(unfilled)
    assert len(gained) >= 5
    assert all(r - 60 == o - 40 for r, o in gained)  # each where the copy put it
    assert all(a.filled for a in filled.anchors if (a.release, a.original) in gained)
    assert not any(a.filled for a in unfilled.anchors)


def test_filling_keeps_every_line_in_one_pair_and_each_block_in_order(gen):
    orig = gen.background(150)
    release = np.concatenate([gen.noisy(orig[90:130]), gen.background(50), gen.noisy(orig[10:50])])
    al = align_vectors(release, orig, S)
    rel = [a.release for a in al.anchors]
    ori = [a.original for a in al.anchors]
    assert len(set(rel)) == len(rel) and len(set(ori)) == len(ori)
    for b in al.blocks:
        assert all(
            x.release < y.release and x.original < y.original
            for x, y in zip(b.anchors, b.anchors[1:], strict=False)
        )


def test_filling_adds_nothing_between_unrelated_scripts_beyond_chance_blocks(gen):
    release, orig = gen.background(200), gen.background(200)
    unfilled = align_vectors(release, orig, replace(S, fill=False))
    filled = align_vectors(release, orig, S)
    assert len(filled.blocks) == len(unfilled.blocks)  # filling never makes a block
    assert max((len(b.anchors) for b in filled.blocks), default=0) < 12


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 10_000))
def test_heaviest_monotone_is_the_best_order_keeping_set(rows, cols, seed):
    rng = np.random.default_rng(seed)
    w = np.where(rng.random((rows, cols)) < 0.5, rng.random((rows, cols)), 0.0)
    got = _heaviest_monotone(w)
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(got, got[1:], strict=False))
    assert all(w[i, j] > 0 for i, j in got)
    best = 0.0  # brute force over every order-keeping set of allowed cells
    cells = [(i, j) for i in range(rows) for j in range(cols) if w[i, j] > 0]

    def extend(last, total):
        nonlocal best
        best = max(best, total)
        for i, j in cells:
            if i > last[0] and j > last[1]:
                extend((i, j), total + w[i, j])

    extend((-1, -1), 0.0)
    assert sum(w[i, j] for i, j in got) == pytest.approx(best)
