"""Detection quality on a labelled case set (the format of ../shared/eval/dev: registry.tsv, queries.tsv).

    python benchmarks/quality.py ../shared/eval/dev [--out out/quality] [--cache .cache/bench-vectors.sqlite]

Registers every work of registry.tsv into a fresh SQLite registry with the real model, scans every
query with the shipped pipeline, and scores the results with the case set's score.py (top-1, AUC,
R@1%, R@0.1%, and the shipped verdicts' recall and false-positive rate), per kind and overall. In the
same run it scores two baselines on the same cases: whole-document MinHash Jaccard and mean-pooled
document embeddings. Line vectors are cached on disk (keyed by model and text) so a re-run after a
change in retrieval or alignment does not re-embed; the cache never changes a vector.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_cache import CachedEmbedder  # noqa: E402

from dockguard.config import EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.evidence import FlatScript  # noqa: E402
from dockguard.fingerprint.minhash import minhash_of  # noqa: E402
from dockguard.fingerprint.shingles import shingle_lines  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.pipeline import Scanner, canonical_lines, make_work, register  # noqa: E402
from dockguard.registry import Registry  # noqa: E402


def load_score_module(case_dir: Path):  # type: ignore[no-untyped-def]
    path = case_dir.parent / "score.py"
    spec = importlib.util.spec_from_file_location("case_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"{path}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_jsonl(path: Path, rows: list[dict]) -> None:  # type: ignore[type-arg]
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path("out/quality"))
    ap.add_argument("--cache", type=Path, default=Path(".cache/bench-vectors.sqlite"))
    ap.add_argument("--limit", type=int, default=0, help="scan only the first N queries (quick look)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    scorer = load_score_module(a.case_dir)
    embedder = CachedEmbedder(load_embedder(), a.cache)
    settings = EngineSettings()

    t0 = time.perf_counter()
    works, registry_rows = [], read_tsv(a.case_dir / "registry.tsv")
    for row in registry_rows:
        script = read_script(a.case_dir / row["path"], title=row["title"], language=row.get("lang") or None)
        works.append(make_work(script, work_id=row["work_id"], title=row["title"], language=row.get("lang") or None))
    db = a.out / "registry.sqlite"
    db.unlink(missing_ok=True)
    with Registry.open(f"sqlite:///{db}") as registry:
        register(registry, works, embedder, settings)
        t_reg = time.perf_counter() - t0
        print(f"registered {len(works)} works in {t_reg:.0f} s", file=sys.stderr)

        queries = read_tsv(a.case_dir / "queries.tsv")
        if a.limit:
            queries = queries[: a.limit]
        scanner = Scanner(registry, embedder, settings)
        ours, mh_rows, mean_rows = [], [], []
        # baselines: whole-document MinHash and mean-pooled document vectors of the registered works
        flats = {w.work_id: FlatScript.of(w.script) for w in works}
        doc_mh = {wid: minhash_of(shingle_lines(canonical_lines(f)), settings.minhash) for wid, f in flats.items()}
        ids = list(flats)
        doc_mean = np.stack([_mean(embedder.embed(flats[w].texts)) for w in ids])
        t1 = time.perf_counter()
        for n, q in enumerate(queries, 1):
            script = read_script(a.case_dir / q["path"])
            result = scanner.scan(script, q["path"])
            ours.append({
                "query_id": q["query_id"],
                "ranked": [{"work_id": m.work_id, "score": m.verdict.score, "verdict": m.verdict.level.value} for m in result.matches],
                "flagged": bool(result.matches) and result.matches[0].verdict.level.reaches(settings.flag_level),
            })
            flat = FlatScript.of(script)
            sig = minhash_of(shingle_lines(canonical_lines(flat)), settings.minhash)
            jac = sorted(((sig.jaccard(doc_mh[w]), w) for w in ids), reverse=True)[:10]
            mh_rows.append({"query_id": q["query_id"], "ranked": [{"work_id": w, "score": s} for s, w in jac]})
            sims = doc_mean @ _mean(embedder.embed(flat.texts))
            top = np.argsort(-sims)[:10]
            mean_rows.append({"query_id": q["query_id"], "ranked": [{"work_id": ids[i], "score": float(sims[i])} for i in top]})
            if n % 25 == 0:
                print(f"scanned {n}/{len(queries)}", file=sys.stderr)
        t_scan = time.perf_counter() - t1

    outputs = {"DockGuard (shipped)": ours, "baseline: whole-document MinHash Jaccard": mh_rows,
               "baseline: mean-pooled e5 document vectors": mean_rows}
    report = [f"Case set: {a.case_dir} ({len(registry_rows)} registered works, {len(queries)} queries). "
              f"Registration {t_reg:.0f} s, scanning {t_scan:.0f} s (vectors cache: {embedder.hits} hits, {embedder.misses} misses).", ""]
    for name, rows in outputs.items():
        path = a.out / (name.split(":")[-1].strip().replace(" ", "_").replace("(", "").replace(")", "") + ".jsonl")
        write_jsonl(path, rows)
        table, groups, overall, bars, n_res, n_q = scorer.score(str(a.case_dir), str(path))
        report.append(scorer.render(table, groups, overall, bars, n_res, n_q, name))
        report.append("")
    text = "\n".join(report)
    (a.out / "quality.md").write_text(text, encoding="utf-8")
    print(text)


def _mean(vectors: np.ndarray) -> np.ndarray:
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1], np.float32)
    if len(vectors) > 400:  # as the case set's README measured it: at most 400 lines, evenly spread
        vectors = vectors[np.linspace(0, len(vectors) - 1, 400).astype(int)]
    v = vectors.mean(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


if __name__ == "__main__":
    main()
