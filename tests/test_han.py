"""The one definition of a Han character, against Unicode and against the tests it replaced."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dockguard.han import HAN, HAN_RANGES, HAN_RE, count_han, has_han, is_han
from dockguard.normalize import NAME_MASK

# The eight tests DockGuard had before `dockguard.han`, as they were written (issue 8, item 5).
_URO = re.compile("[\u4e00-\u9fff]")
REPLACED = {
    "normalize._CJK": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "plain._has_han": _URO,
    "detect._HAN_CHAR": _URO,
    "decode (Korean check, common characters)": _URO,
    "language han count": re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]"),
    "language Traditional/Simplified vote": _URO,
    "zh_speakers.HAN, is_plausible_name": re.compile("[\u4e00-\u9fff\u3400-\u4dbf]"),
    "renames._HAN_RUN": re.compile("[\u3400-\u9fff]"),
}


def _ideograph(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH-", "CJK COMPATIBILITY IDEOGRAPH-"))


def test_every_ideograph_unicode_names_is_han_and_nothing_else() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if unicodedata.name(ch, ""):  # assigned in this Python's Unicode
            assert is_han(ch) == _ideograph(ch), f"U+{code:04X}"


def test_the_regex_and_the_function_agree() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert is_han(ch) == (HAN_RE.fullmatch(ch) is not None), f"U+{code:04X}"


def test_the_class_string_is_the_ranges() -> None:
    assert HAN == "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
    assert re.fullmatch(f"[{HAN}A-Za-z]+", "林霄Leo𠀀")


def test_what_is_left_out_on_purpose() -> None:
    assert not is_han(NAME_MASK)  # 〇 is the mask of a renamed character, not a character
    assert not any(is_han(ch) for ch in "々⺀⼀〡。，、！？「」：·")
    assert all(is_han(ch) for ch in "林霄這是㐀豈𠀀𪜀𰀀")


def test_it_widens_every_old_test_and_drops_only_non_characters() -> None:
    """Whatever an old test called Han still is, except the Yijing hexagram symbols renames took in."""
    for name, pattern in REPLACED.items():
        for code in range(0x3000, 0x10000):
            ch = chr(code)
            if pattern.match(ch) and not is_han(ch):
                assert name == "renames._HAN_RUN" and 0x4DC0 <= code <= 0x4DFF, (name, f"U+{code:04X}")


def _common_hanzi() -> str:
    """GB2312's hanzi rows and Big5's common characters: the characters of ordinary modern text."""
    chars = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


_ORDINARY = (
    _common_hanzi()
    + "abcXYZ019 \n\t.,!?'-éñçßàü"  # Latin text
    + "。，、；：？！…—「」『』（）【】《》“”‘’·〇々　"  # Chinese punctuation, the mask, 々
    + "ａＢ１２！？"  # full width
    + "ひらがなカタカナー・"  # kana
    + "한국어문장"  # Hangul
    + "ภาษาไทย Русский"
)


@given(st.text(alphabet=_ORDINARY, max_size=80))
def test_on_ordinary_text_every_old_test_gave_the_same_answer(text: str) -> None:
    expected = [i for i, ch in enumerate(text) if is_han(ch)]
    for name, pattern in REPLACED.items():
        assert [i for i, ch in enumerate(text) if pattern.match(ch)] == expected, name
    assert count_han(text) == len(expected)
    assert has_han(text) == bool(expected)
