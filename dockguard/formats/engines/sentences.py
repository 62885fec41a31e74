"""Physical lines with their numbers, and Chinese sentence splitting for run-on text."""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_OPENERS = "“‘「『（(《〈【［"
_CLOSERS = "”’」』）)》〉】］"
_ENDERS = "。！？!?"
_MAX_QUOTE = 200
_TRAILING_CLOSERS = "”’」』）)】］\"'"


def physical_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, line) for every line; CR, CRLF and Unicode separators count as newlines."""
    return [(number, line) for number, line in enumerate(_NEWLINES.sub("\n", text).split("\n"), start=1)]


def split_sentences(text: str) -> list[str]:
    """Split Chinese text after 。！？ (and …… before a space), keeping quotes and brackets whole."""
    out: list[str] = []
    start = 0
    depth = 0
    opened_at = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if depth and i - opened_at > _MAX_QUOTE:
            # an unclosed quote (a typo, or “…’) must not swallow the rest of the file
            depth = 0
        if ch in _OPENERS:
            if depth == 0:
                opened_at = i
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        end = -1
        if ch in _ENDERS:
            j = i + 1
            while j < n and text[j] in _ENDERS:
                j += 1
            end = j
        elif text.startswith("……", i) or text.startswith("...", i):
            j = i
            while j < n and text[j] in "….":
                j += 1
            if j >= n or text[j].isspace():
                end = j
        if end > 0:
            j = end
            # closing quotes after the full stop belong to this sentence: 他说：“好。”
            while j < n and text[j] in _TRAILING_CLOSERS:
                if text[j] in _CLOSERS:
                    depth = max(0, depth - 1)
                j += 1
            if depth == 0 or j >= n:
                piece = text[start:j].strip()
                if piece:
                    out.append(piece)
                start = j
            i = j
            continue
        i += 1
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out
