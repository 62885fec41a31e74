"""Speed on this machine, as ratios within one run (times here are noisy).

    python benchmarks/speed.py ../shared/eval/dev [--works 8] [--releases 5]

1. Registration vs the model: the lines of `--works` registered works are embedded once by the raw
   model (Embedder.embed on the same texts) and once through `register()` (parse → canonical text →
   MinHash → vectors → one registry transaction); the ratio is what registration costs beyond the model.
2. Scanning: `--releases` queries of about an episode's length are scanned against a registry of the
   case set's full size: the `--works` works registered for real, padded with random unit vectors to
   the case set's total line count (retrieval cost depends on the number of registered lines; the
   padding takes no votes, so alignment runs on the real candidates). Prints the time per release
   split into embedding, retrieval and alignment.
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

from quality import read_tsv  # noqa: E402

from dockguard.embed import load_embedder  # noqa: E402
from dockguard.evidence import FlatScript  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.index.vectors import LineVectorIndex  # noqa: E402
from dockguard.pipeline import Scanner, make_work, register  # noqa: E402
from dockguard.registry import Registry  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--works", type=int, default=8)
    ap.add_argument("--releases", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    embedder = load_embedder(None, a.device)
    embedder.embed(["warm up the model"])

    rows = read_tsv(a.case_dir / "registry.tsv")
    queries = read_tsv(a.case_dir / "queries.tsv")
    # registered works: those the chosen releases copy, then others, so scans have real candidates
    chosen = [q for q in queries if q["expected_work_id"] and q["lang"] == "en"][: a.releases]
    wanted = [q["expected_work_id"] for q in chosen]
    by_id = {r["work_id"]: r for r in rows}
    picked = list(dict.fromkeys(wanted + [r["work_id"] for r in rows]))[: max(a.works, len(wanted))]
    works = []
    for wid in picked:
        r = by_id[wid]
        works.append(make_work(read_script(a.case_dir / r["path"], title=r["title"], language=r["lang"] or None), work_id=wid))
    texts = [t for w in works for t in FlatScript.of(w.script).texts]

    t = time.perf_counter()
    embedder.embed(texts)
    t_model = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/registry.sqlite"
        with Registry.open(url) as registry:
            t = time.perf_counter()
            register(registry, works, embedder)
            t_register = time.perf_counter() - t
            print(f"registration: {len(texts)} lines of {len(works)} works; model alone {len(texts) / t_model:.1f} lines/s, "
                  f"register() {len(texts) / t_register:.1f} lines/s; register/model time ratio {t_register / t_model:.2f}")

            total_lines = sum(len(FlatScript.of(read_script(a.case_dir / r["path"])).texts) for r in rows)
            scanner = Scanner(registry, embedder)
            view = scanner.view
            pad = max(0, total_lines - len(view.index))
            rng = np.random.default_rng(0)
            filler = rng.normal(size=(pad, view.index.matrix.shape[1])).astype(np.float32)
            filler /= np.linalg.norm(filler, axis=1, keepdims=True)
            chunks = np.array_split(filler, max(1, len(rows) - len(works)))
            mats = [view.index.matrix[s:e] for s, e in view.offsets.values()] + list(chunks)
            ids = list(view.offsets) + [f"pad{i}" for i in range(len(chunks))]
            view.index = LineVectorIndex(ids, mats)
            print(f"scan: registry of {len(view.index)} line vectors ({len(works)} real works padded to the case set's {total_lines} lines)")
            for q in chosen:
                script = read_script(a.case_dir / q["path"])
                result = scanner.scan(script, q["path"])
                tm = dict(result.timings)
                print(f"  {q['query_id']} {result.lines:5d} lines  embed {tm['embed']:.2f} s  retrieve {tm['retrieve']:.2f} s  "
                      f"align {tm['align']:.2f} s  ({len(result.matches)} candidates verified)  -> {result.verdict.value}")


if __name__ == "__main__":
    main()
