"""Scale benchmark (issue 9): the line index at 0.1M, 1M, 3M and 10M registered lines.

The real dev registry (213 works, 108,643 lines, cached real vectors) is registered first; then
synthetic distractor works are registered until the registry holds each size. Embedding 10M real
lines would take days here, so a distractor's vectors are a real work's vectors turned about the
mean direction of all registered vectors (`--rotation`): they keep the narrow cone e5 vectors sit
in (and, with `block`, the spread along each principal direction), but are no one's lines. Their
texts are random pseudo-words (so their MinHash chunks are real, and collide with nothing).

At each size, in fresh processes (so memory and open times are a new scanner's):
  build    `index rebuild` from the registry (read, train, add), seconds
  open     a new scanner's RegistryIndex.load on an index in step, seconds; resident memory
  scan     retrieval + alignment of >= 20 dev releases of about 600 lines (embedding excluded)
  recall   top-10 of the index vs exact search, for the lines of copied passages
  add      registering one 4,000-line work and bringing the index up to date (no embedding)
  quality  a stratified sample of dev queries: top-1 and flags vs the dev registry alone
and `--old TREE` runs the same open/scan probe with the code at TREE (today's design: every vector
loaded and own k-means lists built per process) where it fits.

    python benchmarks/scale.py ../shared/eval/dev --cache /work/bench-cache/onnx-vectors.sqlite \
        --work /work/scale --sizes 100000,1000000,3000000,10000000 --old /work/old-tree
    python benchmarks/scale.py ../shared/eval/dev --cache ... --work /work/scale --check-distractors
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, os.environ.get("DOCKGUARD_TREE", str(HERE.parent)))

from embed_cache import CachedEmbedder  # noqa: E402
from quality import read_tsv  # noqa: E402

from dockguard.config import MINHASH_KIND, VECTORS_KIND, EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.manifest import read_manifest  # noqa: E402
from dockguard.model import Episode, Line, LineKind, Location, Scene, Script  # noqa: E402
from dockguard.pipeline import Scanner, make_work, read_works, register  # noqa: E402
from dockguard.registry import Artifact, Registry  # noqa: E402


def rss_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, MB."""
    status = Path("/proc/self/status").read_text()
    values = {
        k: float(v.split()[0]) / 1024
        for k, v in (line.split(":", 1) for line in status.splitlines())
        if k in ("VmRSS", "VmHWM")
    }
    return values["VmRSS"], values["VmHWM"]


# --- distractors -------------------------------------------------------------------------------


