"""Canonical text for same-language fingerprints: NFKC, Traditional → Simplified, no punctuation,
names masked so that renaming characters does not hide a copy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from dockguard.han import HAN_RE, has_han

if TYPE_CHECKING:
    from opencc import OpenCC

    from dockguard.model import FlatScript

NAME_MASK = "〇"

# Names what canonical_text makes, for the keys of what is built from it (MinHashSettings.key):
# change it whenever the output changes. "opencc1.4" is the t2s dictionaries' release (pyproject
# pins opencc to 1.4.x; tests/test_normalize.py checks the installed one).
CANONICAL_TEXT = "canon2-opencc1.4"

# every character that is not a letter, a digit or the mask is punctuation or space for our purpose
_NOT_WORD = re.compile(rf"[^\w{NAME_MASK}]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("t2s.json")


@lru_cache(maxsize=1 << 16)
def to_simplified(text: str) -> str:
    """Traditional Chinese → Simplified with OpenCC's t2s (phrases, then characters; no-op on other
    scripts). Its output feeds the fingerprints: a change here needs a new MinHashSettings.key.
    Cached: a scan meets the same original lines once per release that aligns with them."""
    return str(_t2s().convert(text)) if has_han(text) else text


def is_cjk_text(text: str) -> bool:
    """True when Han characters make up most of the letters (Chinese is shingled by characters)."""
    letters = sum(map(str.isalpha, text))
    return letters > 0 and sum(map(str.isalpha, HAN_RE.findall(text))) * 2 > letters


@lru_cache(maxsize=256)
def _maskers(names: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str] | None], ...]:
    """The names longest first, each with its whole-word pattern (None for Chinese names, which
    are replaced as substrings)."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return tuple(
        (n, None if has_han(n) else re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE))
        for n in ordered
    )


def mask_names(text: str, names: Iterable[str]) -> str:
    """Replace each name (longest first, whole words for Latin names) with NAME_MASK."""
    folded = text.casefold()
    for name, pattern in _maskers(tuple(names)):
        if pattern is None:
            text = text.replace(name, NAME_MASK)
        elif name.casefold() in folded:
            text = pattern.sub(NAME_MASK, text)
    return text


@lru_cache(maxsize=256)
def _canonical_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(to_simplified(unicodedata.normalize("NFKC", n)) for n in names)


def canonical_text(text: str, names: Iterable[str] = ()) -> str:
    """NFKC, Simplified, lower case, names masked, punctuation dropped, spaces collapsed.

    Idempotent: canonical_text(canonical_text(x)) == canonical_text(x).
    """
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = mask_names(text, _canonical_names(tuple(names)))
    text = text.lower()
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def canonical_lines(flat: FlatScript) -> list[str]:
    """A script's lines as fingerprints see them: its cast's names masked, script and punctuation normalised."""
    return [canonical_text(t, flat.cast) for t in flat.texts]
