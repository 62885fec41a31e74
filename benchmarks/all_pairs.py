"""Align every query of case sets against every registered work, without retrieval (issue 12).

    python benchmarks/all_pairs.py ../shared/eval/dev [out/lifted/lifted ...] --out out/pairs [--jobs 2]
        [--registry-as-queries] [--works IDS_FILE] [--queries IDS_FILE]

Every pair of a query and a work it does not copy is a null: on the dev set that is 317 x 213
minus the copies, about 67,000 comparisons, against the 3,600 that retrieval happens to verify.
For each pair it stores what the score is computed from (the blocks' anchors: release line,
original line, margin, and whether it was paired by filling its block (1) or is a mutual nearest
neighbour (0); the blocks' chain scores; both lengths; same language or not) in
OUT/<case set>.pairs.pkl, for `benchmarks/calibration.py` to score and check. Line vectors come
from the benchmarks' cache (`--cache`, as quality.py), so a run after quality.py embeds nothing.
The registry is the first case set's registry.tsv (all sets must share it).
"""

from __future__ import annotations

import argparse
import csv
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_cache import CachedEmbedder  # noqa: E402

from dockguard.align import align_vectors  # noqa: E402
from dockguard.config import EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.model import FlatScript  # noqa: E402
from dockguard.pipeline import language_group  # noqa: E402


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_registry(case_dir: Path, embedder: CachedEmbedder, only: set[str] | None) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    out = []
    for row in read_tsv(case_dir / "registry.tsv"):
        if only is not None and row["work_id"] not in only:
            continue
        script = read_script(case_dir / row["path"], title=row["title"], language=row.get("lang") or None)
        flat = FlatScript.of(script)
        out.append((row["work_id"], row.get("lang") or script.language, embedder.embed(flat.texts), flat.worded))
    return out


def align_shard(a: argparse.Namespace, case_dir: Path, queries: list[dict[str, str]]) -> list[dict[str, Any]]:
    embedder = CachedEmbedder(load_embedder(a.model, a.device), a.cache)
    works = load_registry(a.registry_dir, embedder, a.only)
    settings = EngineSettings().align
    rows = []
    for q in queries:
        if q["kind"] == "registered":  # read as registration reads it
            script = read_script(Path(q["path"]), title=q["title"], language=q["lang"] or None)
        else:
            script = read_script(case_dir / q["path"])
        flat = FlatScript.of(script)
        vectors = embedder.embed(flat.texts)
        for work_id, lang, wv, worded in works:
            al = align_vectors(vectors, wv, settings, flat.worded, worded)
            rows.append({
                "query_id": q["query_id"], "kind": q["kind"], "expected": q["expected_work_id"], "work_id": work_id,
                "same_language": language_group(script.language) == language_group(lang),
                "release_lines": len(vectors), "original_lines": len(wv),
                "block_scores": [b.score for b in al.blocks],
                "blocks": [np.array([(x.release, x.original, x.margin, x.filled) for x in b.anchors], np.float32) for b in al.blocks],
            })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dirs", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, default=Path("out/pairs"))
    ap.add_argument("--cache", type=Path, default=Path(".cache/bench-vectors.sqlite"))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--works", type=Path, default=None, help="a file of work ids: align against these only")
    ap.add_argument("--queries", type=Path, default=None, help="a file of query ids: align these only")
    ap.add_argument("--registry-as-queries", action="store_true", help="also align the registered works with each other")
    ap.add_argument("--model", default=None)
    ap.add_argument("--device", default=None)
    a = ap.parse_args()
    a.registry_dir = a.case_dirs[0]
    a.only = set(a.works.read_text().split()) if a.works else None
    wanted = set(a.queries.read_text().split()) if a.queries else None
    a.out.mkdir(parents=True, exist_ok=True)
    sets = [(d, read_tsv(d / "queries.tsv")) for d in a.case_dirs]
    if a.registry_as_queries:
        # same-language nulls: every registered (Chinese) work against every other one; a work's
        # pair with itself counts as its copy, so it is no null
        rows = read_tsv(a.registry_dir / "registry.tsv")
        sets.append((a.registry_dir / "registry", [
            {"query_id": r["work_id"], "path": str((a.registry_dir / r["path"]).resolve()), "expected_work_id": r["work_id"],
             "kind": "registered", "title": r["title"], "lang": r.get("lang", "")}
            for r in rows if a.only is None or r["work_id"] in a.only
        ]))
    for case_dir, all_queries in sets:
        t0 = time.perf_counter()
        queries = [q for q in all_queries if wanted is None or q["query_id"] in wanted or q["kind"] == "registered"]
        shards = [queries[i :: a.jobs] for i in range(a.jobs)]
        with ProcessPoolExecutor(a.jobs, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(align_shard, [a] * a.jobs, [case_dir] * a.jobs, shards))
        rows = [r for p in parts for r in p]
        path = a.out / f"{case_dir.name}.pairs.pkl"
        with path.open("wb") as f:
            pickle.dump(rows, f)
        print(f"{path}: {len(rows)} pairs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
