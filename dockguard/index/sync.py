"""Keeping an index generation in step with its registry.

The receipt chain is the registry's change log: a generation records the last receipt it applied
(`Manifest.seq` and its hash) and applies the ones after it, a register receipt adding the work's
rows (its stored vectors, which lines carry words, its chunks' band keys) and a remove receipt
marking them dead. A registry whose chain no longer holds that receipt (replaced, or another
registry at the same place) gets a fresh generation. Rows are merged into the trained lists once
enough were registered since the last merge; the lists are trained once the registry reaches
`IndexSettings.min_lines`, and retrained only by `rebuild` (resumable: every step is committed to
the new generation's manifest before the next).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from dockguard.config import MINHASH_KIND, VECTORS_KIND, EngineSettings
from dockguard.embed import Embedder
from dockguard.embed.base import check_model_id
from dockguard.errors import ModelError
from dockguard.fingerprint.minhash import sign_chunks, signature_from_bytes
from dockguard.index.bands import BandTable, banding
from dockguard.index.faiss_lists import InvertedLists
from dockguard.index.folder import Generation, IndexedWork, IndexFolder, Lists, Manifest
from dockguard.model import FlatScript, worded_mask
from dockguard.normalize import canonical_lines
from dockguard.registry import Receipt, Registry

Progress = Callable[[str, int, int], None]  # (step, done, total)

BATCH_LINES = 100_000  # rows read from the registry and appended per step
ADD_LINES = 500_000  # rows added to the lists per faiss call
CHECKPOINT_LINES = 2_000_000  # rows added between two writes of the lists during a rebuild


class StaleIndex(Exception):
    """The generation reflects a registry state the registry no longer has."""


def empty_manifest(embedder: Embedder, settings: EngineSettings, *, complete: bool = True) -> Manifest:
    return Manifest(
        model_id=embedder.model_id,
        dim=embedder.dim,
        minhash_key=settings.minhash.key,
        settings_key=settings.index.key,
        complete=complete,
    )


def fits(manifest: Manifest, embedder: Embedder, settings: EngineSettings) -> bool:
    """The generation was made for this model and these settings."""
    return (
        manifest.model_id == embedder.model_id
        and manifest.dim == embedder.dim
        and manifest.minhash_key == settings.minhash.key
        and manifest.settings_key == settings.index.key
    )


def refresh(
    folder: IndexFolder, registry: Registry, embedder: Embedder, settings: EngineSettings
) -> tuple[Generation, Manifest]:
    """The live generation, caught up with the registry (a fresh one if it cannot be). Call inside
    `registry.snapshot()`, so that what it applies and what the caller reads next agree."""
    gen = folder.current()
    manifest = gen.read_manifest() if gen else None
    head = registry.head()
    if gen and manifest and fits(manifest, embedder, settings) and _at(manifest, head):
        return gen, manifest  # up to date: no lock, nothing written
    with folder.writing():
        gen = folder.current()
        manifest = gen.read_manifest() if gen else None
        caught_up = None
        if gen is not None and manifest is not None and fits(manifest, embedder, settings):
            try:
                caught_up = gen, catch_up(gen, manifest, registry, embedder, settings)
            except StaleIndex:
                pass
        if caught_up is None:  # none yet, made for other settings, or of a registry no longer there
            fresh = folder.new_generation()
            caught_up = (
                fresh,
                catch_up(fresh, empty_manifest(embedder, settings), registry, embedder, settings),
            )
            folder.make_current(fresh)
        gen, manifest = caught_up
        return gen, maintain(gen, manifest, settings)


def rebuild(
    folder: IndexFolder,
    registry: Registry,
    embedder: Embedder,
    settings: EngineSettings,
    progress: Progress | None = None,
) -> tuple[Generation, Manifest]:
    """Build a new generation from the registry, train its lists on a sample of all its lines and
    make it live. Scans (and their catch-ups) go on with the live generation meanwhile: the writers'
    lock is taken only to catch up once more and switch. A rebuild that was stopped continues where
    it stopped."""
    with folder.writing("rebuild.lock"):
        gen = folder.pending()
        manifest = gen.read_manifest() if gen else None
        if gen is None or manifest is None or manifest.complete or not fits(manifest, embedder, settings):
            gen = folder.new_generation()
            manifest = empty_manifest(embedder, settings, complete=False)
            gen.write_manifest(manifest)
        with registry.snapshot():
            manifest = catch_up(gen, manifest, registry, embedder, settings, progress)
        if manifest.alive_rows >= settings.index.min_lines:
            manifest = fill_lists(gen, manifest, settings, progress, checkpoint=CHECKPOINT_LINES)
        elif manifest.lists is not None:  # shrunk below the size worth lists: searched exactly
            manifest = replace(manifest, lists=None)
        with folder.writing(), registry.snapshot():  # what was registered meanwhile
            manifest = catch_up(gen, manifest, registry, embedder, settings, progress)
            manifest = replace(manifest, complete=True)
            gen.write_manifest(manifest)
            folder.make_current(gen)
        return gen, manifest


def _at(manifest: Manifest, head: Receipt | None) -> bool:
    if head is None:
        return manifest.seq == 0
    return manifest.seq == head.seq and manifest.head_hash == head.hash


def catch_up(
    gen: Generation,
    manifest: Manifest,
    registry: Registry,
    embedder: Embedder,
    settings: EngineSettings,
    progress: Progress | None = None,
) -> Manifest:
    """Apply the receipts after `manifest.seq` to the generation; StaleIndex if the registry's
    chain does not hold the receipt the generation was made at."""
    gen.cut_to(manifest)
    bands = BandTable(gen.path / "bands.sqlite", *banding(settings.lsh_threshold, settings.minhash.num_perm))
    try:
        bands.cut_from(len(manifest.works))
        receipts = registry.receipts(from_seq=max(manifest.seq, 1))
        if manifest.seq:
            if not receipts or receipts[0].seq != manifest.seq or receipts[0].hash != manifest.head_hash:
                raise StaleIndex(f"the registry has no receipt {manifest.seq} {manifest.head_hash[:12]}")
            receipts = receipts[1:]
        elif registry.head() is None and manifest.works:
            raise StaleIndex("the registry is empty")
        if not receipts:
            return manifest
        keys = sorted(registry.artifact_keys(VECTORS_KIND))
        for key in keys:
            check_model_id(key, embedder, "the registry's line vectors")
        last = {r.work_id: r.seq for r in receipts}  # a work's last receipt: only that one's state counts
        total = sum(1 for r in receipts if r.action == "register" and last[r.work_id] == r.seq)
        done = 0
        for chunk in _chunks(receipts, registry):
            works = list(manifest.works)
            removed = {r.work_id for r in chunk if r.action == "remove"}
            works = [replace(w, alive=False) if w.alive and w.work_id in removed else w for w in works]
            adds = [r for r in chunk if r.action == "register" and last[r.work_id] == r.seq]
            rows = manifest.rows
            for receipt, vectors, worded, signatures in _read_works(registry, adds, keys, settings):
                if vectors.shape[1] != manifest.dim:
                    raise ModelError(
                        f"work {receipt.work_id!r} has {vectors.shape[1]}-dimensional vectors, not {manifest.dim}"
                    )
                ordinal = len(works)
                gen.append(vectors, np.full(len(vectors), ordinal, np.int32), worded)
                bands.add(ordinal, signatures)
                works.append(
                    IndexedWork(
                        ordinal, receipt.work_id, rows, rows + len(vectors), receipt.seq, receipt.hash
                    )
                )
                rows += len(vectors)
            bands.commit()
            gen.sync_files()
            manifest = replace(
                manifest, works=tuple(works), rows=rows, seq=chunk[-1].seq, head_hash=chunk[-1].hash
            )
            gen.write_manifest(manifest)
            done += len(adds)
            if progress:
                progress("reading works", done, total)
        return manifest
    finally:
        bands.close()


def _chunks(receipts: Sequence[Receipt], registry: Registry) -> list[list[Receipt]]:
    """Consecutive receipts, each chunk's registered works holding about BATCH_LINES lines."""
    sizes = {w.work_id: w.lines for w in registry.list_works()}
    chunks: list[list[Receipt]] = [[]]
    lines = 0
    for r in receipts:
        chunks[-1].append(r)
        lines += sizes.get(r.work_id, 0) if r.action == "register" else 0
        if lines >= BATCH_LINES:
            chunks.append([])
            lines = 0
    return [c for c in chunks if c]


