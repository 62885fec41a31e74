"""SRT, ASS/SSA and WebVTT subtitles."""

from __future__ import annotations

from pathlib import Path

import pysubs2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockguard.errors import ParseError
from dockguard.formats import read_script
from dockguard.formats.subtitles import read_subtitles
from dockguard.model import LineKind

from .conftest import check_golden


@pytest.mark.parametrize("name", ["sample.srt", "sample.ass", "sample.vtt"])
def test_golden(fixtures: Path, name: str) -> None:
    check_golden(name, read_script(fixtures / name))


def test_cues_carry_their_timing(fixtures: Path) -> None:
    script = read_script(fixtures / "sample.srt")
    first = script.lines[0]
    assert (first.kind, first.location.start_ms, first.location.end_ms) == (LineKind.CUE, 1000, 3500)
    assert first.location.line is None


def test_dialogue_dashes_split_with_the_same_timing(fixtures: Path) -> None:
    lines = read_script(fixtures / "sample.srt").lines
    lying, not_lying = lines[2], lines[3]
    assert (lying.text, not_lying.text) == ("You're lying.", "I'm not!")
    assert lying.location == not_lying.location


def test_times_in_chinese_cues_are_not_speakers() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n大概上午10:30\n\n2\n00:00:03,000 --> 00:00:04,000\n林霄：走吧\n"
    lines = [line for d in read_subtitles(srt, "a.srt", "srt") for s in d.scenes for line in s.lines]
    assert [(line.speaker, line.text) for line in lines] == [(None, "大概上午10:30"), ("林霄", "走吧")]


def test_sentences_with_colons_are_not_speakers() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nOh, about 11:30.\n\n2\n00:00:03,000 --> 00:00:04,000\nOkay, here's the thing: no.\n"
    lines = [line for d in read_subtitles(srt, "a.srt", "srt") for s in d.scenes for line in s.lines]
    assert all(line.speaker is None for line in lines)


def test_no_cues_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.srt"
    path.write_text("this is not\na subtitle file at all\n", encoding="utf-8")
    with pytest.raises(ParseError, match="bad.srt: no srt subtitle cues"):
        read_script(path)


def test_srt_text_in_a_txt_file_is_read_as_srt(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "renamed.txt"
    path.write_bytes((fixtures / "sample.srt").read_bytes())
    script = read_script(path)
    assert script.sources[0].format == "srt"
    assert script.lines[0].location.start_ms == 1000


_CUE_TEXT = (
    st.text(
        alphabet=st.sampled_from("abcdefghij ABCDEFG 0123 .,!?'林霄苏晴你好再见"), min_size=1, max_size=40
    )
    .map(lambda t: " ".join(t.split()))
    # a line of digits alone reads as the next cue's number in SRT: ambiguous by the format itself
    .filter(lambda t: bool(t) and all(not word.isdigit() for word in t.split()))
)


@settings(max_examples=50, deadline=None)
@given(
    cues=st.lists(
        st.tuples(st.integers(0, 5_000_000), st.integers(1, 20_000), _CUE_TEXT, st.booleans()),
        min_size=1,
        max_size=15,
    )
)
def test_srt_write_read_round_trip(cues: list[tuple[int, int, str, bool]]) -> None:
    subs = pysubs2.SSAFile()
    expected = []
    for start, length, text, two_lines in sorted(cues):
        words = text.split(" ")
        # a cue on two lines comes back joined with a space
        raw = (
            " ".join(words[: len(words) // 2]) + "\\N" + " ".join(words[len(words) // 2 :])
            if two_lines and len(words) > 1
            else text
        )
        subs.append(pysubs2.SSAEvent(start=start, end=start + length, text=raw))
        expected.append((start, start + length, text))
    lines = [
        line
        for d in read_subtitles(subs.to_string("srt"), "rt.srt", "srt")
        for s in d.scenes
        for line in s.lines
    ]
    assert [(line.location.start_ms, line.location.end_ms, line.text) for line in lines] == expected
