"""The one place that wires the stages: read_works() and register(), the Scanner, compare().

register: parse → canonical text → MinHash chunk signatures + line vectors → registry (one transaction)
scan:     parse → embed → candidates (index/: vector votes + MinHash LSH) → align each → evidence → verdict
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from dockguard.align import align_vectors
from dockguard.config import MINHASH_KIND, VECTORS_KIND, EngineSettings
from dockguard.embed import Embedder
from dockguard.evidence import build_evidence
from dockguard.fingerprint.minhash import sign_chunks, signature_to_bytes
from dockguard.formats import read_script
from dockguard.index.registry_index import RegistryIndex
from dockguard.manifest import ManifestEntry
from dockguard.model import FlatScript, Match, ScanResult, Script, Work
from dockguard.normalize import canonical_lines
from dockguard.registry import Artifact, Batch, Registry, content_hash
from dockguard.verdict import decide

Progress = Callable[[int], None]


def language_group(language: str) -> str:
    """Primary language: zh-Hans, zh-Hant and written Cantonese all compare as Chinese."""
    primary = language.split("-")[0].lower()
    return "zh" if primary in ("zh", "yue") else primary


def formats_of(script: Script) -> str:
    """The reader(s) that made a script, joined with + (e.g. "srt", "fountain+fdx")."""
    return "+".join(sorted({s.format for s in script.sources}))


# --- register ----------------------------------------------------------------------------------


def make_work(
    script: Script,
    *,
    work_id: str | None = None,
    title: str | None = None,
    owner: str = "",
    language: str | None = None,
    meta: Iterable[tuple[str, str]] = (),
) -> Work:
    digest = content_hash(script)
    return Work(
        work_id=work_id or f"dg-{digest[:12]}",
        title=title or script.title,
        owner=owner,
        language=language or script.language,
        script=replace(script, language=language or script.language),
        content_hash=digest,
        meta=tuple(meta),
    )


def read_works(
    entries: Sequence[ManifestEntry],
    *,
    owner: str = "",
    meta: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> list[Work]:
    """Parse each entry into a work; `owner` stands in for entries without one, `meta` is added to
    every entry's own. Raises InputError naming the first file that cannot be read."""
    works = []
    for entry in entries:
        script = read_script(entry.path, title=entry.title, language=entry.language)
        works.append(
            make_work(
                script,
                work_id=entry.work_id,
                title=entry.title,
                owner=entry.owner or owner,
                language=entry.language,
                meta=entry.meta + tuple(meta),
            )
        )
        if progress:
            progress(1)
    return works


def fingerprint(
    script: Script, embedder: Embedder, settings: EngineSettings, progress: Progress | None = None
) -> list[Artifact]:
    """What registration stores beside a work: chunk signatures and one float16 matrix of line vectors."""
    flat = FlatScript.of(script)
    mh = settings.minhash
    artifacts = [
        Artifact(MINHASH_KIND, mh.key, part, c.start, c.end, signature_to_bytes(c.minhash))
        for part, c in enumerate(sign_chunks(canonical_lines(flat), mh))
    ]
    vectors = embedder.embed(flat.texts, progress=progress).astype("<f2")
    artifacts.append(Artifact(VECTORS_KIND, embedder.model_id, 0, 0, len(flat.texts), vectors.tobytes()))
    return artifacts


def register(
    registry: Registry,
    works: Sequence[Work],
    embedder: Embedder,
    settings: EngineSettings | None = None,
    progress: Progress | None = None,
    *,
    skip_existing: bool = False,
) -> Batch:
    """Fingerprint every work, then store them all in one transaction: all or nothing.

    With `skip_existing`, works whose id or content is registered already are skipped (and not
    embedded); the registry checks again inside its write transaction."""
    settings = settings or EngineSettings()
    early = registry.registered_already(works) if skip_existing else []
    dropped = {s.work_id for s in early}
    items = [
        (w, fingerprint(w.script, embedder, settings, progress)) for w in works if w.work_id not in dropped
    ]
    batch = registry.add_batch(items, skip_existing=skip_existing)
    return Batch(batch.receipts, tuple(early) + batch.skipped)


