"""Cut a line of a Chinese script into units: headings, labels, speeches, stage directions.

Real Chinese scripts often arrive with their newlines stripped, a whole script on one line. The
units are recovered from the markers themselves: every place where an episode or scene marker, a
`名字：` speaker label, a △ or 【 stage direction, or a label such as 人物：/字幕：/特写： starts is a
break. A (parenthetical) becomes a unit of its own only when nothing but another break or the end of
the line follows it, so `林霄：（冷笑）你走吧` keeps its note while `…了。（转身离开）苏晴：…` splits.
Speaker labels are only believed for names the file's `SpeakerSet` accepts.

Segmentation runs on the Simplified view of a line and reports offsets, which hold for the
original line too (zh.convert keeps the length).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum

from dockguard.formats.zh.numerals import ZH_NUMERAL_CHARS, parse_number
from dockguard.formats.zh.speakers import BOUNDARY, BOUNDARY_CHARS, NAME_CHARS, SpeakerSet
from dockguard.han import HAN


class UnitKind(Enum):
    TEXT = "text"
    EPISODE = "episode"
    SCENE = "scene"
    LABEL = "label"
    VOICE_TAG = "voice-tag"
    CUE = "cue"
    ACTION_MARK = "action-mark"
    BRACKET = "bracket"
    PAREN = "paren"


# when two breaks start at the same place, the first kind here wins
_PRIORITY = {kind: i for i, kind in enumerate(UnitKind)}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of one line, as offsets: [start, end), its content after the marker from content_start."""

    kind: UnitKind
    start: int
    end: int
    content_start: int
    label: str | None = None
    number: int | None = None
    # a cue's speaker name, and the note spans: 冷笑 in 林霄（冷笑）： or in 林霄冷笑：
    speaker: Span | None = None
    notes: tuple[Span, ...] = ()


_B = f"(?:^|(?<=[{BOUNDARY}]))"
_NUM = f"(?:[0-9０-９]+|[{ZH_NUMERAL_CHARS}]+)"
_EPISODE = re.compile(
    # not 第三集 完 (an episode's end) nor 第一集团 (a company)
    f"第\\s*(?P<n>{_NUM})\\s*[集话](?!团|\\s*[完终])|{_B}(?:EP|Ep|ep)\\s*\\.?\\s*(?P<e>[0-9]{{1,3}})(?![0-9])"
    f"|{_B}Episode\\s*(?P<f>[0-9]{{1,3}})(?![0-9])"
)
_SCENE_MARKERS = (
    re.compile(f"{_B}第\\s*{_NUM}\\s*[场幕](?![景])"),
    re.compile(f"{_B}场景\\s*[：:]"),
    # 场景 with a number is distinctive enough to need no boundary: `…二十岁场景一：…`
    re.compile(f"场景\\s*{_NUM}\\s*[：:、.．\\s]?"),
    re.compile(f"{_B}场\\s*[：:]\\s*[0-9０-９]+"),
    re.compile(f"{_B}剧情\\s*[0-9０-９]+"),
    re.compile(f"{_B}NO\\s*[-.．]?\\s*[0-9]{{1,3}}\\s*[：:]?"),
    re.compile(f"{_B}[0-9０-９]{{1,3}}\\s*[-－—]\\s*[0-9０-９]{{1,3}}(?![0-9０-９岁:：.])"),
    re.compile(f"{_B}[0-9０-９]{{1,3}}\\s*[、.．](?![0-9０-９])"),
    re.compile(f"{_B}[{ZH_NUMERAL_CHARS}]{{1,4}}\\s*[、.．](?![0-9０-９])"),
    re.compile(f"{_B}[0-9０-９]{{1,3}}\\s*[：:](?![0-9０-９])"),
)
_LINE_START_NUMBER = re.compile(f"^\\s*[0-9０-９]{{1,3}}\\s+(?=[{HAN}])")
_NOTE_LABELS = (
    "字幕|备注|注|道具|服装|音乐|音效|背景音乐|片头|片尾|幕启|幕落|台景|布景|舞台|梗概|故事梗概|剧情梗概|剧情简介|"
    "故事简介|简介|故事大纲|大纲|编剧|导演|作者"
)
_CAST_LABELS = "人物表|人物介绍|主要人物|出场人物|登场人物|人物|出场|演员表|角色"
_VOICE_LABELS = "内心独白|画外音|旁白|解说|独白|心声|OS|VO"
_CAMERA_LABELS = "大全景|特写|近景|中景|远景|全景|空镜|镜头|画面|镜[一二三四五六七八九十0-9]+"
_LABEL = re.compile(
    f"{_B}(?P<label>{_CAST_LABELS}|{_VOICE_LABELS}|{_CAMERA_LABELS}|{_NOTE_LABELS}|时间|地点)\\s*[：:]"
)
# narration labels glued to a place: `场景2：祭剑坛旁白：…` (a known name before one is a cue, which wins)
_GLUED_VOICE = re.compile(f"(?P<label>{_VOICE_LABELS})\\s*[：:]")
_CAST_NO_COLON = re.compile(f"(?:{_B}|(?<=[景内外日夜]))(?P<label>人物)(?=[\\s\u3000{HAN}A-Za-z：:])")
_SHORT_CAST = re.compile(f"(?:{_B}|(?<=[景内外日夜晨晚]))(?P<label>人)\\s*[：:]")
_VOICE_TAG = re.compile(f"[［\\[（(【](?P<label>{_VOICE_LABELS})[］\\]）)】]")
_ACTION_MARK = re.compile("[△▲]")
_BRACKET = re.compile("(?<![：:])[【〖]")
_COLON = re.compile("[：:]")
_OPENERS = "（("
_NAME_CHAR = re.compile(f"[{NAME_CHARS}]")
_SPACED_TAIL = re.compile(f"(?:^|(?<=[{BOUNDARY}]))([{HAN}](?: [{HAN}]){{1,3}})$")
# a speaker label glued to the text before it is only believed in run-on text
_GLUED_MIN_LINE = 150


