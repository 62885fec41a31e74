"""Which faiss codes for the line index (docs/SCALE.md): recall of the exact 10 nearest lines and
search time for inverted lists of several codes, raw and re-ranked with the exact vectors, on real
line vectors (the benchmarks' vector cache of the dev set).

    python benchmarks/index_codes.py /work/bench-cache/onnx-vectors.sqlite --queries 2000
"""

from __future__ import annotations

import argparse
import sqlite3
import time

import faiss
import numpy as np


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cache")
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--lists", type=int, default=1024)
    p.add_argument("--codes", default="SQ8,SQ4,PQ48,PQ64,PQ96x4fs,PQ192x4fs")
    a = p.parse_args()
    db = sqlite3.connect(a.cache)
    x = np.stack([np.frombuffer(v, np.float16) for (v,) in db.execute("SELECT v FROM vec")]).astype(
        np.float32
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.random.default_rng(0).shuffle(x)
    queries, rows = x[: a.queries], x[a.queries :]
    truth = np.argsort(-(rows @ queries.T), axis=0)[:10].T
    print(f"{len(rows):,} registered lines, {len(queries):,} query lines, {a.lists} lists")

    def agree(ids: np.ndarray) -> float:
        return float(np.mean([len(set(i) & set(t)) / 10 for i, t in zip(ids, truth, strict=True)]))

    print("| codes | bytes/line | probes | shortlist | search s | raw top-10 | re-ranked top-10 |")
    print("|---|---|---|---|---|---|---|")
    for codes in a.codes.split(","):
        index = faiss.index_factory(rows.shape[1], f"IVF{a.lists},{codes}", faiss.METRIC_INNER_PRODUCT)
        index.train(rows[:60_000])
        index.add(rows)
        size = faiss.serialize_index(index).size / len(rows)
        for probes in (32, 64):
            for shortlist in (64, 256):
                t = time.perf_counter()
                _, ids = index.search(queries, shortlist, params=faiss.SearchParametersIVF(nprobe=probes))
                took = time.perf_counter() - t
                ranked = [
                    i[i >= 0][np.argsort(-(rows[i[i >= 0]] @ q))[:10]]
                    for q, i in zip(queries, ids, strict=True)
                ]
                print(
                    f"| {codes} | {size:.0f} | {probes} | {shortlist} | {took:.2f} | {agree(ids[:, :10]):.3f} | {agree(np.array(ranked)):.3f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
