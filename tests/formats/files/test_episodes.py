"""Episode numbers in file names, and member ordering."""

from __future__ import annotations

import pytest

from dockguard.formats.files.episodes import episode_number_from_name, order_members
from dockguard.formats.zh.numerals import parse_number


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("第3集.txt", 3),
        ("第十二集 重逢.docx", 12),
        ("EP03.srt", 3),
        ("show.e03.srt", 3),
        ("ep_3.txt", 3),
        ("Episode 7.fountain", 7),
        ("S01E03.srt", 3),
        ("Friends 2x10 The One.srt", 10),
        ("03.txt", 3),
        ("season/第二十一集.txt", 21),
        ("drama.txt", None),
    ],
)
def test_episode_number_from_name(name: str, number: int | None) -> None:
    assert episode_number_from_name(name) == number


def test_order_by_episode_then_naturally() -> None:
    assert order_members(["ep10.txt", "ep2.txt", "notes.txt", "第1集.txt", "a10.md", "a9.md"]) == [
        "第1集.txt",
        "ep2.txt",
        "a9.md",
        "a10.md",
        "ep10.txt",
        "notes.txt",
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("３", 3),
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十一", 21),
        ("一百零五", 105),
        ("两", 2),
        ("二〇", 20),
        ("x", None),
    ],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


def test_names_an_episode_only_when_the_name_states_one():
    from dockguard.formats.files.episodes import names_an_episode

    assert all(names_an_episode(n) for n in ("第3集.txt", "第十二集.docx", "EP03.srt", "S01E02.fountain", "1x03.txt", "03.txt"))
    assert not any(names_an_episode(n) for n in ("draft2_final.txt", "la_casa_vieja.es.txt", "notes.md"))