def rotation(
    vectors: np.ndarray,
    rng: np.random.Generator,
    mode: str,
    mean: np.ndarray,
    basis: np.ndarray,
    keep: int = 0,
) -> np.ndarray:
    """A random orthogonal map that keeps the mean direction: `full` turns the rest of the space at
    random; `block` only within groups of 8 principal directions of similar spread (so the spread
    along each direction is kept too), leaving the first `keep` principal directions as they are."""
    d = len(mean)
    if mode == "full":
        q, _ = np.linalg.qr(rng.normal(size=(d - 1, d - 1)))
        inner = q
    else:
        inner = np.eye(d - 1)
        for s in range(keep, d - 1, 8):
            e = min(s + 8, d - 1)
            q, _ = np.linalg.qr(rng.normal(size=(e - s, e - s)))
            inner[s:e, s:e] = q
    turn = np.outer(mean, mean) + basis @ inner @ basis.T
    out = vectors @ turn.T
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def cone(real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean direction of the real vectors and an orthonormal basis of the rest, ordered by
    the spread of the real vectors along each direction (largest first)."""
    mean = real.mean(axis=0)
    mean /= np.linalg.norm(mean)
    rest = real - np.outer(real @ mean, mean)
    _, _, vt = np.linalg.svd(rest[:: max(1, len(rest) // 50_000)], full_matrices=False)
    basis = vt[: len(mean) - 1].T  # d × (d-1), orthogonal to the mean
    basis -= np.outer(mean, mean @ basis)
    basis, _ = np.linalg.qr(basis)
    return mean, basis


def pseudo_script(rng: np.random.Generator, n: int, title: str) -> Script:
    syllables = np.array([a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou")])
    words = rng.integers(0, len(syllables), size=(n, 8, 3))
    lengths = rng.integers(3, 9, size=n)
    lines = tuple(
        Line(
            " ".join("".join(syllables[w]) for w in words[i, : lengths[i]]),
            LineKind.DIALOGUE,
            Location(title, i + 1),
        )
        for i in range(n)
    )
    return Script(title=title, language="en", episodes=(Episode(1, title, (Scene(1, "", lines),)),))


def add_distractors(
    registry: Registry,
    templates: list[tuple[np.ndarray, np.ndarray]],
    until: int,
    a: argparse.Namespace,
    rng: np.random.Generator,
) -> None:
    from dockguard.fingerprint.minhash import sign_chunks, signature_to_bytes
    from dockguard.model import FlatScript
    from dockguard.normalize import canonical_lines

    settings = EngineSettings()
    mean, basis = cone(np.concatenate([t[0] for t in templates]))
    model_id = a.model_id
    have = registry.stats().lines
    n = sum(1 for w in registry.list_works() if w.work_id.startswith("syn-"))
    t0, start = time.perf_counter(), have
    while have < until:
        batch = []
        for _ in range(20):
            picks = rng.choice(len(templates), size=a.episodes, replace=False)
            vectors = np.concatenate([turned(templates[p], rng, a, mean, basis) for p in picks])
            script = pseudo_script(rng, len(vectors), f"syn-{n:06d}")
            work = make_work(
                script, work_id=f"syn-{n:06d}", title=f"synthetic {n}", owner="synthetic", language="en"
            )
            flat = FlatScript.of(script)
            arts = [
                Artifact(MINHASH_KIND, settings.minhash.key, i, c.start, c.end, signature_to_bytes(c.minhash))
                for i, c in enumerate(sign_chunks(canonical_lines(flat), settings.minhash))
            ]
            arts.append(Artifact(VECTORS_KIND, model_id, 0, 0, len(vectors), vectors.astype("<f2").tobytes()))
            batch.append((work, arts))
            n += 1
            have += len(vectors)
            if have >= until:
                break
        registry.add_works(batch)
        rate = (have - start) / (time.perf_counter() - t0)
        print(f"  distractors: {have:,} lines registered ({rate:,.0f} lines/s)", flush=True)


# --- probes (each in a fresh process) ----------------------------------------------------------


def chosen_queries(case_dir: Path, count: int) -> list[dict[str, str]]:
    """`count` queries of about 600 lines, spread over the kinds."""
    queries = read_tsv(case_dir / "queries.tsv")
    sizes = {q["query_id"]: len(read_script(case_dir / q["path"]).lines) for q in queries}
    by_kind: dict[str, list[dict[str, str]]] = {}
    for q in sorted(queries, key=lambda q: abs(sizes[q["query_id"]] - 600)):
        by_kind.setdefault(q["kind"], []).append(q)
    out: list[dict[str, str]] = []
    while len(out) < count and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(out) < count:
                out.append(by_kind[kind].pop(0))
    return out


def stratified(case_dir: Path, count: int, seed: int = 5) -> list[dict[str, str]]:
    queries = read_tsv(case_dir / "queries.tsv")
    rng = np.random.default_rng(seed)
    by_kind: dict[str, list[dict[str, str]]] = {}
    for q in queries:
        by_kind.setdefault(q["kind"], []).append(q)
    share = count / len(queries)
    out = []
    for kind in sorted(by_kind):
        qs = by_kind[kind]
        take = max(2, round(len(qs) * share))
        out += [qs[i] for i in sorted(rng.choice(len(qs), size=min(take, len(qs)), replace=False))]
    return out


def probe(a: argparse.Namespace) -> dict[str, Any]:
    """Open the index in this (fresh) process, scan releases; print what was measured."""
    embedder = CachedEmbedder(load_embedder(a.model, backend=a.backend), a.cache)
    out: dict[str, Any] = {}
    with Registry.open(a.db) as registry:
        if a.probes:  # a search-time setting: the same index folder, searched with more or fewer lists
            from dataclasses import replace

            settings = EngineSettings(index=replace(EngineSettings().index, probes=a.probes))
            scanner = Scanner(registry, embedder, settings, index_dir=a.index_dir)
        elif a.index_dir:
            scanner = Scanner(registry, embedder, index_dir=a.index_dir)
        else:  # today's design (--old): no index folder
            scanner = Scanner(registry, embedder)
        t = time.perf_counter()
        index = scanner.index
        out["open_s"] = time.perf_counter() - t
        out["lines"] = len(index)
        out["rss_open_mb"] = rss_mb()[0]
        queries = chosen_queries(a.case_dir, a.releases)
        times, results = [], {}
        for q in queries:
            script = read_script(a.case_dir / q["path"])
            r = scanner.scan(script, q["path"])
            tm = dict(r.timings)
            times.append(tm["retrieve"] + tm["align"])
            results[q["query_id"]] = r
        out["scan_s"] = times
        out["load_average"] = os.getloadavg()[0]  # the machine is shared: how busy it was meanwhile
        out["scan_median_s"] = float(np.median(times))
        out["release_lines"] = float(np.median([results[q["query_id"]].lines for q in queries]))
        out["rss_scan_mb"], out["rss_peak_mb"] = rss_mb()
        embedder.inner.embed(["the model itself, loaded as a real scan loads it"])
        out["rss_with_model_mb"], out["rss_peak_with_model_mb"] = rss_mb()
        if a.recall:
            out["recall"] = recall(index, embedder, results, queries, a)
        if a.quality:
            rows = {}
            for q in stratified(a.case_dir, a.quality):
                r = scanner.scan(read_script(a.case_dir / q["path"]), q["path"])
                top = r.matches[0] if r.matches else None
                rows[q["query_id"]] = {
                    "kind": q["kind"],
                    "expected": q["expected_work_id"],
                    "top": top.work_id if top else "",
                    "verdict": r.verdict.value,
                    "flagged": r.verdict.value
                    in ("copy", "translated-copy", "localized-copy", "partial-copy"),
                    "score": top.verdict.score if top else 0.0,
                }
            out["quality"] = rows
    return out


def recall(
    index: Any, embedder: Any, results: dict[str, Any], queries: list[dict[str, str]], a: argparse.Namespace
) -> dict[str, float]:
    """For the release lines aligned to their original in copies (the lines of copied passages):
    how many of the index's 10 nearest registered lines exact search also finds."""
    lines = []
    for q in queries:
        r = results[q["query_id"]]
        if not q["expected_work_id"] or not r.matches or r.matches[0].work_id != q["expected_work_id"]:
            continue
        pairs = r.matches[0].evidence.pairs
        texts = [p.release.text for p in pairs]
        if texts:
            lines.append(embedder.embed(texts))
    if not lines:
        return {"lines": 0, "agreement": float("nan")}
    x = np.concatenate(lines)[: a.recall]
    approx_s, approx = index.lines.search(x, 10)
    lines, alive = index.lines, index.lines.alive
    best_s = np.full((len(x), 0), -np.inf, np.float32)
    best_i = np.zeros((len(x), 0), np.int64)
    block = 100_000  # 2,000 × 100,000 float32 scores: 0.8 GB at a time
    for s in range(0, len(lines), block):
        sims = x @ lines.rows(slice(s, s + block)).T
        sims[:, ~alive[s : s + block]] = -np.inf
        part = np.argpartition(-sims, 9, axis=1)[:, :10]
        best_s = np.hstack([best_s, np.take_along_axis(sims, part, axis=1)])
        best_i = np.hstack([best_i, part + s])
        keep = np.argsort(-best_s, axis=1)[:, :10]
        best_s, best_i = np.take_along_axis(best_s, keep, axis=1), np.take_along_axis(best_i, keep, axis=1)
    by_id = [len(set(p) & set(e)) / 10 for p, e in zip(approx, best_i, strict=True)]
    # Registries repeat generic lines ("Okay.") verbatim, so the exact 10 nearest often include ties:
    # a neighbour agrees when its exact cosine (the index re-ranks with exact vectors) reaches the
    # exact 10th best (float16 rounding allowed).
    by_score = np.mean(approx_s >= best_s[:, 9:10] - 1e-3, axis=1)
    return {
        "lines": len(x),
        "agreement": float(np.mean(by_score)),
        "agreement_by_id": float(np.mean(by_id)),
        "top1": float(np.mean(approx_s[:, 0] >= best_s[:, 0] - 1e-3)),
    }


def run_probe(a: argparse.Namespace, tree: Path | None, **flags: Any) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(HERE / "scale.py"),
        str(a.case_dir),
        "--probe",
        "--db",
        a.db,
        "--cache",
        str(a.cache),
        "--releases",
        str(a.releases),
    ]
    for k, v in flags.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    env = dict(os.environ)
    if tree:
        env["DOCKGUARD_TREE"] = str(tree)
        env["PYTHONPATH"] = str(tree)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=a.probe_timeout)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the run -----------------------------------------------------------------------------------


