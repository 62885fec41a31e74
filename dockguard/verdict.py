"""Evidence → verdict level, score and the reasons in words.

The score is evidence on a log scale: score s means that an unrelated work of these lengths,
compared line by line with this release, reaches this much aligned evidence at an estimated rate of
10^-s. The rate is an E-value, as for local sequence alignment (Karlin-Altschul): chance alignments
of an m-line original and an n-line release reach strength x about K·m·n·exp(-x / CHANCE_DECAY)
times. K and the decay were fitted on the unrelated pairs of the dev benchmark (its retrieved-but-wrong
candidates, other episodes of the same show among them; docs/QUALITY.md), whose tail follows this
form closely. Same-language pairs share words and set phrases, so their chance blocks run stronger:
they have a K of their own.
"""

from __future__ import annotations

import math

from dockguard.model import Evidence, Rename, Verdict, VerdictLevel

CHANCE_DECAY = 2.0  # strength units per factor e of chance rate (docs/QUALITY.md: how it was measured)
# ln K per language pairing. Cross-language: the first fit gave -12.5 +- 0.2 over all pairs, and
# cross-language pairs alone sit near -15.8; -12.0 keeps the caution. Same-language pairs alone
# fit -11.8 +- 0.5; -11.3 is that rounded towards more caution.
CHANCE_LOG_K = {False: -12.0, True: -11.3}
FLAG_SCORE = 3.0  # flag at an estimated chance rate of 1 in 1,000 comparisons or rarer
REVIEW_SCORE = 2.0  # worth a human look: 1 in 100
PARTIAL_COVERAGE = 0.5  # copied blocks cover less than this share of the release: a partial copy
MIN_RENAME_SUPPORT = 3  # aligned lines a character rename needs before it makes a copy "localized"


def score_of(strength: float, release_lines: int, original_lines: int, same_language: bool) -> float:
    """-log10 of the estimated rate at which unrelated works of these lengths (in the same language
    or not) reach this strength (≥ 0)."""
    if strength <= 0:
        return 0.0
    log_e = CHANCE_LOG_K[same_language] + math.log(max(release_lines * original_lines, 1)) - strength / CHANCE_DECAY
    return round(max(0.0, -log_e / math.log(10)), 2)


def meaning_of(score: float) -> str:
    if score < 0.5:
        return "Nothing beyond what unrelated works commonly share."
    rate = 10.0**score
    if rate > 1e12:
        return "Unrelated works essentially never align like this (estimated rate below 1 in a trillion comparisons)."
    return f"Unrelated works align this much about once in {rate:,.0f} comparisons (estimated)."


def decide(e: Evidence) -> Verdict:
    score = score_of(e.strength, e.release_lines, e.original_lines, e.same_language)
    renamed = [r for r in e.renames if r.renamed]
    # Localisation renames the characters; a place name alone may just be translated (西湖 → West Lake).
    localized = any(r.kind == "character" and r.support >= MIN_RENAME_SUPPORT for r in renamed)
    if score < REVIEW_SCORE:
        level = VerdictLevel.CLEAR
    elif score < FLAG_SCORE:
        level = VerdictLevel.REVIEW
    elif e.coverage_release < PARTIAL_COVERAGE:
        level = VerdictLevel.PARTIAL_COPY
    elif e.same_language:
        level = VerdictLevel.COPY
    elif localized:
        level = VerdictLevel.LOCALIZED_COPY
    else:
        level = VerdictLevel.TRANSLATED_COPY
    return Verdict(level, score, meaning_of(score), tuple(_reasons(e, level, renamed)))


def _reasons(e: Evidence, level: VerdictLevel, renamed: list[Rename]) -> list[str]:
    if not e.aligned_lines:
        return ["no passage of the release aligns with this work"]
    out = [
        f"{e.aligned_lines} lines align in {len(e.blocks)} block(s); the longest run has {e.longest_run} lines",
        f"the aligned passages cover {e.coverage_original:.0%} of the original and {e.coverage_release:.0%} of the release",
    ]
    if level is VerdictLevel.CLEAR:
        return out[:1] + ["too little, too scattered: unrelated works share this much"]
    if level is VerdictLevel.PARTIAL_COPY:
        out.append("the copied passages are a minority of the release: the rest is other material")
    if not e.same_language:
        out.append("the release is a translation: lines correspond one to one across languages")
    elif e.exact_share >= 0.5:
        out.append(f"{e.exact_share:.0%} of the aligned lines are identical once names, script and punctuation are normalised")
    if renamed:
        out.append("renamed: " + ", ".join(f"{r.original} → {r.release} ({r.support} lines)" for r in renamed[:6]))
    if not e.order_kept:
        out.append("the copied scenes appear in a different order")
    return out
