import pytest

from dockguard.model import BlockSpan, Evidence, Rename, VerdictLevel
from dockguard.verdict import FLAG_SCORE, REVIEW_SCORE, decide, score_of


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