def _read_works(
    registry: Registry, adds: Sequence[Receipt], keys: Sequence[str], settings: EngineSettings
) -> list[tuple[Receipt, np.ndarray, np.ndarray, list]]:  # type: ignore[type-arg]
    """Each added work's stored vectors, has-words mask and chunk signatures, in receipt order."""
    ids = [r.work_id for r in adds]
    if not ids:
        return []
    vectors: dict[str, np.ndarray] = {}
    for key in keys:
        for work_id, art in registry.iter_artifacts(VECTORS_KIND, key, ids):
            vectors.setdefault(work_id, np.frombuffer(art.data, dtype="<f2").reshape(art.end - art.start, -1))
    missing = [w for w in ids if w not in vectors]
    if missing:
        raise ModelError(
            f"{len(missing)} registered work(s) (e.g. {missing[0]}) have no line vectors; register them again"
        )
    signatures: dict[str, list] = {w: [] for w in ids}  # type: ignore[type-arg]
    for work_id, art in registry.iter_artifacts(MINHASH_KIND, settings.minhash.key, ids):
        signatures[work_id].append(signature_from_bytes(art.data, settings.minhash))
    for work_id in ids:  # registered under other fingerprint settings: signed again from its text
        if not signatures[work_id]:
            flat = FlatScript.of(registry.get_work(work_id).script)
            signatures[work_id] = [c.minhash for c in sign_chunks(canonical_lines(flat), settings.minhash)]
    texts = registry.line_texts(ids)
    out = []
    for r in adds:
        worded = worded_mask(texts.get(r.work_id, ()))
        if len(worded) != len(vectors[r.work_id]):
            raise ModelError(
                f"work {r.work_id!r}: its line vectors do not match its lines; register it again"
            )
        out.append((r, vectors[r.work_id], worded.astype(np.uint8), signatures[r.work_id]))
    return out


