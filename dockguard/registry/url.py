"""Where the registry lives: a database URL from an option, the environment or a per-user default."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from dockguard.errors import RegistryError

ENV_VAR = "DOCKGUARD_DB"

# "postgresql+psycopg://..." or "sqlite://": a scheme, then "://"; anything else is a file path
_URL_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# query parameters that carry credentials: password=, sslpassword=, token=, api_key=, auth=, ...
_PASSWORD_IN_QUERY = re.compile(r"(?i)([?&][^=&]*(?:pass|secret|token|key|auth|credential)[^=&]*=)[^&]*")


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/dockguard/registry.sqlite`, else `~/.local/share/dockguard/registry.sqlite`."""
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # the XDG spec says a relative value is invalid and must be ignored
    base = Path(data_home) if data_home and os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "dockguard" / "registry.sqlite"


def resolve_db_url(db: str | None) -> str:
    """The registry URL: `db` (a URL or a file path), else $DOCKGUARD_DB, else the per-user SQLite file.

    A plain path becomes a SQLite URL. The per-user default's folder is created; an explicit path's
    folder is not (a typo should not create directories).
    """
    for value, origin in ((db, "--db"), (os.environ.get(ENV_VAR), f"${ENV_VAR}")):
        if value is not None and value.strip():
            return _normalize(value.strip(), origin)
    path = default_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegistryError(
            f"cannot create the registry folder {path.parent}: {exc.strerror}; "
            f"pass --db or set {ENV_VAR} to a writable location"
        ) from exc
    return sqlite_url(path)


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of a SQLite file (absolute, `~` expanded)."""
    absolute = Path(path).expanduser().absolute()
    return URL.create("sqlite", database=str(absolute)).render_as_string(hide_password=False)


def parse_db_url(url: str) -> URL:
    """`url` parsed, or a RegistryError that says what is wrong with it."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise RegistryError(f"not a database URL: {redact_url(url)!r} ({exc})") from exc


def redact_url(url: str) -> str:
    """`url` with its password and secret-looking query values replaced by `***`, for messages and
    reports. Edits the string in place (no re-rendering), so the rest reads exactly as given."""
    if not _URL_SHAPE.match(url):
        return url
    scheme, _, rest = url.partition("://")
    head, sep, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0 and ":" in head[:at] and "/" not in head[:at].split(":", 1)[0]:
        user = head[:at].split(":", 1)[0]
        head = f"{user}:***{head[at:]}"
    return f"{scheme}://{head}{sep}" + _PASSWORD_IN_QUERY.sub(r"\1***", sep + query)[len(sep) :]


def _normalize(value: str, origin: str) -> str:
    if _URL_SHAPE.match(value):
        parse_db_url(value)
        return value
    if value.endswith(("/", os.sep)):
        raise RegistryError(f"{origin} {value!r} is a folder; give a file such as {value}registry.sqlite")
    return sqlite_url(value)
