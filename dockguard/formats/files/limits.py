"""Size limits for input files, and the one place that reads a file's bytes under them."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
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


# --------------------------------------------------------------------------- the other per-file bounds
#
# Every file from a stranger is read under these, so that no input can make a reader run or grow
# without end: a clear InputError naming the file and the limit instead. Each is read once at import
# from its environment variable (a bad value warns and keeps the default), like DOCKGUARD_MAX_BYTES.

MAX_SECONDS_ENV = "DOCKGUARD_MAX_SECONDS"
MAX_LINES_ENV = "DOCKGUARD_MAX_LINES"
MAX_MEMBERS_ENV = "DOCKGUARD_MAX_MEMBERS"
MAX_XML_DEPTH_ENV = "DOCKGUARD_MAX_XML_DEPTH"
MAX_XML_ELEMENTS_ENV = "DOCKGUARD_MAX_XML_ELEMENTS"
MAX_PAGES_ENV = "DOCKGUARD_MAX_PAGES"

# a whole season in one file parses in a second or two; a minute means the input is pathological
_FALLBACK_MAX_SECONDS = 60.0
# lines of text in one file (a 100-episode season is ~60,000); also bounds subtitle cues
_FALLBACK_MAX_LINES = 1_000_000
_FALLBACK_MAX_MEMBERS = 1000
# .fdx nests ~5 deep and .docx ~10 (tables in tables a few more); lxml itself stops at 256
_FALLBACK_MAX_XML_DEPTH = 100
# elements in one XML part: a long .docx has ~50 per paragraph, 200,000 paragraphs is far past any script
_FALLBACK_MAX_XML_ELEMENTS = 10_000_000
_FALLBACK_MAX_PAGES = 5000


def _positive_from_env(name: str, fallback: float, kind: type[int] | type[float]) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return fallback
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        warnings.warn(f"{name}={raw!r} is not a positive number; using {fallback}", stacklevel=2)
        return fallback
    return value


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The bounds one file is read under; the defaults come from the DOCKGUARD_MAX_* variables."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_seconds: float = _FALLBACK_MAX_SECONDS
    max_lines: int = _FALLBACK_MAX_LINES
    max_members: int = _FALLBACK_MAX_MEMBERS
    max_xml_depth: int = _FALLBACK_MAX_XML_DEPTH
    max_xml_elements: int = _FALLBACK_MAX_XML_ELEMENTS
    max_pages: int = _FALLBACK_MAX_PAGES

    @classmethod
    def from_env(cls, max_bytes: int | None = None) -> ReadLimits:
        return cls(
            max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
            max_seconds=float(_positive_from_env(MAX_SECONDS_ENV, _FALLBACK_MAX_SECONDS, float)),
            max_lines=int(_positive_from_env(MAX_LINES_ENV, _FALLBACK_MAX_LINES, int)),
            max_members=int(_positive_from_env(MAX_MEMBERS_ENV, _FALLBACK_MAX_MEMBERS, int)),
            max_xml_depth=int(_positive_from_env(MAX_XML_DEPTH_ENV, _FALLBACK_MAX_XML_DEPTH, int)),
            max_xml_elements=int(_positive_from_env(MAX_XML_ELEMENTS_ENV, _FALLBACK_MAX_XML_ELEMENTS, int)),
            max_pages=int(_positive_from_env(MAX_PAGES_ENV, _FALLBACK_MAX_PAGES, int)),
        )


# read once at import, like DEFAULT_MAX_BYTES
DEFAULT_LIMITS: ReadLimits = ReadLimits.from_env()


def check_line_count(name: object, text: str, limits: ReadLimits) -> None:
    """Refuse text with more lines than the limit, before any reader walks them."""
    lines = max(text.count("\n"), text.count("\r")) + 1  # CRLF, LF or old-Mac CR
    if lines > limits.max_lines:
        raise InputError(
            name,
            f"has {lines:,} lines, over the {limits.max_lines:,} lines limit per file "
            f"(set {MAX_LINES_ENV} to read it)",
        )
