"""The ONNX Runtime adapter: the default e5 exported to ONNX (fp32 or dynamic int8), no torch at run time.

It embeds exactly as `SentenceTransformerEmbedder` does, so that the two backends' vectors agree: the
"query: " prompt, `<s> … </s>` around the content tokens, mean pooling over every real token, and a
text longer than the model's window cut into windows of content tokens whose pooled vectors are
averaged by their token counts before normalizing. Texts are sorted by token count before batching,
which keeps padding small.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockguard.embed.base import checked_texts, normalize_rows
from dockguard.embed.onnx_build import INPUTS, ONNX_FILE, read_onnx_manifest, require_onnxruntime
from dockguard.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


class OnnxEmbedder:
    """Embeds lines with an ONNX folder built by `onnx_build`, loaded on first use.

    `device` "cpu" (or None) runs on ONNX Runtime's CPU provider, "cuda" on its CUDA provider (which
    needs the onnxruntime-gpu package). `threads` caps ONNX Runtime's intra-op threads (default: one
    per physical core), which a process sharing the machine with others (a Ray worker) should set.
    """

    def __init__(
        self,
        folder: Path,
        device: str | None = None,
        *,
        model_id: str,
        threads: int | None = None,
        batch_size: int = 64,
    ) -> None:
        self.folder = Path(folder)
        self.device = device
        self.threads = threads
        self.batch_size = batch_size
        self._model_id = model_id
        manifest = read_onnx_manifest(self.folder, model_id)
        if manifest is None:
            raise ModelError(
                f"{self.folder}: not a complete ONNX model folder of {model_id!r}; run `dockguard model build`"
            )
        self.manifest = manifest
        self._dim = int(manifest["dim"])
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OnnxEmbedder({str(self.folder)!r}, device={self.device!r})"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                ort = require_onnxruntime()
                from tokenizers import Tokenizer

                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3
                if self.threads:
                    options.intra_op_num_threads = self.threads
                    options.inter_op_num_threads = 1
                providers = ["CPUExecutionProvider"]
                if self.device and self.device.startswith("cuda"):
                    if "CUDAExecutionProvider" not in ort.get_available_providers():
                        raise ModelError(
                            f"--device {self.device} with an ONNX backend needs onnxruntime-gpu; install it, or use "
                            "--backend torch-fp16 on a GPU"
                        )
                    index = self.device.partition(":")[2] or "0"
                    providers = [("CUDAExecutionProvider", {"device_id": int(index)}), "CPUExecutionProvider"]  # type: ignore[list-item]
                try:
                    session = ort.InferenceSession(str(self.folder / ONNX_FILE), options, providers=providers)
                    tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                except Exception as exc:
                    raise ModelError(
                        f"{self.folder}: cannot load the ONNX model ({exc}); rebuild it: "
                        "dockguard model build --force"
                    ) from exc
                tokenizer.no_padding()
                tokenizer.no_truncation()
                self._loaded = (session, tokenizer)
        return self._loaded

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Unit float32 rows in the order of `texts`; empty strings are allowed."""
        import numpy as np

        texts = checked_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch_size = max(1, batch_size or self.batch_size)
        session, tokenizer = self._load()
        m = self.manifest
        prompt = m["prompt"]
        encoded = tokenizer.encode_batch([prompt + t for t in texts], add_special_tokens=False)
        window = int(m["max_seq_length"]) - 2
        cls, sep = int(m["cls_id"]), int(m["sep_id"])
        # (text, its window of content tokens): one window for all but the longest texts
        pieces: list[tuple[int, list[int]]] = []
        for t, enc in enumerate(encoded):
            ids = enc.ids
            for a in range(0, max(len(ids), 1), window):
                pieces.append((t, ids[a : a + window]))
        order = sorted(range(len(pieces)), key=lambda p: -len(pieces[p][1]))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        windows = np.zeros(len(texts), dtype=np.int64)
        pad = int(m["pad_id"])
        for start in range(0, len(order), batch_size):
            chunk = [pieces[p] for p in order[start : start + batch_size]]
            longest = max(len(ids) for _, ids in chunk) + 2
            input_ids = np.full((len(chunk), longest), pad, dtype=np.int64)
            attention = np.zeros((len(chunk), longest), dtype=np.int64)
            for row, (_, ids) in enumerate(chunk):
                input_ids[row, : len(ids) + 2] = [cls, *ids, sep]
                attention[row, : len(ids) + 2] = 1
            pooled = session.run(None, dict(zip(INPUTS, (input_ids, attention), strict=True)))[0]
            done = 0
            for (t, ids), vector in zip(chunk, pooled, strict=True):
                # a text's windows weigh by their content tokens; a one-window text is just its vector
                sums[t] += max(len(ids), 1) * vector
                windows[t] += 1
                done += windows[t] == len(range(0, max(len(encoded[t].ids), 1), window))
            if progress is not None and done:
                progress(int(done))
        return normalize_rows(sums.astype(np.float32))
