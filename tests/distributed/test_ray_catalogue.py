"""Whole catalogues on a local Ray of 2 workers: the same registry as one process, a bad file that fails
only itself, batches that are all or nothing, re-runs that skip, and the same verdicts.

One local Ray serves the module (starting it costs seconds); most tests use the fake embedder, one
registers and scans with the real model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dockguard.config import VECTORS_KIND
from dockguard.embed import Embedder
from dockguard.manifest import ManifestEntry, read_manifest
from dockguard.pipeline import Scanner, read_works, register

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from dockguard.distributed import EmbedderSpec, register_catalogue, scan_catalogue  # noqa: E402
from dockguard.registry import Registry  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FAKE = EmbedderSpec(model="fake")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    """A local Ray with 2 CPUs (so 2 workers), not whatever cluster the environment names."""
    from dockguard.distributed import connect

    saved = os.environ.pop("RAY_ADDRESS", None)
    if ray.is_initialized():
        ray.shutdown()
    layout = connect(workers=2)
    assert layout.count == 2 and layout.gpus == 0 and layout.address == "local"
    yield
    ray.shutdown()
    if saved is not None:
        os.environ["RAY_ADDRESS"] = saved


def _entries() -> list[ManifestEntry]:
    return read_manifest(CORPUS / "registry.tsv")


def _vectors(registry: Registry) -> dict[str, np.ndarray]:
    out = {}
    for key in registry.artifact_keys(VECTORS_KIND):
        for work_id, art in registry.iter_artifacts(VECTORS_KIND, key):
            out[work_id] = np.frombuffer(art.data, dtype="<f2").astype(np.float32).reshape(art.end - art.start, -1)
    return out


def test_ray_registers_what_one_process_registers_and_a_bad_file_fails_only_itself(tmp_path: Path) -> None:
    with Registry.open(f"sqlite:///{tmp_path / 'single.sqlite'}") as single:
        from dockguard.embed import load_embedder

        register(single, read_works(_entries()), load_embedder("fake"))
        expected = {w.work_id: w.content_hash for w in single.list_works()}
        expected_vectors = _vectors(single)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    entries = [*_entries()[:3], ManifestEntry(tmp_path / "bad.pdf", "broken", "Broken", None, None, (), 9), *_entries()[3:]]
    with Registry.open(f"sqlite:///{tmp_path / 'ray.sqlite'}") as registry:
        done = register_catalogue(registry, entries, embedder=FAKE, workers=2, batch_works=4)
        assert done.workers.count == 2 and done.batches == 2 and not done.skipped
        assert [f.path for f in done.failed] == [str(tmp_path / "bad.pdf")]
        assert done.failed[0].kind == "input" and "bad.pdf" in done.failed[0].message
        assert [r.work_id for r in done.receipts] == [e.work_id for e in _entries()], "manifest order"
        assert {w.work_id: w.content_hash for w in registry.list_works()} == expected
        assert registry.verify().ok, "receipts form a valid chain"
        vectors = _vectors(registry)
        assert set(vectors) == set(expected_vectors)
        for work_id, matrix in vectors.items():
            np.testing.assert_array_equal(matrix, expected_vectors[work_id])
        assert {w.owner for w in registry.list_works()} == {e.owner for e in _entries()}


class _FailingSecondBatch:
    """A registry whose second batch write fails (a lost database connection, say)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.calls = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.registry, name)

    def add_batch(self, items, *, skip_existing=False):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls == 2:
            raise ConnectionError("the database went away")
        return self.registry.add_batch(items, skip_existing=skip_existing)


def test_each_batch_is_all_or_nothing_and_a_rerun_skips_what_is_registered(tmp_path: Path) -> None:
    with Registry.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as registry:
        flaky = _FailingSecondBatch(registry)
        with pytest.raises(ConnectionError):
            register_catalogue(flaky, _entries(), embedder=FAKE, workers=2, batch_works=2)  # type: ignore[arg-type]
        first = {e.work_id for e in _entries()[:2]}
        assert {w.work_id for w in registry.list_works()} == first, "the first batch, nothing of the second"
        rest = register_catalogue(registry, _entries(), embedder=FAKE, workers=2, batch_works=2)
        assert {s.work_id for s in rest.skipped} == first
        assert [r.work_id for r in rest.receipts] == [e.work_id for e in _entries()[2:]]
        assert len(registry.list_works()) == 6 and registry.verify().ok


