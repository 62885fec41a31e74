"""Evidence → verdict level, score and the reasons in words.

The score is evidence on a log scale: score s means that unrelated material reaches this much
aligned evidence at an estimated rate of 10^-s. The rate is an E-value, as for local sequence
alignment (Karlin-Altschul): chance alignments of an m-line original and an n-line release reach a
statistic x about K·(m·n)^b·exp(-x / decay) times. Two statistics are read, each with its own K,
decay and size exponent b, and the rarer counts (times 2, for having looked twice):

- the summed strength of all blocks (whole-work copies, reordered scenes), b = 1: K and decay fitted
  on the unrelated pairs of the dev benchmark that retrieval verified (other episodes of the same
  show among them), same-language pairs with a K of their own (shared words and set phrases), and
  checked on all 67,314 dev nulls (every dev query against every registered work it does not copy);
- the strongest unbroken run (`strongest_run`, issue 12): a scene lifted into other material is a
  run of consecutive release lines on consecutive original lines, which chance almost never forms,
  however little the run adds to the summed strength of a long release. b = 0.5: a line has at most
  one mutual nearest neighbour, so chance blocks grow far slower than the number of line pairs (the
  share of unrelated pairs forming any block is about flat in m·n). Decay and K fitted on the
  67,314 dev nulls: benchmarks/all_pairs.py and benchmarks/calibration.py --fit.

Scanned against a registry, the rate is per release: the chance that an unrelated release aligns
this much with *some* registered work, i.e. the comparison's rate times (registered lines / the
original's lines), as a database search's E-value counts the whole database. Compared with one
work (`dockguard compare`), it is per comparison. How the constants were fitted and checked:
docs/QUALITY.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dockguard.model import Evidence, Rename, Verdict, VerdictLevel

CHANCE_DECAY = 2.0  # strength units per factor e of chance rate (docs/QUALITY.md: how it was measured)
# ln K per language pairing. Cross-language: the first fit gave -12.5 +- 0.2 over all pairs, and
# cross-language pairs alone sit near -15.8; -12.0 keeps the caution. Same-language pairs alone
# fit -11.8 +- 0.5; -11.3 is that rounded towards more caution.
CHANCE_LOG_K = {False: -12.0, True: -11.3}
FLAG_SCORE = 3.0  # flag at an estimated chance rate of 1 in 1,000 comparisons or rarer
REVIEW_SCORE = 2.0  # worth a human look: 1 in 100
PARTIAL_COVERAGE = 0.5  # copied blocks cover less than this share of the release: a partial copy
# The unbroken run (issue 12). A step (dr, do) between anchors scores RUN_STEP_BONUS - ln(dr * do):
# positive for steps within a box of area e^2 ≈ 7 (1-2 lines in one script, 1-3 in the other: a
# transcript's stage directions and a subtitle's split lines), negative beyond, so runs end at gaps.
RUN_STEP_BONUS = 2.0
RUN_FULL_MARGIN = 0.08  # an anchor's weight: margin / this, at most 1 (as AlignSettings.full_margin)
# Size exponent, decay and ln K of the run per language pairing (docs/QUALITY.md, fitted by
# benchmarks/calibration.py --fit on the 67,314 dev nulls, filled blocks). Cross-language: 42,888
# nulls, max run 8.2; maximum likelihood on the tail (top 30 / 60 / 120) gave decays 0.88-0.92 and
# ln K -8.7 to -8.9; we use 0.95 and -8.5, both towards caution. Same-language: 24,426 nulls, max run
# 13.3, decays 1.28-1.48 and ln K -7.3 to -7.9; we use 1.5 and -7.0.
RUN_SIZE_EXPONENT = 0.5  # the run's rate grows as (m * n) ** this: measured, far slower than m * n
RUN_DECAY = {False: 0.95, True: 1.5}
RUN_LOG_K = {False: -8.5, True: -7.0}
MIN_RENAME_SUPPORT = 3  # aligned lines a character rename needs before it makes a copy "localized"


@dataclass(frozen=True, slots=True)
class Run:
    """The strongest unbroken run of aligned pairs: its strength and where it lies (spans [start, end))."""

    strength: float
    pairs: int
    release: tuple[int, int]
    original: tuple[int, int]


NO_RUN = Run(0.0, 0, (0, 0), (0, 0))


def strongest_run(blocks: Iterable[Sequence[tuple[int, int, float]]]) -> Run:
    """The best local segment (Kadane, as in local sequence alignment) of any block, its anchors given
    as (release line, original line, margin) in release order. Each anchor gains its weight (margin
    / RUN_FULL_MARGIN, at most 1); each step from one anchor to the next gains RUN_STEP_BONUS -
    ln(dr * do): by chance the next anchor falls within a dr x do box about in proportion to its
    area, so consecutive lines on consecutive lines (1, 1) are worth most, and a step across a gap
    costs the log of the gap's area."""
    best = NO_RUN
    for anchors in blocks:
        current, start = 0.0, 0
        for i, (release, original, margin) in enumerate(anchors):
            gain = min(1.0, max(0.0, margin) / RUN_FULL_MARGIN)
            if i:
                dr, do = max(1, release - anchors[i - 1][0]), max(1, original - anchors[i - 1][1])
                step = current + gain + RUN_STEP_BONUS - math.log(dr * do)
                current, start = (step, start) if step > gain else (gain, i)
            else:
                current, start = gain, 0
            if current > best.strength:
                first = anchors[start]
                best = Run(
                    current,
                    i - start + 1,
                    (int(first[0]), int(release) + 1),
                    (int(first[1]), int(original) + 1),
                )
    return best


