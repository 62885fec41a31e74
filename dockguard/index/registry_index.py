"""What a scan needs of the registry, loaded once for many releases: every registered line vector
(for retrieval and alignment), the MinHash LSH of the chunk signatures, which lines carry words, and
enough of each work to name it in a match. A work's script is only loaded from the registry when
something of it aligned (the Scanner does that).

This is the one class a persistent index replaces: callers use `load`, `candidates`, `vectors_of`,
`worded_of`, `work` and `receipt_hash`.
"""

from __future__ import annotations

import numpy as np

from dockguard.config import MINHASH_KIND, VECTORS_KIND, EngineSettings
from dockguard.embed import Embedder
from dockguard.embed.base import check_model_id
from dockguard.errors import ModelError, RegistryError
from dockguard.fingerprint.minhash import sign_chunks, signature_from_bytes
from dockguard.index.lsh import ChunkLSH
from dockguard.index.vectors import LineVectorIndex
from dockguard.index.votes import Candidate
from dockguard.model import FlatScript, worded_mask
from dockguard.normalize import canonical_lines
from dockguard.registry import Registry, WorkSummary


class RegistryIndex:
    """Every registered work's line vectors and chunk signatures, searchable."""

    def __init__(
        self,
        lines: LineVectorIndex,
        lsh: ChunkLSH,
        worded: np.ndarray,
        works: dict[str, WorkSummary],
        receipts: dict[str, str],
        settings: EngineSettings,
    ) -> None:
        if len(worded) != len(lines):
            raise RegistryError(
                "the registry's line vectors do not match its lines; register the works again"
            )
        self.lines = lines
        self.lsh = lsh
        self.worded = worded  # per registered line: has a letter (model.worded_mask)
        self.works = works
        self.receipts = receipts  # work id → hash of its register receipt
        self.settings = settings
        self._rows = {w: i for i, w in enumerate(lines.work_ids)}

    @classmethod
    def load(cls, registry: Registry, embedder: Embedder, settings: EngineSettings) -> RegistryIndex:
        """Read the registry's vectors (refusing those of another model) and signatures, in one
        snapshot: a registration committed between two of the reads would make them disagree."""
        with registry.snapshot():
            return cls._read(registry, embedder, settings)

    @classmethod
    def _read(cls, registry: Registry, embedder: Embedder, settings: EngineSettings) -> RegistryIndex:
        stored_keys = sorted(registry.artifact_keys(VECTORS_KIND))
        for stored in stored_keys:
            check_model_id(stored, embedder, "the registry's line vectors")
        ids, mats = [], []
        # every key passed the check: the embedder's own, or a backend measured to agree with it
        for key in stored_keys:
            for work_id, art in registry.iter_artifacts(VECTORS_KIND, key):
                ids.append(work_id)
                mats.append(np.frombuffer(art.data, dtype="<f2").reshape(art.end - art.start, -1))
        works = {w.work_id: w for w in registry.list_works()}
        missing = sorted(set(works) - set(ids))
        if missing:
            raise ModelError(
                f"{len(missing)} registered work(s) (e.g. {missing[0]}) have no line vectors; register them again"
            )
        lsh = ChunkLSH(settings.minhash, settings.lsh_threshold)
        for work_id, art in registry.iter_artifacts(MINHASH_KIND, settings.minhash.key):
            lsh.add(work_id, art.part, signature_from_bytes(art.data, settings.minhash))
        texts = registry.line_texts()
        worded = np.concatenate([worded_mask(texts.get(w, ())) for w in ids]) if ids else np.zeros(0, bool)
        receipts = {r.work_id: r.hash for r in registry.receipts() if r.action == "register"}
        return cls(LineVectorIndex(ids, mats, settings.index), lsh, worded, works, receipts, settings)

    def __len__(self) -> int:
        return len(self.lines)

    def _span(self, work_id: str) -> slice:
        row = self._rows[work_id]
        starts = self.lines.starts
        end = int(starts[row + 1]) if row + 1 < len(starts) else len(self.lines)
        return slice(int(starts[row]), end)

    def vectors_of(self, work_id: str) -> np.ndarray:
        """The work's line vectors in script order."""
        return self.lines.matrix[self._span(work_id)]

    def worded_of(self, work_id: str) -> np.ndarray:
        return self.worded[self._span(work_id)]

    def work(self, work_id: str) -> WorkSummary:
        return self.works[work_id]

    def receipt_hash(self, work_id: str) -> str:
        return self.receipts[work_id]

    def candidates(self, flat: FlatScript, vectors: np.ndarray) -> list[Candidate]:
        """Works the release might copy: chained vector votes of an even sample of its worded lines,
        then MinHash LSH collisions of its chunks (same language), each route's best few."""
        s = self.settings
        worded = vectors[flat.worded] if len(vectors) else vectors
        n = len(worded)
        if n == 0:
            return []
        sample = worded[np.unique(np.linspace(0, n - 1, min(n, s.vote_sample)).astype(int))]
        stride = n / max(len(sample), 1)
        found = {
            c.work_id: c
            for c in self.lines.vote(sample, k=s.vote_neighbours, top=s.candidates, stride=stride)
        }
        if len(self.lsh):
            signatures = [c.minhash for c in sign_chunks(canonical_lines(flat), s.minhash)]
            for c in self.lsh.candidates(signatures, top=s.candidates):
                found.setdefault(c.work_id, c)
        return list(found.values())
