import numpy as np

from dockguard.index.ivf import InvertedLists, IVFSettings, spherical_kmeans
from dockguard.index.vectors import LineVectorIndex


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def clustered(rng, n, dim=32, topics=40):
    """Lines around topic directions, like lines of dialogue around what scenes are about."""
    centres = unit(rng.normal(size=(topics, dim)))
    return unit(centres[rng.integers(topics, size=n)] + 0.5 * rng.normal(size=(n, dim)) / np.sqrt(dim) * 3)


def test_kmeans_gives_unit_centroids_and_leaves_no_list_empty(rng):
    x = clustered(rng, 2000)
    centroids = spherical_kmeans(x, 25, 6, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(centroids, axis=1), 1.0, atol=1e-5)
    assign = np.argmax(x @ centroids.T, axis=1)
    assert np.bincount(assign, minlength=25).min() > 0


def test_probing_every_list_is_exact(rng):
    x = clustered(rng, 3000)
    lists = InvertedLists(x, IVFSettings(lines_per_list=100, probes=10_000))
    q = clustered(rng, 50)
    scores, rows, short = lists.search(q, 8)
    full = q @ x.T
    assert not short.any()
    assert np.array_equal(rows, np.argsort(-full, axis=1)[:, :8])
    assert np.allclose(scores, np.sort(full, axis=1)[:, ::-1][:, :8], atol=1e-6)


def test_probing_a_few_lists_finds_most_true_neighbours_with_their_true_scores(rng):
    x = clustered(rng, 6000)
    lists = InvertedLists(x, IVFSettings(lines_per_list=100, probes=6))
    q = unit(x[rng.choice(len(x), 200)] + 0.2 * rng.normal(size=(200, 32)) / np.sqrt(32))
    scores, rows, _ = lists.search(q, 10)
    exact = np.argsort(-(q @ x.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(rows, exact, strict=True)])
    assert recall > 0.8
    assert np.allclose(scores, np.einsum("qd,qkd->qk", q, x[rows]), atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-7).all()  # best first


def test_queries_whose_probed_lists_are_too_small_fall_back_to_exact_search(rng):
    x = clustered(rng, 600)
    index = LineVectorIndex(["a", "b"], [x[:300], x[300:]], IVFSettings(min_lines=100, lines_per_list=5, probes=1))
    assert index.lists is not None
    q = clustered(rng, 20)
    _, listed, short = index.lists.search(q, 12)  # one probed list of ~5 lines rarely holds 12 neighbours
    assert short.sum() >= 10
    exact = np.argsort(-(q @ x.T), axis=1)[:, :12]
    assert not np.array_equal(listed[short], exact[short])  # the lists alone fall short of them
    _, rows = index.search(q, 12)
    assert np.array_equal(rows[short], exact[short])


def test_small_registries_are_searched_exactly_and_large_ones_through_lists(rng):
    x = clustered(rng, 500)
    assert LineVectorIndex(["a"], [x], IVFSettings(min_lines=501)).lists is None
    assert LineVectorIndex(["a"], [x], IVFSettings(min_lines=500)).lists is not None


def test_votes_through_inverted_lists_rank_the_copied_work_first(rng):
    works = [clustered(rng, 400) for _ in range(20)]
    index = LineVectorIndex([f"w{i}" for i in range(20)], works, IVFSettings(min_lines=1000, lines_per_list=50, probes=8))
    assert index.lists is not None
    other = clustered(rng, 200)
    copied = unit(works[13][100:160] + 0.15 * rng.normal(size=(60, 32)) / np.sqrt(32))
    ranked = index.vote(np.concatenate([other[:100], copied, other[100:]]), k=10, top=3)
    assert ranked[0].work_id == "w13"
