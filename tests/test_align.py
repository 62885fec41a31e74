import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.align import AlignSettings, align_vectors, margin_matrix

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
