"""API keys: `dg_<key id>_<secret>`, shown once when made, stored as the sha256 of the secret.

The key id is the public half (it names the key in lists, owns its scans and is how a key is looked
up); the secret is 32 random bytes, so a plain sha256 is enough (no password stretching needed) and
the comparison is constant-time. Roles: `scanner` scans and reads its own scans; `registrar` also
registers and removes works.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select, update

from dockguard.errors import DockGuardError
from dockguard.registry import format_utc, utc_now
from dockguard.service.store import ApiKeyRow, ServiceStore

_KEY_SHAPE = re.compile(r"^dg_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")


class Role(str, Enum):
    SCANNER = "scanner"
    REGISTRAR = "registrar"

    def may(self, needed: Role) -> bool:
        """A registrar may do all a scanner may."""
        return self is Role.REGISTRAR or needed is Role.SCANNER


class UnknownKey(DockGuardError):
    """No such key (for `keys revoke`)."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    name: str
    role: Role
    created_at: str
    revoked_at: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.key_id,
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


@dataclass(frozen=True, slots=True)
class NewKey:
    key: ApiKey
    token: str  # the whole key: shown once, never stored
    webhook_secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def webhook_secret(store: ServiceStore, key_id: str) -> str:
    """The secret that signs this key's webhooks: derived from the service secret, so nothing more is stored."""
    return hmac.new(store.secret, f"webhook:{key_id}".encode(), hashlib.sha256).hexdigest()


def create_key(store: ServiceStore, role: Role, name: str = "") -> NewKey:
    key_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
    secret = secrets.token_urlsafe(32)
    row = ApiKeyRow(
        key_id=key_id,
        name=name,
        role=role.value,
        secret_sha256=_digest(secret),
        created_at=format_utc(utc_now()),
        revoked_at=None,
    )
    with store.writing("creating an API key") as session:
        session.add(row)
    key = ApiKey(key_id, name, role, row.created_at, None)
    return NewKey(key, f"dg_{key_id}_{secret}", webhook_secret(store, key_id))


def list_keys(store: ServiceStore) -> list[ApiKey]:
    with store.reading("listing API keys") as session:
        return [
            _key(r)
            for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.key_id))
        ]


def revoke_key(store: ServiceStore, key_id: str) -> ApiKey:
    """Revoke a key by its id (or by the whole key); its scans stay, readable by nobody."""
    match = _KEY_SHAPE.match(key_id)
    key_id = match.group(1) if match else key_id
    with store.writing("revoking an API key") as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise UnknownKey(f"no API key {key_id!r} (see `dockguard keys list`)")
        if row.revoked_at is None:
            session.execute(
                update(ApiKeyRow).where(ApiKeyRow.key_id == key_id).values(revoked_at=format_utc(utc_now()))
            )
            session.refresh(row)
        return _key(row)


def authenticate(store: ServiceStore, token: str) -> ApiKey | None:
    """The live key this token is, else None (malformed, unknown, wrong secret or revoked)."""
    match = _KEY_SHAPE.match(token.strip())
    if not match:
        return None
    key_id, secret = match.groups()
    with store.reading("checking an API key") as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            # spend the same time as a real comparison, so timing does not tell which ids exist
            hmac.compare_digest(_digest(secret), "0" * 64)
            return None
        ok = hmac.compare_digest(_digest(secret), row.secret_sha256)
        return _key(row) if ok and row.revoked_at is None else None


def get_key(store: ServiceStore, key_id: str) -> ApiKey | None:
    """A live key by id (for the signed-in pages, whose cookie names the key id)."""
    with store.reading("reading an API key") as session:
        row = session.get(ApiKeyRow, key_id)
        return _key(row) if row is not None and row.revoked_at is None else None


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(row.key_id, row.name, Role(row.role), row.created_at, row.revoked_at)
