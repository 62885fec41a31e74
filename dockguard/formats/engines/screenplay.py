"""The line engine behind the Fountain and transcript readers: English screenplay text in either style.

One engine reads both because real files mix them: a fan transcript in screenplay style (CAPS cue
alone on a line, the speech below) may carry a block in `Name: line` style, and the other way round.
Fountain-only syntax (title page, boneyard, [[notes]], forced elements) is handled by `fountain.py`
before and through the `fountain` flag; the transcript reader turns it off so that a transcript line
starting with `.` or `!` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dockguard.formats.engines.assembly import EpisodeDraft, ScriptAssembler
from dockguard.formats.engines.cues import (
    is_act_mark,
    is_transition,
    is_voiceover,
    join_notes,
    match_caps_cue,
    match_name_colon,
    split_parentheticals,
)
from dockguard.model import Line, LineKind, Location

_HEADING = re.compile(
    r"^(?:(?:INT|EXT|EST|I/E|INT\.?/EXT|EXT\.?/INT)[.]\s*|(?:INT|EXT|EST|I/E|INT/EXT|EXT/INT)\s*[–—-]\s+|"
    r"(?:INT|EXT|EST)\s+(?=[A-Z0-9]))",
)
_HEADING_LOOSE = re.compile(r"^(?:int|ext|est|i/e|int\./ext|int/ext)\.\s*\S", re.IGNORECASE)
_BRACKETED = re.compile(r"^[\[(](?P<inner>.*)[\])]$")
# the word for "scene" in the transcripts' languages: Scene 1. …, [Escena: …], Adegan 3: …
_SCENE_WORD = r"(?:scene|escena|cena|sc[eè]ne|szene|scena|adegan|c[ảa]nh)"
_BARE_SCENE = re.compile(
    rf"^{_SCENE_WORD}\s*(?:\d+[a-z]?\s*[.:\-–]|[:\-–])\s*(?P<place>.*)$|^{_SCENE_WORD}\s*\d*\s*$",
    re.IGNORECASE,
)
_EPISODE = re.compile(
    r"^(?:episode|episodio|epis[óo]dio|[ée]pisode|episod|folge|t[ậa]p)\s+(?P<n>\d{1,4})\s*$", re.IGNORECASE
)
# `(At Monica and Rachel's)`: a transcript's scene change written as a stage direction
_PLACE_ASIDE = re.compile(
    r"^\((?P<place>(?:At|Back at|Back in|Back to|Cut to|Meanwhile,? at|Later,? at|Outside)\b[^()]{1,60})\)$"
)
_SCENE_LABEL = re.compile(
    rf"^(?:{_SCENE_WORD}|cut to|cuts to|flashback to|scene change)\s*\d*\s*[:\-–.]?\s*(?P<place>.*)$",
    re.IGNORECASE,
)
_SCENE_BREAK = re.compile(r"^(?:[~*=\-_#]\s*){3,}$")
_CREDIT = re.compile(
    r"^(?:written|transcribed|teleplay|story|directed|adapted|additional transcribing|adjustments|typed|"
    r"(?:original )?transcript|subtitles|captions|synced|corrections?)\s*(?:by)?\s*[:\-]",
    re.IGNORECASE,
)
_TIMESTAMP_HEAD = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s*[,;\-–]\s*")


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A line to read, with its 1-based line number in the file."""

    number: int
    text: str
    # a Fountain [[note]] that stood alone on its line: emitted as a NOTE, never classified
    is_note: bool = False


