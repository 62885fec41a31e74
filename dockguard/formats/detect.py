"""Which reader a file needs: by extension (the reader table, `table.py`), then by sniffing the content.

Formats: srt, ass, ssa, vtt, fdx, docx, pdf (by extension or magic bytes) and, for text, a flavour
found by content: `zh-script` (Chinese script markers or `名字：` labels), `fountain` (INT./EXT.
headings, CAPS cues alone on a line, a title page), `transcript` (`Name: line`), `subtitle-lines`
(one short subtitle per line, no timings; SRT/VTT text in a .txt is recognised as such) and `plain`.
"""

from __future__ import annotations

import re
import statistics
from pathlib import PurePath

from dockguard.formats.engines.cues import match_caps_cue, match_name_colon
from dockguard.formats.engines.screenplay import scene_heading
from dockguard.formats.engines.sentences import physical_lines
from dockguard.formats.subtitles import SUBTITLE_FORMATS
from dockguard.formats.table import format_of_extension
from dockguard.formats.zh.convert import simplified_view
from dockguard.formats.zh.speakers import BOUNDARY, NAME_CHARS, is_plausible_name, strip_speech_verb
from dockguard.han import HAN, count_han

# what text_flavour can answer; each is a text format of the reader table
TEXT_FLAVOURS = ("zh-script", "fountain", "transcript", "subtitle-lines", "plain")
_SRT_TIMING = re.compile(
    r"^[^\S\n]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}", re.MULTILINE
)
_VTT_TIMING = re.compile(r"^[^\S\n]*(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}\s*-->", re.MULTILINE)
_ASS_HEADER = re.compile(r"^[^\S\n]*\[(?:Script Info|V4\+? Styles|Events)\]", re.MULTILINE | re.IGNORECASE)
_ZH_LABEL = re.compile(
    f"(?:^|(?<=[{BOUNDARY}]))([{NAME_CHARS}]{{1,6}})\\s*(?:[（(][^）)]{{0,20}}[）)])?\\s*[：:]"
)
_ZH_MARKERS = re.compile(
    f"第\\s*[0-9一二三四五六七八九十百]+\\s*[集场場幕]|场景\\s*[0-9一二三四五六七八九十]|[△▲]|人物\\s*[：:]|"
    f"(?:^|\\n)\\s*[0-9]{{1,3}}\\s*[-、.．]\\s*[0-9]*\\s*[{HAN}]|场\\s*[：:]\\s*[0-9]|(?:^|\\n|[。！？])[一二三四五六七八九十]{{1,3}}\\s*[、.．]\\s*(?![一二三四五六七八九十])[{HAN}]|【[^】\\s]{{1,8}}[】\\s]"
)
# a letter-spaced name before speech: `兰 薇 大伟，你…`
_ZH_SPACED_CUE = re.compile(f"(?:^|(?<=\\s))[{HAN}] [{HAN}](?: [{HAN}])?(?=\\s)")
_TITLE_PAGE = re.compile(r"^\s*(?:Title|Credit|Author)\s*:", re.IGNORECASE)
_SAMPLE_LINES = 4000
_LATIN_CHAR = re.compile("[A-Za-z]")


def detect_format(path: str | PurePath, text: str | None = None) -> str:
    """The format name for a file: by extension where it is unambiguous, else by content."""
    named = format_of_extension(path)
    by_extension = named.name if named is not None else None
    if text is None:
        return by_extension or "plain"
    if by_extension in SUBTITLE_FORMATS:
        # files are misnamed often; the content says which subtitle syntax it really is
        return subtitle_syntax(text) or by_extension
    if by_extension is not None:
        return by_extension
    return subtitle_syntax(text) or text_flavour(text)


def subtitle_syntax(text: str) -> str | None:
    """srt, ass or vtt when the text is subtitles with timings; None otherwise."""
    head = text[:4000].lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if _ASS_HEADER.search(head):
        return "ass"
    if len(_SRT_TIMING.findall(text[:200_000])) >= 2 or (_SRT_TIMING.search(head) and len(text) < 2000):
        return "srt"
    if len(_VTT_TIMING.findall(text[:200_000])) >= 2:
        return "vtt"
    return None


def text_flavour(text: str) -> str:
    """Which text reader fits: zh-script, fountain, transcript, subtitle-lines or plain."""
    lines = [line for _, line in physical_lines(text)[:_SAMPLE_LINES]]
    sample = "\n".join(lines)
    han = count_han(sample)
    latin = len(_LATIN_CHAR.findall(sample))
    nonblank = [line.strip() for line in lines if line.strip()]
    if not nonblank:
        return "plain"
    if han * 3 >= latin:
        return _chinese_flavour(sample, nonblank)
    return _latin_flavour(lines, nonblank)


def _chinese_flavour(sample: str, nonblank: list[str]) -> str:
    # markers are looked for in Simplified: 場景 and 场景 count alike
    sample = simplified_view(sample)
    nonblank = [simplified_view(line) for line in nonblank]
    labels = [
        m.group(1) for m in _ZH_LABEL.finditer(sample) if is_plausible_name(strip_speech_verb(m.group(1)))
    ]
    markers = len(_ZH_MARKERS.findall(sample)) + len(_ZH_SPACED_CUE.findall(sample)) // 2
    label_lines = sum(1 for line in nonblank if _ZH_LABEL.match(line))
    if (
        _short_lines(nonblank, median_max=25, line_max=45)
        and label_lines < 0.2 * len(nonblank)
        and markers < 3
    ):
        return "subtitle-lines"
    if len(labels) >= 3 or markers >= 2:
        return "zh-script"
    return "plain"


def _latin_flavour(lines: list[str], nonblank: list[str]) -> str:
    named = 0
    cues = 0
    headings = 0
    previous_blank = True
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        if scene_heading(line, fountain=False) is not None:
            headings += 1
        elif (m := match_name_colon(line)) is not None and m.text:
            named += 1
        elif (
            previous_blank
            and match_caps_cue(line) is not None
            and i + 1 < len(lines)
            and lines[i + 1].strip()
        ):
            cues += 1
        previous_blank = False
    # a scene heading says screenplay more surely than one cue does
    screenplay = cues + 2 * headings
    if _TITLE_PAGE.match(nonblank[0]) or (screenplay >= 3 and cues >= named):
        return "fountain"
    if named >= 3:
        return "transcript"
    if screenplay >= 3:
        return "fountain"
    if _short_lines(nonblank, median_max=45, line_max=90):
        return "subtitle-lines"
    return "plain"


def _short_lines(nonblank: list[str], *, median_max: int, line_max: int) -> bool:
    """Most lines a subtitle's length: a subtitle track shared as text."""
    if len(nonblank) < 10:
        return False
    lengths = [len(line) for line in nonblank]
    short = sum(1 for n in lengths if n <= line_max)
    return statistics.median(lengths) <= median_max and short >= 0.9 * len(lengths)
