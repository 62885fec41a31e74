"""Fuzzing every reader: damaged inputs through `read_script` and through `dockguard parse`/`register`.

    python benchmarks/fuzz.py [--per-format 10000] [--seed 0] [--formats zh,srt,...] [--workers 2]
                              [--cli-every 100] [--json out.json] [--save-failures]

Each input (made by tests/formats/fuzz/mutations.py from our own corpus and fixtures, reproducible
from its format, index and seed) is written to a file and read with `read_script`, in worker
processes. Outcomes: `parsed`, `refused` (an InputError that names the file; the reason is counted
by kind, `time-limit` and the other limits included), `crash` (any other exception, or an
InputError that does not name the file) and `hang` (the worker stayed on one input for
`--hang-seconds`, far past the readers' own time limit, and was killed). Every `--cli-every`-th
input also goes through the CLI (click's CliRunner, in the worker): `parse FILE --format json`, and
`register FILE --db tmp.sqlite` with the fake embedder; exit 3 is a crash, and a refused input
must leave no work in the registry. Printed per format: inputs, outcomes, refusal kinds, the
slowest input and its time, the peak RSS of the workers. `--save-failures` keeps every crash and
hang under tests/fixtures/fuzz/ as a regression fixture.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "formats" / "fuzz"))

from mutations import FORMATS, fuzz_input, save_regression, seeds  # noqa: E402

_CHUNK = 25


def refusal_kind(message: str) -> str:
    """A short name for why an input was refused, for the counts."""
    rules = (
        ("time-limit", r"longer than the .* limit"),
        ("line-limit", r"lines, over the"),
        ("xml-limit", r"XML nested|XML elements"),
        ("page-limit", r"pages, over the"),
        ("size-limit", r"over the .* limit|inflates past|expands"),
        ("zip-bomb", r"zip bomb"),
        ("member-limit", r"members, more than"),
        ("unsafe-xml", r"unsafe XML|entity"),
        ("encoding", r"encoding|byte-order mark|NUL bytes"),
        ("binary", r"binary file"),
        ("empty", r"empty|no script text|no text|no .* subtitle cues|no script files"),
        ("zip", r"zip"),
        ("xml", r"XML|Final Draft"),
        ("pdf", r"PDF"),
        ("docx", r"docx"),
        ("subtitles", r"subtitles"),
    )
    for kind, pattern in rules:
        if re.search(pattern, message):
            return kind
    return "other"


def classify(fmt: str, index: int, name: str, data: bytes, how: str, workdir: Path) -> dict[str, Any]:
    """Read one input; what happened, and how long it took."""
    from dockguard.errors import InputError
    from dockguard.formats import read_script

    folder = workdir / f"{fmt}-{index}"
    folder.mkdir(exist_ok=True)
    path = folder / (name or "noname")
    path.write_bytes(data)
    started = time.perf_counter()
    result: dict[str, Any] = {"fmt": fmt, "index": index, "name": name, "how": how, "size": len(data)}
    try:
        script = read_script(path)
        result["outcome"] = "parsed"
        result["lines"] = len(script.lines)
    except InputError as exc:
        named = str(path) in str(exc)
        result["outcome"] = "refused" if named else "crash"
        result["kind"] = refusal_kind(exc.problem)
        result["error"] = str(exc)[:300]
    except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
        result["outcome"] = "crash"
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
        result["where"] = traceback.format_exception(exc)[-2][:500]
    result["seconds"] = time.perf_counter() - started
    result["path"] = str(path)
    return result


def run_cli(result: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The same input through `dockguard parse` and `dockguard register` (fake embedder)."""
    from click.testing import CliRunner

    from dockguard.cli import main

    path = result["path"]
    runner = CliRunner()
    parsed = runner.invoke(main, ["parse", path, "--format", "json"])
    db = workdir / f"registry-{result['fmt']}-{result['index']}.sqlite"
    registered = runner.invoke(main, ["register", path, "--db", str(db), "--format", "json"])
    works = _count_works(db)
    cli: dict[str, Any] = {
        "parse_exit": parsed.exit_code,
        "register_exit": registered.exit_code,
        "works": works,
    }
    problems = []
    for command, outcome in (("parse", parsed), ("register", registered)):
        if outcome.exit_code not in (0, 2):
            problems.append(f"{command} exit {outcome.exit_code}: {(outcome.output or '')[-300:]}")
    expected = 0 if result["outcome"] == "parsed" else 2
    if parsed.exit_code != expected:
        problems.append(f"parse exit {parsed.exit_code}, reader said {result['outcome']}")
    if registered.exit_code == 2 and works:
        problems.append(f"register refused the input but left {works} work(s) in the registry")
    if registered.exit_code == 0 and works != 1:
        problems.append(f"register succeeded with {works} work(s) in the registry")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cli["problems"] = problems
    return cli


