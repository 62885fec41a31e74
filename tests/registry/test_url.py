"""Where the registry lives: resolve_db_url, redact_url, and what Registry.open says when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.errors import RegistryError
from dockguard.registry import ENV_VAR, Registry, redact_url, resolve_db_url


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_an_explicit_url_is_kept() -> None:
    url = "postgresql+psycopg://dg:secret@db.example:5432/registry"
    assert resolve_db_url(url) == url
    assert resolve_db_url("sqlite://") == "sqlite://"


def test_a_path_becomes_an_absolute_sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_db_url(str(tmp_path / "r.sqlite")) == f"sqlite:///{tmp_path}/r.sqlite"
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url("rel/r.db") == f"sqlite:///{tmp_path}/rel/r.db"
    assert resolve_db_url("~/r.db") == f"sqlite:///{tmp_path}/home/r.db"


def test_the_environment_comes_after_the_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql+psycopg://dg@localhost/env")
    assert resolve_db_url(None) == "postgresql+psycopg://dg@localhost/env"
    assert resolve_db_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path}/x.db"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/env.db"


def test_the_default_is_a_per_user_file_whose_folder_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/home/.local/share/dockguard/registry.sqlite"
    assert (tmp_path / "home/.local/share/dockguard").is_dir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_db_url("") == f"sqlite:///{tmp_path}/xdg/dockguard/registry.sqlite"
    assert (tmp_path / "xdg/dockguard").is_dir()
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    assert resolve_db_url(None) == f"sqlite:///{tmp_path}/home/.local/share/dockguard/registry.sqlite"


def test_bad_values_are_refused() -> None:
    with pytest.raises(RegistryError, match="not a database URL"):
        resolve_db_url("postgresql+psycopg://dg:secret@host:notaport/db")
    with pytest.raises(RegistryError, match="is a folder"):
        resolve_db_url("/tmp/")


def test_passwords_are_hidden() -> None:
    assert (
        redact_url("postgresql+psycopg://dg:s3cr%40t@db:5432/reg")
        == "postgresql+psycopg://dg:***@db:5432/reg"
    )
    assert redact_url("postgresql+psycopg://dg@db/reg?password=s3cret&sslmode=require") == (
        "postgresql+psycopg://dg@db/reg?password=***&sslmode=require"
    )
    assert redact_url("sqlite:////tmp/r.sqlite") == "sqlite:////tmp/r.sqlite"
    assert redact_url("/plain/path.db") == "/plain/path.db"
    assert "secret" not in redact_url("postgresql+psycopg://dg:secret@host:notaport/db")


def test_open_names_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="folder .*missing does not exist"):
        Registry.open(str(tmp_path / "missing" / "r.sqlite"))


def test_open_names_an_unreachable_server() -> None:
    # port 1 on localhost: refused at once, no waiting
    with pytest.raises(
        RegistryError,
        match=r"at postgresql\+psycopg://dg:\*\*\*@127.0.0.1:1/x\?connect_timeout=2: opening failed",
    ):
        Registry.open("postgresql+psycopg://dg:secret@127.0.0.1:1/x?connect_timeout=2")


def test_open_accepts_a_path_and_memory(tmp_path: Path) -> None:
    with Registry.open(str(tmp_path / "r.sqlite")) as registry:
        assert registry.url == f"sqlite:///{tmp_path}/r.sqlite"
        assert registry.backend == "sqlite"
    with Registry.open("sqlite://") as registry:
        assert registry.verify().ok
    with pytest.raises(RegistryError, match="no registry URL"):
        Registry.open("")
