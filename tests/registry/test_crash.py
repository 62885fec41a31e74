"""kill -9 during a bulk `dockguard register --manifest` (the real CLI, in a subprocess).

Each kill lands either at a chosen point of the registration's database work (the process pauses
before its K-th SQL statement or before a COMMIT, and is killed there: inside the transaction) or
at a random moment of the run (startup, parsing, embedding, writing, exiting). After every kill the
registry verifies, and every batch is all there or absent; re-running the same command (with
--skip-existing) completes it. The fake embedder stands in for the model: what is tested is the
database. $DOCKGUARD_CRASH_KILLS sets the number of kills per backend (default 50).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dockguard.registry import Registry

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("DOCKGUARD_CRASH_KILLS", "50"))
BATCHES, PER_BATCH, LINES = 8, 4, 30
_HAN = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 2000)])
_SPEAKERS = ("林霄", "苏晚", "陈默", "许安")


def write_batches(folder: Path, rng: np.random.Generator, round_: int) -> list[tuple[Path, list[str]]]:
    """BATCHES manifests of PER_BATCH small scripts each; every script's text is its own."""
    batches = []
    for b in range(BATCHES):
        rows = ["work_id\tpath\ttitle\tlang\towner"]
        ids = []
        for w in range(PER_BATCH):
            work_id = f"crash-{round_}-{b}-{w}"
            lines = ["第1集", "1-1 日 内 办公室"]
            for i in range(LINES):
                text = "".join(rng.choice(_HAN, size=int(rng.integers(6, 16))))
                lines.append(f"{_SPEAKERS[i % 4]}：{text}。")
            (folder / f"{work_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            rows.append(f"{work_id}\t{work_id}.txt\t作品{b}-{w}\tzh-Hans\t片方{b}")
            ids.append(work_id)
        manifest = folder / f"batch-{round_}-{b}.tsv"
        manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
        batches.append((manifest, ids))
    return batches


class Child:
    """One `dockguard register --manifest` process, with an optional pause point."""

    def __init__(self, manifest: Path, db_url: str, marker: Path, pause: str = "") -> None:
        marker.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DOCKGUARD_CRASH_PAUSE": pause,
            "DOCKGUARD_CRASH_MARKER": str(marker),
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, str(CHILD), "register", "--manifest", str(manifest), "--skip-existing",
                   "--db", db_url, "--model", "fake", "--format", "json"]
        self.marker = marker
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait_paused(self, timeout: float = 120) -> bool:
        """True once the child sits at its pause point; False when it exited first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.marker.exists() and self.marker.read_text(encoding="ascii") == "paused":
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.01)
        raise AssertionError("the child neither paused nor exited")

    def kill(self) -> bool:
        """kill -9; True when it was still running."""
        alive = self.process.poll() is None
        if alive:
            os.kill(self.process.pid, signal.SIGKILL)
        self.finish()
        return alive

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out.decode(), err.decode()


def check_all_or_nothing(db_url: str, batches: list[tuple[Path, list[str]]]) -> list[bool]:
    """Verify the registry and return, per batch, whether it is complete (absent otherwise)."""
    with Registry.open(db_url) as registry:
        report = registry.verify()
        assert report.ok, report.problems
        registered = {w.work_id for w in registry.list_works()}
        receipts = registry.receipts()
    assert len(receipts) == len(registered) == len({r.work_id for r in receipts})  # no duplicates
    complete = []
    for manifest, ids in batches:
        present = [work_id in registered for work_id in ids]
        assert all(present) or not any(present), f"{manifest.name} is half there: {present}"
        complete.append(all(present))
    return complete


def test_kill_9_during_bulk_registration(db_url: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(20261201)
    chooser = random.Random(20261201)
    batches = write_batches(tmp_path, rng, 0)
    rounds = 1
    marker = tmp_path / "marker"

    # calibration: the first batch unkilled, counting its statements and commits and timing it (into
    # an existing registry, as every later run is: creating the schema takes statements of its own)
    Registry.open(db_url).close()
    started = time.monotonic()
    child = Child(batches[0][0], db_url, marker)
    code, out, err = child.finish()
    duration = time.monotonic() - started
    assert code == 0, err
    _, statements, commits = marker.read_text(encoding="ascii").split()
    statements_n, commits_n = int(statements), int(commits)
    assert statements_n > 5 and commits_n >= 1
    assert check_all_or_nothing(db_url, batches)[0]

    kills = {"at a statement or commit": 0, "at random": 0}
    outcomes = {"absent": 0, "complete": 0}
    attempts = 0
    while sum(kills.values()) < KILLS:
        attempts += 1
        assert attempts < 4 * KILLS, f"only {kills} kills landed in {attempts} attempts"
        complete = check_all_or_nothing(db_url, batches)
        if all(complete):  # more batches, into the same (growing) registry
            batches += write_batches(tmp_path, rng, rounds)
            rounds += 1
            continue
        target = complete.index(False)
        manifest, _ = batches[target]
        if attempts % 2:
            # stop inside the database work: before a statement or the commit, then kill
            point = chooser.choice(["statement"] * 4 + ["commit"])
            pause = f"{point}:{chooser.randint(1, statements_n if point == 'statement' else commits_n)}"
            child = Child(manifest, db_url, marker, pause)
            if child.wait_paused() and child.kill():
                kills["at a statement or commit"] += 1
            else:
                code, _, err = child.finish()
                assert code == 0, err
        else:
            child = Child(manifest, db_url, marker)
            time.sleep(chooser.uniform(0, duration * 1.1))
            if child.kill():
                kills["at random"] += 1
            else:
                assert child.process.returncode == 0, child.finish()[2]
        outcomes["complete" if check_all_or_nothing(db_url, batches)[target] else "absent"] += 1

    # re-running each batch completes it; re-running a complete one registers nothing twice
    for (manifest, _), done in zip(batches, check_all_or_nothing(db_url, batches), strict=True):
        if not done:
            code, out, err = Child(manifest, db_url, marker).finish()
            assert code == 0, err
    assert all(check_all_or_nothing(db_url, batches))
    code, out, err = Child(batches[0][0], db_url, marker).finish()
    assert code == 0 and '"registered": []' in out, (out, err)
    print(f"kills: {kills}; after the kill the batch was {outcomes}")
    assert kills["at a statement or commit"] >= KILLS // 3 and outcomes["absent"] > 0
