"""MinHash LSH that persists: the band keys of every registered chunk in an indexed table, so a
scan looks its chunks' bands up instead of rebuilding datasketch's in-memory buckets from every
signature. The banding (b bands of r rows for the threshold) is datasketch's own choice.

A local SQLite file inside the index generation (the stdlib driver: this is a cache derived from
the registry, written by one process under the folder's lock, where bulk inserts matter).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from dockguard.index.votes import Candidate


def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's MinHashLSH picks them for this threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def band_keys(signature: LeanMinHash, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band: a hash of the band's hash values."""
    values = np.asarray(signature.hashvalues, dtype="<u8")
    return [
        int.from_bytes(
            hashlib.blake2b(values[b * rows : (b + 1) * rows].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for b in range(bands)
    ]


class BandTable:
    """(band, key) → work ordinal, for every chunk of every indexed work."""

    def __init__(self, path: Path, bands: int, rows: int) -> None:
        self.bands, self.rows = bands, rows
        self.db = sqlite3.connect(path, timeout=60, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS band (band INTEGER, key INTEGER, work INTEGER)")
        self.db.execute("CREATE INDEX IF NOT EXISTS band_key ON band (band, key)")
        # the highest work ordinal whose keys were committed: cutting needs no scan of the table
        self.db.execute("CREATE TABLE IF NOT EXISTS upto (work INTEGER)")
        if self.db.execute("SELECT COUNT(*) FROM upto").fetchone()[0] == 0:
            self.db.execute("INSERT INTO upto VALUES (-1)")
        self.db.commit()
        self._upto = int(self.db.execute("SELECT work FROM upto").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def add(self, work: int, signatures: Iterable[LeanMinHash]) -> None:
        rows = [
            (b, key, work)
            for sig in signatures
            for b, key in enumerate(band_keys(sig, self.bands, self.rows))
        ]
        self.db.executemany("INSERT INTO band VALUES (?, ?, ?)", rows)
        self._upto = max(self._upto, work)

    def commit(self) -> None:
        self.db.execute("UPDATE upto SET work = ?", (self._upto,))
        self.db.commit()

    def cut_from(self, work: int) -> None:
        """Forget works from this ordinal on (what a killed writer left past its manifest)."""
        if self._upto >= work:
            self.db.execute("DELETE FROM band WHERE work >= ?", (work,))
            self._upto = work - 1
            self.commit()

    def candidates(
        self, signatures: Sequence[LeanMinHash], names: Sequence[str], alive: np.ndarray, top: int = 10
    ) -> list[Candidate]:
        """Works ranked by how many release chunks collide with their chunks in some band (ties by
        work id, so that a scan gives the same candidates in every process); removed works skipped."""
        hits: Counter[str] = Counter()
        for sig in signatures:
            keys = band_keys(sig, self.bands, self.rows)
            # works past this reader's manifest (a writer committed them since) are not known here yet
            either = " OR ".join(["(band = ? AND key = ?)"] * len(keys))
            query = f"SELECT DISTINCT work FROM band WHERE work < ? AND ({either})"
            params = [len(names), *(v for b, key in enumerate(keys) for v in (b, key))]
            works = {names[w] for (w,) in self.db.execute(query, params) if alive[w]}
            hits.update(works)
        ranked = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
        return [Candidate(w, float(n), "minhash") for w, n in ranked[:top]]
