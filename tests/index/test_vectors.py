import numpy as np

from dockguard.fingerprint.minhash import MinHashSettings, sign_chunks
from dockguard.index.lsh import ChunkLSH
from dockguard.index.vectors import LineVectorIndex


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_exact_search_matches_brute_force_across_blocks(rng):
    works = [unit(rng.normal(size=(n, 32))) for n in (50, 70, 40)]
    index = LineVectorIndex(["a", "b", "c"], works, block_rows=37)
    q = unit(rng.normal(size=(9, 32)))
    scores, ids = index.search(q, 5)
    full = q @ np.concatenate(works).T
    assert np.array_equal(ids, np.argsort(-full, axis=1)[:, :5])
    assert np.allclose(scores, np.sort(full, axis=1)[:, ::-1][:, :5], atol=1e-6)


def test_votes_rank_the_work_a_passage_was_copied_from_first(rng):
    works = [unit(rng.normal(size=(120, 48))) for _ in range(6)]
    index = LineVectorIndex([f"w{i}" for i in range(6)], works)
    other = unit(rng.normal(size=(200, 48)))
    copied = unit(works[4][30:70] + 0.3 * rng.normal(size=(40, 48)) / np.sqrt(48) * 4)
    release = np.concatenate([other[:100], copied, other[100:]])
    ranked = index.vote(release, k=10, top=3)
    assert ranked[0].work_id == "w4"


def test_empty_index_and_empty_queries(rng):
    index = LineVectorIndex([], [])
    assert index.vote(unit(rng.normal(size=(3, 8))), k=5) == []
    assert LineVectorIndex(["a"], [unit(rng.normal(size=(4, 8)))]).vote(np.zeros((0, 8), np.float32)) == []


def test_lsh_finds_works_sharing_chunks():
    s = MinHashSettings()
    lsh = ChunkLSH(s)
    lines = [f"林霄在第{i}场说了一句很长很长的台词" for i in range(80)]
    other = [f"完全不同的故事第{i}句话语" for i in range(80)]
    for part, c in enumerate(sign_chunks(lines, s)):
        lsh.add("orig", part, c.minhash)
    for part, c in enumerate(sign_chunks(other, s)):
        lsh.add("other", part, c.minhash)
    found = lsh.candidates([c.minhash for c in sign_chunks(lines[20:60], s)])
    assert found[0].work_id == "orig"


def test_lsh_ranks_works_with_as_many_colliding_chunks_by_work_id():
    s = MinHashSettings()
    lsh = ChunkLSH(s)
    lines = [f"林霄在第{i}场说了一句很长很长的台词" for i in range(80)]
    for work_id in ("w3", "w1", "w2"):  # the same text registered three times
        for part, c in enumerate(sign_chunks(lines, s)):
            lsh.add(work_id, part, c.minhash)
    found = lsh.candidates([c.minhash for c in sign_chunks(lines, s)], top=2)
    assert [c.work_id for c in found] == ["w1", "w2"]