def alive_rows(manifest: Manifest) -> np.ndarray:
    alive = np.zeros(manifest.rows, bool)
    for w in manifest.works:
        if w.alive:
            alive[w.start : w.end] = True
    return alive


def maintain(gen: Generation, manifest: Manifest, settings: EngineSettings) -> Manifest:
    """Train the lists once the registry is large enough; merge the rows registered since."""
    s = settings.index
    if manifest.lists is None and manifest.alive_rows >= s.min_lines:
        return fill_lists(gen, manifest, settings)
    if manifest.lists is not None and manifest.rows - manifest.lists.rows >= s.merge_lines:
        return merge(gen, manifest, settings)
    return manifest


def fill_lists(
    gen: Generation,
    manifest: Manifest,
    settings: EngineSettings,
    progress: Progress | None = None,
    checkpoint: int | None = None,
) -> Manifest:
    """Train the lists if there are none yet (a rebuild may have trained them before it stopped),
    then add every row not in them."""
    if manifest.lists is None:
        manifest = train(gen, manifest, settings, progress)
    return merge(gen, manifest, settings, progress, checkpoint)


def train(
    gen: Generation, manifest: Manifest, settings: EngineSettings, progress: Progress | None = None
) -> Manifest:
    s = settings.index
    vectors = gen.vector_file(manifest.rows, manifest.dim)
    alive = np.flatnonzero(alive_rows(manifest))
    rng = np.random.default_rng(s.seed)
    sample = np.sort(rng.choice(alive, size=min(s.train_sample, len(alive)), replace=False))
    lists_n = s.lists_for(len(alive))
    if progress:
        progress("training", 0, 1)
    codes = s.codes_for(manifest.dim)
    lists = InvertedLists.train(vectors.take(sample), lists_n, codes, s.seed)
    name = "lists-0.faiss"
    lists.write(gen.path / name)
    manifest = replace(manifest, lists=Lists(name, 0, len(alive), lists_n, codes))
    gen.write_manifest(manifest)
    if progress:
        progress("training", 1, 1)
    return manifest


def merge(
    gen: Generation,
    manifest: Manifest,
    settings: EngineSettings,
    progress: Progress | None = None,
    checkpoint: int | None = None,
) -> Manifest:
    """Add the rows past the lists' to them, writing the lists (and committing the manifest) at the
    end, and every `checkpoint` rows."""
    assert manifest.lists is not None
    old = manifest.lists
    lists = InvertedLists.read(gen.path / old.file)
    vectors = gen.vector_file(manifest.rows, manifest.dim)
    at, since = old.rows, 0
    while at < manifest.rows:
        end = min(at + ADD_LINES, manifest.rows)
        lists.add(vectors.read(at, end), at)
        since += end - at
        at = end
        if at == manifest.rows or (checkpoint and since >= checkpoint):
            name = f"lists-{at}.faiss"
            lists.write(gen.path / name)
            previous = manifest.lists
            manifest = replace(manifest, lists=replace(previous, file=name, rows=at))
            gen.write_manifest(manifest)
            if previous.file != name:
                (gen.path / previous.file).unlink(missing_ok=True)
            since = 0
        if progress:
            progress("adding to the lists", at, manifest.rows)
    return manifest
