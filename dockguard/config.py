"""Engine settings. Each part has a stable `key` stored beside what it made, so fingerprints and
vectors built with other settings (or another model) are never mixed."""

from __future__ import annotations

from dataclasses import dataclass, field

from dockguard.align import AlignSettings
from dockguard.fingerprint.minhash import MinHashSettings
from dockguard.index.settings import IndexSettings
from dockguard.model import VerdictLevel

VECTORS_KIND = "line-vectors"
MINHASH_KIND = "minhash"


@dataclass(frozen=True, slots=True)
class EngineSettings:
    minhash: MinHashSettings = field(default_factory=MinHashSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    candidates: int = 10  # works verified per release, from each retrieval route
    vote_neighbours: int = 10  # registered lines looked up per release line
    vote_sample: int = 512  # release lines used for retrieval (evenly spread)
    lsh_threshold: float = 0.2
    flag_level: VerdictLevel = VerdictLevel.PARTIAL_COPY
