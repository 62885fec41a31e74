"""The one place that wires the stages: register() and the Scanner.

register: parse → canonical text → MinHash chunk signatures + line vectors → registry (one transaction)
scan:     parse → embed → candidates (vector votes + MinHash LSH) → align each → evidence → verdict
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from dockguard.align import align_vectors
from dockguard.config import MINHASH_KIND, VECTORS_KIND, EngineSettings
from dockguard.embed import Embedder
from dockguard.errors import ModelError, RegistryError
from dockguard.evidence import FlatScript, build_evidence, worded_mask
from dockguard.fingerprint.minhash import sign_chunks, signature_from_bytes, signature_to_bytes
from dockguard.index.lsh import ChunkLSH
from dockguard.index.vectors import Candidate, LineVectorIndex
from dockguard.model import Match, ScanResult, Script, Work
from dockguard.normalize import canonical_text
from dockguard.registry import Artifact, Receipt, Registry, WorkSummary, content_hash
from dockguard.verdict import decide

Progress = Callable[[int], None]


def language_group(language: str) -> str:
    """Primary language: zh-Hans, zh-Hant and written Cantonese all compare as Chinese."""
    primary = language.split("-")[0].lower()
    return "zh" if primary in ("zh", "yue") else primary


def canonical_lines(flat: FlatScript) -> list[str]:
    return [canonical_text(t, flat.cast) for t in flat.texts]


def fingerprint(script: Script, embedder: Embedder, settings: EngineSettings, progress: Progress | None = None) -> list[Artifact]:
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


def register(
    registry: Registry,
    works: Sequence[Work],
    embedder: Embedder,
    settings: EngineSettings | None = None,
    progress: Progress | None = None,
) -> list[Receipt]:
    """Fingerprint every work, then store them all in one transaction: all or nothing."""
    settings = settings or EngineSettings()
    items = [(w, fingerprint(w.script, embedder, settings, progress)) for w in works]
    return registry.add_works(items)


@dataclass(slots=True)
class _RegistryView:
    """What a scan needs of the registry, loaded once for many releases: enough to align against
    every work and to name it, so a work's script is only loaded when something of it aligned."""

    index: LineVectorIndex
    lsh: ChunkLSH
    offsets: dict[str, tuple[int, int]]  # work id → its rows in the index
    worded: np.ndarray  # per registered line: has a letter (evidence.worded_mask)
    works: dict[str, WorkSummary]
    receipts: dict[str, str]  # work id → hash of its register receipt


class Scanner:
    """Scans releases against a registry. Loads the registry's vectors and signatures once."""

    def __init__(self, registry: Registry, embedder: Embedder, settings: EngineSettings | None = None) -> None:
        self.registry = registry
        self.embedder = embedder
        self.settings = settings or EngineSettings()
        self._view: _RegistryView | None = None
        self._work = lru_cache(maxsize=256)(self._load_work)

    def _load_view(self) -> _RegistryView:
        ids, mats = [], []
        for work_id, art in self.registry.iter_artifacts(VECTORS_KIND, self.embedder.model_id):
            ids.append(work_id)
            mats.append(np.frombuffer(art.data, dtype="<f2").reshape(art.end - art.start, -1))
        works = {w.work_id: w for w in self.registry.list_works()}
        missing = set(works) - set(ids)
        if missing:
            raise ModelError(
                f"{len(missing)} registered work(s) (e.g. {sorted(missing)[0]}) have no vectors from model "
                f"{self.embedder.model_id!r}: vectors of different models are never compared; scan with the "
                "--model they were registered with, or register them again with this model"
            )
        lsh = ChunkLSH(self.settings.minhash, self.settings.lsh_threshold)
        for work_id, art in self.registry.iter_artifacts(MINHASH_KIND, self.settings.minhash.key):
            lsh.add(work_id, art.part, signature_from_bytes(art.data, self.settings.minhash))
        index = LineVectorIndex(ids, mats, self.settings.index)
        offsets, start = {}, 0
        for work_id, m in zip(ids, mats, strict=True):
            offsets[work_id] = (start, start + len(m))
            start += len(m)
        texts = self.registry.line_texts()
        worded = np.concatenate([worded_mask(texts.get(w, ())) for w in ids]) if ids else np.zeros(0, bool)
        if len(worded) != len(index):
            raise RegistryError("the registry's line vectors do not match its lines; register the works again")
        receipts = {r.work_id: r.hash for r in self.registry.receipts() if r.action == "register"}
        return _RegistryView(index, lsh, offsets, worded, works, receipts)

    @property
    def view(self) -> _RegistryView:
        if self._view is None:
            self._view = self._load_view()
        return self._view

    def _load_work(self, work_id: str) -> FlatScript:
        return FlatScript.of(self.registry.get_work(work_id).script)

    def candidates(self, flat: FlatScript, vectors: np.ndarray) -> list[Candidate]:
        s = self.settings
        view = self.view
        worded = vectors[flat.worded] if len(vectors) else vectors
        n = len(worded)
        sample = worded[np.unique(np.linspace(0, n - 1, min(n, s.vote_sample)).astype(int))] if n else worded
        stride = n / max(len(sample), 1)
        found = {c.work_id: c for c in view.index.vote(sample, k=s.vote_neighbours, top=s.candidates, stride=stride)}
        if len(view.lsh):
            signatures = [c.minhash for c in sign_chunks(canonical_lines(flat), s.minhash)]
            for c in view.lsh.candidates(signatures, top=s.candidates):
                found.setdefault(c.work_id, c)
        return list(found.values())

    def scan(self, script: Script, path: str, format: str = "") -> ScanResult:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        flat = FlatScript.of(script)
        vectors = self.embedder.embed(flat.texts) if flat.texts else np.zeros((0, self.embedder.dim), np.float32)
        timings["embed"] = time.perf_counter() - t
        t = time.perf_counter()
        cands = self.candidates(flat, vectors) if len(vectors) else []
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
        view = self.view
        work = view.works[work_id]
        start, end = view.offsets[work_id]
        alignment = align_vectors(vectors, view.index.matrix[start:end], self.settings.align, flat.worded, view.worded[start:end])
        original = self._work(work_id) if alignment.blocks else None
        same = language_group(language) == language_group(work.language)
        evidence = build_evidence(original, flat, alignment, same)
        return Match(
            work_id=work.work_id,
            title=work.title,
            owner=work.owner,
            language=work.language,
            registered_at=work.registered_at,
            receipt_hash=view.receipts[work_id],
            verdict=decide(evidence, search_lines=len(view.index)),  # per release: against the whole registry
            evidence=evidence,
        )


def compare(original: Script, release: Script, embedder: Embedder, settings: EngineSettings | None = None) -> Match:
    """Align two scripts directly, with no registry (`dockguard compare A B`)."""
    settings = settings or EngineSettings()
    o, r = FlatScript.of(original), FlatScript.of(release)
    ov = embedder.embed(o.texts) if o.texts else np.zeros((0, embedder.dim), np.float32)
    rv = embedder.embed(r.texts) if r.texts else np.zeros((0, embedder.dim), np.float32)
    alignment = align_vectors(rv, ov, settings.align, r.worded, o.worded)
    evidence = build_evidence(o, r, alignment, language_group(original.language) == language_group(release.language))
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
