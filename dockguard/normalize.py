"""Canonical text for same-language fingerprints: NFKC, Traditional → Simplified, no punctuation,
names masked so that renaming characters does not hide a copy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

NAME_MASK = "〇"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# every character that is not a letter, a digit or the mask is punctuation or space for our purpose
_NOT_WORD = re.compile(rf"[^\w{NAME_MASK}]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters → Simplified (no-op on other scripts)."""
    return _t2s().convert(text) if _CJK.search(text) else text


def is_cjk_text(text: str) -> bool:
    """True when Han characters make up most of the letters (Chinese is shingled by characters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(1 for c in letters if _CJK.match(c)) * 2 > len(letters)


def mask_names(text: str, names: Iterable[str]) -> str:
    """Replace each name (longest first, whole words for Latin names) with NAME_MASK."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    for name in ordered:
        if _CJK.search(name):
            text = text.replace(name, NAME_MASK)
        else:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MASK, text, flags=re.IGNORECASE)
    return text


def canonical_text(text: str, names: Iterable[str] = ()) -> str:
    """NFKC, Simplified, lower case, names masked, punctuation dropped, spaces collapsed.

    Idempotent: canonical_text(canonical_text(x)) == canonical_text(x).
    """
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = mask_names(text, [to_simplified(unicodedata.normalize("NFKC", n)) for n in names])
    text = text.lower()
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())