def _count_works(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from works").fetchone()[0])
    except sqlite3.Error:
        return 0


def _worker(conn: Connection, seed: int, cli_every: int) -> None:
    os.environ.setdefault("DOCKGUARD_MODEL", "fake")
    workdir = Path(tempfile.mkdtemp(prefix="dockguard-fuzz-"))
    while True:
        task = conn.recv()
        if task is None:
            break
        fmt, indices = task
        for index in indices:
            name, data, how = fuzz_input(fmt, index, seed)
            conn.send(("start", fmt, index, time.time()))
            result = classify(fmt, index, name, data, how, workdir)
            if cli_every and index % cli_every == 0:
                result["cli"] = run_cli(result, workdir)
            for item in Path(result["path"]).parent.iterdir():
                item.unlink()
            Path(result["path"]).parent.rmdir()
            result["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            conn.send(("done", result))
        conn.send(("chunk",))
    conn.close()


class _Slot:
    def __init__(self, seed: int, cli_every: int) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.Process(target=_worker, args=(child, seed, cli_every), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[str, list[int]] | None = None
        self.done: set[int] = set()
        self.current: tuple[str, int, float] | None = None


def run(
    formats: list[str],
    per_format: int,
    seed: int,
    workers: int,
    cli_every: int,
    hang_seconds: float,
    start: int = 0,
) -> list[dict[str, Any]]:
    """All inputs, in `workers` processes, with a watchdog that kills a worker stuck on one input."""
    for fmt in formats:
        seeds(fmt)  # fail early (and build them once) before forking
    tasks = [
        (fmt, list(range(at, min(start + per_format, at + _CHUNK))))
        for fmt in formats
        for at in range(start, start + per_format, _CHUNK)
    ]
    tasks.reverse()
    results: list[dict[str, Any]] = []
    slots = [_Slot(seed, cli_every) for _ in range(workers)]
    total = len(tasks)
    finished = 0
    began = time.time()

    def assign(slot: _Slot) -> None:
        slot.task = tasks.pop() if tasks else None
        slot.done = set()
        slot.current = None
        if slot.task is not None:
            slot.conn.send(slot.task)

    for slot in slots:
        assign(slot)
    while any(slot.task is not None for slot in slots):
        ready = wait([s.conn for s in slots if s.task is not None], timeout=1.0)
        for slot in slots:
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except EOFError:
                    message = ("died",)
                if message[0] == "start":
                    slot.current = (message[1], message[2], message[3])
                elif message[0] == "done":
                    results.append(message[1])
                    slot.done.add(message[1]["index"])
                    slot.current = None
                elif message[0] == "chunk":
                    finished += 1
                    if finished % 40 == 0:
                        print(
                            f"  {finished}/{total} chunks, {len(results)} inputs, {time.time() - began:.0f}s",
                            flush=True,
                        )
                    assign(slot)
                elif message[0] == "died":
                    _replace(slot, slots, results, "died", seed, cli_every, tasks, assign)
        now = time.time()
        for slot in list(slots):
            if slot.current is not None and now - slot.current[2] > hang_seconds:
                _replace(slot, slots, results, "hang", seed, cli_every, tasks, assign)
    for slot in slots:
        slot.conn.send(None)
        slot.proc.join(timeout=10)
    return results


def _replace(
    slot: _Slot,
    slots: list[_Slot],
    results: list[dict[str, Any]],
    outcome: str,
    seed: int,
    cli_every: int,
    tasks: list[tuple[str, list[int]]],
    assign: Any,
) -> None:
    """Kill a stuck (or dead) worker, record its input, and give the rest of its chunk to a new one."""
    fmt, index, since = slot.current or (slot.task[0] if slot.task else "?", -1, time.time())
    slot.proc.kill()
    slot.proc.join()
    if index >= 0:
        name, data, how = fuzz_input(fmt, index, seed)
        results.append(
            {
                "fmt": fmt,
                "index": index,
                "name": name,
                "how": how,
                "size": len(data),
                "outcome": outcome,
                "seconds": time.time() - since,
                "error": outcome,
            }
        )
    remaining = [i for i in (slot.task[1] if slot.task else []) if i not in slot.done and i != index]
    fresh = _Slot(seed, cli_every)
    slots[slots.index(slot)] = fresh
    if remaining:
        tasks.append((fmt, remaining))
    assign(fresh)


def summarize(results: list[dict[str, Any]], formats: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fmt in formats:
        mine = [r for r in results if r["fmt"] == fmt]
        if not mine:
            continue
        slowest = max(mine, key=lambda r: r["seconds"])
        cli = [r["cli"] for r in mine if "cli" in r]
        out[fmt] = {
            "inputs": len(mine),
            "outcomes": dict(Counter(r["outcome"] for r in mine)),
            "refused_by_kind": dict(
                Counter(r.get("kind", "?") for r in mine if r["outcome"] == "refused").most_common()
            ),
            "slowest": {
                k: slowest.get(k) for k in ("index", "name", "how", "size", "seconds", "outcome", "kind")
            },
            "mean_ms": 1000 * sum(r["seconds"] for r in mine) / len(mine),
            "peak_rss_mib": max((r.get("rss_kib", 0) for r in mine), default=0) / 1024,
            "cli_inputs": len(cli),
            "cli_problems": sum(1 for c in cli if c["problems"]),
            "cli_exits": dict(
                Counter(f"parse {c['parse_exit']} / register {c['register_exit']}" for c in cli)
            ),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-format", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0, help="first input index (to resume or to shard)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cli-every", type=int, default=100, help="every Nth input also through the CLI (0: none)"
    )
    parser.add_argument("--hang-seconds", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="write the summary and every failure here")
    parser.add_argument(
        "--save-failures", action="store_true", help="keep crashes and hangs in tests/fixtures/fuzz/"
    )
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    began = time.time()
    results = run(
        formats, args.per_format, args.seed, args.workers, args.cli_every, args.hang_seconds, args.start
    )
    elapsed = time.time() - began
    summary = summarize(results, formats)
    failures = [
        r for r in results if r["outcome"] in ("crash", "hang", "died") or r.get("cli", {}).get("problems")
    ]
    for fmt, s in summary.items():
        slow = s["slowest"]
        print(
            f"{fmt:10} {s['inputs']:6} inputs  {s['outcomes']}  mean {s['mean_ms']:.1f} ms  "
            f"slowest #{slow['index']} {slow['seconds']:.2f}s ({slow['how']}, {slow['size']} bytes, {slow['outcome']} {slow.get('kind') or ''})  "
            f"peak RSS {s['peak_rss_mib']:.0f} MiB  cli {s['cli_inputs']} ({s['cli_problems']} problems)"
        )
        print(f"{'':10} refused: {s['refused_by_kind']}")
    for failure in failures[:50]:
        print(
            "FAIL",
            failure["fmt"],
            failure["index"],
            failure["how"],
            failure.get("error"),
            failure.get("where", ""),
            failure.get("cli", {}).get("problems", ""),
        )
    print(f"{len(results)} inputs in {elapsed:.0f}s, {len(failures)} failures (seed {args.seed})")
    if args.save_failures:
        for failure in failures:
            name, data, _ = fuzz_input(failure["fmt"], failure["index"], args.seed)
            save_regression(
                failure["fmt"], failure["index"], args.seed, name, data, str(failure.get("error"))
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"seconds": elapsed, "seed": args.seed, "summary": summary, "failures": failures},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
