import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.align import AlignSettings, align_vectors, margin_matrix

RNG = np.random.default_rng(7)
S = AlignSettings()


D = 96
COMMON = RNG.normal(size=D)  # e5-like: every line shares a large common direction (cosines in a narrow band)


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def specific(n):
    return RNG.normal(size=(n, D)) / np.sqrt(D) * np.linalg.norm(COMMON) * 0.5


def lines(parts):
    return unit(COMMON + parts)


def background(n):
    return lines(specific(n))


def noisy(v):
    """A translation of lines v: the same specific meaning, blurred."""
    parts = v / np.linalg.norm(v, axis=1, keepdims=True) * np.linalg.norm(COMMON) - COMMON
    return lines(parts + 0.6 * specific(len(v)))


def test_a_copy_aligns_as_one_diagonal_block():
    orig = background(120)
    al = align_vectors(noisy(orig), orig, S)
    big = max(al.blocks, key=lambda b: len(b.anchors))
    assert len(big.anchors) > 100
    assert all(a.release == a.original for a in big.anchors)


def test_reordered_scenes_align_as_shifted_blocks():
    orig = background(120)
    release = np.concatenate([noisy(orig[60:120]), noisy(orig[0:60])])
    al = align_vectors(release, orig, S)
    big = sorted((b for b in al.blocks if len(b.anchors) > 30), key=lambda b: b.release_span)
    assert [b.original_span[0] >= 55 for b in big] == [True, False]


def test_a_partial_copy_aligns_only_where_it_was_copied():
    orig = background(150)
    release = np.concatenate([background(80), noisy(orig[40:80]), background(80)])
    al = align_vectors(release, orig, S)
    copied = [a for a in al.anchors if 80 <= a.release < 120]
    assert len(copied) >= 35
    assert all(40 <= a.original < 80 for a in copied)
    assert sum(len(b.anchors) for b in al.blocks) < 60


def test_unrelated_scripts_form_no_long_block():
    al = align_vectors(background(200), background(200), S)
    assert max((len(b.anchors) for b in al.blocks), default=0) < 10


@settings(max_examples=20, deadline=None)
@given(st.integers(3, 30), st.integers(3, 30))
def test_margin_matrix_is_symmetric_under_transpose(n, m):
    sim = background(n) @ background(m).T
    assert np.allclose(margin_matrix(sim, 5), margin_matrix(sim.T, 5).T)
