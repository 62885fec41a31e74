"""Throughput on this machine, as ratios within one run (absolute times here are noisy).

    python benchmarks/throughput.py ../shared/eval/dev [--lines 4000] [--rounds 4] [--ray-works 6] [--no-ray]

1. Backends: `--lines` real lines of the case set (every line of a seeded sample of its registered
   works and queries, all languages) embedded by each backend (torch, onnx, onnx-int8; each model
   loaded and warmed up before timing). The lines are cut into `--rounds` chunks and each chunk is
   embedded by every backend in turn, the order rotating per round, so that a change in the machine's
   load during the run falls on all backends alike. Printed: lines/s per backend, its ratio to torch,
   and the cosine of its vectors with torch's for the same lines (minimum, 1st percentile, median).
2. Ray: `--ray-works` registered works of the case set registered into a fresh SQLite registry by
   one process (`pipeline.register`, the default backend) and by `register_catalogue` on a local Ray
   with 1 and then 2 workers (each worker one CPU thread; the single process uses every core). Ray
   is started once before timing; each Ray run's time includes its workers loading the model, as a
   real run's does. Printed: seconds and lines/s, and each run's ratio to the single process.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dockguard.embed import load_embedder  # noqa: E402
from dockguard.formats import read_script  # noqa: E402
from dockguard.manifest import read_manifest  # noqa: E402
from dockguard.model import FlatScript  # noqa: E402

BACKENDS = ("torch", "onnx", "onnx-int8")


def sample_lines(case_dir: Path, n: int, seed: int) -> list[str]:
    """Every line of randomly chosen works and queries, until `n` lines."""
    files = []
    for table in ("registry.tsv", "queries.tsv"):
        with (case_dir / table).open(encoding="utf-8") as f:
            files += [case_dir / row["path"] for row in csv.DictReader(f, delimiter="\t")]
    random.Random(seed).shuffle(files)
    lines: list[str] = []
    for path in files:
        if len(lines) >= n:
            break
        lines += FlatScript.of(read_script(path)).texts
    return lines[:n]


def bench_backends(lines: list[str], rounds: int) -> None:
    embedders = {b: load_embedder(None, "cpu", backend=b) for b in BACKENDS}
    for e in embedders.values():
        e.embed(["warm up the model", "预热模型"])
    chunks = [lines[i::rounds] for i in range(rounds)]
    # the vectors are compared in this order
    lines[:] = [t for chunk in chunks for t in chunk]
    seconds = dict.fromkeys(BACKENDS, 0.0)
    vectors: dict[str, list[np.ndarray]] = {b: [] for b in BACKENDS}
    for r, chunk in enumerate(chunks):
        order = BACKENDS[r % len(BACKENDS):] + BACKENDS[: r % len(BACKENDS)]
        took = {}
        for b in order:
            t = time.perf_counter()
            vectors[b].append(embedders[b].embed(chunk))
            took[b] = time.perf_counter() - t
            seconds[b] += took[b]
        print(f"  round {r + 1}/{rounds}, {len(chunk)} lines: "
              + ", ".join(f"{b} {took[b]:.1f} s (× {took['torch'] / took[b]:.2f})" for b in BACKENDS), flush=True)
    reference = np.concatenate(vectors["torch"])
    print(f"\nbackends: {len(lines)} dev lines, {rounds} interleaved rounds")
    print(f"{'backend':10} {'lines/s':>8} {'× torch':>8} {'cos min':>8} {'cos p1':>8} {'cos p50':>8}  model id")
    for b in BACKENDS:
        cos = np.sum(np.concatenate(vectors[b]) * reference, axis=1)
        print(f"{b:10} {len(lines) / seconds[b]:8.1f} {seconds['torch'] / seconds[b]:8.2f} {cos.min():8.5f} "
              f"{np.percentile(cos, 1):8.5f} {np.median(cos):8.5f}  {embedders[b].model_id}")


def bench_ray(case_dir: Path, works_n: int) -> None:
    from dockguard.distributed import connect, register_catalogue
    from dockguard.pipeline import read_works, register
    from dockguard.registry import Registry

    entries = read_manifest(case_dir / "registry.tsv")[:works_n]
    works = read_works(entries)
    lines = sum(len(FlatScript.of(w.script).texts) for w in works)
    embedder = load_embedder(None, "cpu")
    embedder.embed(["warm up the model"])
    connect(workers=2)  # a local Ray of 2 CPUs, started before anything is timed
    timings: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        with Registry.open(f"sqlite:///{tmp}/single.sqlite") as registry:
            t = time.perf_counter()
            register(registry, read_works(entries), embedder)
            timings.append(("single process (parse + register)", time.perf_counter() - t))
        for workers in (1, 2):
            with Registry.open(f"sqlite:///{tmp}/ray{workers}.sqlite") as registry:
                t = time.perf_counter()
                done = register_catalogue(registry, entries, workers=workers)
                assert len(done.receipts) == len(entries) and not done.failed
                timings.append((f"Ray, {workers} worker(s)", time.perf_counter() - t))
    print(f"\nRay: {len(entries)} works, {lines} lines, model {embedder.model_id}")
    base = timings[0][1]
    for name, seconds in timings:
        print(f"  {name:36} {seconds:7.1f} s  {lines / seconds:7.1f} lines/s  × single {base / seconds:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("--lines", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--ray-works", type=int, default=6)
    ap.add_argument("--no-ray", action="store_true")
    a = ap.parse_args()
    bench_backends(sample_lines(a.case_dir, a.lines, a.seed), a.rounds)
    if not a.no_ray:
        bench_ray(a.case_dir, a.ray_works)


if __name__ == "__main__":
    main()
