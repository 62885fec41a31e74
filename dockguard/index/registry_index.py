"""What a scan needs of the registry, opened once for many releases: the line index (nearest
registered lines, which lines carry words, which work and position each line is), the MinHash band
table, and enough of each work to name it in a match. A work's script is only loaded from the
registry when something of it aligned (the Scanner does that).

The index lives in a folder (`location.index_root`) and is caught up with the registry's receipts
when opened (`sync.refresh`): a registry changed by another process or machine is never scanned
with a stale index.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dockguard.config import EngineSettings
from dockguard.embed import Embedder
from dockguard.errors import LineIndexError
from dockguard.fingerprint.minhash import sign_chunks
from dockguard.index.bands import BandTable, banding
from dockguard.index.faiss_lists import InvertedLists
from dockguard.index.folder import Generation, IndexFolder, Manifest
from dockguard.index.lines import LineSearch
from dockguard.index.location import index_root, model_folder
from dockguard.index.sync import refresh
from dockguard.index.votes import Candidate, chained_votes
from dockguard.model import FlatScript
from dockguard.normalize import canonical_lines
from dockguard.registry import Registry, WorkSummary

_OPEN_TRIES = 3  # a rebuild or merge may replace the files between reading the manifest and them


def index_folder(
    registry: Registry, embedder: Embedder, settings: EngineSettings, index_dir: Path | str | None = None
) -> IndexFolder:
    """The folder of this registry's index for this model and these settings."""
    key = f"{settings.index.key}|{settings.minhash.key}|lsh{settings.lsh_threshold}"
    return IndexFolder(model_folder(index_root(registry, index_dir), embedder.model_id, key))


def update_index(
    registry: Registry, embedder: Embedder, settings: EngineSettings, index_dir: Path | str | None = None
) -> Manifest:
    """Bring the registry's index up to date now (after a registration), not at the next scan."""
    folder = index_folder(registry, embedder, settings, index_dir)
    with registry.snapshot():
        return refresh(folder, registry, embedder, settings)[1]


class RegistryIndex:
    """Every registered work's line vectors and chunk band keys, searchable."""

    def __init__(
        self, gen: Generation, manifest: Manifest, works: dict[str, WorkSummary], settings: EngineSettings
    ) -> None:
        self.manifest = manifest
        self.settings = settings
        self.works = works
        # live: not removed, and still listed by the registry (a removal after the catch-up)
        self._alive_works = np.array([w.alive and w.work_id in works for w in manifest.works], bool)
        self._indexed = {
            w.work_id: w for w, live in zip(manifest.works, self._alive_works, strict=True) if live
        }
        alive = np.zeros(manifest.rows, bool)
        for w in self._indexed.values():
            alive[w.start : w.end] = True
        self._names = [w.work_id for w in manifest.works]
        vectors = gen.vector_file(manifest.rows, manifest.dim)
        self.owner = gen.rows("owner.i32", manifest.rows)
        self.worded = gen.rows("worded.u8", manifest.rows)
        self._starts = np.array([w.start for w in manifest.works], np.int64)
        lists = InvertedLists.read(gen.path / manifest.lists.file) if manifest.lists else None
        self.lines = LineSearch(
            vectors, alive, lists, manifest.lists.rows if manifest.lists else 0, settings.index
        )
        self._live_rows = int(alive.sum())
        self.bands = BandTable(
            gen.path / "bands.sqlite", *banding(settings.lsh_threshold, settings.minhash.num_perm)
        )

    @classmethod
    def load(
        cls,
        registry: Registry,
        embedder: Embedder,
        settings: EngineSettings,
        index_dir: Path | str | None = None,
    ) -> RegistryIndex:
        """Open the registry's index, caught up with it first, in one snapshot of the registry: a
        registration committed meanwhile would make the index and the work list disagree."""
        folder = index_folder(registry, embedder, settings, index_dir)
        for attempt in range(_OPEN_TRIES):
            with registry.snapshot():
                gen, manifest = refresh(folder, registry, embedder, settings)
                works = {w.work_id: w for w in registry.list_works()}
            try:
                return cls(gen, manifest, works, settings)
            except FileNotFoundError:
                if attempt == _OPEN_TRIES - 1:
                    raise
        raise LineIndexError(
            f"the line index at {folder.root} kept changing while it was opened"
        )  # pragma: no cover

    def __len__(self) -> int:
        """Registered lines (of works still registered)."""
        return self._live_rows

    def _span(self, work_id: str) -> slice:
        w = self._indexed[work_id]
        return slice(w.start, w.end)

    def vectors_of(self, work_id: str) -> np.ndarray:
        """The work's line vectors in script order."""
        return self.lines.rows(self._span(work_id))

    def worded_of(self, work_id: str) -> np.ndarray:
        return np.asarray(self.worded[self._span(work_id)], dtype=bool)

    def work(self, work_id: str) -> WorkSummary:
        return self.works[work_id]

    def receipt_hash(self, work_id: str) -> str:
        return self._indexed[work_id].receipt_hash

    def candidates(self, flat: FlatScript, vectors: np.ndarray) -> list[Candidate]:
        """Works the release might copy: chained vector votes of an even sample of its worded lines,
        then MinHash LSH collisions of its chunks (same language), each route's best few."""
        s = self.settings
        worded = vectors[flat.worded] if len(vectors) else vectors
        n = len(worded)
        if n == 0 or not self._indexed:
            return []
        sample = worded[np.unique(np.linspace(0, n - 1, min(n, s.vote_sample)).astype(int))]
        stride = n / max(len(sample), 1)
        k = min(max(s.vote_neighbours, 20), self._live_rows)  # the neighbourhood: 20 nearest lines
        full, rows = self.lines.search(sample, k)
        found_rows = rows >= 0
        owners = np.where(found_rows, self.owner[np.where(found_rows, rows, 0)], -1)
        positions = np.where(found_rows, rows - self._starts[np.maximum(owners, 0)], 0)
        full = np.where(found_rows, full, 0.0)
        votes = chained_votes(
            full, owners, positions, self._names, k=min(s.vote_neighbours, k), top=s.candidates, stride=stride
        )
        found = {c.work_id: c for c in votes}
        signatures = [c.minhash for c in sign_chunks(canonical_lines(flat), s.minhash)]
        for c in self.bands.candidates(signatures, self._names, self._alive_works, top=s.candidates):
            found.setdefault(c.work_id, c)
        return list(found.values())
