"""A Simplified view of Traditional Chinese text, character for character, for finding markers once.

The Chinese script reader looks for 场景, 人物, 字幕, 特写 ...; a Traditional script writes 場景, 人物,
字幕, 特寫. Rather than doubling every pattern, the reader analyses this view and slices its output
from the original text: the view has the same length, so every offset found in it holds in the
original. (OpenCC's character table only, no phrases: phrase rules could change the length.)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=2)
def _table(name: str = "TSCharacters.txt") -> dict[int, str]:
    """OpenCC's one-character mappings: TSCharacters (Traditional -> Simplified) or STCharacters."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / name
    table: dict[int, str] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = row.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    return table


def simplified_view(text: str) -> str:
    """`text` with Traditional characters mapped to Simplified; always the same length."""
    return text.translate(_table())


def changes_to_simplified(ch: str) -> bool:
    """A Traditional form (說): OpenCC t2s would change it."""
    return ord(ch) in _table("TSCharacters.txt")


def changes_to_traditional(ch: str) -> bool:
    """A Simplified form (说): OpenCC s2t would change it."""
    return ord(ch) in _table("STCharacters.txt")