def add_one(
    registry: Registry, a: argparse.Namespace, templates: list[tuple[np.ndarray, np.ndarray]], index_dir: Path
) -> dict[str, float]:
    """Register one 4,000-line work (vectors given: no embedding) and bring the index up to date;
    then remove it and catch up again."""
    from dockguard.index.registry_index import update_index

    rng = np.random.default_rng(99)
    real = np.concatenate([t[0] for t in templates])
    mean, basis = cone(real)
    vectors = rotation(real[rng.choice(len(real), 4000, replace=False)], rng, a.rotation, mean, basis, a.keep)
    script = pseudo_script(rng, 4000, "add-one")

    class Given:
        model_id, dim = a.model_id, vectors.shape[1]

        def embed(self, texts: Any, progress: Any = None, batch_size: int = 64) -> np.ndarray:
            return vectors

    given = Given()
    work = make_work(script, work_id="add-one", title="add one", owner="bench", language="en")
    t = time.perf_counter()
    register(registry, [work], given)  # type: ignore[arg-type]
    t_register = time.perf_counter() - t
    update_index(registry, given, EngineSettings(), index_dir)  # type: ignore[arg-type]
    t_add = time.perf_counter() - t
    t = time.perf_counter()
    registry.remove_work("add-one")
    update_index(registry, given, EngineSettings(), index_dir)  # type: ignore[arg-type]
    return {"register_s": t_register, "add_s": t_add, "remove_s": time.perf_counter() - t}


