"""read_script: a file, a directory of episode files or a zip of them -> one Script."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from dockguard.errors import InputError
from dockguard.formats.detect import detect_format, text_flavour
from dockguard.formats.engines.assembly import EpisodeDraft
from dockguard.formats.files.archive import Member, directory_members, zip_members
from dockguard.formats.files.budget import check_time, reading
from dockguard.formats.files.decode import decode_bytes
from dockguard.formats.files.episodes import episode_number_from_name
from dockguard.formats.files.limits import DEFAULT_LIMITS, ReadLimits, check_line_count, read_limited
from dockguard.formats.language import detect_language
from dockguard.formats.table import ZIP_MAGIC, binary_format, format_named
from dockguard.model import Episode, LineKind, Script, SourceFile


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file as read: where it came from and the episodes it holds."""

    source: SourceFile
    episodes: tuple[EpisodeDraft, ...]


def read_script(
    path: str | Path,
    *,
    max_bytes: int | None = None,
    title: str | None = None,
    language: str | None = None,
    limits: ReadLimits | None = None,
) -> Script:
    """Read a script file, a directory of episode files, or a .zip of them.

    Members are ordered by the episode number in their names (第3集, EP03, S01E03, 03.txt...), else
    naturally. Title defaults to the file or directory stem; language is detected unless given.
    Each file (a zip as a whole, a directory's files one by one) is read under `limits` (default:
    the DOCKGUARD_MAX_* environment; `max_bytes` overrides its size limit).
    Raises InputError (or its ParseError / UnsupportedFormat) naming the file at fault.
    """
    limits = _limits(limits, max_bytes)
    root = Path(path)
    if not root.exists():
        raise InputError(root, "no such file or directory")
    # a zip is one file: its members share its time budget; a directory's files have one each
    with nullcontext() if root.is_dir() else reading(str(root), limits):
        parsed, collection = _parse_members(root, limits)
        episodes = number_episodes(parsed, from_names=collection)
    if not any(scene.lines for episode in episodes for scene in episode.scenes):
        raise InputError(root, "no script text found in it")
    if language is None:
        language = detect_language(
            line.text
            for episode in episodes
            for scene in episode.scenes
            for line in scene.lines
            if line.kind is not LineKind.HEADING
        )
    return Script(
        title=title if title is not None else (root.name if root.is_dir() else root.stem),
        language=language,
        episodes=episodes,
        sources=tuple(p.source for p in parsed),
    )


def _limits(limits: ReadLimits | None, max_bytes: int | None) -> ReadLimits:
    limits = limits if limits is not None else DEFAULT_LIMITS
    return limits if max_bytes is None else replace(limits, max_bytes=max_bytes)


def _parse_members(root: Path, limits: ReadLimits) -> tuple[list[ParsedFile], bool]:
    """Every file of a directory, a zip or a single file, parsed; and whether it was a collection."""
    collection = True
    members: Iterable[Member]
    if root.is_dir():
        members = directory_members(root, limits.max_bytes)
    else:
        data = read_limited(root, limits.max_bytes)
        suffix = root.suffix.lower()
        if suffix == ".zip" or (data.startswith(ZIP_MAGIC) and suffix not in (".docx", ".fdx")):
            members = zip_members(root, data, limits.max_bytes)
        else:
            members = [Member(root.name, data)]
            collection = False
    parsed = []
    for member in members:
        # errors name the member as a path inside the directory or zip it came from
        label = f"{root}/{member.name}" if collection else str(root)
        parsed.append(parse_file(member.data, member.name, label=label, limits=limits))
    return parsed, collection


def parse_file(
    data: bytes,
    file: str,
    *,
    label: str | None = None,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
) -> ParsedFile:
    """Read one file's bytes. `file` goes into every Line's location; errors name `label` (default `file`).

    Read under `limits` (default: the DOCKGUARD_MAX_* environment; `max_bytes` overrides its size
    limit): over its time, line, XML or page limits, an InputError naming the file and the limit.
    """
    label = label or file
    limits = _limits(limits, max_bytes)
    try:
        with reading(label, limits):
            return _parse_file(data, file, limits)
    except InputError as exc:
        if exc.path == label:
            raise
        # name the file as the user knows it: the zip and the member, or the directory path
        raise type(exc)(label, exc.problem) from exc
    except RecursionError as exc:  # nesting deeper than any reader expects, in a third-party parser
        raise InputError(label, "nested too deeply to read (damaged file?)") from exc


def _parse_file(data: bytes, file: str, limits: ReadLimits) -> ParsedFile:
    if not data:
        raise InputError(file, "empty file")
    digest = hashlib.sha256(data).hexdigest()
    binary = binary_format(file, data)
    if binary is not None and binary.read_document is not None:
        encoding, episodes = binary.read_document(data, file)
        return ParsedFile(SourceFile(file, binary.name, encoding, digest), episodes)
    if binary is not None and binary.extract_text is not None:
        text = binary.extract_text(data, file, limits.max_bytes)
        check_line_count(file, text, limits)
        return _parse_extracted(text, file, binary.name, digest)
    text, encoding = decode_bytes(data, file)
    if not text.strip():
        raise InputError(file, "empty file (only whitespace)")
    check_line_count(file, text, limits)
    check_time()
    fmt = detect_format(file, text)
    return ParsedFile(SourceFile(file, fmt, encoding, digest), parse_text(text, file, fmt))


def _parse_extracted(text: str, file: str, container: str, digest: str) -> ParsedFile:
    if not text.strip():
        raise InputError(file, f"empty {container} (no text)")
    flavour = text_flavour(text)
    # the container's own encoding is fixed (docx XML is UTF-8; a PDF's text layer is Unicode)
    return ParsedFile(
        SourceFile(file, f"{container}:{flavour}", container, digest), parse_text(text, file, flavour)
    )


def parse_text(text: str, file: str, fmt: str) -> tuple[EpisodeDraft, ...]:
    """Parse decoded text in a known format (a subtitle syntax or a text flavour)."""
    reader = format_named(fmt).read_text
    if reader is None:
        raise ValueError(f"no text reader for format {fmt!r}")
    return reader(text, file)


def number_episodes(parsed: list[ParsedFile], *, from_names: bool) -> tuple[Episode, ...]:
    """Number episodes across files: a file's own 第N集 headings, else the number in its name, else next.

    Numbers only ever increase, so two files that both start at 第1集 become episodes 1 and 2.
    """
    out: list[Episode] = []
    previous = 0
    for item in parsed:
        drafts = _merge_preamble(item.episodes)
        name_number = episode_number_from_name(item.source.path) if from_names else None
        for index, draft in enumerate(drafts):
            if draft.number is not None and draft.number > previous:
                number = draft.number
            elif index == 0 and name_number is not None and name_number > previous:
                number = name_number
            else:
                number = previous + 1
            title = draft.title or (PurePosixPath(item.source.path).stem if from_names else "")
            out.append(Episode(number=number, title=title, scenes=draft.scenes))
            previous = number
    return tuple(out)


def _merge_preamble(drafts: tuple[EpisodeDraft, ...]) -> tuple[EpisodeDraft, ...]:
    """Title and cast list before 第一集 belong to episode 1, not to an episode of their own."""
    if len(drafts) < 2 or drafts[0].number is not None or drafts[1].number is None:
        return drafts
    scenes = drafts[0].scenes + drafts[1].scenes
    renumbered = tuple(replace(scene, number=i) for i, scene in enumerate(scenes, start=1))
    return (replace(drafts[1], scenes=renumbered), *drafts[2:])
