"""Who speaks, in Latin-script text: `Name: line` prefixes, CAPS character cues, parentheticals,
voice-over marks and subtitle dialogue dashes. Shared by the screenplay, transcript and subtitle readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# labels that look like `Name:` but introduce something other than speech
_NOT_SPEAKERS = frozenset(
    s.lower()
    for s in (
        "Scene",
        "Note",
        "Notes",
        "Written by",
        "Transcribed by",
        "Teleplay by",
        "Story by",
        "Directed by",
        "Title",
        "Credit",
        "Credits",
        "Author",
        "Authors",
        "Source",
        "Draft date",
        "Contact",
        "Copyright",
        "Revision",
        "Time",
        "Date",
        "Location",
        "Place",
        "Setting",
        "Int",
        "Ext",
        "Warning",
        "Caption",
        "Subtitle",
        "Subtitles",
        "Sign",
        "Lyrics",
        "Episode",
        "Season",
        "Part",
        "Chapter",
        "Act",
        "Cast",
        "Characters",
        "Summary",
        "Synopsis",
        "Music",
        "Sound",
        "Sfx",
        "Fx",
        "Url",
        "Http",
        "Https",
        "Re",
        "Ps",
        "Update",
        "Edit",
        "Disclaimer",
        "Genre",
        "Language",
        "Translator",
        "Translated by",
        "Sync",
        "Synced by",
        "Subtitles by",
        "Captions by",
        "Adapted by",
        "Original air date",
        "Airdate",
        "Opening credits",
        "Closing credits",
        "Commercial break",
        "Flashback",
        "Cut to",
    )
)
# words that open a sentence with a colon in speech: `Okay, here's the thing: ...`
_DISCOURSE = frozenset(
    """oh okay ok yeah yes no well look listen wait hey so now then remember see rule step answer question
    quote hint reason problem point truth fact thing color colour name age anyway but and or because like
    first second third finally also plus again here there this that what why how who""".split()
)
_CONNECTORS = frozenset("the of and de la del da van von le mc mac a an at in on with from to & 's".split())
_NAME_COLON = re.compile(
    r"^(?P<name>[A-Z][\w.'’\-]*(?:[ ,]+[\w.'’\-&]+){0,5}?)\s*"
    r"(?:[(\[](?P<note>[^)\]]{1,60})[)\]])?\s*:\s*(?P<text>.*)$"
)
_CAPS_CUE = re.compile(r"^(?P<forced>@)?(?P<name>[^\s(a-z][^(]*?[^\s(])\s*(?P<ext>(?:\([^)]*\)\s*)*)\^?$")
_PAREN = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|（([^（）]*)）|［([^［］]*)］|【([^【】]*)】")
_DASH_SPLIT = re.compile(r"(?:^|\s+)[-–‐]\s*")
_NOT_CUES = frozenset(
    (
        "THE END",
        "END",
        "FADE IN",
        "FADE OUT",
        "FADE TO BLACK",
        "CUT TO BLACK",
        "BLACKOUT",
        "COMMERCIAL BREAK",
        "OPENING CREDITS",
        "CLOSING CREDITS",
        "END CREDITS",
        "CREDITS",
        "TEASER",
        "COLD OPEN",
        "TAG",
        "CONTINUED",
        "MORE",
        "INTERMISSION",
        "PROLOGUE",
        "EPILOGUE",
        "FLASHBACK",
        "END FLASHBACK",
        "BACK TO SCENE",
        "SUPER",
        "TITLE CARD",
        "MONTAGE",
        "END MONTAGE",
        "SERIES OF SHOTS",
        "LATER",
        "CONTINUOUS",
        "SILENCE",
        "INTERCUT",
        "DISSOLVE",
        "THE NEXT DAY",
        "MOMENTS LATER",
        "BEAT",
    )
)
# camera directions in capitals: a shot, not a character
_SHOT_WORDS = re.compile(
    r"^(?:INSERT|SINGLE SHOTS?|CLOSE ON|CLOSE UP|CLOSE-UP|CLOSEUP|EXTREME CLOSE|ANGLE ON|ANGLE|WIDE SHOT|WIDE ON|"
    r"WIDE|POV|P\.O\.V\.|BACK TO|MONTAGE|SERIES OF|ESTABLISHING|AERIAL|TRACKING|OVER BLACK|BLACK SCREEN|ON SCREEN|"
    r"ON THE|FLASH CUT|QUICK CUTS?|SPLIT SCREEN|END OF|SUPER|TITLE|CHYRON|CAPTION|INTERCUT|REVERSE|TWO SHOT|"
    r"MEDIUM SHOT|FULL SHOT|LONG SHOT|HIGH ANGLE|LOW ANGLE|OVERHEAD|PAN|ZOOM|FREEZE FRAME|SLOW MOTION|LATER)\b"
)
_ACT_MARK = re.compile(r"^(?:ACT|END OF ACT|PART|CHAPTER)\s+[A-Z0-9]+\.?$|^END OF (?:TEASER|SHOW|EPISODE)$")
_VOICE_WORDS = frozenset(
    ("V.O", "VO", "V/O", "O.S", "OS", "O.C", "OC", "OFF", "OFFSCREEN", "VOICEOVER", "VOICE")
)
_VOICE_CJK = ("画外", "畫外", "旁白", "独白", "獨白", "心声", "心聲", "内心", "內心", "解说", "解說")


@dataclass(frozen=True, slots=True)
class SpeakerLine:
    """A line that names its speaker: `Rachel: (smiling) Hi!` -> speaker, note, text."""

    speaker: str
    text: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Cue:
    """A character cue on its own line: `EDWARD (V.O.)`."""

    speaker: str
    note: str | None


def is_voiceover(note: str | None) -> bool:
    """(V.O.), (O.S.), OS, VO, 画外音, 旁白, 独白 ... mark a line as voice-over."""
    if not note:
        return False
    # V.0. (a zero for the O) turns up in real scripts
    flat = note.upper().replace(" ", "").replace("’", "'").replace("0", "O")
    for part in re.split(r"[;,/；，、]", flat):
        part = part.strip(".")
        if part in _VOICE_WORDS or part.startswith(("V.O", "O.S", "O.C")):
            return True
    return any(mark in note for mark in _VOICE_CJK)


def split_parentheticals(text: str) -> tuple[str, list[str]]:
    """Take (…) and […] asides out of a line: ('Hi there', ['smiling']) for 'Hi (smiling) there'."""
    notes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        inner = next(g for g in match.groups() if g is not None).strip()
        if inner:
            notes.append(inner)
        return " "

    clean = text
    # nested asides come out innermost first
    for _ in range(3):
        new = _PAREN.sub(keep, clean)
        if new == clean:
            break
        clean = new
    return " ".join(clean.split()), notes


def join_notes(*parts: str | None) -> str | None:
    kept = [p.strip() for p in parts if p and p.strip()]
    return "; ".join(kept) if kept else None


def match_name_colon(line: str, *, strict: bool = False) -> SpeakerLine | None:
    """`Name: text` with a short, capitalised name (Rachel, Dr. Miller, The Doctor, MONICA).

    `strict` (for subtitle cues, where a speaker prefix is the exception): no `Name, description`
    form and at most three words.
    """
    match = _NAME_COLON.match(line)
    if match is None:
        return None
    name = " ".join(match.group("name").split()).strip(" ,")
    if not _plausible_name(name) or (strict and ("," in name or len(name.split()) > 3)):
        return None
    rest = match.group("text")
    if rest.startswith("//"):
        return None
    text, notes = split_parentheticals(rest)
    return SpeakerLine(name, text, join_notes(match.group("note"), *notes))


def _plausible_name(name: str) -> bool:
    if not name or len(name) > 40 or name.lower() in _NOT_SPEAKERS:
        return False
    if name.endswith(("by", "By")):
        return False
    head, _, description = name.partition(",")
    words = head.split()
    if not words or len(words) > 4 or words[0].lower().strip(".") in _DISCOURSE:
        return False
    if any(ch.isdigit() for ch in name):
        return False
    if description and (len(description.split()) > 5 or "," in description):
        return False
    for word in words[1:]:
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in _CONNECTORS):
            return False
    return any(ch.isalpha() for ch in head)


def match_caps_cue(line: str) -> Cue | None:
    """A character cue: the name in capitals alone on its line, maybe with (V.O.) or (CONT'D)."""
    stripped = line.strip()
    if len(stripped) > 50:
        return None
    match = _CAPS_CUE.match(stripped)
    if match is None:
        return None
    name = " ".join(match.group("name").split())
    forced = bool(match.group("forced"))
    if not forced:
        if name != name.upper() or not any("A" <= ch <= "Z" for ch in name):
            return None
        if name.endswith(("!", "?", ":", ",", ";", "-", "–")) or name.startswith(
            ("-", "*", "~", "#", "=", ">", "[")
        ):
            return None
        if name.rstrip(".") in _NOT_CUES or _ACT_MARK.match(name) or is_transition(name):
            return None
        if _SHOT_WORDS.match(name) and not match.group("ext"):
            return None
        if len(name.split()) > 5:
            return None
    if not name:
        return None
    exts = [e.strip() for e in re.findall(r"\(([^)]*)\)", match.group("ext") or "")]
    # (CONT'D) says the same speaker goes on; it qualifies nothing
    notes = [
        e for e in exts if e and not re.fullmatch(r"CONT['’]?D|CONTINUING|CONTINUED|MORE", e, re.IGNORECASE)
    ]
    return Cue(name, join_notes(*notes))


def is_transition(line: str) -> bool:
    """CUT TO:, FADE OUT., SMASH CUT TO: ..."""
    stripped = line.strip()
    if stripped != stripped.upper():
        return False
    return stripped.endswith("TO:") or stripped.rstrip(".:") in (
        "FADE IN",
        "FADE OUT",
        "FADE TO BLACK",
        "CUT TO BLACK",
    )


def is_act_mark(line: str) -> bool:
    """ACT ONE, END OF ACT TWO, TEASER, COMMERCIAL BREAK: structure, not content."""
    stripped = line.strip().rstrip(".").upper() if line.strip().isupper() else line.strip()
    return bool(_ACT_MARK.match(stripped)) or stripped in _NOT_CUES


def split_dialogue_dashes(text: str) -> list[str]:
    """'-Hi. -Hello.' (two speakers in one subtitle cue) -> ['Hi.', 'Hello.']; other text unchanged."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "-–‐":
        return [stripped] if stripped else []
    parts = [p.strip() for p in _DASH_SPLIT.split(stripped)]
    return [p for p in parts if p]
