"""A Simplified view of Traditional Chinese text, character for character, for finding markers once.

The Chinese script reader looks for 场景, 人物, 字幕, 特写 ...; a Traditional script writes 場景, 人物,
字幕, 特寫. Rather than doubling every pattern, the reader analyses this view and slices its output
from the original text: the view has the same length, so every offset found in it holds in the
original. (Character for character only, no phrases: phrase rules could change the length.)

The tables come from OpenCC's own converters (t2s, s2t), asked once about every Han code point on
its own: what each does to a character standing alone is its character table. The official bindings
ship their dictionaries compiled (.ocd2), so the converter is the way to read them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from dockguard.han import HAN_RANGES


@lru_cache(maxsize=2)
def _table(config: str = "t2s") -> dict[int, str]:
    """OpenCC's one-character mappings under `config` (t2s: Traditional -> Simplified, or s2t).

    Every Han code point is converted once, one per line (no phrase spans a line break), ~40 ms.
    Left out: code points that Unicode itself folds (the compatibility ideographs, which NFC maps to
    their unified form and OpenCC's normalization step maps too): they are neither form.
    """
    from opencc import OpenCC

    chars = [chr(c) for lo, hi in HAN_RANGES for c in range(lo, hi + 1)]
    converted = OpenCC(f"{config}.json").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a converter that joins lines
        raise RuntimeError(f"OpenCC {config} changed the line count of its character table")
    return {
        ord(source): target
        for source, target in zip(chars, converted, strict=True)
        if len(target) == 1 and target != source and unicodedata.normalize("NFC", source) == source
    }


def simplified_view(text: str) -> str:
    """`text` with Traditional characters mapped to Simplified; always the same length."""
    return text.translate(_table("t2s"))


def changes_to_simplified(ch: str) -> bool:
    """A Traditional form (說): OpenCC t2s would change it."""
    return ord(ch) in _table("t2s")


def changes_to_traditional(ch: str) -> bool:
    """A Simplified form (说): OpenCC s2t would change it."""
    return ord(ch) in _table("s2t")
