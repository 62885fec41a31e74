"""Nearest registered lines (index/lines.py): exact below the lists, faiss lists re-ranked above,
removed works never returned."""

from __future__ import annotations

import numpy as np

from dockguard.index.faiss_lists import InvertedLists
from dockguard.index.lines import LineSearch
from dockguard.index.settings import IndexSettings


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def brute(queries: np.ndarray, rows: np.ndarray, alive: np.ndarray, k: int) -> np.ndarray:
    sims = queries @ rows.T
    sims[:, ~alive] = -np.inf
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def test_exact_search_is_brute_force_across_blocks(rng):
    rows = unit(rng.normal(size=(500, 16))).astype(np.float16)
    alive = np.ones(len(rows), bool)
    search = LineSearch(rows, alive, None, 0, IndexSettings(), block_rows=37)
    queries = unit(rng.normal(size=(9, 16)))
    scores, ids = search.search(queries, 7)
    np.testing.assert_array_equal(ids, brute(queries, rows.astype(np.float32), alive, 7))
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_rows_of_removed_works_are_never_returned(rng):
    rows = unit(rng.normal(size=(300, 16)))
    alive = np.ones(len(rows), bool)
    alive[100:200] = False
    queries = rows[120:130] + 0.01  # nearest to dead rows
    lists = InvertedLists.train(rows, 8, "Flat")
    lists.add(rows[:250], 0)
    for search in (
        LineSearch(rows.astype(np.float16), alive, None, 0, IndexSettings()),
        LineSearch(rows.astype(np.float16), alive, lists, 250, IndexSettings(probes=8)),
    ):
        _, ids = search.search(unit(queries), 20)
        assert not np.isin(ids, np.arange(100, 200)).any()
        assert (ids >= 0).all()


def test_lists_probing_every_list_agree_with_exact_search_and_the_tail_is_searched_too(rng):
    rows = unit(rng.normal(size=(2000, 32)))
    alive = np.ones(len(rows), bool)
    lists = InvertedLists.train(rows, 16, "PQ16x4fs")
    lists.add(rows[:1500], 0)  # rows 1500.. registered since the merge
    search = LineSearch(rows.astype(np.float16), alive, lists, 1500, IndexSettings(probes=16, shortlist=400))
    queries = unit(np.vstack([rows[10:20], rows[1600:1610]]) + 0.05 * rng.normal(size=(20, 32)))
    scores, ids = search.search(queries, 5)
    expected = brute(queries, rows.astype(np.float16).astype(np.float32), alive, 5)
    assert np.mean([len(set(a) & set(b)) / 5 for a, b in zip(ids, expected, strict=True)]) >= 0.9
    assert ids[:10, 0].tolist() == list(range(10, 20)) and ids[10:, 0].tolist() == list(range(1600, 1610))
    exact = np.einsum("ij,ij->i", rows.astype(np.float16).astype(np.float32)[ids[:, 0]], queries)
    np.testing.assert_allclose(scores[:, 0], exact, rtol=1e-5)  # re-ranked: exact scores, not code scores


def test_fewer_live_rows_than_k_pad_with_nothing(rng):
    rows = unit(rng.normal(size=(4, 8))).astype(np.float16)
    scores, ids = LineSearch(rows, np.array([True, False, True, True]), None, 0, IndexSettings()).search(
        unit(rng.normal(size=(2, 8))), 5
    )
    assert sorted(ids[0][:3].tolist()) == [0, 2, 3] and ids[0][3:].tolist() == [-1, -1]
    assert np.isneginf(scores[:, 3:]).all()
