"""Export the default model's folder to ONNX (fp32), and quantize that to dynamic int8, offline.

The export runs the folder that `e5_build` wrote through torch's TorchScript ONNX exporter: the BERT
encoder with eager attention (ONNX Runtime fuses that pattern into its `Attention` kernel, which it
does not for the SDPA graph) followed by the mean pooling of sentence-transformers' Pooling module, so
the graph's output is the pooled, not yet normalized, vector the torch path computes. The int8 folder
is ONNX Runtime's dynamic quantization of the fp32 graph (weights int8, activations quantized per
batch), with no calibration data.

Optimum would do the same, but optimum-onnx 0.1.0 (the only release) requires transformers < 4.58
and this project runs transformers 5: the export is done here with torch alone, and at run time
nothing but onnxruntime, tokenizers and numpy is needed (embed/onnx.py).

Each folder holds `model.onnx`, the `tokenizer.json` of its source and a manifest written last; like
the torch folder it is built under a temporary name and renamed into place once complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from dockguard.embed.e5_build import MANIFEST, PROMPTS, _install, _write_json
from dockguard.embed.e5_build import read_manifest as read_torch_manifest
from dockguard.errors import ModelError

# Bump when the folders written here change, so cached exports from an older version are rebuilt.
ONNX_CONVERTER_VERSION = 1
OPSET = 17
ONNX_FILE = "model.onnx"
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "pooled"

INSTALL_HINT = "pip install 'dockguard[onnx]' (onnxruntime and onnx)"


def require_onnxruntime() -> Any:
    """The onnxruntime module, or a ModelError that says how to install it."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise ModelError(
            f"the ONNX backends need ONNX Runtime, which is not installed ({exc}): {INSTALL_HINT}"
        ) from exc
    return onnxruntime


def read_onnx_manifest(folder: Path, model_id: str | None = None) -> dict[str, Any] | None:
    """The manifest of a complete ONNX folder built by this converter version (for `model_id`), else None."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("onnx_converter_version") != ONNX_CONVERTER_VERSION:
        return None
    if model_id is not None and manifest.get("model_id") != model_id:
        return None
    if not all((Path(folder) / name).is_file() for name in (ONNX_FILE, "tokenizer.json")):
        return None
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_onnx(source: Path, dest: Path) -> None:
    """Write `dest/model.onnx`: the encoder of the sentence-transformers folder `source` plus mean pooling."""
    import torch
    from transformers import AutoModel

    from dockguard.embed.sentence import _quiet_transformers

    with _quiet_transformers():
        model = AutoModel.from_pretrained(
            str(source), local_files_only=True, dtype=torch.float32, attn_implementation="eager"
        ).eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            # sentence-transformers' mean Pooling: the sum over real tokens (prompt and <s> </s> too)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    # traced on a padded batch, so the attention mask is a real input of the graph, never folded away
    ids = torch.full((2, 16), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            MeanPooled(model),
            (ids, mask),
            str(dest / ONNX_FILE),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                OUTPUT: {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def quantize_int8(source_onnx: Path, dest_onnx: Path) -> None:
    """ONNX Runtime's dynamic int8 quantization of `source_onnx` (MatMul and Gather weights)."""
    require_onnxruntime()
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # onnxruntime.quantization imports the onnx package
        raise ModelError(f"int8 quantization needs the onnx package ({exc}): {INSTALL_HINT}") from exc
    import logging

    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" notes on the root logger
    try:
        quantize_dynamic(str(source_onnx), str(dest_onnx), weight_type=QuantType.QInt8)
    finally:
        logging.getLogger().setLevel(quiet)


def build_onnx_folder(
    source: Path, target: Path, *, model_id: str, backend: str, force: bool = False
) -> Path:
    """Build the ONNX folder `target` of `backend` ("onnx" from a torch folder, "onnx-int8" from an
    "onnx" folder) unless a complete one is there; return its path."""
    target = Path(target)
    if not force and read_onnx_manifest(target, model_id) is not None:
        return target
    if backend == "onnx":
        upstream = read_torch_manifest(source)
        if upstream is None:
            raise ModelError(
                f"{source}: not a complete model folder; run `dockguard model build --backend torch`"
            )
    elif backend == "onnx-int8":
        upstream = read_onnx_manifest(source)
        if upstream is None:
            raise ModelError(
                f"{source}: not a complete ONNX folder; run `dockguard model build --backend onnx`"
            )
    else:
        raise ValueError(f"no ONNX build for backend {backend!r}")
    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        if backend == "onnx":
            export_onnx(source, staging)
        else:
            quantize_int8(source / ONNX_FILE, staging / ONNX_FILE)
        shutil.copyfile(source / "tokenizer.json", staging / "tokenizer.json")
        staging.chmod(0o755)
        for path in staging.iterdir():
            path.chmod(0o644)
        model = tokenizer.get("model", {})
        specials = {t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])}
        manifest = {
            "model_id": model_id,
            "backend": backend,
            "dim": int(upstream["dim"]),
            "max_seq_length": int(upstream["max_seq_length"]),
            "prompt": PROMPTS["query"],
            "cls_id": specials.get("<s>", 0),
            "sep_id": specials.get("</s>", 2),
            "pad_id": specials.get("<pad>", 1),
            "unk_id": model.get("unk_id"),
            "opset": OPSET,
            "onnx_sha256": _sha256(staging / ONNX_FILE),
            "onnx_converter_version": ONNX_CONVERTER_VERSION,
            "source": {"model_id": upstream["model_id"], "folder": source.name, **upstream.get("source", {})},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        _write_json(staging / MANIFEST, manifest)
        _install(staging, target, model_id, complete=lambda p: read_onnx_manifest(p, model_id) is not None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
