"""Size limits for input files, and the one place that reads a file's bytes under them."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from dockguard.errors import InputError

_FALLBACK_MAX_BYTES = 50 * 1024 * 1024
MAX_BYTES_ENV = "DOCKGUARD_MAX_BYTES"


def _max_bytes_from_env() -> int:
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return _FALLBACK_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        # a typo in the environment must not stop `dockguard --help`; say so and use the default
        warnings.warn(
            f"{MAX_BYTES_ENV}={raw!r} is not a positive byte count; using {_FALLBACK_MAX_BYTES}",
            stacklevel=2,
        )
        return _FALLBACK_MAX_BYTES
    return value


# read once at import: the per-file limit every reader applies unless the caller passes its own
DEFAULT_MAX_BYTES: int = _max_bytes_from_env()


def describe_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


def check_size(name: object, size: int, max_bytes: int) -> None:
    """Raise InputError when `size` is over the limit, naming the file, the size and the limit."""
    if size > max_bytes:
        raise InputError(
            name,
            f"file is {describe_size(size)}, over the {describe_size(max_bytes)} limit "
            f"(pass a larger max_bytes or set {MAX_BYTES_ENV})",
        )


def read_limited(path: Path, max_bytes: int, name: object | None = None) -> bytes:
    """Read a whole file, refusing one over `max_bytes` before reading it; empty -> InputError."""
    label = path if name is None else name
    try:
        size = path.stat().st_size
        check_size(label, size, max_bytes)
        with path.open("rb") as handle:
            # the file may have grown since stat(); never read more than the limit allows
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(label, f"cannot read: {exc.strerror or exc}") from exc
    check_size(label, len(data), max_bytes)
    if not data:
        raise InputError(label, "empty file")
    return data
