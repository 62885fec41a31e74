import numpy as np

from dockguard.index.votes import chain_lengths, chained_votes


def neighbours(rows, hits_of_row, k=10):
    """full scores, owners and positions of `rows` release lines: hits_of_row(row) gives the
    (work, position, score) of its neighbours, best first; the rest of the k are no neighbour."""
    full = np.full((rows, k), 0.80, np.float32)
    owners = np.full((rows, k), -1, np.int64)
    positions = np.zeros((rows, k), np.int64)
    for r in range(rows):
        for c, (w, pos, score) in enumerate(hits_of_row(r)):
            full[r, c], owners[r, c], positions[r, c] = score, w, pos
    return full, owners, positions


def test_a_long_chain_outranks_many_short_ones_of_higher_margin():
    # work 0 (generic lines of a big work): every release line finds it, in pairs of consecutive
    # lines a little apart, each pair unrelated to the next; work 1: a 20-line passage, line after line
    def hits(r):
        out = [(0, 1000 * (r // 2) + r % 2, 0.90)]
        if 40 <= r < 60:
            out.append((1, 200 + r - 40, 0.86))
        return out

    full, owners, positions = neighbours(100, hits)
    ranked = chained_votes(full, owners, positions, ["big", "source"], k=10, top=2)
    assert [c.work_id for c in ranked] == ["source", "big"]
    # the big work's linked hits weigh more than the passage's, so a plain sum would rank it first
    margins = full[:, :10] - full.mean(axis=1, keepdims=True)
    assert 100 * margins[0, 0] > 20 * margins[45, 1]


def test_hits_on_no_link_count_nothing():
    def hits(r):
        return [(0, 37 * r % 500, 0.9)]  # positions jump about: no two consecutive lines link

    full, owners, positions = neighbours(30, hits)
    assert chained_votes(full, owners, positions, ["w"], k=10) == []


def test_chain_lengths_count_the_longest_chain_through_each_hit():
    hits = [(0, 10, 0.1), (1, 11, 0.1), (1, 400, 0.1), (3, 13, 0.1), (9, 50, 0.1)]
    assert chain_lengths(hits, window=3, reach=12) == [3, 3, 1, 3, 1]
    assert chain_lengths(hits, window=1, reach=12) == [2, 2, 1, 1, 1]
    assert chain_lengths([], window=3, reach=12) == []
