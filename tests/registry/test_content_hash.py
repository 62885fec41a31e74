"""content_hash: the same content re-encoded, re-saved or re-split hashes alike; other content does not."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given

from dockguard.model import Episode, Line, LineKind, Location, Scene, Script
from dockguard.registry import content_hash, hashed_text

from .registry_samples import sample_script, scripts


def script_of(*lines: Line, split: bool = False) -> Script:
    if split:
        episodes = tuple(
            Episode(i + 1, f"第{i + 1}集", (Scene(1, "", (line,)),)) for i, line in enumerate(lines)
        )
    else:
        episodes = (Episode(1, "", (Scene(1, "", lines),)),)
    return Script("t", "zh-Hans", episodes)


def dialogue(text: str, speaker: str | None = "林霄", note: str | None = None, file: str = "a.txt") -> Line:
    return Line(text, LineKind.DIALOGUE, Location(file, 1), speaker, note)


def test_files_encodings_titles_and_split_do_not_count() -> None:
    script = sample_script()
    elsewhere = replace(
        script,
        title="Another title",
        sources=(),
        episodes=tuple(
            replace(
                episode,
                title="",
                scenes=tuple(
                    replace(
                        scene,
                        heading="",
                        cast=(),
                        lines=tuple(
                            replace(line, location=Location("other.docx", 99, 5)) for line in scene.lines
                        ),
                    )
                    for scene in episode.scenes
                ),
            )
            for episode in script.episodes
        ),
    )
    assert content_hash(elsewhere) == content_hash(script)
    lines = (dialogue("一"), dialogue("二"), dialogue("三"))
    assert content_hash(script_of(*lines)) == content_hash(script_of(*lines, split=True))


def test_whitespace_width_and_blank_lines_do_not_count() -> None:
    plain = script_of(dialogue("你好，世界 ABC 123"), dialogue("再见"))
    messy = script_of(
        dialogue("  你好，世界\u3000ＡＢＣ\t１２３ "),
        Line("   ", LineKind.ACTION, Location("a.txt")),
        dialogue("再见\n"),
    )
    assert content_hash(messy) == content_hash(plain)
    assert hashed_text(" ＡＢＣ\u3000 x\n") == "ABC x"


def test_text_speaker_note_kind_and_order_count() -> None:
    base = script_of(dialogue("一"), dialogue("二"))
    different = [
        script_of(dialogue("一"), dialogue("三")),
        script_of(dialogue("一"), dialogue("二", speaker="苏晚")),
        script_of(dialogue("一"), dialogue("二", speaker=None)),
        script_of(dialogue("一"), dialogue("二", note="冷笑")),
        script_of(dialogue("一"), replace(dialogue("二"), kind=LineKind.VOICEOVER)),
        script_of(dialogue("二"), dialogue("一")),
        script_of(dialogue("一二")),
    ]
    hashes = {content_hash(script) for script in different}
    assert content_hash(base) not in hashes and len(hashes) == len(different)


@given(scripts)
def test_the_hash_is_a_stable_hex_digest(script: Script) -> None:
    digest = content_hash(script)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert content_hash(replace(script, sources=(), title="x")) == digest
