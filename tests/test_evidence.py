"""Evidence built from hand-made scripts and alignments: every figure the verdict and the reports read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from dockguard.align import Alignment, Anchor, Block
from dockguard.evidence import _order_kept, _scene_map, build_evidence
from dockguard.model import (
    AlignedPair,
    BlockSpan,
    Episode,
    FlatScript,
    Line,
    LineKind,
    LineRef,
    Location,
    Scene,
    SceneLink,
    Script,
)

# (episode, scene, heading, lines of (speaker, text)) per scene
SceneSpec = tuple[int, int, str, Sequence[tuple[str, str]]]


def flat(file: str, language: str, scenes: Sequence[SceneSpec]) -> FlatScript:
    """A script of dialogue lines numbered 1, 2, ... in `file`, scenes grouped into their episodes."""
    episodes: dict[int, list[Scene]] = {}
    number = 0
    for episode, scene, heading, spoken in scenes:
        lines = []
        for speaker, text in spoken:
            number += 1
            lines.append(Line(text, LineKind.DIALOGUE, Location(file, number), speaker))
        episodes.setdefault(episode, []).append(Scene(scene, heading, tuple(lines)))
    script = Script(file, language, tuple(Episode(n, "", tuple(s)) for n, s in episodes.items()))
    return FlatScript.of(script)


def block(*pairs: tuple[int, int], score: float = 1.0) -> Block:
    """Anchors (release index, original index), similarity and margin telling them apart."""
    return Block(tuple(Anchor(r, o, 0.9 + o / 1e5, 0.1 + r / 1e5, 0.5) for r, o in pairs), score)


ORIGINAL = flat(
    "orig.txt",
    "zh-Hans",
    [
        (
            1,
            1,
            "1-1 日 内 客厅",
            [("林霄", "你还敢来？"), ("苏晴", "我为什么不敢？"), ("林霄", "你走吧。"), ("苏晴", "好。")],
        ),
        (
            1,
            2,
            "1-2 夜 外 街道",
            [("林霄", "等等！"), ("苏晴", "林霄，还有事吗？"), ("林霄", "对不起。"), ("苏晴", "晚了。")],
        ),
        (
            2,
            1,
            "2-1 日 内 公司",
            [("林霄", "三年了。"), ("苏晴", "你变了。"), ("林霄", "你没变。"), ("苏晴", "再见。")],
        ),
    ],
)
# a same-language copy: re-typed in Traditional, one character renamed, one line reworded, scenes moved
RELEASE = flat(
    "release.txt",
    "zh-Hant",
    [
        (
            1,
            1,
            "第一場",
            [("陈默", "等等！"), ("苏晴", "陈默，還有事嗎？"), ("陈默", "真对不起你。"), ("苏晴", "晚了。")],
        ),
        (1, 2, "第二場", [("旁人", "今天天气不错。")]),
        (1, 3, "第三場", [("陈默", "你还敢来？"), ("苏晴", "我为什么不敢？"), ("陈默", "你走吧。")]),
    ],
)


def test_flat_script_numbers_lines_in_script_order_with_their_places() -> None:
    assert [r.index for r in ORIGINAL.refs] == list(range(12))
    ref = ORIGINAL.refs[5]
    assert (ref.episode, ref.scene, ref.scene_heading, ref.where, ref.speaker, ref.text) == (
        1,
        2,
        "1-2 夜 外 街道",
        "orig.txt:6",
        "苏晴",
        "林霄，还有事吗？",
    )
    assert ORIGINAL.cast == ("林霄", "苏晴") and RELEASE.cast == ("陈默", "苏晴", "旁人")


def test_pairs_point_at_the_aligned_lines_of_both_scripts() -> None:
    # release scene 1-1 copies original scene 1-2; release scene 1-3 copies original scene 1-1
    first = block((0, 4), (1, 5), (2, 6), (3, 7), score=2.5)
    second = block((5, 0), (6, 1), (7, 2), score=1.25)
    evidence = build_evidence(ORIGINAL, RELEASE, Alignment((first, second), 8, 12), same_language=True)
    assert [(p.release.index, p.original.index, p.block) for p in evidence.pairs] == [
        (0, 4, 0),
        (1, 5, 0),
        (2, 6, 0),
        (3, 7, 0),
        (5, 0, 1),
        (6, 1, 1),
        (7, 2, 1),
    ]
    for p in evidence.pairs:
        assert p.original == ORIGINAL.refs[p.original.index] and p.release == RELEASE.refs[p.release.index]
    pair = evidence.pairs[5]
    assert (pair.original.where, pair.original.text, pair.release.where, pair.release.text) == (
        "orig.txt:2",
        "我为什么不敢？",
        "release.txt:7",
        "我为什么不敢？",
    )
    assert (pair.similarity, pair.margin) == (0.9, 0.1001)  # rounded to 4 places
    assert evidence.blocks == (BlockSpan((4, 8), (0, 4), 4), BlockSpan((0, 3), (5, 8), 3))
    assert (evidence.original_lines, evidence.release_lines, evidence.aligned_lines) == (12, 8, 7)
    assert evidence.coverage_original == round(7 / 12, 4)
    assert evidence.coverage_release == round(7 / 8, 4)
    assert evidence.longest_run == 4
    assert evidence.strength == 3.75
    assert evidence.same_language is True
    assert evidence.order_kept is True  # neither block has the 5 pairs that order is judged on
    # the renames are read off these pairs: 林霄 speaks 陈默's four lines, 苏晴 keeps her name
    speakers = {(r.kind, r.original): (r.release, r.support, r.renamed) for r in evidence.renames}
    assert speakers[("character", "林霄")] == ("陈默", 4, True)
    assert speakers[("character", "苏晴")] == ("苏晴", 3, False)


def test_coverage_counts_lines_inside_blocks_once_gaps_included() -> None:
    # a gap inside a block counts as covered; a passage copied twice counts once
    gapped = block((0, 0), (2, 3))  # original [0, 4), release [0, 3)
    again = block((4, 2), (5, 5))  # original [2, 6), release [4, 6)
    evidence = build_evidence(ORIGINAL, RELEASE, Alignment((gapped, again), 8, 12), same_language=True)
    assert [(b.original, b.release) for b in evidence.blocks] == [((0, 4), (0, 3)), ((2, 6), (4, 6))]
    assert evidence.coverage_original == 0.5  # [0, 6) of 12
    assert evidence.coverage_release == 0.625  # [0, 3) and [4, 6) of 8
    assert evidence.aligned_lines == 4 and evidence.longest_run == 2


def test_exact_share_counts_pairs_equal_after_canonical_text_and_only_within_a_language() -> None:
    # 等等！ = 等等！; 陈默，還有事嗎？ = 林霄，还有事吗？ (Traditional, and each cast's names masked);
    # 真对不起你。 ≠ 对不起。 (reworded); 晚了。 = 晚了。
    copied = Alignment((block((0, 4), (1, 5), (2, 6), (3, 7)),), 8, 12)
    assert build_evidence(ORIGINAL, RELEASE, copied, same_language=True).exact_share == 0.75
    other_language = build_evidence(ORIGINAL, RELEASE, copied, same_language=False)
    assert other_language.exact_share == 0.0 and other_language.same_language is False
    assert other_language.aligned_lines == 4  # everything else is measured all the same


def test_scene_map_of_built_evidence_links_the_scenes_the_pairs_join() -> None:
    first = block((0, 4), (1, 5), (2, 6), (3, 7))
    second = block((4, 8), (5, 0), (6, 1), (7, 2))  # one stray pair into episode 2
    evidence = build_evidence(ORIGINAL, RELEASE, Alignment((first, second), 8, 12), same_language=True)
    assert evidence.scene_map == (
        SceneLink(1, 1, "1-1 日 内 客厅", 1, 3, "第三場", 3),
        SceneLink(1, 2, "1-2 夜 外 街道", 1, 1, "第一場", 4),
    )


def test_no_alignment_needs_no_original_and_shows_nothing() -> None:
    evidence = build_evidence(None, RELEASE, Alignment((), 8, 12), same_language=False)
    assert (evidence.original_lines, evidence.release_lines) == (12, 8)
    assert (evidence.aligned_lines, evidence.longest_run, evidence.strength, evidence.exact_share) == (
        0,
        0,
        0,
        0,
    )
    assert (evidence.coverage_original, evidence.coverage_release) == (0.0, 0.0)
    assert (evidence.blocks, evidence.pairs, evidence.renames, evidence.scene_map) == ((), (), (), ())
    assert evidence.order_kept is True
    same = build_evidence(ORIGINAL, RELEASE, Alignment((), 8, 12), same_language=True)
    assert same == replace(evidence, same_language=True)
    empty = build_evidence(None, flat("empty.txt", "en", []), Alignment((), 0, 0), same_language=True)
    assert (empty.coverage_original, empty.coverage_release, empty.exact_share) == (0.0, 0.0, 0.0)


def test_an_alignment_with_blocks_needs_its_original() -> None:
    with pytest.raises(ValueError, match="needs its original"):
        build_evidence(None, RELEASE, Alignment((block((0, 4)),), 8, 12), same_language=True)


def span(original: int, release: int, pairs: int = 5) -> BlockSpan:
    return BlockSpan((original, original + pairs), (release, release + pairs), pairs)


@pytest.mark.parametrize(
    ("blocks", "kept"),
    [
        ([], True),
        ([span(0, 0)], True),
        ([span(0, 0), span(20, 10), span(40, 30)], True),  # each block later in both
        ([span(40, 30), span(0, 0), span(20, 10)], True),  # listed out of order: judged in release order
        ([span(10, 0), span(10, 20)], True),  # the same passage copied twice
        ([span(20, 0), span(0, 10)], False),  # scenes swapped
        ([span(0, 0), span(40, 10), span(20, 30)], False),
        ([span(20, 0), span(0, 10, pairs=4)], True),  # a block under 5 pairs is noise, not an order
        ([span(20, 0, pairs=4), span(0, 10, pairs=4)], True),
    ],
)
def test_order_kept_when_big_blocks_advance_in_both_scripts(blocks: list[BlockSpan], kept: bool) -> None:
    assert _order_kept(blocks) is kept


def ref(episode: int, scene: int, heading: str) -> LineRef:
    return LineRef(0, episode, scene, heading, "f:1", None, "")


def pair(original: LineRef, release: LineRef) -> AlignedPair:
    return AlignedPair(original, release, 0.9, 0.1, 0)


def test_scene_map_groups_pairs_by_scene_pair_most_pairs_first() -> None:
    o11, o12, o21 = ref(1, 1, "o1-1"), ref(1, 2, "o1-2"), ref(2, 1, "o2-1")
    r11, r12, r13 = ref(1, 1, "r1-1"), ref(1, 2, "r1-2"), ref(1, 3, "r1-3")
    pairs = [
        pair(o21, r11),
        pair(o11, r13),
        pair(o11, r12),
        pair(o11, r12),
        pair(o21, r11),
        pair(o11, r13),
        pair(o11, r12),
        pair(o12, r11),  # a single pair links no scenes
        pair(o11, r11),
    ]
    assert _scene_map(pairs) == [
        SceneLink(1, 1, "o1-1", 1, 2, "r1-2", 3),
        SceneLink(1, 1, "o1-1", 1, 3, "r1-3", 2),
        SceneLink(2, 1, "o2-1", 1, 1, "r1-1", 2),
    ]
    assert _scene_map([]) == [] and _scene_map(pairs[:1]) == []


def test_scene_map_tells_episodes_apart() -> None:
    # scene 1 of episode 1 and scene 1 of episode 2 are different scenes on both sides
    pairs = [pair(ref(1, 1, "a"), ref(2, 1, "x"))] * 2 + [pair(ref(2, 1, "b"), ref(1, 1, "y"))] * 2
    assert _scene_map(pairs) == [SceneLink(1, 1, "a", 2, 1, "x", 2), SceneLink(2, 1, "b", 1, 1, "y", 2)]
