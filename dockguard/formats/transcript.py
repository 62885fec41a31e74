"""Fan transcripts: `Name: line` speech, `[Scene: ...]` headings, `(stage directions)`.

Inline asides in a speech, `Monica: (stopping Joey) Ohh!`, leave the text and become the line's
note, so they are neither matched as dialogue nor lost. Lines without a speaker are ACTION.
`Written by:` / `Transcribed by:` credits are skipped. CAPS cues on their own line are read as well,
because real transcripts mix the two styles (see `engines/screenplay.py`).
"""

from __future__ import annotations

from dockguard.formats.engines.assembly import EpisodeDraft
from dockguard.formats.engines.screenplay import SourceLine, read_screenplay
from dockguard.formats.engines.sentences import physical_lines


def read_transcript(text: str, file: str) -> tuple[EpisodeDraft, ...]:
    """Parse a `Name: line` transcript into episode drafts."""
    lines = [SourceLine(number, line) for number, line in physical_lines(text)]
    return read_screenplay(lines, file, fountain=False)