# --- scan --------------------------------------------------------------------------------------


class Scanner:
    """Scans releases against a registry. Loads the registry's index once, on the first scan."""

    def __init__(
        self,
        registry: Registry,
        embedder: Embedder,
        settings: EngineSettings | None = None,
        index_dir: Path | str | None = None,
    ) -> None:
        self.registry = registry
        self.embedder = embedder
        self.settings = settings or EngineSettings()
        self.index_dir = index_dir  # None: index.location's default for the registry
        self._index: RegistryIndex | None = None
        self._work = lru_cache(maxsize=256)(self._load_work)

    @property
    def index(self) -> RegistryIndex:
        if self._index is None:
            self._index = RegistryIndex.load(self.registry, self.embedder, self.settings, self.index_dir)
        return self._index

    def _load_work(self, work_id: str) -> FlatScript:
        return FlatScript.of(self.registry.get_work(work_id).script)

    def scan_path(self, path: Path) -> ScanResult:
        """Read a release (file, folder of episodes or zip) and scan it."""
        script = read_script(path)
        return self.scan(script, str(path), formats_of(script))

    def scan(self, script: Script, path: str, format: str = "") -> ScanResult:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        flat = FlatScript.of(script)
        vectors = (
            self.embedder.embed(flat.texts) if flat.texts else np.zeros((0, self.embedder.dim), np.float32)
        )
        timings["embed"] = time.perf_counter() - t
        t = time.perf_counter()
        cands = self.index.candidates(flat, vectors) if len(vectors) else []
        timings["retrieve"] = time.perf_counter() - t
        t = time.perf_counter()
        matches = [self._verify(c.work_id, flat, vectors, script.language) for c in cands]
        matches.sort(key=lambda m: (-m.verdict.score, -m.evidence.strength))
        timings["align"] = time.perf_counter() - t
        return ScanResult(
            path=path,
            format=format,
            language=script.language,
            lines=len(flat.refs),
            matches=tuple(matches),
            timings=tuple((k, round(v, 4)) for k, v in timings.items()),
        )

    def _verify(self, work_id: str, flat: FlatScript, vectors: np.ndarray, language: str) -> Match:
        index = self.index
        work = index.work(work_id)
        alignment = align_vectors(
            vectors, index.vectors_of(work_id), self.settings.align, flat.worded, index.worded_of(work_id)
        )
        original = self._work(work_id) if alignment.blocks else None
        same = language_group(language) == language_group(work.language)
        evidence = build_evidence(original, flat, alignment, same)
        return Match(
            work_id=work.work_id,
            title=work.title,
            owner=work.owner,
            language=work.language,
            registered_at=work.registered_at,
            receipt_hash=index.receipt_hash(work_id),
            verdict=decide(evidence, search_lines=len(index)),  # per release: against the whole registry
            evidence=evidence,
        )


def compare(
    original: Script, release: Script, embedder: Embedder, settings: EngineSettings | None = None
) -> Match:
    """Align two scripts directly, with no registry."""
    settings = settings or EngineSettings()
    o, r = FlatScript.of(original), FlatScript.of(release)
    ov = embedder.embed(o.texts) if o.texts else np.zeros((0, embedder.dim), np.float32)
    rv = embedder.embed(r.texts) if r.texts else np.zeros((0, embedder.dim), np.float32)
    alignment = align_vectors(rv, ov, settings.align, r.worded, o.worded)
    evidence = build_evidence(
        o, r, alignment, language_group(original.language) == language_group(release.language)
    )
    return Match(
        work_id="",
        title=original.title,
        owner="",
        language=original.language,
        registered_at="",
        receipt_hash="",
        verdict=decide(evidence),
        evidence=evidence,
    )


def compare_paths(
    original: Path, release: Path, embedder: Embedder, settings: EngineSettings | None = None
) -> ScanResult:
    """`dockguard compare A B`: the release as a scan result with one match, named by the original's path."""
    o, r = read_script(original), read_script(release)
    match = replace(compare(o, r, embedder, settings), work_id=str(original))
    return ScanResult(
        path=str(release), format=formats_of(r), language=r.language, lines=len(r.lines), matches=(match,)
    )