def run_strength(blocks: Iterable[Sequence[tuple[int, int, float]]]) -> float:
    """The strength of the strongest unbroken run (strongest_run)."""
    return strongest_run(blocks).strength


def size_term(release_lines: int, original_lines: int, exponent: float = 1.0) -> float:
    """How a chance rate grows with the scripts' lengths: exponent * ln(m * n)."""
    return exponent * math.log(max(release_lines * original_lines, 1))


def score_of(strength: float, release_lines: int, original_lines: int, same_language: bool) -> float:
    """-log10 of the estimated rate at which unrelated works of these lengths (in the same language
    or not) reach this strength (≥ 0)."""
    if strength <= 0:
        return 0.0
    log_e = CHANCE_LOG_K[same_language] + size_term(release_lines, original_lines) - strength / CHANCE_DECAY
    return round(max(0.0, -log_e / math.log(10)), 2)


def chance_score(
    strength: float,
    run: float,
    release_lines: int,
    original_lines: int,
    same_language: bool,
    search_lines: int | None = None,
) -> float:
    """-log10 of the estimated chance rate of this much evidence: the rarer of the two chance models
    (summed blocks, strongest unbroken run), times 2 for having looked twice. Per comparison when
    `search_lines` is None; per release searched against a registry of `search_lines` lines
    otherwise (the rate of the comparison times search_lines / original_lines)."""
    n_m = size_term(release_lines, original_lines)
    n_m_run = size_term(release_lines, original_lines, RUN_SIZE_EXPONENT)
    log_e = min(
        CHANCE_LOG_K[same_language] + n_m - strength / CHANCE_DECAY if strength > 0 else 0.0,
        RUN_LOG_K[same_language] + n_m_run - run / RUN_DECAY[same_language] if run > 0 else 0.0,
    ) + math.log(2)
    if search_lines is not None:
        log_e += math.log(max(search_lines, original_lines, 1) / max(original_lines, 1))
    return round(max(0.0, -log_e / math.log(10)), 2)


def meaning_of(score: float, per_release: bool = False) -> str:
    if score < 0.5:
        return "Nothing beyond what unrelated works commonly share."
    rate = 10.0 ** min(score, 13.0)  # beyond 1e12 only "essentially never" is said (and 10**400 overflows)
    if per_release:
        if rate > 1e12:
            return "An unrelated release essentially never aligns like this with a work of this registry (estimated rate below 1 in a trillion scans)."
        return f"An unrelated release aligns this much with some work of this registry about once in {rate:,.0f} scans (estimated)."
    if rate > 1e12:
        return "Unrelated works essentially never align like this (estimated rate below 1 in a trillion comparisons)."
    return f"Unrelated works align this much about once in {rate:,.0f} comparisons (estimated)."


def blocks_of(e: Evidence) -> list[list[tuple[int, int, float]]]:
    """The aligned pairs of each block as (release line, original line, margin), in release order."""
    blocks: dict[int, list[tuple[int, int, float]]] = {}
    for p in e.pairs:
        blocks.setdefault(p.block, []).append((p.release.index, p.original.index, p.margin))
    return [sorted(b) for _, b in sorted(blocks.items())]


def decide(e: Evidence, search_lines: int | None = None) -> Verdict:
    """The verdict of the evidence; `search_lines` (the registry's lines) makes the score per release."""
    run = strongest_run(blocks_of(e))
    score = chance_score(
        e.strength, run.strength, e.release_lines, e.original_lines, e.same_language, search_lines
    )
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
    return Verdict(
        level, score, meaning_of(score, search_lines is not None), tuple(_reasons(e, level, renamed, run))
    )


def _reasons(e: Evidence, level: VerdictLevel, renamed: list[Rename], run: Run) -> list[str]:
    if not e.aligned_lines:
        return ["no passage of the release aligns with this work"]
    out = [
        f"{e.aligned_lines} lines align in {len(e.blocks)} block(s); the longest run has {e.longest_run} lines",
        f"the aligned passages cover {e.coverage_original:.0%} of the original and {e.coverage_release:.0%} of the release",
    ]
    if level is VerdictLevel.CLEAR:
        return out[:1] + ["too little, too scattered: unrelated works share this much"]
    if level in (VerdictLevel.PARTIAL_COPY, VerdictLevel.REVIEW) and run.pairs >= 3:
        out.append(
            f"the strongest unbroken run: {run.pairs} pairs in order, release lines {run.release[0] + 1}-{run.release[1]} "
            f"on original lines {run.original[0] + 1}-{run.original[1]}"
        )
    if level is VerdictLevel.PARTIAL_COPY:
        out.append("the copied passages are a minority of the release: the rest is other material")
    if not e.same_language:
        out.append("the release is a translation: lines correspond one to one across languages")
    elif e.exact_share >= 0.5:
        out.append(
            f"{e.exact_share:.0%} of the aligned lines are identical once names, script and punctuation are normalised"
        )
    if renamed:
        out.append(
            "renamed: " + ", ".join(f"{r.original} → {r.release} ({r.support} lines)" for r in renamed[:6])
        )
    if not e.order_kept:
        out.append("the copied scenes appear in a different order")
    return out
