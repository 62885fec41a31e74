import math

import pytest

from dockguard.model import AlignedPair, BlockSpan, Evidence, LineRef, Rename, VerdictLevel
from dockguard.verdict import (
    FLAG_SCORE,
    REVIEW_SCORE,
    RUN_SIZE_EXPONENT,
    blocks_of,
    chance_score,
    decide,
    run_strength,
    score_of,
)


def evidence(strength=40.0, coverage_release=0.9, same_language=False, renames=(), order_kept=True):
    return Evidence(
        original_lines=150, release_lines=140, same_language=same_language, aligned_lines=int(strength),
        coverage_original=0.9, coverage_release=coverage_release, longest_run=30, order_kept=order_kept,
        strength=strength, exact_share=0.0, blocks=(BlockSpan((0, 100), (0, 100), int(strength)),), pairs=(),
        renames=tuple(renames), scene_map=(),
    )


def test_score_is_monotone_and_zero_without_evidence():
    assert score_of(0, 100, 100, False) == 0
    assert score_of(5, 500, 500, False) <= score_of(10, 500, 500, False) < score_of(50, 500, 500, False)


def test_the_same_strength_means_more_between_short_works():
    # chance alignments grow with the number of line pairs (an E-value): 13 lines fully copied count
    assert score_of(12, 31, 13, False) > score_of(12, 800, 800, False) + 3


def test_an_unbroken_run_means_more_between_short_works_but_less_than_in_proportion():
    # the run's chance rate grows as (m * n) ** RUN_SIZE_EXPONENT (measured on the dev nulls: far
    # slower than the number of line pairs, as a line has one mutual nearest neighbour at most)
    def run_only(m, n):
        return chance_score(0.0, 20.0, m, n, False)

    gap = RUN_SIZE_EXPONENT * math.log10(800 * 800 / (31 * 13))
    assert run_only(31, 13) == pytest.approx(run_only(800, 800) + gap, abs=0.02)
    assert 0 < RUN_SIZE_EXPONENT < 1


def test_the_same_strength_means_less_between_works_in_one_language():
    # same-language pairs share words and set phrases: chance blocks run stronger (their own K)
    assert score_of(30, 500, 500, True) < score_of(30, 500, 500, False)


@pytest.mark.parametrize(
    ("kwargs", "level"),
    [
        ({"strength": 0.0}, VerdictLevel.CLEAR),
        ({"same_language": True}, VerdictLevel.COPY),
        ({}, VerdictLevel.TRANSLATED_COPY),
        ({"renames": [Rename("character", "林霄", "Leo", 12, True)]}, VerdictLevel.LOCALIZED_COPY),
        ({"renames": [Rename("place", "西湖", "West Lake", 4, True)]}, VerdictLevel.TRANSLATED_COPY),
        ({"renames": [Rename("character", "林霄", "Lin Xiao", 12, False)]}, VerdictLevel.TRANSLATED_COPY),
        ({"coverage_release": 0.3}, VerdictLevel.PARTIAL_COPY),
    ],
)
def test_levels(kwargs, level):
    assert decide(evidence(**kwargs)).level is level


def test_review_sits_between_clear_and_flagged():
    levels = {decide(evidence(strength=x / 4)).level for x in range(0, 400)}
    assert levels == {VerdictLevel.CLEAR, VerdictLevel.REVIEW, VerdictLevel.TRANSLATED_COPY}
    scores = [decide(evidence(strength=x / 4)) for x in range(0, 400)]
    review = [v.score for v in scores if v.level is VerdictLevel.REVIEW]
    assert REVIEW_SCORE <= min(review) and max(review) < FLAG_SCORE


def test_reasons_and_meaning_are_words():
    v = decide(evidence(order_kept=False, renames=[Rename("character", "林霄", "Leo", 12, True)]))
    text = " ".join(v.reasons)
    assert "林霄 → Leo" in text and "different order" in text
    assert "once in" in v.meaning or "never" in v.meaning


