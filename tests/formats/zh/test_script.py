"""Chinese scripts: goldens for each convention, and the rules behind them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dockguard.formats import read_script
from dockguard.formats.zh.script import heading_end, read_zh_script
from dockguard.model import LineKind, Script

from ..conftest import check_golden, draft_lines


@pytest.mark.parametrize(
    "name",
    [
        "zh_script_standard.txt",
        "zh_script_runon.txt",
        "zh_script_conventions.txt",
        "zh_script_traditional.txt",
    ],
)
def test_golden(fixtures: Path, name: str) -> None:
    check_golden(name, read_script(fixtures / name))


def _lines(text: str) -> list[tuple[str, str | None, str | None, str]]:
    return draft_lines(read_zh_script(text, "t.txt"))


def test_newline_stripped_scene_and_speakers() -> None:
    text = "场景一：老姚和凤兰正在吃中午饭  凤兰：（边吃边说）今天五婶过来…了。 老姚：（停下吃饭）介绍对象？"
    assert _lines(text) == [
        ("heading", None, None, "场景一：老姚和凤兰正在吃中午饭"),
        ("dialogue", "凤兰", "边吃边说", "今天五婶过来…了。"),
        ("dialogue", "老姚", "停下吃饭", "介绍对象？"),
    ]


def test_speaker_note_and_colons() -> None:
    text = "林霄（冷笑）：你好。\n苏晴: 你也好。\n林霄（OS）：她变了。\n苏晴（画外音）：我没变。\n林霄冷笑：是吗？"
    assert _lines(text) == [
        ("dialogue", "林霄", "冷笑", "你好。"),
        ("dialogue", "苏晴", None, "你也好。"),
        ("voice-over", "林霄", "OS", "她变了。"),
        ("voice-over", "苏晴", "画外音", "我没变。"),
        ("dialogue", "林霄", "冷笑", "是吗？"),
    ]


def test_labels_are_not_speakers() -> None:
    text = "时间：深夜\n地点：医院\n人物：林霄、苏晴\n林霄：你来了。\n苏晴：来了。\n议论：这可怎么办？"
    lines = _lines(text)
    speakers = {speaker for _, speaker, _, _ in lines if speaker}
    assert speakers == {"林霄", "苏晴"}
    assert ("heading", None, None, "时间：深夜 地点：医院") in lines
    # a one-off label that is neither recurring nor in the cast stays text
    assert lines[-1][0] == "action"


def test_narrator_is_voice_over_without_speaker() -> None:
    assert _lines("旁白：那一年冬天格外冷。") == [("voice-over", None, "旁白", "那一年冬天格外冷。")]


def test_action_and_brackets() -> None:
    text = "△林霄推门而入。苏晴抬头。\n（苏晴转身离开）\n[远处传来鞭炮声]\n【窗外雷声】"
    assert _lines(text) == [
        ("action", None, None, "林霄推门而入。"),
        ("action", None, None, "苏晴抬头。"),
        ("action", None, None, "苏晴转身离开"),
        ("action", None, None, "远处传来鞭炮声"),
        ("note", None, None, "窗外雷声"),
    ]


def test_bracket_place_is_a_scene() -> None:
    drafts = read_zh_script("【家里】\n林霄：我回来了。\n苏晴：嗯。\n林霄：吃了吗？", "t.txt")
    assert drafts[0].scenes[0].heading == "家里"


def test_trailing_parenthetical_before_next_speaker_is_action() -> None:
    text = "秋萍：三奶奶忙呢？（秋萍声音很大）三奶奶：（回头看去）啊！秋萍来了。秋萍：吃了吗？三奶奶：吃了。"
    assert _lines(text) == [
        ("dialogue", "秋萍", None, "三奶奶忙呢？"),
        ("action", None, None, "秋萍声音很大"),
        ("dialogue", "三奶奶", "回头看去", "啊！秋萍来了。"),
        ("dialogue", "秋萍", None, "吃了吗？"),
        ("dialogue", "三奶奶", None, "吃了。"),
    ]


def test_glued_speaker_names_in_run_on_text() -> None:
    # no punctuation between one speech and the next speaker: found by the known names
    speech = (
        "英子躺在床上英子：你真要离婚？肖扬：我想了很长时间了英子：我们谈了三年恋爱。肖扬：就是觉得不适合"
    )
    text = speech + "。" + "英子：也好。" * 20  # glued names are only believed in long run-on lines
    speakers = [speaker for _, speaker, _, _ in _lines(text) if speaker]
    assert speakers[:4] == ["英子", "肖扬", "英子", "肖扬"]


def test_cast_description_is_not_dialogue() -> None:
    text = "人物表：\n赵大山：男，四十五岁，村支书。\n第1场 院子 日 外\n赵大山：来了。"
    lines = _lines(text)
    assert ("note", None, None, "赵大山：男，四十五岁，村支书。") in lines
    assert lines[-1] == ("dialogue", "赵大山", None, "来了。")


def test_letter_spaced_speaker_names() -> None:
    text = "兰 芳 小满，过来。\n小 满 来了！\n兰 芳 快点。\n小 满 好的。"
    assert [speaker for _, speaker, _, _ in _lines(text)] == ["兰芳", "小满", "兰芳", "小满"]


def test_speech_on_the_next_line() -> None:
    assert _lines("苏晴：\n我不会走的。\n苏晴：（哭）\n真的。") == [
        ("dialogue", "苏晴", None, "我不会走的。"),
        ("dialogue", "苏晴", "哭", "真的。"),
    ]


def test_prose_becomes_action_sentences() -> None:
    assert _lines("他走了。她哭了！为什么？") == [
        ("action", None, None, "他走了。"),
        ("action", None, None, "她哭了！"),
        ("action", None, None, "为什么？"),
    ]


@pytest.mark.parametrize(
    ("marker", "rest", "heading"),
    [
        ("1-1", "城市公园桥上 晨 外薄雾轻浮在湖面上。", "1-1城市公园桥上 晨 外"),
        ("1、", "日景外范家村村口一条土路。", "1、日景外"),
        ("1、", "乡村公路日外傍晚汽车停了下来。", "1、乡村公路日外傍晚"),
        ("场：1", "景：三奶奶院内——日外", "场：1景：三奶奶院内——日外"),
        (
            "第一场",
            " 过强家门口 外 日国强推着车走出大门,国强把车子支在门外,转身去锁门。",
            "第一场 过强家门口 外 日",
        ),
        ("1、", "内景，李肖家里，晚上", "1、内景，李肖家里，晚上"),
        ("场景1：", "古穴剑冢。远处有人。", "场景1：古穴剑冢"),
        ("1-2", "湖边亭阁 晨 外亭阁内外一些老人在运动。", "1-2湖边亭阁 晨 外"),
    ],
)
def test_heading_end(marker: str, rest: str, heading: str) -> None:
    text = marker + rest
    assert text[: heading_end(text, len(marker))].strip() == heading


def test_episodes_and_scene_numbers(fixtures: Path) -> None:
    script = read_script(fixtures / "zh_script_standard.txt")
    assert [e.number for e in script.episodes] == [1, 2]
    assert [e.title for e in script.episodes] == ["第一集", "第二集"]
    assert [s.number for s in script.episodes[0].scenes] == [1, 2, 3]
    assert script.episodes[0].scenes[1].cast == ("林霄", "苏晴", "助理小周")


def test_chinese_numeral_episode_headings() -> None:
    drafts = read_zh_script("第十二集\n林霄：一。\n苏晴：二。\n第二十一集\n林霄：三。", "t.txt")
    assert [d.number for d in drafts] == [12, 21]


def test_episode_end_marker_is_not_a_new_episode() -> None:
    drafts = read_zh_script("第三集\n林霄：一。\n苏晴：二。\n【第三集 完】", "t.txt")
    assert [d.number for d in drafts] == [3]


def test_latin_episode_headings() -> None:
    drafts = read_zh_script("EP01\n林霄：一。\n苏晴：二。\nEpisode 2\n林霄：三。", "t.txt")
    assert [(d.number, d.title) for d in drafts] == [(1, "EP01"), (2, "Episode 2")]


def test_traditional_parses_like_simplified(fixtures: Path, tmp_path: Path) -> None:
    from dockguard.normalize import to_simplified

    # one script twice: in Big5 Traditional, and converted to Simplified (OpenCC t2s) in UTF-8
    big5 = read_script(fixtures / "zh_script_big5.txt")
    traditional = (fixtures / "zh_script_traditional.txt").read_text(encoding="utf-8")
    (tmp_path / "simplified.txt").write_text(to_simplified(traditional), encoding="utf-8")
    simplified = read_script(tmp_path / "simplified.txt")
    assert (big5.language, simplified.language) == ("zh-Hant", "zh-Hans")
    # speakers come out as written, in Traditional characters, one for each Simplified speaker
    assert big5.speakers == ("陳靜", "李明") and simplified.speakers == ("陈静", "李明")

    def shape(script: Script, convert: Callable[[str], str]) -> list[tuple[object, ...]]:
        """Every episode, scene and line as the reader decided it, its words put through `convert`."""
        scenes = [
            (
                episode.number,
                convert(episode.title),
                scene.number,
                convert(scene.heading),
                *map(convert, scene.cast),
            )
            for episode in script.episodes
            for scene in episode.scenes
        ]
        lines = [
            (
                line.kind,
                line.location.line,
                *(convert(t) if t else t for t in (line.speaker, line.note, line.text)),
            )
            for line in script.lines
        ]
        return scenes + lines

    expected = shape(simplified, str)
    assert shape(big5, to_simplified) == expected
    assert shape(big5, str) != expected  # the Traditional parse keeps its own characters
    assert [line.kind for line in big5.lines] == [
        LineKind.HEADING,
        LineKind.NOTE,
        LineKind.ACTION,
        *[LineKind.DIALOGUE] * 4,
        LineKind.ACTION,
        LineKind.VOICEOVER,
    ]
