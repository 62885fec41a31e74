import re

import opencc
from hypothesis import given
from hypothesis import strategies as st

from dockguard.fingerprint.minhash import MinHashSettings
from dockguard.han import HAN_RE as _HAN
from dockguard.normalize import (
    CANONICAL_TEXT,
    NAME_MASK,
    canonical_text,
    is_cjk_text,
    mask_names,
    to_simplified,
)


def test_traditional_and_simplified_meet():
    assert canonical_text("這是一個測試，臺灣的發展。") == canonical_text("这是一个测试，台湾的发展。")


def test_conversion_is_by_phrase_with_the_official_dictionaries():
    # by phrase: 乾 is 干 in 乾燥 but stays in 乾隆 (a character table, like formats.zh.convert's,
    # gets 乾隆 wrong); 英哩 → 英里 is in the official OpenCC dictionaries, not in the reimplementation's
    assert to_simplified("乾隆皇帝的頭髮很乾燥") == "乾隆皇帝的头发很干燥"
    assert canonical_text("不，只有37英哩。") == canonical_text("不 只有37英里")
    assert to_simplified("說話") == "说话" and to_simplified("说话") == "说话"


def test_the_fingerprint_key_names_the_installed_dictionaries():
    # a new OpenCC minor release may change conversions, so it must come with a new key (and pin)
    major_minor = ".".join(opencc.__version__.split(".")[:2])
    assert CANONICAL_TEXT.endswith(f"opencc{major_minor}")
    assert MinHashSettings().key.endswith(f":{CANONICAL_TEXT}")


def test_punctuation_width_and_case_do_not_matter():
    assert canonical_text("Hello,  WORLD！") == canonical_text("hello world!")


def test_names_are_masked_so_renaming_does_not_hide_a_copy():
    a = canonical_text("林霄，你来上海做什么？", ["林霄"])
    b = canonical_text("陈默，你来上海做什么？", ["陈默"])
    assert a == b and NAME_MASK in a


def test_latin_names_are_masked_as_whole_words_only():
    assert mask_names("Leo met Leonard", ["Leo"]) == f"{NAME_MASK} met Leonard"


def test_names_are_masked_in_any_case_longest_first():
    assert mask_names("LEO and leo met Leo Chen", ["Leo", "Leo Chen"]) == f"{NAME_MASK} and {NAME_MASK} met {NAME_MASK}"


def _mask_one_by_one(text, names):
    """The plain definition mask_names computes faster: each name replaced in turn, longest first."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        if _HAN.search(name):
            text = text.replace(name, NAME_MASK)
        else:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MASK, text, flags=re.IGNORECASE)
    return text


@given(
    st.text(alphabet="LeoCHNabn 林霄上海ßSsK.'", max_size=60),
    st.lists(st.text(alphabet="LeoCHNabn 林霄上海ßSsK", min_size=1, max_size=5), max_size=4),
)
def test_mask_names_equals_masking_one_name_at_a_time(text, names):
    assert mask_names(text, names) == _mask_one_by_one(text, names)


@given(st.text(max_size=40))
def test_cjk_detection_counts_han_letters_against_all_letters(text):
    letters = [c for c in text if c.isalpha()]
    expected = bool(letters) and sum(1 for c in letters if _HAN.match(c)) * 2 > len(letters)
    assert is_cjk_text(text) == expected


def test_cjk_detection():
    assert is_cjk_text("林霄推门而入")
    assert not is_cjk_text("Leo walks in")
    assert to_simplified("Leo") == "Leo"


@given(st.text(max_size=80), st.lists(st.text(min_size=1, max_size=4), max_size=3))
def test_canonical_text_is_idempotent(text, names):
    once = canonical_text(text, names)
    assert canonical_text(once) == once
