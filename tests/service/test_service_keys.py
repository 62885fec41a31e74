"""API keys: made once, stored hashed, checked in constant time, revoked; `dockguard keys` through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockguard.cli import main
from dockguard.service.keys import Role, authenticate, create_key, list_keys, revoke_key
from dockguard.service.store import ServiceStore


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'keys.sqlite'}"


def test_key_is_stored_hashed_and_authenticates(db: str, tmp_path: Path) -> None:
    with ServiceStore.open(db) as store:
        new = create_key(store, Role.SCANNER, "ci")
        assert authenticate(store, new.token) == new.key
        assert authenticate(store, new.token + "x") is None
        assert authenticate(store, new.token[:-1] + ("a" if new.token[-1] != "a" else "b")) is None
        assert authenticate(store, "") is None
        assert authenticate(store, "dg_" + "0" * 12 + "_" + "A" * 43) is None
    secret = new.token.rsplit("_", 1)[1]
    raw = (tmp_path / "keys.sqlite").read_bytes()
    assert secret.encode() not in raw and new.token.encode() not in raw


def test_roles(db: str) -> None:
    assert Role.REGISTRAR.may(Role.SCANNER) and Role.REGISTRAR.may(Role.REGISTRAR)
    assert Role.SCANNER.may(Role.SCANNER) and not Role.SCANNER.may(Role.REGISTRAR)


def test_revoke_by_id_or_whole_key(db: str) -> None:
    from dockguard.service.keys import UnknownKey

    with ServiceStore.open(db) as store:
        a, b = create_key(store, Role.SCANNER), create_key(store, Role.REGISTRAR, "assoc")
        assert revoke_key(store, a.key.key_id).revoked_at
        assert revoke_key(store, b.token).revoked_at
        assert authenticate(store, a.token) is None and authenticate(store, b.token) is None
        assert all(k.revoked_at for k in list_keys(store))
        with pytest.raises(UnknownKey):
            revoke_key(store, "nosuchkey")


def _cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_keys_commands(db: str) -> None:
    made = _cli("keys", "create", "--role", "registrar", "--name", "星河影业", "--db", db, "--format", "json")
    assert made.exit_code == 0, made.output
    body = json.loads(made.output)
    assert body["key"].startswith("dg_") and body["role"] == "registrar" and body["webhook_secret"]
    listed = json.loads(_cli("keys", "list", "--db", db, "--format", "json").output)
    assert [(k["id"], k["role"], k["name"], k["revoked_at"]) for k in listed] == [
        (body["id"], "registrar", "星河影业", None)
    ]
    assert body["key"] not in _cli("keys", "list", "--db", db).output
    revoked = _cli("keys", "revoke", body["id"], "--db", db, "--format", "json")
    assert revoked.exit_code == 0 and json.loads(revoked.output)["revoked_at"]
    unknown = CliRunner().invoke(main, ["keys", "revoke", "zzz", "--db", db])
    assert unknown.exit_code == 2 and "no API key" in unknown.output
    bad_role = CliRunner().invoke(main, ["keys", "create", "--role", "admin", "--db", db])
    assert bad_role.exit_code == 2


def test_serve_help_has_an_example() -> None:
    out = _cli("serve", "--help")
    assert "dockguard serve --host 127.0.0.1" in out.output  # type: ignore[attr-defined]
