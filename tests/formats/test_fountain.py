"""Fountain screenplays and fan transcripts written like screenplays."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.formats import read_script
from dockguard.formats.fountain import read_fountain
from dockguard.model import LineKind

from .conftest import check_golden


@pytest.mark.parametrize("name", ["sample.fountain", "screenplay_transcript.txt"])
def test_golden(fixtures: Path, name: str) -> None:
    check_golden(name, read_script(fixtures / name))


def _texts(text: str) -> list[str]:
    return [
        line.text for draft in read_fountain(text, "f.fountain") for s in draft.scenes for line in s.lines
    ]


def test_title_page_and_boneyard_are_not_read() -> None:
    texts = _texts("Title: Secret Title\nAuthor: Me\n\nINT. ROOM - DAY\n\n/* cut\nthis */\nA chair.\n")
    assert texts == ["INT. ROOM - DAY", "A chair."]


def test_line_numbers_survive_boneyard() -> None:
    drafts = read_fountain("/* one\ntwo\nthree */\n\nINT. ROOM - DAY\n", "f.fountain")
    assert drafts[0].scenes[0].lines[0].location.line == 5


def test_cue_parenthetical_and_voice_over() -> None:
    drafts = read_fountain("INT. ROOM - DAY\n\nMARA (V.O.)\n(quietly)\nIt was cold.\n", "f.fountain")
    line = drafts[0].scenes[0].lines[1]
    assert (line.kind, line.speaker, line.note, line.text) == (
        LineKind.VOICEOVER,
        "MARA",
        "V.O.; quietly",
        "It was cold.",
    )


def test_caps_action_is_not_a_cue_without_speech_after_it() -> None:
    drafts = read_fountain("INT. ROOM - DAY\n\nBANG\n\nThe door flies open.\n", "f.fountain")
    assert [line.kind for line in drafts[0].scenes[0].lines] == [
        LineKind.HEADING,
        LineKind.ACTION,
        LineKind.ACTION,
    ]


def test_shots_are_not_characters() -> None:
    drafts = read_fountain("EXT. FIELD - DAY\n\nINSERT\nThe newspaper headline.\n", "f.fountain")
    assert all(line.speaker is None for line in drafts[0].scenes[0].lines)


def test_name_colon_block_inside_screenplay() -> None:
    text = "INT. LOFT - DAY\n\nCASTLE\nWhere were you?\n\nRachel: Hi!\nRoss: Hey.\n"
    drafts = read_fountain(text, "f.fountain")
    assert [line.speaker for line in drafts[0].scenes[0].lines[1:]] == ["CASTLE", "Rachel", "Ross"]
