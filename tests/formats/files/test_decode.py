"""Text decoding: detected, not assumed; garbage refused naming the file."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.errors import InputError, UnsupportedFormat
from dockguard.formats.files.decode import decode_bytes

_SIMPLIFIED = "林霄推门而入看见苏晴正在窗边发呆她说我们之间已经没有什么可说的了你为何还要回来这里是我的家"
_TRADITIONAL = "林霄推門而入看見蘇晴正在窗邊發呆她說我們之間已經沒有什麼可說的了你為何還要回來這裡是我的家"
_PUNCT = "，。！？：“”（）、…"


@pytest.mark.parametrize(
    ("fixture", "source", "encoding"),
    [
        ("zh_script_gb18030.txt", "zh_script_simplified_source.txt", "gb18030"),
        ("zh_script_big5.txt", "zh_script_traditional.txt", "big5"),
        ("zh_script_utf16.txt", "zh_script_simplified_source.txt", "utf-16-le"),
        ("zh_script_utf16be_nobom.txt", "zh_script_simplified_source.txt", "utf-16-be"),
        ("zh_script_simplified_source.txt", "zh_script_simplified_source.txt", "utf-8"),
    ],
)
def test_encoded_fixtures(fixtures: Path, fixture: str, source: str, encoding: str) -> None:
    text, found = decode_bytes((fixtures / fixture).read_bytes(), fixture)
    assert found == encoding
    assert text == (fixtures / source).read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_found_by_its_nul_bytes(encoding: str) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nWhere were you last night?\n"
    assert decode_bytes(text.encode(encoding), "en.srt") == (text, encoding)


def test_utf8_bom_is_dropped() -> None:
    assert decode_bytes("\ufeff第一集".encode(), "a.txt") == ("第一集", "utf-8-sig")


@pytest.mark.parametrize("text", ["中文", "你好吗", "第一集", "林霄：你好。", "龍與鳳", "說什麼"])
@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_short_chinese_is_not_taken_for_a_latin_code_page(text: str, encoding: str) -> None:
    # the classic trap: a few double-byte characters "decode" as cp1252 or mac_roman too
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{text} has no {encoding} form")
    assert decode_bytes(data, "short.txt")[0] == text


def test_korean_euc_kr_is_not_read_as_gbk() -> None:
    text = "안녕하세요. 오늘 날씨가 좋네요. 저는 학생입니다. 만나서 반갑습니다."
    assert decode_bytes(text.encode("euc-kr"), "k.txt") == (text, "cp949")


def test_a_few_bad_bytes_in_utf8_are_replaced() -> None:
    good = ("林霄：你好，今天天气不错。" * 40).encode("utf-8")
    data = good[:100] + b"\xff\xfe" + good[100:]
    text, encoding = decode_bytes(data, "fan.srt")
    assert encoding == "utf-8-lossy"
    assert "\ufffd" in text and "今天天气不错" in text


def test_western_code_page() -> None:
    text = "¿Qué pasa? Está bien, señor. Ça va très bien."
    assert decode_bytes(text.encode("cp1252"), "es.srt") == (text, "cp1252")


def test_empty_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty.txt: empty file"):
        decode_bytes(b"", "empty.txt")


def test_binary_garbage_is_refused_naming_the_file() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4096))
    with pytest.raises(UnsupportedFormat, match="garbage.bin"):
        decode_bytes(data, "garbage.bin")


def test_nul_heavy_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match=r"nuls.txt: binary file \(NUL bytes\)"):
        decode_bytes(b"\x00\x01\x02\x00" * 500 + os.urandom(16), "nuls.txt")


def test_nul_patterned_garbage_is_not_utf16() -> None:
    # every byte pair here is a printable UTF-16 character; it is still not text
    with pytest.raises(UnsupportedFormat, match="pattern.txt: binary file"):
        decode_bytes(b"\x00\x01\x02\xff" * 200, "pattern.txt")


def test_utf16_cyrillic_without_bom() -> None:
    text = "Я не знаю, о чём ты говоришь.\nНам нужно уходить отсюда прямо сейчас.\n" * 3
    assert decode_bytes(text.encode("utf-16-le"), "ru.srt")[0] == text


def test_known_binary_magic_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="pic.txt: binary file .*PNG"):
        decode_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "pic.txt")


def test_unknown_encoding_is_refused() -> None:
    # high bytes with no structure: every single-byte code page gives symbol soup
    rng = random.Random(3)
    data = bytes(rng.randrange(0x80, 0x100) if rng.random() < 0.85 else 0x20 for _ in range(600))
    with pytest.raises(UnsupportedFormat, match="unknown.txt: unknown text encoding"):
        decode_bytes(data, "unknown.txt")


def _chinese_text(alphabet: str) -> st.SearchStrategy[str]:
    # real text: mostly Han characters with punctuation, some ASCII, some newlines
    return st.text(
        alphabet=st.sampled_from(alphabet * 4 + _PUNCT + "ABC xyz 123\n"), min_size=8, max_size=200
    ).filter(lambda t: sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff") >= 6)


@settings(max_examples=60, deadline=None)
@given(text=_chinese_text(_SIMPLIFIED), encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "gb18030"]))
def test_round_trip_simplified(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "rt.txt")[0] == text


@settings(max_examples=60, deadline=None)
@given(text=_chinese_text(_TRADITIONAL), encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-be", "big5"]))
def test_round_trip_traditional(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "rt.txt")[0] == text
