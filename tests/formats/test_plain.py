"""Plain text and subtitle text without timings."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.formats import read_script
from dockguard.model import LineKind

from .conftest import check_golden


@pytest.mark.parametrize("name", ["plain_prose.txt", "subtitle_lines.txt"])
def test_golden(fixtures: Path, name: str) -> None:
    check_golden(name, read_script(fixtures / name))


def test_run_on_chinese_prose_is_split_at_sentence_ends(fixtures: Path) -> None:
    lines = read_script(fixtures / "plain_prose.txt").lines
    assert lines[0].text == "这是一个关于小镇的故事。"
    assert all(line.kind is LineKind.ACTION for line in lines)


def test_subtitle_lines_are_cues_located_by_line(fixtures: Path) -> None:
    lines = read_script(fixtures / "subtitle_lines.txt").lines
    assert (
        lines[0].kind is LineKind.CUE and lines[0].location.line == 1 and lines[0].location.start_ms is None
    )
    # `-你去哪了  -我出差了`: two speakers on one line, split like a subtitle cue
    assert [line.text for line in lines if line.location.line == 2] == ["你去哪了", "我出差了"]
