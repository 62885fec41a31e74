"""Chinese scripts as the industry writes them.

Episode headings (第1集, 第十二集, EP01), scene headings (`1-1 日 内 总裁办公室`, `第3场`, `场景1 晚上
主任办公室`, `场：1景：…`, `1、日景外范家村`, a short `【家里】`), cast lines (`人物：林霄、苏晴` -> Scene.cast),
△ action, `林霄（冷笑）：…` dialogue (note 冷笑), voice-over (`（OS）`, 画外音, 旁白), bracketed stage
directions, and plain narration split at sentence ends. Whole scripts on one line are cut into units
by `zh.segment`; speaker names are vetted by `zh.speakers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockguard.formats.engines.assembly import EpisodeDraft, ScriptAssembler
from dockguard.formats.engines.cues import is_voiceover, join_notes, split_parentheticals
from dockguard.formats.engines.sentences import physical_lines, split_sentences
from dockguard.formats.zh.convert import simplified_view
from dockguard.formats.zh.segment import Unit, UnitKind, segment_line
from dockguard.formats.zh.speakers import (
    CAMERA_LABELS,
    CAST_LABELS,
    VOICE_LABELS,
    SpeakerSet,
    cast_name_spans,
    collect_speakers,
    is_cast_description,
)
from dockguard.model import Line, LineKind, Location

_TIME = re.compile(
    "白天|白日|晚上|夜晚|夜里|深夜|清晨|早晨|早上|上午|中午|下午|傍晚|黄昏|凌晨|午后|日景|夜景|内景|外景|內景|"
    "[日夜晨晚早昏午内外內]"
)
# a single time character followed by one of these is part of a word: 外面, 日子, 晚饭
_NOT_TIME_BEFORE = {
    "外": "面边邊头頭套婆公国國地人形表观觀衣出去来來",
    "内": "心容部地衣",
    "內": "心容部地衣",
    "日": "子记記常期本报報出",
    "夜": "里裡色",
    "晚": "饭飯会會餐",
    "早": "饭飯餐点點就已",
    "午": "饭飯餐睡",
    "昏": "迷倒",
}
_SEPARATORS = frozenset(" \t\u3000，,、/／\\|·.．:：-—–－")
_WINDOW_STOPS = frozenset('。！？!?△▲【［[“"（(')
_HEADING_WINDOW = 32
_CLUSTER_GAP = 8
_SQUARE_ASIDE = re.compile(r"^[\[［]([^\[\]［］]+)[\]］]$")
_PLACE_ENDINGS = frozenset(
    "家里屋室厅房院街路店楼馆校园村口门边上下内外处场站厂所局间中堂庙殿府宫台桥河山林田坡岸湖海港镇城区巷铺摊车船"
)
_LEADING_JUNK = " \t\u3000，,。.、：:;；—-－–·"
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ('"', '"'), ("‘", "’"))
_BARE_HEADING = re.compile(
    "^[^。！？!?，,：:“”]{1,16}?(?:[\\s\u3000]+(?:白天|晚上|夜晚|清晨|早晨|上午|中午|下午|傍晚|黄昏|深夜|"
    "[日夜晨晚内外])(?=[\\s\u3000]|$)){1,3}[\\s\u3000]*$"
)


@dataclass(slots=True)
class _Pending:
    """A speaker label whose speech is on the next line: `林霄：` alone, then `你好。`."""

    speaker: str | None = None
    note: str | None = None
    voice: bool = False
    active: bool = False


@dataclass(frozen=True, slots=True)
class _Piece:
    """A unit with its text: `text` as written, `view` the Simplified view that decisions are made on."""

    unit: Unit
    text: str
    view: str

    def span(self, span: tuple[int, int]) -> str:
        return self.text[span[0] - self.unit.start : span[1] - self.unit.start]

    @property
    def content(self) -> str:
        return self.text[self.unit.content_start - self.unit.start :]

    @property
    def content_view(self) -> str:
        return self.view[self.unit.content_start - self.unit.start :]


def read_zh_script(text: str, file: str) -> tuple[EpisodeDraft, ...]:
    """Parse a Chinese script into episode drafts."""
    lines = physical_lines(text)
    views = [simplified_view(line) for _, line in lines]
    speakers = collect_speakers(views)
    asm = ScriptAssembler()
    pending = _Pending()
    for (number, line), view in zip(lines, views, strict=True):
        if not line.strip():
            continue
        location = Location(file, line=number)
        units = _drop_numbered_cast(segment_line(view, speakers), view)
        for index, unit in enumerate(units):
            piece = _Piece(unit, line[unit.start : unit.end], view[unit.start : unit.end])
            _emit(
                piece,
                location,
                asm,
                speakers,
                pending,
                first=index == 0,
                last=index == len(units) - 1,
                alone=len(units) == 1,
            )
    return asm.finish()


def _drop_numbered_cast(units: list[Unit], view: str) -> list[Unit]:
    """`1、周斌：男，29岁。` numbers a cast list entry; it is not scene 1."""
    out: list[Unit] = []
    for i, unit in enumerate(units):
        nxt = units[i + 1] if i + 1 < len(units) else None
        if (
            unit.kind is UnitKind.SCENE
            and not view[unit.content_start : unit.end].strip()
            and nxt is not None
            and nxt.kind is UnitKind.CUE
            and is_cast_description(view[nxt.content_start : nxt.end])
        ):
            continue
        out.append(unit)
    return out


def _emit(
    piece: _Piece,
    location: Location,
    asm: ScriptAssembler,
    speakers: SpeakerSet,
    pending: _Pending,
    *,
    first: bool,
    last: bool,
    alone: bool,
) -> None:
    unit = piece.unit
    kind = unit.kind
    if kind is UnitKind.TEXT:
        if pending.active and first:
            _speech(piece.text, pending.speaker, pending.note, pending.voice, location, asm, pending)
            return
        pending.active = False
        if alone and _BARE_HEADING.match(piece.view.strip()):
            asm.start_scene(piece.text.strip(), location)
            return
        bracketed = _SQUARE_ASIDE.match(piece.text.strip())
        if bracketed is not None:
            # [远处传来鞭炮声] alone: a stage direction
            asm.add(Line(bracketed.group(1).strip(), LineKind.ACTION, location))
            return
        _narration(piece.text, location, asm)
        return
    pending.active = False
    if kind is UnitKind.EPISODE:
        asm.start_episode(unit.number, piece.text[: unit.content_start - unit.start].strip())
        _narration(piece.content, location, asm)
    elif kind is UnitKind.SCENE:
        end = heading_end(piece.view, unit.content_start - unit.start)
        if last and _heading_tail(piece.view[end:]):
            # `1-1 日 内 总裁办公室` alone on its line: the place after the time words is heading too
            end = len(piece.text)
        asm.start_scene(_clean_heading(piece.text[:end]), location)
        _narration(piece.text[end:], location, asm)
    elif kind is UnitKind.LABEL:
        _label(piece, location, asm, speakers, pending)
    elif kind is UnitKind.VOICE_TAG:
        _speech(piece.content, None, piece.text.strip("［］[]（）()【】 "), True, location, asm, pending)
    elif kind is UnitKind.CUE:
        _cue(piece, location, asm, pending)
    elif kind is UnitKind.ACTION_MARK:
        _narration(piece.content, location, asm)
    elif kind is UnitKind.BRACKET:
        _bracket(piece, location, asm)
    elif kind is UnitKind.PAREN:
        text, notes = split_parentheticals(piece.text)
        for part in (*notes, text):
            if part.strip(_LEADING_JUNK):
                asm.add(Line(part.strip(), LineKind.ACTION, location))


def _label(
    piece: _Piece, location: Location, asm: ScriptAssembler, speakers: SpeakerSet, pending: _Pending
) -> None:
    label = piece.unit.label or ""
    content = piece.content.lstrip(_LEADING_JUNK).strip()
    if label in CAST_LABELS:
        view = piece.content_view
        names: list[str] = []
        for start, end in cast_name_spans(view):
            lengths = speakers.split_glued(view[start:end]) if view[start:end] not in speakers.names else []
            for offset, size in _pieces(start, end, lengths):
                names.append(piece.content[offset : offset + size])
        asm.add_cast(names)
        asm.add(Line(piece.text.strip(), LineKind.NOTE, location))
    elif label in VOICE_LABELS:
        _speech(content, None, _label_as_written(piece), True, location, asm, pending)
    elif label in CAMERA_LABELS or label.startswith("镜"):
        for sentence in split_sentences(content):
            asm.add(Line(sentence, LineKind.ACTION, location, note=_label_as_written(piece)))
    elif label in ("时间", "地点"):
        asm.start_scene(piece.text.strip(), location)
    elif content:
        asm.add(Line(content, LineKind.NOTE, location, note=_label_as_written(piece)))


def _pieces(start: int, end: int, lengths: list[int]) -> list[tuple[int, int]]:
    if not lengths:
        return [(start, end - start)]
    out = []
    offset = start
    for size in lengths:
        out.append((offset, size))
        offset += size
    return out


def _label_as_written(piece: _Piece) -> str:
    head = piece.text[: piece.unit.content_start - piece.unit.start]
    return head.strip().rstrip("：:").strip()


def _cue(piece: _Piece, location: Location, asm: ScriptAssembler, pending: _Pending) -> None:
    unit = piece.unit
    speaker = "".join(piece.span(unit.speaker).split()) if unit.speaker else None
    if is_cast_description(piece.content_view):
        asm.add_cast([speaker or ""])
        asm.add(Line(piece.text.strip(), LineKind.NOTE, location))
        return
    note = join_notes(*(piece.span(span) for span in unit.notes))
    _speech(piece.content, speaker, note, is_voiceover(note), location, asm, pending)


def _speech(
    content: str,
    speaker: str | None,
    note: str | None,
    voice: bool,
    location: Location,
    asm: ScriptAssembler,
    pending: _Pending,
) -> None:
    text, notes = split_parentheticals(content)
    text = _unquote(text.lstrip(_LEADING_JUNK).strip())
    all_notes = join_notes(note, *notes)
    voice = voice or any(is_voiceover(n) for n in notes)
    if not text:
        # the speech is on the next line
        pending.speaker, pending.note, pending.voice, pending.active = speaker, all_notes, voice, True
        return
    pending.active = False
    kind = LineKind.VOICEOVER if voice else LineKind.DIALOGUE
    asm.add(Line(text, kind, location, speaker=speaker, note=all_notes))


def _bracket(piece: _Piece, location: Location, asm: ScriptAssembler) -> None:
    """【家里】 names a place; 【家里 兰薇准备早饭…】 names it and describes it; longer ones are action."""
    body = piece.text.strip()[1:]
    closer = "】" if "】" in body else "〗"
    inner, closed, after = body.partition(closer)
    inner = inner.strip()
    if len(inner) <= 12 and not re.search("[，,。！？!?、]", inner):
        if _looks_like_place(piece.view.strip()[1:].partition(closer)[0].strip()):
            asm.start_scene(inner, location)
        else:
            # 【窗外雷声】 【音乐】: a sound or effect, not a place
            asm.add(Line(inner, LineKind.NOTE, location))
    else:
        head, _, rest = inner.partition(" ")
        if head and len(head) <= 6 and rest.strip() and not re.search("[，,。！？!?、]", head):
            asm.start_scene(head, location)
            _narration(rest, location, asm)
        else:
            _narration(inner, location, asm)
    if closed and after.strip():
        _narration(after, location, asm)


def _looks_like_place(text: str) -> bool:
    """家里, 晶晶卧室, 学校门口 end in a place word; 窗外雷声 or 音乐 do not."""
    return bool(text) and (text[-1] in _PLACE_ENDINGS or bool(_TIME.search(text[-2:])))


def _narration(text: str, location: Location, asm: ScriptAssembler) -> None:
    for sentence in split_sentences(text.lstrip(_LEADING_JUNK)):
        sentence = sentence.lstrip(_LEADING_JUNK).strip()
        if sentence and not all(ch in _LEADING_JUNK for ch in sentence):
            asm.add(Line(sentence, LineKind.ACTION, location))


def _unquote(text: str) -> str:
    for opener, closer in _QUOTES:
        if len(text) >= 2 and text.startswith(opener) and text.endswith(closer):
            inner = text[1:-1]
            if opener not in inner and closer not in inner:
                return inner.strip()
    return text


def _heading_tail(rest: str) -> bool:
    rest = rest.strip()
    return 0 < len(rest) <= 15 and not re.search("[。！？!?，,；;“”]", rest)


def _clean_heading(text: str) -> str:
    return " ".join(text.strip(_LEADING_JUNK).split())


def heading_end(text: str, start: int) -> int:
    """Where a scene heading that starts `text` ends: after its time/place words (日 内 外 晨 夜景 ...).

    `1-1城市公园桥上 晨 外薄雾轻浮…` ends after 外; without time words, at the first stop or wide space.
    """
    window_end = min(len(text), start + _HEADING_WINDOW)
    stopped = False
    for k in range(start, window_end):
        if text[k] in _WINDOW_STOPS and not _time_paren(text, k):
            window_end = k
            stopped = True
            break
    clusters = _time_clusters(text, start, window_end)
    strong = [c for c in clusters if c[2]]
    if strong:
        end = strong[0][1]
        for c_start, c_end, _ in strong[1:]:
            if c_start - end > _CLUSTER_GAP:
                break
            end = c_end
        return end
    if stopped or window_end == len(text):
        return window_end
    segment = text[start:window_end]
    wide = re.search("[ \t]{2,}|\u3000", segment.strip())
    if wide is not None:
        return start + (len(segment) - len(segment.lstrip())) + wide.start()
    return window_end


def _time_paren(text: str, k: int) -> bool:
    """（日） or (夜外): a time note inside a heading, not a stage direction."""
    return bool(re.match("[（(][日夜晨晚内外景\\s]{1,4}[）)]", text[k : k + 6]))


def _time_clusters(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Runs of time words separated only by separators, with whether each clearly stands apart."""
    tokens: list[tuple[int, int, bool]] = []
    for match in _TIME.finditer(text, start, end):
        word = match.group(0)
        if len(word) == 1 and match.end() < len(text) and text[match.end()] in _NOT_TIME_BEFORE.get(word, ""):
            continue
        tokens.append((match.start(), match.end(), len(word) > 1))
    clusters: list[list[tuple[int, int, bool]]] = []
    for found in tokens:
        gap = text[clusters[-1][-1][1] : found[0]] if clusters else ""
        if clusters and all(ch in _SEPARATORS or ch in "（()）" for ch in gap):
            clusters[-1].append(found)
        else:
            clusters.append([found])
    out: list[tuple[int, int, bool]] = []
    for cluster in clusters:
        c_start, c_end = cluster[0][0], cluster[-1][1]
        left_open = c_start == start or text[c_start - 1] in _SEPARATORS or text[c_start - 1] in "（("
        right_open = c_end >= end or text[c_end] in _SEPARATORS or text[c_end] in "）)"
        compound = len(cluster) >= 2 and any(multi for _, _, multi in cluster)
        out.append((c_start, c_end, left_open or right_open or compound))
    return out
