"""Numbers as scripts write them: 3, ３, 三, 十二, 二十一, 一百零五, 两."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
ZH_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def parse_number(text: str) -> int | None:
    """Parse Arabic (also full-width) or Chinese numerals; None when `text` is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        try:
            return int(text)
        except ValueError:  # other Unicode digits int() refuses, e.g. superscripts
            return None
    return _parse_chinese(text)


def _parse_chinese(text: str) -> int | None:
    if any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        # 二〇二三 style: digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            total += (current or 1) * unit  # 十二: a leading unit means one of it
            current = 0
    return total + current
