"""Load test of `dockguard serve` on loopback, bounded in count and time (a benchmark, not a test).

    python benchmarks/load.py [--scans 300] [--clients 16] [--max-seconds 1500] [--model NAME] [--write docs/SERVICE.md]

1. A fresh SQLite registry in a temporary folder; the corpus originals registered and the corpus
   releases scanned once with the CLI (`dockguard register --manifest`, `dockguard scan --format json`):
   the CLI's verdicts are the reference.
2. `dockguard serve` started on 127.0.0.1 (a free port) with one scanner key.
3. `--clients` threads submit `--scans` scans in all, the corpus's releases in turn, each client
   submitting one and polling `GET /v1/scans/{id}` every 0.5 s until it is done, then the next;
   a 503 (queue full) is retried after its Retry-After. Submissions stop at `--max-seconds`.
4. Checked: no 5xx; every accepted job listed once by `GET /v1/scans` and done (none lost or
   duplicated); every result's verdict and best match equal the CLI's for that release.
   Measured: end-to-end latency (submit → done seen by polling), request latencies (submit, poll),
   scans per minute over the whole run.

With `--write FILE`, the figures replace the block between `<!-- load:begin -->` and
`<!-- load:end -->` in FILE (`--block NAME`: `<!-- NAME:begin -->` …), with the command and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: dict[str, str] = field(default_factory=dict)  # job id → release
    results: dict[str, dict] = field(default_factory=dict)
    end_to_end: list[float] = field(default_factory=list)
    submit_s: list[float] = field(default_factory=list)
    poll_s: list[float] = field(default_factory=list)
    polls: int = 0
    status_5xx: int = 0
    retries_503: int = 0
    errors: list[str] = field(default_factory=list)


def dockguard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockguard", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def client_loop(
    base: str, key: str, releases: list[Path], counter: list[int], total: int, deadline: float, tally: Tally
) -> None:
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120, trust_env=False
    ) as client:
        while True:
            with tally.lock:
                if counter[0] >= total or time.monotonic() > deadline:
                    return
                n = counter[0]
                counter[0] += 1
            release = releases[n % len(releases)]
            rel = release.relative_to(CORPUS).as_posix()
            start = time.monotonic()
            while True:
                t = time.monotonic()
                r = client.post("/v1/scans", files={"file": (release.name, release.read_bytes())})
                with tally.lock:
                    tally.submit_s.append(time.monotonic() - t)
                if r.status_code == 503:
                    with tally.lock:
                        tally.retries_503 += 1
                    time.sleep(float(r.headers.get("retry-after", "1")))
                    continue
                break
            if r.status_code >= 500 or r.status_code != 202:
                with tally.lock:
                    tally.status_5xx += r.status_code >= 500
                    tally.errors.append(f"submit {rel}: HTTP {r.status_code} {r.text[:200]}")
                continue
            job_id = r.json()["id"]
            with tally.lock:
                tally.accepted[job_id] = rel
            while True:
                time.sleep(0.5)
                t = time.monotonic()
                p = client.get(f"/v1/scans/{job_id}")
                with tally.lock:
                    tally.poll_s.append(time.monotonic() - t)
                    tally.polls += 1
                    tally.status_5xx += p.status_code >= 500
                if p.status_code != 200:
                    with tally.lock:
                        tally.errors.append(f"poll {job_id}: HTTP {p.status_code}")
                    break
                body = p.json()
                if body["status"] in ("done", "failed"):
                    with tally.lock:
                        tally.end_to_end.append(time.monotonic() - start)
                        tally.results[job_id] = body
                    break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=1500.0, help="stop submitting after this long")
    parser.add_argument("--model", default=None, help="embedding model [default: the built-in e5]")
    parser.add_argument("--workers", type=int, default=1, help="`serve --workers`")
    parser.add_argument("--write", type=Path, help="put the figures into this Markdown file")
    parser.add_argument(
        "--block",
        default="load",
        help="the block of --write to replace: <!-- BLOCK:begin --> … <!-- BLOCK:end -->",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dockguard-load-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if args.model:
        env["DOCKGUARD_MODEL"] = args.model
    db = f"sqlite:///{work / 'registry.sqlite'}"
    server = None
    try:
        print("registering the corpus and scanning it with the CLI (the reference) ...", file=sys.stderr)
        reg = dockguard(
            "register", "--manifest", str(CORPUS / "registry.tsv"), "--db", db, "--format", "json", env=env
        )
        assert reg.returncode == 0, reg.stderr
        releases = sorted(p for p in (CORPUS / "releases").rglob("*") if p.is_file())
        cli = dockguard("scan", *map(str, releases), "--db", db, "--format", "json", env=env)
        assert cli.returncode in (0, 1), cli.stderr
        reference = {
            Path(r["path"]).resolve().relative_to(CORPUS).as_posix(): r
            for r in json.loads(cli.stdout)["results"]
        }
        key = json.loads(
            dockguard(
                "keys",
                "create",
                "--role",
                "scanner",
                "--name",
                "load",
                "--db",
                db,
                "--format",
                "json",
                env=env,
            ).stdout
        )["key"]

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / "server.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dockguard",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--db",
                db,
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
        t0 = time.monotonic()
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (work / "server.log").read_text()
            assert time.monotonic() - t0 < 300, "server not ready in 300 s"
            time.sleep(0.2)
        ready_s = time.monotonic() - t0
        print(
            f"server ready in {ready_s:.1f} s; {args.clients} clients, {args.scans} scans ...",
            file=sys.stderr,
        )

        tally, counter = Tally(), [0]
        load_start = os.getloadavg()[0]
        start = time.monotonic()
        deadline = start + args.max_seconds
        threads = [
            threading.Thread(
                target=client_loop, args=(base, key, releases, counter, args.scans, deadline, tally)
            )
            for _ in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
        load_end = os.getloadavg()[0]

        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60, trust_env=False
        ) as client:
            listed = [s["id"] for s in client.get("/v1/scans", params={"limit": 500}).json()["scans"]]
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)

    mismatched = []
    for job_id, body in tally.results.items():
        rel = tally.accepted[job_id]
        if body["status"] != "done":
            mismatched.append(f"{rel}: {body['status']} {body['error']}")
            continue
        [got] = body["result"]["results"]
        want = reference[rel]
        best = (got["verdict"], got["matches"][0]["work_id"] if got["matches"] else None)
        expected = (want["verdict"], want["matches"][0]["work_id"] if want["matches"] else None)
        if best != expected:
            mismatched.append(f"{rel}: {best} != CLI {expected}")
    lost = set(tally.accepted) - set(tally.results)
    duplicated = len(listed) - len(set(listed))
    unlisted = set(tally.accepted) ^ set(listed)
    done = len(tally.results)
    figures = {
        "scans accepted": len(tally.accepted),
        "scans done": done,
        "wall time (s)": round(wall, 1),
        "scans per minute": round(done / wall * 60, 1) if wall else 0.0,
        "end-to-end latency p50 (s)": round(percentile(tally.end_to_end, 0.5), 2),
        "end-to-end latency p95 (s)": round(percentile(tally.end_to_end, 0.95), 2),
        "submit request p50 / p95 (ms)": f"{percentile(tally.submit_s, 0.5) * 1000:.0f} / {percentile(tally.submit_s, 0.95) * 1000:.0f}",
        "status poll p50 / p95 (ms)": f"{percentile(tally.poll_s, 0.5) * 1000:.0f} / {percentile(tally.poll_s, 0.95) * 1000:.0f}",
        "status polls": tally.polls,
        "503 (queue full) retried": tally.retries_503,
        "5xx answers": tally.status_5xx,
        "jobs lost / duplicated / unlisted": f"{len(lost)} / {duplicated} / {len(unlisted)}",
        "verdicts differing from the CLI": len(mismatched),
        "server ready after (s)": round(ready_s, 1),
        "load average (1 min) at start / end": f"{load_start:.1f} / {load_end:.1f}",
    }
    for k, v in figures.items():
        print(f"{k:36} {v}")
    for line in (tally.errors + mismatched)[:20]:
        print("  ", line)
    ok = not (tally.status_5xx or lost or duplicated or unlisted or mismatched or tally.errors)
    print("OK" if ok else "FAILED")
    if args.write:
        command = "python benchmarks/load.py " + " ".join(sys.argv[1:])
        machine = f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}"
        mean_e2e = statistics.fmean(tally.end_to_end) if tally.end_to_end else float("nan")
        rows = "\n".join(f"| {k} | {v} |" for k, v in figures.items())
        block = (
            f"<!-- {args.block}:begin -->\nCommand: `{command}` ({time.strftime('%Y-%m-%d', time.gmtime())}, {machine}; "
            f"model {'the built-in multilingual-e5-small' if not args.model else args.model}, "
            f"`serve --workers {args.workers}`, {args.clients} clients, the corpus's {len(releases)} releases in turn). "
            f"Result: **{'OK' if ok else 'FAILED'}**; mean end-to-end {mean_e2e:.2f} s.\n\n"
            f"| figure | value |\n|---|---|\n{rows}\n<!-- {args.block}:end -->"
        )
        text = args.write.read_text(encoding="utf-8")
        begin = text.index(f"<!-- {args.block}:begin -->")
        end = text.index(f"<!-- {args.block}:end -->") + len(f"<!-- {args.block}:end -->")
        args.write.write_text(text[:begin] + block + text[end:], encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
