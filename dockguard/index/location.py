"""Where a registry's line index lives: `--index-dir` / $DOCKGUARD_INDEX_DIR, else a folder beside
a SQLite registry's file, else (PostgreSQL, or a SQLite file on read-only media) a folder in the
user's cache named for the registry. Each model gets its own subfolder."""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
import weakref
from pathlib import Path

from dockguard.embed import cache_root
from dockguard.registry import Registry

ENV_VAR = "DOCKGUARD_INDEX_DIR"
_MEMORY: weakref.WeakKeyDictionary[Registry, Path] = weakref.WeakKeyDictionary()


def index_root(registry: Registry, index_dir: Path | str | None = None) -> Path:
    """The folder holding the registry's index (for every model)."""
    chosen = index_dir or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    db = registry.sqlite_path
    if db is not None and not registry.read_only and os.access(db.parent, os.W_OK):
        return db.with_name(db.name + ".index")
    if registry.backend == "sqlite" and db is None:  # in memory: lives as long as the process
        if registry not in _MEMORY:
            path = Path(tempfile.mkdtemp(prefix="dockguard-index-"))
            atexit.register(shutil.rmtree, path, ignore_errors=True)
            _MEMORY[registry] = path
        return _MEMORY[registry]
    digest = hashlib.sha256(registry.identity.encode("utf-8")).hexdigest()[:16]
    return cache_root() / "index" / digest


def model_folder(root: Path, model_id: str, settings_key: str) -> Path:
    """One folder per model and settings: scans with other settings never rebuild each other's."""
    digest = hashlib.sha256(settings_key.encode("utf-8")).hexdigest()[:8]
    return root / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', model_id)}-{digest}"
