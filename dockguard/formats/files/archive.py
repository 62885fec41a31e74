"""Directories and zip archives of episode files, with the zip refused when it looks like a bomb.

A zip is refused (InputError naming it) when it has too many members, a member name that climbs out
of the archive (`../x`, `/etc/x`, `C:\\x`), a total uncompressed size over the limit, or a
compression ratio over 100. The sizes in the zip's directory are not trusted: each member is read
with a cap, so a member that inflates past its declared size is caught while it inflates.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dockguard.errors import InputError, ParseError, UnsupportedFormat
from dockguard.formats.files.budget import active_limits, check_time
from dockguard.formats.files.episodes import order_members
from dockguard.formats.files.limits import MAX_MEMBERS_ENV, check_size, describe_size, read_limited

MAX_RATIO = 100
# a ratio is only meaningful for members big enough to matter; tiny files compress oddly
_RATIO_MIN_BYTES = 1024 * 1024
SCRIPT_EXTENSIONS = frozenset(
    {".txt", ".text", ".srt", ".ass", ".ssa", ".vtt", ".fountain", ".spmd", ".fdx", ".docx", ".pdf", ".md"}
)
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Member:
    """One episode file inside a directory or zip: its path relative to it, and its bytes."""

    name: str
    data: bytes


def is_script_name(name: str) -> bool:
    pure = PurePosixPath(name)
    if any(part.startswith(".") or part == "__MACOSX" for part in pure.parts):
        return False
    return pure.suffix.lower() in SCRIPT_EXTENSIONS


def directory_members(root: Path, max_bytes: int) -> Iterator[Member]:
    """The script files under `root`, recursively, in episode order."""
    names = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and is_script_name(relative):
            names.append(relative)
    if not names:
        raise InputError(
            root, f"no script files in directory (looked for {', '.join(sorted(SCRIPT_EXTENSIONS))})"
        )
    for name in order_members(names):
        yield Member(name, read_limited(root / name, max_bytes, name=f"{root}/{name}"))


def zip_members(path: Path | str, data: bytes, max_bytes: int) -> Iterator[Member]:
    """The script files in a zip archive, in episode order, after the bomb checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(path, f"not a readable zip archive (truncated or corrupt): {exc}") from exc
    except NotImplementedError as exc:  # a zip version or feature Python cannot read
        raise UnsupportedFormat(path, f"unsupported zip archive: {exc}") from exc
    with archive:
        infos = check_zip(archive, path, max_bytes)
        wanted = {info.filename: info for info in infos if is_script_name(info.filename)}
        if not wanted:
            raise InputError(path, "no script files in the zip archive")
        for name in order_members(wanted):
            yield Member(name, read_member(archive, wanted[name], path, max_bytes))


def check_zip(archive: zipfile.ZipFile, path: Path | str, max_bytes: int) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs and unsafe member names; return the file members."""
    for info in archive.infolist():
        if not info.filename:  # ZipInfo.is_dir() fails on it; no real archiver writes one
            raise InputError(path, "zip has a member without a name: refused (damaged archive?)")
    infos = [info for info in archive.infolist() if not info.is_dir()]
    max_members = active_limits().max_members
    if len(infos) > max_members:
        raise InputError(
            path,
            f"zip has {len(infos)} members, more than the {max_members} allowed (set {MAX_MEMBERS_ENV} to read it)",
        )
    total = 0
    packed = 0
    for info in infos:
        _check_member_name(info.filename, path)
        total += info.file_size
        packed += info.compress_size
        if info.file_size >= _RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputError(
                path,
                f"zip member {info.filename!r} expands {info.file_size // max(1, info.compress_size)}x "
                f"(over {MAX_RATIO}x): refused as a zip bomb",
            )
    if total > max_bytes:
        raise InputError(
            path, f"zip expands to {describe_size(total)}, over the {describe_size(max_bytes)} limit"
        )
    if total >= _RATIO_MIN_BYTES and total > MAX_RATIO * max(1, packed):
        raise InputError(
            path, f"zip expands {total // max(1, packed)}x (over {MAX_RATIO}x): refused as a zip bomb"
        )
    return infos


def _check_member_name(name: str, path: Path | str) -> None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
        raise InputError(path, f"zip member name {name!r} points outside the archive: refused")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path | str, max_bytes: int) -> bytes:
    """Read one member, never inflating more than its declared size or the limit."""
    label = f"{path}/{info.filename}"
    check_size(label, info.file_size, max_bytes)
    cap = min(max_bytes, info.file_size)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while True:
                check_time()
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise InputError(
                        path, f"zip member {info.filename!r} inflates past its declared size: refused"
                    )
                chunks.append(chunk)
    # lzma.LZMAError: a damaged LZMA member (zlib and bz2 errors are zlib.error and OSError)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as exc:
        raise ParseError(
            path, f"cannot read zip member {info.filename!r} (truncated or corrupt): {exc}"
        ) from exc
    except NotImplementedError as exc:  # a compression method Python cannot read
        raise UnsupportedFormat(path, f"cannot read zip member {info.filename!r}: {exc}") from exc
    except RuntimeError as exc:  # an encrypted member without a password
        raise InputError(path, f"cannot read zip member {info.filename!r}: {exc}") from exc
    data = b"".join(chunks)
    if not data:
        raise InputError(label, "empty file")
    return data
