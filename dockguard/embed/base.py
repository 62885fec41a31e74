"""The seam every embedding model plugs into, and the checks that keep vectors of different models apart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from dockguard.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns lines of any language into unit vectors; equal meaning gives a high dot product.

    `model_id` is stored beside every vector so that vectors of different models are never compared.
    Lines are symmetric (a line against a line), so both sides get the same treatment: for e5 that is
    the "query: " prefix.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """A float32 array [len(texts), dim] of L2-normalized rows, in the order of `texts`.

        `progress`, when given, is called with the number of texts finished since its last call.
        """
        ...


def check_model_id(stored: str, embedder: Embedder, what: str = "stored vectors") -> None:
    """Refuse to compare `what` made by model `stored` with vectors from `embedder`."""
    if stored != embedder.model_id:
        raise ModelError(
            f"{what} were made by model {stored!r} but the embedder is {embedder.model_id!r}; "
            f"vectors of different models are never compared: use --model {stored!r}, or register the works "
            "again with this model"
        )


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows scaled to unit length; all-zero rows stay zero."""
    import numpy as np

    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
