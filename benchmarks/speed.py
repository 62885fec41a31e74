"""Speed on this machine, as ratios within one run (times here are noisy).

    python benchmarks/speed.py ../shared/eval/dev [--works 4] [--releases 6] [--cache FILE]

1. Registration vs the model: the lines of `--works` registered works are embedded once by the raw
   model (Embedder.embed on the same texts) and once through `register()` (parse → canonical text →
   MinHash → vectors → one registry transaction); the ratio is what registration costs beyond the model.
2. Scanning: every work of the case set is registered (vectors through the benchmarks' on-disk cache,
   so only the first run pays the embedding), then `--releases` queries of about an episode's length
   or more are scanned with the shipped settings. For each: the raw model's time to embed its lines,
   and the scan's retrieval and alignment times. Loading the registry view (vectors, MinHash LSH,
   inverted lists) is timed once. The same queries are then retrieved by exact search too, to show
   what the inverted lists save and whether they change the candidates.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_cache import CachedEmbedder  # noqa: E402
from quality import read_tsv  # noqa: E402

from dockguard.config import EngineSettings  # noqa: E402
from dockguard.embed import load_embedder  # noqa: E402
from dockguard.evidence import FlatScript  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.index.ivf import IVFSettings  # noqa: E402
from dockguard.pipeline import Scanner, make_work, register  # noqa: E402
from dockguard.registry import Registry  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--works", type=int, default=4)
    ap.add_argument("--releases", type=int, default=6)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--cache", type=Path, default=Path(".cache/bench-vectors.sqlite"))
    a = ap.parse_args()
    embedder = load_embedder(None, a.device)
    embedder.embed(["warm up the model"])
    rows = read_tsv(a.case_dir / "registry.tsv")
    works = [
        make_work(read_script(a.case_dir / r["path"], title=r["title"], language=r["lang"] or None), work_id=r["work_id"])
        for r in rows
    ]

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
    queries = [q for q in read_tsv(a.case_dir / "queries.tsv") if q["expected_work_id"]]
    chosen = []
    for kind in dict.fromkeys(q["kind"] for q in queries):  # one query of each copy kind, episode-sized
        sized = [(len(FlatScript.of(read_script(a.case_dir / q["path"])).texts), q) for q in queries if q["kind"] == kind]
        chosen += [q for n, q in sized if n >= 500][:1]
    chosen = chosen[: a.releases]
    with tempfile.TemporaryDirectory() as tmp, Registry.open(f"sqlite:///{tmp}/registry.sqlite") as registry:
        register(registry, works, cached)
        exact = EngineSettings(index=IVFSettings(min_lines=sys.maxsize))
        for label, settings in (("inverted lists", EngineSettings()), ("exact search", exact)):
            scanner = Scanner(registry, cached, settings)
            t = time.perf_counter()
            view = scanner.view
            print(f"scan, {label}: registry of {len(works)} works, {len(view.index)} lines; "
                  f"registry view loaded in {time.perf_counter() - t:.2f} s")
            for q in chosen:
                script = read_script(a.case_dir / q["path"])
                lines = FlatScript.of(script).texts
                t = time.perf_counter()
                embedder.embed(lines)
                t_embed = time.perf_counter() - t
                result = scanner.scan(script, q["path"])
                tm = dict(result.timings)
                top = result.matches[0].work_id if result.matches else "-"
                print(f"  {q['query_id']} {q['kind']:<18} {result.lines:5d} lines  embed {t_embed:.2f} s  "
                      f"retrieve {tm['retrieve']:.2f} s  align {tm['align']:.2f} s  "
                      f"beyond embedding {tm['retrieve'] + tm['align']:.2f} s  ({len(result.matches)} candidates)  "
                      f"-> {result.verdict.value} {top}{'' if top == q['expected_work_id'] else ' (expected ' + q['expected_work_id'] + ')'}")


if __name__ == "__main__":
    main()
