"""The persistent MinHash band table (index/bands.py) finds what datasketch's LSH finds."""

from __future__ import annotations

from collections import Counter

from datasketch import MinHashLSH

from dockguard.fingerprint.minhash import MinHashSettings, sign_chunks
from dockguard.index.bands import BandTable, banding

SETTINGS = MinHashSettings()


def chunks(text: str, n: int = 200) -> list:  # type: ignore[type-arg]
    return [c.minhash for c in sign_chunks([f"{text} {i} {text[::-1]}" for i in range(n)], SETTINGS)]


def test_candidates_are_the_works_datasketch_lsh_would_return(tmp_path):
    works = {
        name: chunks(name * 3)
        for name in ("alpha beta gamma", "delta epsilon", "zeta eta theta", "alpha beta delta")
    }
    names = list(works)
    bands, rows = banding(0.2, SETTINGS.num_perm)
    table = BandTable(tmp_path / "bands.sqlite", bands, rows)
    lsh = MinHashLSH(threshold=0.2, num_perm=SETTINGS.num_perm)
    for w, name in enumerate(names):
        table.add(w, works[name])
        for part, sig in enumerate(works[name]):
            lsh.insert(f"{name}|{part}", sig)
    table.commit()
    release = chunks("alpha beta gamma" * 3)[:5] + chunks("zeta eta theta" * 3)[:2]
    expected = Counter(w for sig in release for w in {key.split("|")[0] for key in lsh.query(sig)})
    found = table.candidates(release, names, [True] * len(names), top=10)
    assert {c.work_id: c.votes for c in found} == expected
    assert found[0].work_id == "alpha beta gamma" and found[0].votes == 5


def test_removed_and_cut_works_are_not_candidates(tmp_path):
    names = ["a", "b"]
    table = BandTable(tmp_path / "bands.sqlite", *banding(0.2, SETTINGS.num_perm))
    table.add(0, chunks("one two three"))
    table.add(1, chunks("one two three"))
    table.commit()
    release = chunks("one two three")
    assert [c.work_id for c in table.candidates(release, names, [True, False])] == ["a"]
    table.cut_from(1)
    assert [c.work_id for c in table.candidates(release, names, [True, True])] == ["a"]
    table.cut_from(0)
    assert table.candidates(release, names, [True, True]) == []