def segment_line(line: str, speakers: SpeakerSet) -> list[Unit]:
    """Cut one physical line (its Simplified view) into units, in order."""
    breaks = _marker_breaks(line)
    heads = _Heads([(b.start, b.content_start) for b in breaks])
    breaks += _cue_breaks(line, speakers, heads)
    breaks += _spaced_cue_breaks(line, speakers)
    breaks = _dedupe(breaks)
    breaks = _dedupe(breaks + _paren_breaks(line, breaks))
    units: list[Unit] = []
    first = breaks[0].start if breaks else len(line)
    if line[:first].strip():
        units.append(Unit(UnitKind.TEXT, 0, first, 0))
    for i, brk in enumerate(breaks):
        end = breaks[i + 1].start if i + 1 < len(breaks) else len(line)
        units.append(
            Unit(brk.kind, brk.start, end, brk.content_start, brk.label, brk.number, brk.speaker, brk.notes)
        )
    return units


def _marker_breaks(line: str) -> list[Unit]:
    breaks: list[Unit] = []
    for match in _EPISODE.finditer(line):
        raw = match.group("n") or match.group("e") or match.group("f")
        breaks.append(
            Unit(UnitKind.EPISODE, match.start(), match.end(), match.end(), number=parse_number(raw))
        )
    for pattern in _SCENE_MARKERS:
        for match in pattern.finditer(line):
            breaks.append(Unit(UnitKind.SCENE, match.start(), match.end(), match.end()))
    start_number = _LINE_START_NUMBER.match(line)
    if start_number:
        breaks.append(Unit(UnitKind.SCENE, start_number.start(), start_number.end(), start_number.end()))
    for pattern in (_LABEL, _GLUED_VOICE, _CAST_NO_COLON, _SHORT_CAST):
        for match in pattern.finditer(line):
            breaks.append(
                Unit(UnitKind.LABEL, match.start(), match.end(), match.end(), label=match.group("label"))
            )
    for match in _VOICE_TAG.finditer(line):
        breaks.append(
            Unit(UnitKind.VOICE_TAG, match.start(), match.end(), match.end(), label=match.group("label"))
        )
    for match in _ACTION_MARK.finditer(line):
        breaks.append(Unit(UnitKind.ACTION_MARK, match.start(), match.end(), match.end()))
    for match in _BRACKET.finditer(line):
        breaks.append(Unit(UnitKind.BRACKET, match.start(), match.end(), match.end()))
    return breaks


