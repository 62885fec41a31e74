"""Detection quality on a labelled case set (the format of ../shared/eval/dev: registry.tsv, queries.tsv).

    python benchmarks/quality.py ../shared/eval/dev [--out out/quality] [--jobs N] [--device cuda]

Registers every work of registry.tsv into a fresh SQLite registry with the real model, scans every
query with the shipped pipeline (Scanner, default EngineSettings), and scores the results with the
case set's own score.py: top-1, AUC, R@1%, R@0.1%, and the shipped verdicts' recall and false-positive
rate, per kind and overall. In the same run it scores two baselines on the same cases and the same
vectors: whole-document MinHash Jaccard and mean-pooled document embeddings.

Line vectors are cached on disk (keyed by model and text, --cache) so a re-run after a change in
retrieval or alignment does not re-embed; the cache never changes a vector. --jobs splits the
queries over processes (each loads the model once). Writes OUT/quality.md, one results file per
system in score.py's format, and OUT/candidates.jsonl (every verified candidate's evidence figures).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_cache import CachedEmbedder  # noqa: E402

from dockguard.config import EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.fingerprint.minhash import minhash_of  # noqa: E402
from dockguard.fingerprint.shingles import shingle_lines  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.manifest import read_manifest  # noqa: E402
from dockguard.model import FlatScript  # noqa: E402
from dockguard.normalize import canonical_lines  # noqa: E402
from dockguard.pipeline import Scanner, read_works, register  # noqa: E402
from dockguard.registry import Registry  # noqa: E402

Row = dict[str, Any]


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_jsonl(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def load_score_module(case_dir: Path, path: Path | None = None) -> Any:
    path = path or case_dir.parent / "score.py"
    spec = importlib.util.spec_from_file_location("case_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"{path}: cannot load the scorer")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_embedder(a: argparse.Namespace) -> CachedEmbedder:
    return CachedEmbedder(load_embedder(a.model, a.device), a.cache if a.cache else Path(":memory:"))


def unit_mean(vectors: np.ndarray) -> np.ndarray:
    """Mean-pooled document vector; at most 400 lines, evenly spread, as the case set's README measured it."""
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1], np.float32)
    if len(vectors) > 400:
        vectors = vectors[np.linspace(0, len(vectors) - 1, 400).astype(int)]
    v = vectors.mean(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def scan_shard(a: argparse.Namespace, db_url: str, queries: list[dict[str, str]]) -> dict[str, list[Row]]:
    """Scan some queries with the shipped pipeline, and with the two baselines on the same vectors."""
    settings = EngineSettings()
    embedder = make_embedder(a)
    out: dict[str, list[Row]] = {"ours": [], "minhash": [], "mean": [], "features": []}
    with Registry.open(db_url) as registry:
        scanner = Scanner(registry, embedder, settings)
        works = [registry.get_work(w.work_id) for w in registry.list_works()]
        flats = {w.work_id: FlatScript.of(w.script) for w in works}
        ids = list(flats)
        doc_mh = {wid: minhash_of(shingle_lines(canonical_lines(f)), settings.minhash) for wid, f in flats.items()}
        doc_mean = np.stack([unit_mean(scanner.index.vectors_of(w)) for w in ids])
        for q in queries:
            script = read_script(a.case_dir / q["path"])
            result = scanner.scan(script, q["path"])
            out["ours"].append({
                "query_id": q["query_id"],
                "ranked": [{"work_id": m.work_id, "score": m.verdict.score, "verdict": m.verdict.level.value} for m in result.matches],
                "flagged": result.verdict.reaches(settings.flag_level),
                "timings": dict(result.timings),
            })
            for m in result.matches:
                e = m.evidence
                out["features"].append({
                    "query_id": q["query_id"], "kind": q["kind"], "expected": q["expected_work_id"], "work_id": m.work_id,
                    "score": m.verdict.score, "verdict": m.verdict.level.value, "strength": e.strength,
                    "blocks": [[b.pairs, b.release[0], b.release[1], b.original[0], b.original[1]] for b in e.blocks],
                    "coverage_release": e.coverage_release, "coverage_original": e.coverage_original,
                    "release_lines": e.release_lines, "original_lines": e.original_lines, "aligned": e.aligned_lines,
                    "same_language": e.same_language, "exact_share": e.exact_share,
                    "renamed": [[r.kind, r.original, r.release, r.support] for r in e.renames if r.renamed],
                })
            flat = FlatScript.of(script)
            sig = minhash_of(shingle_lines(canonical_lines(flat)), settings.minhash)
            jac = sorted(((sig.jaccard(doc_mh[w]), w) for w in ids), reverse=True)[:10]
            out["minhash"].append({"query_id": q["query_id"], "ranked": [{"work_id": w, "score": s} for s, w in jac]})
            sims = doc_mean @ unit_mean(embedder.embed(flat.texts)) if flat.texts else np.zeros(len(ids))
            top = np.argsort(-sims)[:10]
            out["mean"].append({"query_id": q["query_id"], "ranked": [{"work_id": ids[i], "score": float(sims[i])} for i in top]})
    return out


def verdict_table(queries: list[dict[str, str]], results: list[Row]) -> list[str]:
    """Per kind: the verdict of the best match, and whether it names the expected work."""
    kinds = {q["query_id"]: (q["kind"], q["expected_work_id"]) for q in queries}
    counts: dict[str, dict[str, int]] = {}
    for r in results:
        kind, expected = kinds[r["query_id"]]
        best = r["ranked"][0] if r["ranked"] else {"work_id": "", "verdict": "clear"}
        key = best["verdict"] if best["verdict"] == "clear" or not expected else (
            best["verdict"] + (" (right work)" if best["work_id"] == expected else " (wrong work)"))
        counts.setdefault(kind, {})
        counts[kind][key] = counts[kind].get(key, 0) + 1
    out = ["### Verdict of the best match, per kind", "", "| kind | queries | verdicts |", "|---|---|---|"]
    for kind in sorted(counts, key=lambda k: (k.startswith("neg"), k)):
        c = counts[kind]
        out.append(f"| {kind} | {sum(c.values())} | " + ", ".join(f"{v} {k}" for k, v in sorted(c.items(), key=lambda x: -x[1])) + " |")
    return out + [""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path("out/quality"))
    ap.add_argument("--cache", default=".cache/bench-vectors.sqlite", help="vector cache file ('' for none)")
    ap.add_argument("--limit", type=int, default=0, help="scan only the first N queries (quick look)")
    ap.add_argument("--jobs", type=int, default=1, help="processes scanning queries in parallel")
    ap.add_argument("--model", default=None, help="model name or folder [default: the built-in e5]")
    ap.add_argument("--device", default=None, help="cpu, cuda ... [default: CUDA when present]")
    ap.add_argument("--scorer", type=Path, default=None, help="the case set's score.py [default: CASE_DIR/../score.py]")
    a = ap.parse_args()
    a.cache = Path(a.cache) if a.cache else None
    a.out.mkdir(parents=True, exist_ok=True)
    scorer = load_score_module(a.case_dir, a.scorer)

    t0 = time.perf_counter()
    embedder = make_embedder(a)
    registry_rows = read_tsv(a.case_dir / "registry.tsv")
    works = read_works(read_manifest(a.case_dir / "registry.tsv"))
    db_url = f"sqlite:///{tempfile.mkdtemp(prefix='dockguard-bench-')}/registry.sqlite"
    with Registry.open(db_url) as registry:
        register(registry, works, embedder, EngineSettings())
    t_reg = time.perf_counter() - t0
    n_lines = sum(len(w.script.lines) for w in works)
    print(f"registered {len(works)} works ({n_lines} lines) in {t_reg:.0f} s", file=sys.stderr)

    queries = read_tsv(a.case_dir / "queries.tsv")
    if a.limit:
        queries = queries[: a.limit]
    t1 = time.perf_counter()
    shards = [queries[i :: a.jobs] for i in range(a.jobs)]
    if a.jobs == 1:
        parts = [scan_shard(a, db_url, queries)]
    else:
        with ProcessPoolExecutor(a.jobs, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(scan_shard, [a] * a.jobs, [db_url] * a.jobs, shards))
    t_scan = time.perf_counter() - t1
    merged = {k: [r for p in parts for r in p[k]] for k in parts[0]}
    write_jsonl(a.out / "candidates.jsonl", merged["features"])

    systems = {
        "DockGuard (shipped)": ("dockguard.jsonl", merged["ours"]),
        "baseline: whole-document MinHash Jaccard": ("baseline_minhash.jsonl", merged["minhash"]),
        "baseline: mean-pooled e5 document vectors": ("baseline_mean_e5.jsonl", merged["mean"]),
    }
    report = [
        f"Case set: {a.case_dir} ({len(registry_rows)} registered works, {n_lines} lines; {len(queries)} queries). "
        f"Registration {t_reg:.0f} s, scanning {t_scan:.0f} s with {a.jobs} process(es); model {embedder.model_id}.",
        "",
    ]
    for name, (filename, rows) in systems.items():
        write_jsonl(a.out / filename, rows)
        table, groups, overall, bars, n_res, n_q = scorer.score(str(a.case_dir), str(a.out / filename))
        report += [scorer.render(table, groups, overall, bars, n_res, n_q, name), ""]
    report += verdict_table(queries, merged["ours"])
    text = "\n".join(report)
    (a.out / "quality.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
