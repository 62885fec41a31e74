"""Fountain screenplays (and fan transcripts written like screenplays).

Before the shared line engine runs: the title page is dropped (it is metadata, not drama), boneyard
`/* ... */` is blanked out, `[[notes]]` become NOTE lines where they stand alone on a line and are removed where inline,
and emphasis markers are stripped. Line numbers are kept: everything removed is replaced by blank
lines, never joined.
"""

from __future__ import annotations

import re

from dockguard.formats.engines.assembly import EpisodeDraft
from dockguard.formats.engines.screenplay import SourceLine, read_screenplay
from dockguard.formats.engines.sentences import physical_lines

_TITLE_KEY = re.compile(
    r"^(?:title|credit|author|authors|source|draft date|date|contact|copyright|notes|revision|format)\s*:",
    re.IGNORECASE,
)
_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_NOTE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_EMPHASIS = re.compile(r"(\*{1,3}|_)(?=\S)(.+?)(?<=\S)\1")
_SEPARATOR = re.compile(r"\s*(?:[~*=\-_]\s*){3,}")


def read_fountain(text: str, file: str) -> tuple[EpisodeDraft, ...]:
    """Parse Fountain text into episode drafts (one episode; scenes at each heading)."""
    text = _blank_out(_BONEYARD, text)
    notes: dict[int, str] = {}
    lines = physical_lines(_take_notes(text, notes))
    start = _after_title_page(lines)
    prepared: list[SourceLine] = []
    for number, line in lines[start:]:
        if number in notes and not line.strip():
            prepared.append(SourceLine(number, notes[number], is_note=True))
        elif line.strip() in ("===", "====") or line.lstrip().startswith(("#", "= ")):
            # page breaks, sections and synopses structure the writing, not the drama
            prepared.append(SourceLine(number, ""))
        else:
            prepared.append(SourceLine(number, _strip_emphasis(line)))
    return read_screenplay(prepared, file, fountain=True)


def _blank_out(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _take_notes(text: str, notes: dict[int, str]) -> str:
    """Blank out [[notes]], remembering each note's text by the line it starts on."""

    def take(match: re.Match[str]) -> str:
        line_number = text.count("\n", 0, match.start()) + 1
        body = " ".join(match.group(1).split())
        if body:
            notes[line_number] = body
        return "\n" * match.group(0).count("\n")

    return _NOTE.sub(take, text)


def _after_title_page(lines: list[tuple[int, str]]) -> int:
    """Index of the first line after a title page (key: value block at the very top), else 0."""
    first = next((i for i, (_, line) in enumerate(lines) if line.strip()), None)
    if first is None or not _TITLE_KEY.match(lines[first][1].strip()):
        return 0
    for i in range(first, len(lines)):
        if not lines[i][1].strip():
            return i
    return len(lines)


def _strip_emphasis(line: str) -> str:
    if not line.strip():
        return line
    if _SEPARATOR.fullmatch(line):
        return line  # a ~*~*~ scene separator, not emphasis
    return _EMPHASIS.sub(lambda m: m.group(2), line)
