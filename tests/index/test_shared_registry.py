"""Several scanning machines on one PostgreSQL registry, each with its own index folder: the real
CLI in separate processes, on the test run's PostgreSQL server (fake embedder: what is tested is
that each index follows the registry)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
RELEASE = CORPUS / "releases/zh-Hant/changan_gongque.zh-Hant.txt"


def dockguard(*args: str, model: bool = True) -> subprocess.CompletedProcess[str]:
    fake = ["--model", "fake"] if model else []
    return subprocess.run(
        [sys.executable, "-m", "dockguard", *args, *fake], capture_output=True, text=True, timeout=300
    )


def scanned_works(url: str, index_dir: Path) -> list[str]:
    done = dockguard(
        "scan", str(RELEASE), "--db", url, "--index-dir", str(index_dir), "--format", "json", "--top", "20"
    )
    assert done.returncode in (0, 1), done.stderr
    return [m["work_id"] for m in json.loads(done.stdout)["results"][0]["matches"]]


@pytest.mark.postgres
def test_a_registry_shared_by_two_index_folders(pg_url, tmp_path):
    a, b = tmp_path / "machine-a", tmp_path / "machine-b"
    header, *rows = (CORPUS / "registry.tsv").read_text("utf-8").splitlines()
    rows = [r.split("\t") for r in rows]
    for r in rows:
        r[1] = str(CORPUS / r[1])
    others = [r[0] for r in rows if r[0] != "changan-gongque"]
    manifest = tmp_path / "others.tsv"
    manifest.write_text(
        "\n".join([header, *("\t".join(r) for r in rows if r[0] != "changan-gongque")]) + "\n", "utf-8"
    )
    assert (
        dockguard("register", "--manifest", str(manifest), "--db", pg_url, "--index-dir", str(a)).returncode
        == 0
    )
    assert "changan-gongque" not in scanned_works(pg_url, b)  # B builds its own index from the registry

    copied = next(r for r in rows if r[0] == "changan-gongque")
    work = dockguard("register", copied[1], "--id", "changan-gongque", "--db", pg_url, "--index-dir", str(a))
    assert work.returncode == 0, work.stderr
    assert scanned_works(pg_url, b)[0] == "changan-gongque"  # A registered: B's next scan finds it

    assert (
        dockguard("works", "remove", "changan-gongque", "--yes", "--db", pg_url, model=False).returncode == 0
    )
    assert "changan-gongque" not in scanned_works(pg_url, b)  # A removed it: B no longer reports it
    assert "changan-gongque" not in scanned_works(pg_url, a)
    assert set(scanned_works(pg_url, a)) <= set(others)
    for folder in (a, b):  # each machine kept its own index
        info = dockguard("index", "info", "--db", pg_url, "--index-dir", str(folder), "--format", "json")
        status = json.loads(info.stdout)
        assert status["state"] == "in step with the registry" and status["removed_works"] == 1, status
