"""The one adapter to faiss: inverted lists of compressed line codes (IVF), trained once, written
to and read from a file. Everything faiss-specific lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from dockguard.errors import LineIndexError

_INSTALL = "faiss is not installed: pip install faiss-cpu (it is a dependency of dockguard)"


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss is a dependency
        raise LineIndexError(_INSTALL) from exc
    return faiss


class InvertedLists:
    """A trained faiss IVF index over unit line vectors (inner product), its ids the line rows."""

    def __init__(self, index: Any) -> None:
        self.index = index

    @classmethod
    def train(cls, sample: np.ndarray, lists: int, codes: str, seed: int = 0) -> InvertedLists:
        faiss = _faiss()
        sample = np.ascontiguousarray(sample, dtype=np.float32)
        index = faiss.index_factory(sample.shape[1], f"IVF{lists},{codes}", faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed
        index.train(sample)
        return cls(index)

    @classmethod
    def read(cls, path: Path) -> InvertedLists:
        return cls(_faiss().read_index(str(path)))

    def write(self, path: Path) -> None:
        """Write to `path` (a temporary name first, then renamed: a reader never sees half a file)."""
        tmp = path.with_name(path.name + ".tmp")
        _faiss().write_index(self.index, str(tmp))
        tmp.replace(path)

    @property
    def lists(self) -> int:
        return int(self.index.nlist)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray, first_row: int) -> None:
        """Add lines with consecutive row ids from `first_row`."""
        ids = np.arange(first_row, first_row + len(vectors), dtype=np.int64)
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def search(self, queries: np.ndarray, k: int, probes: int, alive: np.ndarray | None = None) -> np.ndarray:
        """Row ids of each query's k nearest lines by code (-1 where fewer), searching `probes`
        lists; with `alive` (a packed bitmap over rows, numpy.packbits little-endian order), only
        rows whose bit is set."""
        faiss = _faiss()
        params = faiss.SearchParametersIVF(nprobe=min(probes, self.lists))
        if alive is not None:
            selector = faiss.IDSelectorBitmap(len(alive) * 8, faiss.swig_ptr(alive))
            params.sel = selector
        _, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k, params=params)
        return np.asarray(ids)
