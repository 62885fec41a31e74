"""Shingles: Chinese (and other unspaced scripts) by characters, spaced languages by words."""

from __future__ import annotations

from collections.abc import Iterable

from dockguard.normalize import is_cjk_text

CHAR_N = 3
WORD_N = 3


def shingle_text(canonical: str) -> set[str]:
    """Shingles of one canonical line: character n-grams for CJK, word n-grams otherwise.

    A line shorter than n yields itself, so short lines still count.
    """
    if not canonical:
        return set()
    if is_cjk_text(canonical):
        chars = canonical.replace(" ", "")
        if len(chars) <= CHAR_N:
            return {chars}
        return {chars[i : i + CHAR_N] for i in range(len(chars) - CHAR_N + 1)}
    words = canonical.split()
    if len(words) <= WORD_N:
        return {" ".join(words)}
    return {" ".join(words[i : i + WORD_N]) for i in range(len(words) - WORD_N + 1)}


def shingle_lines(canonical_lines: Iterable[str]) -> set[str]:
    """Union of the shingles of several lines (a chunk of a script)."""
    out: set[str] = set()
    for line in canonical_lines:
        out |= shingle_text(line)
    return out
