"""How the line index is built and searched. Changing `key` starts a fresh index folder."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IndexSettings:
    min_lines: int = 50_000  # fewer registered lines than this: searched exactly, nothing trained
    lines_per_list: int = 1_000  # inverted lists = lines at training / this (a power of two)
    max_lists: int = 16_384
    code_dims: int = 2  # dimensions per 4-bit fast-scan PQ code: 96 bytes a 384-d line (docs/SCALE.md)
    codes: str = ""  # another faiss code instead (e.g. "SQ8"); empty: the PQ fast-scan above
    probes: int = 64  # lists searched per query line
    shortlist: int = 256  # nearest lines by code, re-ranked with their exact vectors
    train_sample: int = 256_000  # lines the lists and codes are fitted on
    merge_lines: int = 50_000  # lines registered since the last merge: searched exactly until then
    outgrown: float = 4.0  # `index info` advises a rebuild past this many lines per line trained on
    seed: int = 0

    def lists_for(self, lines: int) -> int:
        want = max(lines / self.lines_per_list, 1.0)
        return int(min(self.max_lists, max(64, 2 ** round(math.log2(want)))))

    def codes_for(self, dim: int) -> str:
        return self.codes or f"PQ{dim // self.code_dims}x4fs"

    @property
    def key(self) -> str:
        return f"faiss-ivf:{self.codes or f'PQx4fs/{self.code_dims}'}:l{self.lines_per_list}/{self.max_lists}:t{self.train_sample}:s{self.seed}"
