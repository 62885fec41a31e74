"""Plain text: the fallback reader, and subtitle text without timings.

Plain text is one ACTION line per line; a long line of Chinese (run-on prose) is split at sentence
ends. Subtitle text without timings (one subtitle per line, as subtitle tracks are often shared) is
read as CUE lines without times, located by line number, split at dialogue dashes like real cues.
"""

from __future__ import annotations

from dockguard.formats.engines.assembly import EpisodeDraft, ScriptAssembler
from dockguard.formats.engines.sentences import physical_lines, split_sentences
from dockguard.formats.subtitles import cue_lines
from dockguard.han import has_han
from dockguard.model import Line, LineKind, Location

_RUN_ON = 60


def read_plain(text: str, file: str) -> tuple[EpisodeDraft, ...]:
    """One ACTION line per line; long Chinese lines split at 。！？."""
    asm = ScriptAssembler()
    for number, line in physical_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        location = Location(file, line=number)
        pieces = split_sentences(stripped) if len(stripped) > _RUN_ON and has_han(stripped) else [stripped]
        for piece in pieces:
            asm.add(Line(piece, LineKind.ACTION, location))
    return asm.finish()


def read_subtitle_lines(text: str, file: str) -> tuple[EpisodeDraft, ...]:
    """Subtitle lines without timings: CUE lines located by line number."""
    asm = ScriptAssembler()
    for number, line in physical_lines(text):
        if line.strip():
            for cue in cue_lines(line, Location(file, line=number)):
                asm.add(cue)
    return asm.finish()