class _Heads:
    """The marker spans of a line, merged and sorted, so "is this offset inside one?" is a bisect.

    (A run-on script is one line of 100 000 characters or more: a linear scan per colon is quadratic.)
    """

    def __init__(self, spans: list[Span]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _cue_breaks(line: str, speakers: SpeakerSet, heads: _Heads) -> list[Unit]:
    """A break at each `名字：` / `名字（笑）：` whose name the file accepts as a speaker."""
    out: list[Unit] = []
    glued_ok = len(line) >= _GLUED_MIN_LINE
    for colon in _COLON.finditer(line):
        c = colon.start()
        if c in heads:
            continue
        end = _skip_space_back(line, c)
        note: Span | None = None
        if end > 0 and line[end - 1] in "）)］]":
            opener = _find_opener(line, end - 1)
            if opener is None:
                continue
            note = (opener + 1, end - 1)
            end = _skip_space_back(line, opener)
        found = _name_before(line, end, speakers, glued_ok)
        if found is None or found[0] in heads:
            continue
        start, name_end = found
        notes = tuple(span for span in ((name_end, end), note) if span is not None and span[1] > span[0])
        out.append(Unit(UnitKind.CUE, start, c + 1, colon.end(), speaker=(start, name_end), notes=notes))
    return out


def _skip_space_back(line: str, pos: int) -> int:
    while pos > 0 and line[pos - 1] in " \u3000":
        pos -= 1
    return pos


def _find_opener(line: str, close: int) -> int | None:
    depth = 0
    for k in range(close, max(-1, close - 60), -1):
        ch = line[k]
        if ch in "）)］]":
            depth += 1
        elif ch in "（(［[":
            depth -= 1
            if depth == 0:
                return k
    return None


def _name_before(line: str, end: int, speakers: SpeakerSet, glued_ok: bool) -> Span | None:
    """(start, end of the name proper) of an accepted speaker label ending at `end`, or None.

    The label may run past the name (林霄冷笑：): the rest up to `end` is the cue's note.
    """
    spaced = _SPACED_TAIL.search(line[max(0, end - 8) : end])
    if spaced is not None:
        start = end - len(spaced.group(1))
        resolved = speakers.resolve(spaced.group(1))
        if resolved is not None:
            return start, start + resolved.name_length
    k = end
    while k > 0 and end - k < 9 and _NAME_CHAR.match(line[k - 1]):
        k -= 1
    raw = line[k:end]
    if not raw:
        return None
    at_boundary = k == 0 or line[k - 1] in BOUNDARY_CHARS
    if at_boundary and end - k <= 8:
        resolved = speakers.resolve(raw)
        if resolved is not None:
            return k, k + resolved.name_length
    if glued_ok or at_boundary:
        name = speakers.suffix(raw)
        if name is not None:
            return end - len(name), end
    return None


def _spaced_cue_breaks(line: str, speakers: SpeakerSet) -> list[Unit]:
    """Letter-spaced speaker names without a colon: `兰 薇 大伟，你…`."""
    out: list[Unit] = []
    for raw in speakers.spaced:
        for match in re.finditer(f"(?:^|(?<=[\\s\u3000])){re.escape(raw)}(?=[\\s\u3000])", line):
            out.append(Unit(UnitKind.CUE, match.start(), match.end(), match.end(), speaker=match.span()))
    return out


def _paren_breaks(line: str, breaks: list[Unit]) -> list[Unit]:
    """A (parenthetical) is a unit of its own when only another break or the line end follows it."""
    starts = {b.start for b in breaks}
    heads = _Heads([(b.start, b.content_start) for b in breaks])
    # right after a speaker label or a label, a parenthetical is that line's note
    note_slots = sorted(b.content_start for b in breaks if b.kind in (UnitKind.CUE, UnitKind.LABEL))
    out: list[Unit] = []
    i = 0
    n = len(line)
    while i < n:
        if line[i] not in _OPENERS or i in heads:
            i += 1
            continue
        group_start = i
        j = i
        while j < n and line[j] in _OPENERS:
            close = _find_closer(line, j)
            if close is None:
                break
            j = close + 1
            while j < n and line[j] in " \u3000":
                j += 1
        if j == group_start:
            i += 1
            continue
        slot = bisect.bisect_right(note_slots, group_start) - 1
        after_label = slot >= 0 and not line[note_slots[slot] : group_start].strip()
        if (j >= n or j in starts) and not after_label:
            out.append(Unit(UnitKind.PAREN, group_start, group_start, group_start))
        i = j
    return out


def _find_closer(line: str, open_at: int) -> int | None:
    depth = 0
    for k in range(open_at, min(len(line), open_at + 300)):
        ch = line[k]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
            if depth == 0:
                return k
    return None


def _dedupe(breaks: list[Unit]) -> list[Unit]:
    """One break per position, the stronger kind; none inside another break's marker."""
    by_start: dict[int, Unit] = {}
    for brk in breaks:
        held = by_start.get(brk.start)
        if held is None or _PRIORITY[brk.kind] < _PRIORITY[held.kind]:
            by_start[brk.start] = brk
    kept: list[Unit] = []
    for brk in sorted(by_start.values(), key=lambda b: b.start):
        if kept and brk.start < kept[-1].content_start:
            continue
        kept.append(brk)
    return kept
