"""Choosing the reader: by extension, then by content."""

from __future__ import annotations

import pytest

from dockguard.formats import detect_format

SRT = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:03,000 --> 00:00:04,000\nBye.\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.srt", SRT, "srt"),
        ("a.txt", SRT, "srt"),
        ("a.srt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "vtt"),
        ("a.txt", "[Script Info]\nTitle: x\n\n[Events]\n", "ass"),
        ("a.txt", "林霄：你好。\n苏晴：你好。\n林霄：再见。\n", "zh-script"),
        ("a.txt", "1-1 日 内 办公室\n△林霄推门。\n第2场 街道 夜 外\n", "zh-script"),
        ("a.txt", "Rachel: Hi.\nRoss: Hey.\nRachel: Bye.\nRoss: Bye.\n", "transcript"),
        ("a.txt", "INT. ROOM - DAY\n\nANA\nHello.\n\nBEN\nHi.\n\nANA\nBye.\n", "fountain"),
        ("a.txt", "\n".join(["你好", "再见", "好久不见", "你去哪了"] * 4), "subtitle-lines"),
        (
            "a.txt",
            "这是一段很长的小说文字，讲的是一个人在城市里生活的故事，没有任何剧本的标记。" * 3,
            "plain",
        ),
        ("a.fountain", "anything", "fountain"),
        ("a.fdx", "<FinalDraft/>", "fdx"),
        ("a.docx", "", "docx"),
    ],
)
def test_detect_format(name: str, text: str, expected: str) -> None:
    assert detect_format(name, text) == expected


def test_by_name_only() -> None:
    assert detect_format("x.pdf") == "pdf"
    assert detect_format("x.ass") == "ass"
