"""`Name: line` fan transcripts."""

from __future__ import annotations

from pathlib import Path

from dockguard.formats import read_script
from dockguard.formats.transcript import read_transcript
from dockguard.model import LineKind

from .conftest import check_golden, draft_lines


def test_golden(fixtures: Path) -> None:
    check_golden("transcript.txt", read_script(fixtures / "transcript.txt"))


def _read(text: str) -> list[tuple[str, str | None, str | None, str]]:
    return draft_lines(read_transcript(text, "t.txt"))


def test_credits_are_skipped() -> None:
    assert _read("Written by: A\nTranscribed by: B\nRachel: Hi.") == [("dialogue", "Rachel", None, "Hi.")]


def test_inline_asides_become_the_note() -> None:
    assert _read("Monica: (stopping Joey) Ohh! Fish (points), seaweed.") == [
        ("dialogue", "Monica", "stopping Joey; points", "Ohh! Fish , seaweed.")
    ]


def test_unbracketed_scene_label_with_place_on_next_line() -> None:
    drafts = read_transcript("Scene:\nThe cafe. Everyone is there.\nJoey: Hey!\n", "t.txt")
    assert drafts[0].scenes[0].heading == "The cafe. Everyone is there."


def test_place_aside_and_cut_to_start_scenes() -> None:
    drafts = read_transcript(
        "Ross: One.\n(At Monica and Rachel's)\nJoey: Two.\n[Cut to the hallway]\nJoey: Three.", "t.txt"
    )
    assert [scene.heading for scene in drafts[0].scenes] == ["", "At Monica and Rachel's", "the hallway"]


def test_stage_direction_alone_is_action() -> None:
    assert _read("(They kiss.)") == [("action", None, None, "They kiss.")]


def test_sentence_with_colon_is_not_a_speaker() -> None:
    lines = _read("Okay, here's the thing: I love you.\nOh, about 11:30.")
    assert all(kind == LineKind.ACTION.value for kind, *_ in lines)


def test_other_languages_scene_labels_and_episode_headings() -> None:
    text = "EPISODIO 1\n[Escena: Casa de los García. Noche.]\nCarmen: Sentaos.\nEPISODIO 2\nEscena 1. La calle.\nElena: Hola."
    drafts = read_transcript(text, "es.txt")
    assert [(d.number, d.title) for d in drafts] == [(1, "EPISODIO 1"), (2, "EPISODIO 2")]
    assert [d.scenes[0].heading for d in drafts] == ["Casa de los García. Noche", "La calle"]


def test_numbered_scene_lines() -> None:
    drafts = read_transcript("Scene 1. Wang Lei's shop. Day.\nWANG LEI: Who told you?\n", "t.txt")
    assert drafts[0].scenes[0].heading == "Wang Lei's shop. Day"
