"""A model-free embedder for unit tests: hashed character n-grams, so near-identical lines land close."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np

from dockguard.embed.base import normalize_rows


class FakeEmbedder:
    """Deterministic vectors from character 1- to 3-grams hashed into `dim` signed buckets.

    Knows nothing of meaning or language: a line and its translation are as far apart as two unrelated
    lines. Good for testing plumbing (storage, ranking, alignment on copied text), never for quality.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError(f"FakeEmbedder needs dim >= 8, got {dim}")
        self._dim = dim
        # the id names the dimension too, so vectors of two fakes are never mixed
        self._model_id = "fake-ngram-v1" if dim == 256 else f"fake-ngram-v1-d{dim}"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Unit rows, one per text; the empty string too (it has its boundary n-gram)."""
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for start in range(0, len(texts), max(batch_size, 1)):
            batch = texts[start : start + batch_size]
            for offset, text in enumerate(batch):
                self._fill(out[start + offset], text)
            if progress is not None:
                progress(len(batch))
        # n-grams whose signs cancel exactly would leave a zero row; the contract is unit rows
        out[~out.any(axis=1), 0] = 1.0
        return normalize_rows(out)

    def _fill(self, row: np.ndarray, text: str) -> None:
        # \x02 and \x03 mark the ends, so "" still has an n-gram and word edges weigh a little more
        chars = "\x02" + unicodedata.normalize("NFKC", text).casefold() + "\x03"
        for n in (1, 2, 3):
            for i in range(len(chars) - n + 1):
                digest = hashlib.blake2b(chars[i : i + n].encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                row[bucket] += n if digest[4] & 1 else -n