def templates_of(registry: Registry, model_id: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The real works' vectors, each with its generic lines marked: lines whose words (lower case,
    no punctuation) occur in at least 3 real works ("Okay.", "What?"). Those are the same in every
    work, so a distractor keeps them unturned: a real registry repeats them everywhere."""
    import re
    from collections import Counter

    keys = sorted(registry.artifact_keys(VECTORS_KIND))
    ids, mats = [], []
    for key in keys:
        for work_id, art in registry.iter_artifacts(VECTORS_KIND, key):
            if not work_id.startswith(("syn-", "add-")):
                ids.append(work_id)
                mats.append(
                    np.frombuffer(art.data, "<f2").reshape(art.end - art.start, -1).astype(np.float32)
                )
    texts = registry.line_texts(ids)
    words = {w: [re.sub(r"[\W_]+", " ", t).strip().lower() for t in texts[w]] for w in ids}
    works_with = Counter(t for w in ids for t in set(words[w]) if t)
    return [
        (m, np.array([works_with[t] >= 3 for t in words[w]], bool)) for w, m in zip(ids, mats, strict=True)
    ]


def turned(
    template: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    a: Any,
    mean: np.ndarray,
    basis: np.ndarray,
) -> np.ndarray:
    """A distractor's vectors from one real work: turned, but its generic lines kept."""
    vectors, generic = template
    out = rotation(vectors, rng, a.rotation, mean, basis, a.keep)
    out[generic] = vectors[generic]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("case_dir", type=Path)
    p.add_argument(
        "--cache", type=Path, required=True, help="vector cache of the dev texts (benchmarks/embed_cache.py)"
    )
    p.add_argument("--work", type=Path, default=Path("/tmp/dockguard-scale"))
    p.add_argument("--sizes", default="100000,1000000,3000000,10000000")
    p.add_argument("--rotation", choices=("block", "full"), default="block")
    p.add_argument(
        "--keep", type=int, default=0, help="leading principal directions a block rotation leaves as they are"
    )
    p.add_argument(
        "--episodes", type=int, default=8, help="template works per distractor work (about 4,000 lines)"
    )
    p.add_argument("--releases", type=int, default=24)
    p.add_argument("--quality-queries", type=int, default=120)
    p.add_argument("--recall-lines", type=int, default=2000)
    p.add_argument("--old", type=Path, help="a checkout of today's design, probed up to --old-max lines")
    p.add_argument("--old-max", type=int, default=1_100_000)
    p.add_argument("--probe-timeout", type=int, default=3600)
    p.add_argument("--model")
    p.add_argument("--backend", default="onnx")
    p.add_argument("--out", type=Path, default=Path("out/scale"))
    p.add_argument("--check-distractors", action="store_true")
    p.add_argument(
        "--render", action="store_true", help="print the growth table of docs/SCALE.md from OUT/scale.json"
    )
    # the probe's own flags
    p.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    p.add_argument("--index-dir", help=argparse.SUPPRESS)
    p.add_argument("--recall", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--quality", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--probes", type=int, default=0, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.probe:
        print(json.dumps(probe(a)))
        return
    if a.render:
        print(render(json.loads((a.out / "scale.json").read_text())), end="")
        return
    embedder = CachedEmbedder(load_embedder(a.model, backend=a.backend), a.cache)
    a.model_id = embedder.model_id
    a.work.mkdir(parents=True, exist_ok=True)
    a.out.mkdir(parents=True, exist_ok=True)
    a.db = f"sqlite:///{a.work / 'registry.sqlite'}"
    index_dir = a.work / "index"
    with Registry.open(a.db) as registry:
        if not registry.list_works():
            print("registering the dev registry (cached vectors)", flush=True)
            register(registry, read_works(read_manifest(a.case_dir / "registry.tsv")), embedder)
        templates = templates_of(registry, a.model_id)
        if a.check_distractors:
            result = check_distractors(a, templates, embedder)
            (a.out / "distractors.json").write_text(json.dumps(result, indent=2))
            print(json.dumps(result, indent=2))
            return
        results_path = a.out / "scale.json"
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        rng = np.random.default_rng(len(registry.list_works()))
        for size in (int(s) for s in a.sizes.split(",")):
            if (
                str(size) in results
                and "quality" in results[str(size)].get("probe", {})
                or str(size) in results
                and "probe" in results[str(size)]
            ):
                print(f"{size:,}: measured already", flush=True)
                continue
            add_distractors(registry, templates, size, a, rng)
            from dockguard.index.registry_index import index_folder
            from dockguard.index.sync import rebuild

            folder = index_folder(registry, embedder, EngineSettings(), index_dir)  # type: ignore[arg-type]
            t = time.perf_counter()
            rebuild(folder, registry, embedder, EngineSettings(), lambda step, done, total: None)  # type: ignore[arg-type]
            row: dict[str, Any] = {"lines": registry.stats().lines, "build_s": time.perf_counter() - t}
            print(f"{size:,}: built in {row['build_s']:.0f} s", flush=True)
            row["probe"] = run_probe(
                a,
                None,
                index_dir=index_dir,
                recall=a.recall_lines,
                quality=a.quality_queries if size in (min_size(a), max_size(a)) else 0,
            )
            print(
                f"{size:,}: {json.dumps({k: v for k, v in row['probe'].items() if k not in ('quality', 'scan_s')})}",
                flush=True,
            )
            row["add"] = add_one(registry, a, templates, index_dir)
            print(f"{size:,}: add {row['add']}", flush=True)
            if a.old and row["lines"] <= a.old_max:
                row["old"] = run_probe(a, a.old)
                print(
                    f"{size:,}: old design {json.dumps({k: v for k, v in row['old'].items() if k != 'scan_s'})}",
                    flush=True,
                )
            results[str(size)] = row
            results_path.write_text(json.dumps(results, indent=2))


def render(results: dict[str, Any]) -> str:
    """The growth table of docs/SCALE.md, from scale.json."""

    def f(v: Any, fmt: str = "{:.2f}") -> str:
        return "–" if v is None else fmt.format(v)

    rows = [
        "| registered lines | build (s) | open (s) | resident after open / after 24 scans / with the model (MB) "
        "| retrieval + alignment per release, median (s) | top-10 agreement (top-1) | add 4,000 lines / remove (s) | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in sorted(results, key=int):
        r = results[size]
        p, old = r.get("probe", {}), r.get("old")
        rec = p.get("recall", {})
        rows.append(
            f"| {r['lines']:,} | {f(r.get('build_s'), '{:.0f}')} | {f(p.get('open_s'))} "
            f"| {f(p.get('rss_open_mb'), '{:.0f}')} / {f(p.get('rss_scan_mb'), '{:.0f}')} / {f(p.get('rss_peak_with_model_mb'), '{:.0f}')} "
            f"| {f(p.get('scan_median_s'))} | {f(rec.get('agreement'), '{:.3f}')} ({f(rec.get('top1'), '{:.3f}')}) "
            f"| {f(r.get('add', {}).get('add_s'))} / {f(r.get('add', {}).get('remove_s'))} | {f(p.get('load_average'), '{:.1f}')} |"
        )
        if old and "error" not in old:
            rows.append(
                f"| … today's design | – | {f(old.get('open_s'))} "
                f"| {f(old.get('rss_open_mb'), '{:.0f}')} / {f(old.get('rss_scan_mb'), '{:.0f}')} / {f(old.get('rss_peak_with_model_mb'), '{:.0f}')} "
                f"| {f(old.get('scan_median_s'))} | – | – | {f(old.get('load_average'), '{:.1f}')} |"
            )
    return "\n".join(rows) + "\n"


def min_size(a: argparse.Namespace) -> int:
    return min(int(s) for s in a.sizes.split(","))


def max_size(a: argparse.Namespace) -> int:
    return max(int(s) for s in a.sizes.split(","))


def check_distractors(
    a: argparse.Namespace, templates: list[tuple[np.ndarray, np.ndarray]], embedder: Any
) -> dict[str, Any]:
    """Nearest-neighbour cosines of real release lines (the dev non-copies: no registered work is
    theirs) against the real registered lines, and against as many distractor lines of each kind."""
    rng = np.random.default_rng(3)
    queries = [q for q in read_tsv(a.case_dir / "queries.tsv") if not q["expected_work_id"]]
    lines = []
    for q in queries[::2]:
        script = read_script(a.case_dir / q["path"])
        texts = [line.text for line in script.lines]
        lines.append(embedder.embed(texts)[rng.choice(len(texts), min(len(texts), 40), replace=False)])
    x = np.concatenate(lines)
    real = np.concatenate([t[0] for t in templates])
    mean, basis = cone(real)
    out: dict[str, Any] = {
        "release_lines": len(x),
        "registered_lines": len(real),
        "generic_share": float(np.mean(np.concatenate([t[1] for t in templates]))),
    }
    qs = [0.5, 0.9, 0.99, 0.999]
    kinds = {"real": real}
    for mode, keep, generic in (
        ("full", 0, False),
        ("block", 0, False),
        ("block", 32, False),
        ("block", 0, True),
        ("block", 32, True),
    ):
        variant = argparse.Namespace(rotation=mode, keep=keep)
        kinds[f"{mode}-keep{keep}{'+generic' if generic else ''}"] = np.concatenate(
            [
                turned(t, rng, variant, mean, basis)
                if generic
                else rotation(t[0], rng, mode, mean, basis, keep)
                for t in templates
            ]
        )
    for name, m in kinds.items():
        sims = x @ m.T
        top = -np.sort(-sims, axis=1)[:, :10]
        out[name] = {
            "top1": {str(q): float(np.quantile(top[:, 0], q)) for q in qs},
            "top10": {str(q): float(np.quantile(top[:, 9], q)) for q in qs},
            "all": {str(q): float(np.quantile(sims[:, :: max(1, sims.shape[1] // 5000)], q)) for q in qs},
        }
    return out


if __name__ == "__main__":
    main()
