"""MinHash signatures of script chunks, serialised with the settings that made them.

A script is cut into overlapping chunks of lines; each chunk gets a signature, so a copy of a few
scenes still shares whole chunks with its original. Signatures made with other settings are refused.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from dockguard.fingerprint.shingles import CHAR_N, WORD_N, shingle_lines
from dockguard.normalize import CANONICAL_TEXT


@dataclass(frozen=True, slots=True)
class MinHashSettings:
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    chunk_lines: int = 40
    chunk_step: int = 20

    @property
    def key(self) -> str:
        """Stable id stored beside every signature; signatures with another key are never compared.
        It names the canonical text the shingles come from too (normalize.CANONICAL_TEXT)."""
        return (
            f"minhash-v1:{self.scheme}:p{self.num_perm}:s{self.seed}:c{CHAR_N}w{WORD_N}"
            f":chunk{self.chunk_lines}/{self.chunk_step}:{CANONICAL_TEXT}"
        )


@dataclass(frozen=True, slots=True)
class ChunkSignature:
    start: int  # first line index of the chunk (script order)
    end: int  # one past the last line index
    minhash: LeanMinHash


def _hash32(data: bytes) -> int:
    return struct.unpack("<I", hashlib.blake2b(data, digest_size=4).digest())[0]


def chunk_bounds(n_lines: int, settings: MinHashSettings) -> list[tuple[int, int]]:
    if n_lines <= settings.chunk_lines:
        return [(0, n_lines)] if n_lines else []
    starts = range(0, n_lines - settings.chunk_lines + settings.chunk_step, settings.chunk_step)
    return [(s, min(s + settings.chunk_lines, n_lines)) for s in starts if s < n_lines]


@lru_cache(maxsize=4)
def _permutations(settings: MinHashSettings) -> np.ndarray:
    """The settings' permutation parameters, drawn once instead of once per chunk."""
    return MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.scheme).permutations  # type: ignore[arg-type]


def minhash_of(shingles: set[str], settings: MinHashSettings) -> LeanMinHash:
    m = MinHash(
        num_perm=settings.num_perm,
        seed=settings.seed,
        hashfunc=_hash32,
        permutations=_permutations(settings),
        scheme=settings.scheme,  # type: ignore[arg-type]
    )
    if shingles:
        m.update_batch([s.encode("utf-8") for s in shingles])
    return LeanMinHash(m)


def sign_chunks(canonical_lines: Sequence[str], settings: MinHashSettings) -> list[ChunkSignature]:
    """One signature per chunk of `chunk_lines` lines, every `chunk_step` lines."""
    return [
        ChunkSignature(s, e, minhash_of(shingle_lines(canonical_lines[s:e]), settings))
        for s, e in chunk_bounds(len(canonical_lines), settings)
    ]


def signature_to_bytes(sig: LeanMinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes, settings: MinHashSettings) -> LeanMinHash:
    values = np.frombuffer(data, dtype="<u4")
    if len(values) != settings.num_perm:
        raise ValueError(f"signature has {len(values)} values, settings say {settings.num_perm}")
    return LeanMinHash(seed=settings.seed, hashvalues=values, scheme=settings.scheme)  # type: ignore[arg-type]