def _cli(*args: str):  # type: ignore[no-untyped-def]
    from dockguard.cli import main

    return CliRunner().invoke(main, list(args), env={"DOCKGUARD_MODEL": "fake"}, catch_exceptions=False)


def test_cli_register_and_scan_with_ray(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    (tmp_path / "bad.srt").write_bytes(b"\xff\xfe\x00garbage\x00\x00")
    manifest = tmp_path / "m.tsv"
    rows = ["work_id\tpath\ttitle\tlang"] + [f"{e.work_id}\t{e.path}\t{e.title}\t{e.language}" for e in _entries()[:2]]
    manifest.write_text("\n".join([*rows, "bad\tbad.srt\tBad\tzh-Hans"]) + "\n", encoding="utf-8")
    result = _cli("register", "--manifest", str(manifest), "--ray", "--workers", "2", "--db", db, "--format", "json")
    assert result.exit_code == 2, result.output
    out = json.loads(result.stdout)
    assert [r["work_id"] for r in out["registered"]] == [e.work_id for e in _entries()[:2]]
    assert [f["path"] for f in out["failed"]] == [str(tmp_path / "bad.srt")]
    assert "bad.srt" in result.stderr

    releases = [CORPUS / "releases/zh-Hant/changan_gongque.zh-Hant.txt", CORPUS / "releases/unrelated"]
    (tmp_path / "unreadable.fdx").write_text("<FinalDraft><Content><Paragraph", encoding="utf-8")
    scan = _cli("scan", *map(str, releases), str(tmp_path / "unreadable.fdx"), "--ray", "--workers", "2", "--db", db,
                "--format", "json")
    single = _cli("scan", *map(str, releases), "--db", db, "--format", "json")
    assert scan.exit_code == 2 and single.exit_code in (0, 1), scan.output
    assert "unreadable.fdx" in scan.stderr
    document, alone = json.loads(scan.stdout), json.loads(single.stdout)
    assert document["model"] == alone["model"] == "fake-ngram-v1"
    assert [r["path"] for r in document["results"]] == [r["path"] for r in alone["results"]], "all but the bad file"
    assert len(document["results"]) > 2, "a folder of releases is expanded as without Ray"
    assert [r["verdict"] for r in document["results"]] == [r["verdict"] for r in alone["results"]]
    assert [[m["work_id"] for m in r["matches"]] for r in document["results"]] == [
        [m["work_id"] for m in r["matches"]] for r in alone["results"]
    ]


@pytest.mark.model
def test_real_model_on_ray_equals_one_process(tmp_path: Path, corpus_db: str, real_embedder: Embedder,
                                              e5_cache_dir: Path) -> None:
    """The corpus registered by 2 Ray workers with the real model (the default backend): the same
    content, vectors equal to the single process's within fp16 storage, and the same verdicts."""
    spec = EmbedderSpec(cache_dir=e5_cache_dir)
    with Registry.open(f"sqlite:///{tmp_path / 'ray.sqlite'}") as registry, Registry.open(corpus_db) as single:
        done = register_catalogue(registry, _entries(), embedder=spec, workers=2)
        assert not done.failed and registry.verify().ok
        assert {w.work_id: w.content_hash for w in registry.list_works()} == {
            w.work_id: w.content_hash for w in single.list_works()
        }
        assert set(registry.artifact_keys(VECTORS_KIND)) == {real_embedder.model_id}
        ours, theirs = _vectors(registry), _vectors(single)
        for work_id, matrix in ours.items():
            assert np.abs(matrix - theirs[work_id]).max() < 2e-3, work_id  # fp16 rounding, same backend

        from dockguard.formats import expand_works

        paths = expand_works([CORPUS / "releases/en"])[:2] + expand_works([CORPUS / "releases/unrelated"])[:2]
        scanned = scan_catalogue(registry, paths, embedder=spec, workers=2)
        assert not scanned.failed and [r.path for r in scanned.results] == [str(p) for p in paths]
        scanner = Scanner(single, real_embedder)
        for path, result in zip(paths, scanned.results, strict=True):
            alone = scanner.scan_path(path)
            assert result.verdict == alone.verdict, path
            assert [m.work_id for m in result.matches[:1]] == [m.work_id for m in alone.matches[:1]], path
            assert dict(result.timings)["embed"] > 0
