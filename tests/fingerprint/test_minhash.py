import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.fingerprint.minhash import (
    MinHashSettings,
    chunk_bounds,
    minhash_of,
    sign_chunks,
    signature_from_bytes,
    signature_to_bytes,
)
from dockguard.fingerprint.shingles import shingle_text

S = MinHashSettings()


def test_chinese_is_shingled_by_characters_and_english_by_words():
    assert shingle_text("林霄推门") == {"林霄推", "霄推门"}
    assert shingle_text("leo opens the door") == {"leo opens the", "opens the door"}
    assert shingle_text("hi") == {"hi"}
    assert shingle_text("") == set()


def test_chunks_overlap_and_cover_every_line():
    bounds = chunk_bounds(100, S)
    assert bounds[0] == (0, 40) and bounds[-1][1] == 100
    assert all(b[0] - a[0] == S.chunk_step for a, b in zip(bounds, bounds[1:], strict=False))
    assert chunk_bounds(0, S) == [] and chunk_bounds(5, S) == [(0, 5)]


def test_similar_chunks_have_high_estimated_jaccard_and_different_ones_low():
    lines = [f"第{i}句 林霄看着窗外的雨 心里想着苏晴说过的话" for i in range(40)]
    other = [f"line {i} the market opens at nine and closes at five" for i in range(40)]
    a, b, c = (sign_chunks(x, S)[0].minhash for x in (lines, lines[:38] + ["改写的一句话"] * 2, other))
    assert a.jaccard(b) > 0.8
    assert a.jaccard(c) < 0.1


@settings(max_examples=30)
@given(st.sets(st.text(min_size=1, max_size=10), max_size=50))
def test_signature_bytes_round_trip(shingles):
    sig = minhash_of(shingles, S)
    assert signature_from_bytes(signature_to_bytes(sig), S) == sig


def test_signatures_of_other_settings_are_refused():
    data = signature_to_bytes(minhash_of({"a"}, S))
    with pytest.raises(ValueError):
        signature_from_bytes(data, MinHashSettings(num_perm=64))
    assert MinHashSettings(num_perm=64).key != S.key
