"""MinHash LSH over chunk signatures (same-language candidates), with datasketch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from datasketch import LeanMinHash, MinHashLSH

from dockguard.fingerprint.minhash import MinHashSettings
from dockguard.index.votes import Candidate


class ChunkLSH:
    """Chunks of registered works, bucketed so that chunks sharing many shingles collide."""

    def __init__(self, settings: MinHashSettings, threshold: float = 0.2) -> None:
        self.settings = settings
        self.lsh = MinHashLSH(threshold=threshold, num_perm=settings.num_perm)
        self._n = 0

    def add(self, work_id: str, part: int, signature: LeanMinHash) -> None:
        self.lsh.insert(f"{work_id}\x1f{part}", signature, check_duplication=False)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def candidates(self, signatures: Iterable[LeanMinHash], top: int = 10) -> list[Candidate]:
        """Works ranked by how many release chunks collide with their chunks (ties by work id, so
        that a scan gives the same candidates in every process)."""
        hits: Counter[str] = Counter()
        for sig in signatures:
            works = {key.split("\x1f", 1)[0] for key in self.lsh.query(sig)}
            hits.update(works)
        ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
        return [Candidate(w, float(n), "minhash") for w, n in ranked[:top]]
