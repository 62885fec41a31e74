"""Subtitles: SubRip (.srt), SubStation Alpha (.ass/.ssa) and WebVTT (.vtt), read with pysubs2.

Each cue becomes CUE lines with its start and end in milliseconds. Override tags ({\\an8}, {\\i1}) and
HTML tags go; the lines of a multi-line cue are joined with a space. A cue that opens with a dialogue
dash (`-Hi. -Hello.`) holds two speakers: it is split into one Line per dash, all with the cue's
timing. A `Name: text` prefix (or the ASS actor field, or a WebVTT <v Name> tag) gives the speaker.

Subtitles have no scenes: each file is one episode of one scene. (Gaps in the timing are not scene
breaks reliably enough to invent scenes from.)
"""

from __future__ import annotations

import re
import warnings

from dockguard.errors import ParseError
from dockguard.formats.engines.assembly import EpisodeDraft, ScriptAssembler
from dockguard.formats.engines.cues import (
    join_notes,
    match_name_colon,
    split_dialogue_dashes,
    split_parentheticals,
)
from dockguard.formats.zh.speakers import STRUCTURE_LABELS, is_plausible_name
from dockguard.han import HAN
from dockguard.model import Line, LineKind, Location

SUBTITLE_FORMATS = ("srt", "ass", "ssa", "vtt")
# runs of blank lines: pysubs2's SRT reader strips the next cue number with `\n+ *\d+ *$`, which is
# quadratic in the length of a run of newlines (100,000 blank lines take minutes); cue text is
# joined with spaces anyway, so two newlines say all a run of them does
_BLANK_RUN = re.compile(r"\n(?:[ \t\r]*\n){2,}")
# the override blocks of an ASS event and the tags in them, as pysubs2 reads them
_OVERRIDE_BLOCK = re.compile(r"{[^}]*}")
_OVERRIDE_TAG = re.compile(r"\\[ibusp][0-9]|\\r[a-zA-Z_0-9 ]*|\\fn[a-zA-Z_0-9 ]+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_OVERRIDE = re.compile(r"\{[^{}]*\}")
_VTT_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
# a speaker prefix in a Chinese cue: a short name, never digits (`晚上10:30` is a time)
_ZH_SPEAKER = re.compile(
    f"^(?P<name>[A-Za-z]{{0,3}}[{HAN}][{HAN}A-Za-z·]{{0,5}})\\s*[：:]\\s*(?P<text>[^0-9０-９].*)$"
)


def read_subtitles(text: str, file: str, fmt: str) -> tuple[EpisodeDraft, ...]:
    """Parse subtitle text in `fmt` (srt, ass, ssa or vtt) into one episode of one scene."""
    import pysubs2

    text = _BLANK_RUN.sub("\n\n", text)
    if fmt == "vtt":
        # pysubs2 drops WebVTT voice tags; keep the speaker as a `Name: ` prefix
        text = _VTT_VOICE.sub(lambda m: f"{m.group(1).strip()}: ", text)
    try:
        with warnings.catch_warnings():
            # pysubs2 warns for each style field it has to default; the cues are what matter here
            warnings.simplefilter("ignore", RuntimeWarning)
            subs = pysubs2.SSAFile.from_string(text, format_=fmt)
    except (pysubs2.exceptions.Pysubs2Error, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ParseError(file, f"malformed {fmt} subtitles: {exc}") from exc
    asm = ScriptAssembler()
    cues = 0
    for event in subs:
        if event.is_comment or is_drawing(event.text):
            continue
        cues += 1
        location = Location(file, start_ms=max(0, int(event.start)), end_ms=max(0, int(event.end)))
        for line in cue_lines(event.plaintext, location, actor=event.name or None):
            asm.add(line)
    if cues == 0:
        raise ParseError(file, f"no {fmt} subtitle cues found (malformed or not {fmt})")
    return asm.finish()


def is_drawing(text: str) -> bool:
    """An ASS vector drawing (`{\\p1}m 0 0 l 100 0`), not text: pysubs2's SSAEvent.is_drawing, in
    linear time. pysubs2 joins every prefix of the override blocks, quadratic in time and memory: an
    event of 20,000 `{…}` blocks took minutes and gigabytes."""
    drawing = False
    for block in _OVERRIDE_BLOCK.findall(text):
        for tag in _OVERRIDE_TAG.findall(block):
            if tag == "\\r":
                drawing = False  # back to the line's style, which never draws
            elif tag[1] == "p":
                drawing = int(tag[2:]) > 0
        if drawing:
            return True
    return False


def clean_cue_text(text: str) -> str:
    """Drop override and HTML tags; join the cue's lines with a space."""
    text = _OVERRIDE.sub("", text.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " "))
    text = _HTML_TAG.sub("", text)
    return " ".join(text.split())


def cue_lines(raw: str, location: Location, *, actor: str | None = None) -> list[Line]:
    """The Lines of one cue: split at dialogue dashes, each with its speaker if it names one."""
    lines: list[Line] = []
    for part in split_dialogue_dashes(clean_cue_text(raw)):
        speaker, rest = speaker_prefix(part)
        # sound descriptions for the deaf, [door slams] (laughs), are kept as the line's note
        text, asides = split_parentheticals(rest)
        note = join_notes(*asides)
        if text:
            lines.append(Line(text, LineKind.CUE, location, speaker=speaker or actor, note=note))
        elif note:
            lines.append(Line(note, LineKind.NOTE, location, speaker=speaker or actor))
    return lines


def speaker_prefix(text: str) -> tuple[str | None, str]:
    """`JOHN: Hello` / `林霄：你好` -> (speaker, rest of the text); (None, text) without a prefix."""
    named = match_name_colon(text, strict=True)
    if named is not None:
        rest = text.split(":", 1)[1].strip()
        if rest:
            return named.speaker, rest
    match = _ZH_SPEAKER.match(text)
    if match is not None:
        name = match.group("name")
        if is_plausible_name(name) and name not in STRUCTURE_LABELS:
            return name, match.group("text").strip()
    return None, text