def read_screenplay(lines: Sequence[SourceLine], file: str, *, fountain: bool) -> tuple[EpisodeDraft, ...]:
    """Classify screenplay/transcript lines into headings, dialogue, action and notes."""
    asm = ScriptAssembler()
    speaker: str | None = None
    cue_note: str | None = None
    pending_note: str | None = None
    previous_blank = True
    previous_dialogue = False
    awaiting_place = False
    for index, source in enumerate(lines):
        raw = source.text
        line = raw.strip()
        location = Location(file, line=source.number)
        if source.is_note:
            asm.add(Line(line, LineKind.NOTE, location))
            continue
        if not line:
            speaker, cue_note, pending_note = None, None, None
            previous_blank, previous_dialogue = True, False
            continue
        if awaiting_place:
            awaiting_place = False
            if scene_heading(line, fountain=fountain) is None and match_name_colon(line) is None:
                asm.start_scene(line, location)
                continue
        episode = _EPISODE.match(line)
        if episode is not None:
            asm.start_episode(int(episode.group("n")), line)
            speaker = None
            previous_blank, previous_dialogue = True, False
            continue
        heading = scene_heading(line, fountain=fountain)
        if heading is not None:
            if heading:
                asm.start_scene(heading, location)
            else:
                asm.break_scene()
                awaiting_place = True
            speaker = None
            previous_blank, previous_dialogue = False, False
            continue
        if _SCENE_BREAK.match(line):
            asm.break_scene()
            speaker = None
            previous_blank, previous_dialogue = True, False
            continue
        if _CREDIT.match(line):
            continue
        if is_transition(line) or (fountain and line.startswith(">") and not line.endswith("<")):
            asm.add(Line(line.lstrip("> ").strip(), LineKind.NOTE, location))
            speaker = None
            previous_blank, previous_dialogue = False, False
            continue
        if is_act_mark(line):
            asm.add(Line(line, LineKind.NOTE, location))
            speaker = None
            previous_blank, previous_dialogue = True, False
            continue
        if speaker is not None and previous_dialogue:
            # no blank line between speeches: a new cue or `Name:` ends this speech
            cue = match_caps_cue(line)
            if cue is not None and _has_next_text(lines, index):
                speaker, cue_note, pending_note = cue.speaker, cue.note, None
                previous_dialogue = False
                continue
            if match_name_colon(line) is not None:
                speaker, cue_note, pending_note = None, None, None
        if speaker is not None:
            if _is_parenthetical(line):
                pending_note = join_notes(pending_note, line[1:-1])
                continue
            text, notes = split_parentheticals(line.lstrip("~") if fountain else line)
            note = join_notes(cue_note, pending_note, *notes)
            kind = LineKind.VOICEOVER if is_voiceover(cue_note) else LineKind.DIALOGUE
            if text:
                asm.add(Line(text, kind, location, speaker=speaker, note=note))
                pending_note = None
            elif note:
                pending_note = note
            previous_blank, previous_dialogue = False, True
            continue
        named = None if (fountain and line.startswith(("!", "@"))) else match_name_colon(line)
        if named is not None:
            kind = LineKind.VOICEOVER if is_voiceover(named.note) else LineKind.DIALOGUE
            if named.text:
                asm.add(Line(named.text, kind, location, speaker=named.speaker, note=named.note))
            else:
                # `Name:` alone: the speech follows on the next lines
                speaker, cue_note, pending_note = named.speaker, named.note, None
            previous_blank, previous_dialogue = False, True
            continue
        cue = None if (fountain and line.startswith("!")) else match_caps_cue(line)
        if cue is not None and (previous_blank or previous_dialogue) and _has_next_text(lines, index):
            speaker, cue_note, pending_note = cue.speaker, cue.note, None
            previous_blank, previous_dialogue = False, False
            continue
        asm.add(_action_line(line, location, fountain=fountain))
        previous_blank, previous_dialogue = False, False
    return asm.finish()


def scene_heading(line: str, *, fountain: bool) -> str | None:
    """The place of a scene heading line, or None: INT./EXT. lines, [Scene: ...], [Cut to ...]."""
    if fountain and line.startswith(".") and len(line) > 1 and line[1] not in ". ":
        return line[1:].strip()
    if _HEADING.match(line) or _HEADING_LOOSE.match(line):
        return _strip_scene_number(line)
    bare = _BARE_SCENE.match(line)
    if bare is not None:
        # `Scene:` alone: the place is on the next line (see read_screenplay)
        return (bare.group("place") or "").strip(" .")
    aside = _PLACE_ASIDE.match(line)
    if aside is not None:
        return aside.group("place").strip(" .")
    bracketed = _BRACKETED.match(line)
    if bracketed is None:
        return None
    inner = bracketed.group("inner").strip()
    label = _SCENE_LABEL.match(inner)
    if label is not None:
        return label.group("place").strip(" .") or inner
    # `[00:48, EXT. PARK - NIGHT]`: a timestamped heading in a fan transcript
    inner_place = _TIMESTAMP_HEAD.sub("", inner)
    if _HEADING.match(inner_place) or _HEADING_LOOSE.match(inner_place):
        return inner_place
    return None


def _strip_scene_number(line: str) -> str:
    # Fountain scene numbers: INT. HOUSE - DAY #1A#
    return re.sub(r"\s*#[\w.\-]+#\s*$", "", line).strip()


def _is_parenthetical(line: str) -> bool:
    return len(line) >= 2 and line[0] == "(" and line[-1] == ")"


def _has_next_text(lines: Sequence[SourceLine], index: int) -> bool:
    return index + 1 < len(lines) and bool(lines[index + 1].text.strip())


def _action_line(line: str, location: Location, *, fountain: bool) -> Line:
    text = line
    if fountain:
        text = text[1:] if text.startswith("!") else text
        if text.startswith(">") and text.endswith("<"):
            text = text[1:-1]
    bracketed = _BRACKETED.match(text)
    if bracketed is not None:
        # a stage direction alone on its line: (They kiss.) or [Castle's cell rings.]
        return Line(bracketed.group("inner").strip(), LineKind.ACTION, location)
    return Line(text.strip(), LineKind.ACTION, location)
