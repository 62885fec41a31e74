"""Han (Chinese) characters: the one definition of which code points count as one.

Every "is this Chinese?" test in DockGuard uses this: the readers (is a line Chinese, is a label a
name), decoding (is a GB18030 reading plausible), language detection, normalization (Traditional →
Simplified, character shingles) and rename detection.

The set is the ideographs, by block, and nothing else:

- CJK Unified Ideographs, U+4E00–U+9FFF: every character of ordinary modern text (GB2312, Big5).
- Extension A, U+3400–U+4DBF: rare characters, but real ones (names, Cantonese, Traditional texts).
- Compatibility Ideographs, U+F900–U+FAFF: duplicates from Korean and Big5 code pages that decoders
  still produce; NFKC folds most of them into the unified block, but raw text carries them.
- Planes 2 and 3, U+20000–U+3FFFF (extensions B–H and the compatibility supplement): Unicode
  reserves both planes for ideographs, so the whole planes are taken and an extension added later
  is Han here already.

Left out on purpose, although Unicode's Script property calls them Han: 〇 (U+3007, our NAME_MASK
and a numeral), 々 (U+3005, an iteration mark), the radicals (U+2E80–U+2FDF, which NFKC maps to
ideographs) and the Hangzhou numerals (U+3021–U+3029). None of them is a character of a name or a
word that decides whether text is Chinese.
"""

from __future__ import annotations

import re

HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
# for use inside a regex character class: f"[{HAN}]", f"[{HAN}A-Za-z]"
HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
HAN_RE = re.compile(f"[{HAN}]")


def is_han(ch: str) -> bool:
    """True for one Han character (see the module docstring for the ranges)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in HAN_RANGES)


def has_han(text: str) -> bool:
    """True when the text holds at least one Han character."""
    return HAN_RE.search(text) is not None


def count_han(text: str) -> int:
    """How many Han characters the text holds."""
    return len(HAN_RE.findall(text))
