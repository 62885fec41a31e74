"""Speed on this machine, as ratios within one run (times here are noisy).

    python benchmarks/speed.py ../shared/eval/dev [--works 4] [--releases 15] [--cache FILE]

1. Registration vs the model: the lines of `--works` registered works are embedded once by the raw
   model (Embedder.embed on the same texts) and once through `register()` (parse → canonical text →
   MinHash → vectors → one registry transaction); the ratio is what registration costs beyond the model.
2. Scanning: every work of the case set is registered (vectors through the benchmarks' on-disk cache,
   so only the first run pays the embedding), then `--releases` queries (one of each kind, copies
   and non-copies, the one closest to an episode's 600 lines) are each scanned twice: with the
   shipped settings (inverted lists on a registry this size) and with exact search. Printed: the raw
   model's time to embed the release, each scan's retrieval and alignment times, its verdict, and
   the share of the exact 10 nearest registered lines the inverted lists find. Loading the registry
   view (vectors, MinHash LSH, inverted lists, line masks, work names) is timed once per setting;
   the model and the pinyin tables are loaded once per process before anything is measured.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_cache import CachedEmbedder  # noqa: E402
from quality import read_tsv  # noqa: E402

from dockguard.config import EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.index.settings import IndexSettings  # noqa: E402
from dockguard.manifest import read_manifest  # noqa: E402
from dockguard.model import (
    FlatScript,  # noqa: E402
    ScanResult,  # noqa: E402
)
from dockguard.pipeline import Scanner, read_works, register  # noqa: E402
from dockguard.registry import Registry  # noqa: E402
from dockguard.renames import is_transliteration  # noqa: E402


def _judged(result: ScanResult, expected: str) -> str:
    if not expected:
        return "(a non-copy)"
    top = result.matches[0].work_id if result.matches else "-"
    return "(right work)" if top == expected else f"(WRONG work {top})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--works", type=int, default=4)
    ap.add_argument("--releases", type=int, default=15)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--cache", type=Path, default=Path(".cache/bench-vectors.sqlite"))
    a = ap.parse_args()
    embedder = load_embedder(None, a.device)
    embedder.embed(["warm up the model"])
    is_transliteration("林霄", "Lin Xiao")  # loads the pinyin tables once per process, as the model is
    works = read_works(read_manifest(a.case_dir / "registry.tsv"))

    sample = works[: a.works]
    texts = [t for w in sample for t in FlatScript.of(w.script).texts]
    t = time.perf_counter()
    embedder.embed(texts)
    t_model = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp, Registry.open(f"sqlite:///{tmp}/sample.sqlite") as registry:
        t = time.perf_counter()
        register(registry, sample, embedder)
        t_register = time.perf_counter() - t
    print(f"registration: {len(texts)} lines of {len(sample)} works; model alone {len(texts) / t_model:.1f} lines/s, "
          f"register() {len(texts) / t_register:.1f} lines/s; register/model time ratio {t_register / t_model:.2f}")

    cached = CachedEmbedder(embedder, a.cache)
    queries = read_tsv(a.case_dir / "queries.tsv")
    scripts = {q["query_id"]: read_script(a.case_dir / q["path"]) for q in queries}
    chosen = []
    for kind in dict.fromkeys(q["kind"] for q in queries):
        of_kind = [q for q in queries if q["kind"] == kind]
        chosen.append(min(of_kind, key=lambda q: abs(len(scripts[q["query_id"]].lines) - 600)))
    chosen = chosen[: a.releases]
    with tempfile.TemporaryDirectory() as tmp, Registry.open(f"sqlite:///{tmp}/registry.sqlite") as registry:
        register(registry, works, cached)
        scanners = {}
        for label, settings in (("lists", EngineSettings()), ("exact", EngineSettings(index=IndexSettings(min_lines=sys.maxsize)))):
            scanners[label] = Scanner(registry, cached, settings)
            t = time.perf_counter()
            index = scanners[label].index
            print(f"scan ({label}): registry of {len(works)} works, {len(index)} lines, "
                  f"index loaded in {time.perf_counter() - t:.2f} s")
        for q in chosen:
            script = scripts[q["query_id"]]
            flat = FlatScript.of(script)
            t = time.perf_counter()
            embedder.embed(flat.texts)
            t_embed = time.perf_counter() - t
            print(f"  {q['query_id']} {q['kind']:<18} {len(flat.texts):5d} lines  embed {t_embed:5.2f} s (model)")
            for label, scanner in scanners.items():
                result = scanner.scan(script, q["path"])
                tm = dict(result.timings)
                print(f"      {label}: retrieve {tm['retrieve']:.2f} s  align {tm['align']:.2f} s  "
                      f"= {tm['retrieve'] + tm['align']:.2f} s beyond embedding  ({len(result.matches)} candidates)  "
                      f"-> {result.verdict.value} {_judged(result, q['expected_work_id'])}")
            vectors = cached.embed(flat.texts)[flat.worded]
            sample = vectors[np.linspace(0, len(vectors) - 1, min(len(vectors), 512)).astype(int)]
            _, approx = scanners["lists"].index.lines.search(sample, 10)
            _, exact = scanners["exact"].index.lines.search(sample, 10)
            found = np.mean([len(set(x) & set(y)) / 10 for x, y in zip(approx, exact, strict=True)])
            print(f"      inverted lists find {found:.0%} of the exact 10 nearest registered lines")


if __name__ == "__main__":
    main()