def test_severity_order_for_fail_on():
    assert VerdictLevel.LOCALIZED_COPY.reaches(VerdictLevel.PARTIAL_COPY)
    assert VerdictLevel.COPY.reaches(VerdictLevel.LOCALIZED_COPY)
    assert not VerdictLevel.REVIEW.reaches(VerdictLevel.PARTIAL_COPY)


def _ref(i):
    return LineRef(index=i, episode=1, scene=1, scene_heading="", where=f"x:{i}", speaker=None, text="…")


def pairs_evidence(points, margin=0.06, release_lines=1000, original_lines=600, strength=None):
    """Evidence whose aligned pairs sit at `points` (release line, original line), one block each
    list; `strength` defaults to what the current chain scoring gives such anchors (weight each)."""
    pairs = tuple(
        AlignedPair(_ref(o), _ref(r), 0.85, margin, b) for b, block in enumerate(points) for r, o in block
    )
    spans = tuple(BlockSpan((b[0][1], b[-1][1] + 1), (b[0][0], b[-1][0] + 1), len(b)) for b in points)
    weight = min(1.0, margin / 0.08)
    if strength is None:
        strength = sum(len(b) * weight - 0.04 * sum(max(q[0] - p[0], q[1] - p[1]) - 1 for p, q in zip(b, b[1:], strict=False)) for b in points)
    covered = sum(b[-1][0] + 1 - b[0][0] for b in points)
    return Evidence(
        original_lines=original_lines, release_lines=release_lines, same_language=False, aligned_lines=len(pairs),
        coverage_original=0.05, coverage_release=covered / release_lines, longest_run=max(len(b) for b in points),
        order_kept=True, strength=round(strength, 3), exact_share=0.0, blocks=spans, pairs=pairs, renames=(), scene_map=(),
    )


def test_an_unbroken_run_is_rarer_than_as_many_scattered_pairs():
    # 18 translated lines in one unbroken run, in order, against 18 pairs chained across gaps of
    # 5-6 lines: the same summed strength, very different chance rates (issue 12)
    run = pairs_evidence([[(400 + i, 200 + i) for i in range(18)]], strength=10.0)
    scattered = pairs_evidence([[(400 + 6 * i, 200 + 5 * i) for i in range(18)]], strength=10.0)
    assert run_strength(blocks_of(run)) > 3 * run_strength(blocks_of(scattered))
    assert decide(run).score > decide(scattered).score + 3
    assert decide(run).level is VerdictLevel.PARTIAL_COPY


def test_a_wide_gap_ends_a_run():
    # two chance-like pairs, then 20 lines skipped in both scripts, then ten lines in a row: only the ten count
    one = pairs_evidence([[(0, 0), (1, 1)] + [(22 + i, 22 + i) for i in range(10)]])
    alone = pairs_evidence([[(22 + i, 22 + i) for i in range(10)]])
    assert run_strength(blocks_of(one)) == pytest.approx(run_strength(blocks_of(alone)))


def test_chance_shaped_blocks_stay_below_review():
    # what unrelated works of these lengths form: a few short blocks, steps of a few lines each way
    chance = pairs_evidence([[(100, 40), (103, 44), (107, 46)], [(500, 300), (502, 305), (506, 307), (509, 312)]], margin=0.03)
    assert decide(chance).score < REVIEW_SCORE


def test_a_release_searched_against_a_registry_scores_per_release():
    e = pairs_evidence([[(400 + i, 200 + i) for i in range(18)]], strength=10.0)
    per_comparison = decide(e).score
    assert decide(e, search_lines=600).score == per_comparison
    # ten times the registry: the same evidence is ten times less rare per release
    assert decide(e, search_lines=6_000).score == pytest.approx(per_comparison - 1, abs=0.02)


def test_the_meaning_of_an_astronomical_score_is_said_without_overflow() -> None:
    from dockguard.verdict import meaning_of

    for per_release in (False, True):
        assert "essentially never" in meaning_of(900.0, per_release)
        assert "once in 1,000" in meaning_of(3.0, per_release)
