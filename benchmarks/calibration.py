"""Fit and check the score's chance model on every null pair (issue 12).

    python benchmarks/calibration.py out/pairs/dev.pairs.pkl [out/pairs/lifted.pairs.pkl ...] [--fit]

Reads what `benchmarks/all_pairs.py` stored (every query against every registered work), takes as
nulls the pairs of a query and a work it does not copy, and prints:

- with --fit: the chance constants each statistic would get from these nulls (per language
  pairing: the decay tau and ln K of E = K * m * n * exp(-x / tau), by maximum likelihood on the
  tail of x - tau * ln(m * n), iterated until tau is stable);
- the check of the shipped score (`dockguard.verdict`): per comparison, the share of null pairs
  reaching score 1, 2, 3 against the promised 10^-s; per release, the share of queries whose best
  null score reaches 1, 2, 3 against the promise for a release scanned against this many works;
- the copies: per kind, how many pairs of a query and its expected work reach the bars.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dockguard.align import AlignSettings  # noqa: E402
from dockguard.verdict import FLAG_SCORE, REVIEW_SCORE, RUN_SIZE_EXPONENT, chance_score, run_strength  # noqa: E402

Row = dict[str, Any]


UNFILLED = False  # --unfilled: score the blocks as they were before filling (align.fill_block)


def statistics(row: Row) -> tuple[float, float]:
    """The two statistics of a pair: the summed block strength and the strongest unbroken run."""
    if not UNFILLED:
        blocks = [[(int(x[0]), int(x[1]), float(x[2])) for x in b] for b in row["blocks"]]
        return float(sum(row["block_scores"])), run_strength(blocks)
    blocks = [[(int(x[0]), int(x[1]), float(x[2])) for x in b if len(x) < 4 or not x[3]] for b in row["blocks"]]
    return sum(chain_score(b) for b in blocks), run_strength(blocks)


def chain_score(anchors: list[tuple[int, int, float]]) -> float:
    """A block's chain score (align.chain_blocks): its anchors' weights less the skipped lines' cost."""
    s = AlignSettings()
    weight = [min(1.0, (m - s.min_margin) / (s.full_margin - s.min_margin)) for _, _, m in anchors]
    skipped = [max(b[0] - a[0], b[1] - a[1]) - 1 for a, b in zip(anchors, anchors[1:], strict=False)]
    return sum(weight) - s.gap_cost * sum(skipped)


def fit_tail(x: np.ndarray, log_mn: np.ndarray, top: int = 60, tau: float = 2.0) -> tuple[float, float]:
    """tau and ln K of E = K exp(size - x / tau) from the `top` highest normalised values u = x - tau size
    (`log_mn`: the size term, b ln(m n)):
    their excesses over the top-th are exponential with mean tau (maximum likelihood), iterated."""
    for _ in range(50):
        u = np.sort(x - tau * log_mn)[::-1]
        k = min(top, len(u) - 1)
        new = float(np.mean(u[:k] - u[k]))
        if abs(new - tau) < 1e-4:
            break
        tau = new
    u = np.sort(x - tau * log_mn)[::-1]
    k = min(top, len(u) - 1)
    log_k = math.log(k / len(u)) + u[k] / tau
    return tau, log_k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs", type=Path, nargs="+")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--top", type=int, default=60, help="tail size for the fit")
    ap.add_argument("--unfilled", action="store_true", help="drop the anchors that filling added (align.fill_block)")
    ap.add_argument("--size-exponent", type=float, nargs=2, default=(1.0, RUN_SIZE_EXPONENT),
                    help="b of the fit's size term b ln(m n), for the sum of blocks and for the run [shipped: 1 and %(default)s]")
    a = ap.parse_args()
    global UNFILLED
    UNFILLED = a.unfilled
    rows: list[Row] = []
    for path in a.pairs:
        with path.open("rb") as f:
            rows += pickle.load(f)
    works = len({r["work_id"] for r in rows})
    search_lines = sum({r["work_id"]: r["original_lines"] for r in rows}.values())
    nulls = [r for r in rows if r["work_id"] != r["expected"]]
    copies = [r for r in rows if r["work_id"] == r["expected"]]
    print(f"{len(rows)} pairs of {len({r['query_id'] for r in rows})} queries x {works} works ({search_lines} lines): "
          f"{len(nulls)} nulls, {len(copies)} copies\n")
    if a.fit:
        for same in (False, True):
            part = [r for r in nulls if r["same_language"] == same]
            if not part:
                continue
            stats = np.array([statistics(r) for r in part])
            log_mn = np.array([math.log(max(r["release_lines"] * r["original_lines"], 1)) for r in part])
            for i, name in enumerate(("sum of blocks", "unbroken run")):
                tau, log_k = fit_tail(stats[:, i], a.size_exponent[i] * log_mn, a.top)
                print(f"fit {'same' if same else 'cross'}-language {name} (size exponent {a.size_exponent[i]}): n={len(part)} tau={tau:.3f} ln K={log_k:.2f} "
                      f"(max {stats[:, i].max():.1f})")
        print()

    def score(r: Row, per_release: bool) -> float:
        s_sum, s_run = statistics(r)
        space = search_lines if per_release else r["original_lines"]
        return chance_score(s_sum, s_run, r["release_lines"], r["original_lines"], r["same_language"], space)

    print("| per comparison | nulls | score >= 1 | >= 2 | >= 3 | promised |")
    print("|---|---|---|---|---|---|")
    for label, same in (("cross-language", False), ("same-language", True), ("all", None)):
        part = [r for r in nulls if same is None or r["same_language"] == same]
        if not part:
            continue
        sc = np.array([score(r, False) for r in part])
        cells = [f"{int((sc >= s).sum())} ({(sc >= s).mean():.2%})" for s in (1, 2, 3)]
        print(f"| {label} | {len(part)} | " + " | ".join(cells) + " | 10%, 1%, 0.1% |")
    print("\n| per comparison, by size m*n | nulls | score >= 1 | >= 2 | >= 3 |")
    print("|---|---|---|---|---|")
    for label, same in (("cross-language", False), ("same-language", True)):
        for lo, hi in ((0, 2e4), (2e4, 1e5), (1e5, math.inf)):
            part = [r for r in nulls if r["same_language"] == same and lo <= r["release_lines"] * r["original_lines"] < hi]
            if not part:
                continue
            sc = np.array([score(r, False) for r in part])
            cells = [f"{int((sc >= s).sum())} (promised {len(sc) * 10.0**-s:.1f})" for s in (1, 2, 3)]
            print(f"| {label}, {lo:,.0f} to {hi:,.0f} | {len(part)} | " + " | ".join(cells) + " |")
    by_query: dict[str, list[Row]] = defaultdict(list)
    for r in nulls:
        by_query[r["query_id"]].append(r)
    best = np.array([max(score(r, True) for r in rs) for rs in by_query.values()])
    print(f"\n| per release (best null of {works} works) | releases | score >= 1 | >= 2 | >= 3 |")
    print("|---|---|---|---|---|")
    cells = [f"{int((best >= s).sum())} ({(best >= s).mean():.2%})" for s in (1, 2, 3)]
    print(f"| observed | {len(best)} | " + " | ".join(cells) + " |")
    print(f"| promised | {len(best)} | 10% | 1% | 0.1% |")
    print(f"strongest null per release: {np.sort(best)[-5:][::-1].round(2).tolist()}")

    print("\n| copies: kind | pairs | flag (>= 3) | review (>= 2) | min score | median |")
    print("|---|---|---|---|---|---|")
    kinds: dict[str, list[float]] = defaultdict(list)
    for r in copies:
        kinds[r["kind"]].append(score(r, True))
    for kind, sc in sorted(kinds.items()):
        arr = np.array(sc)
        print(f"| {kind} | {len(arr)} | {int((arr >= FLAG_SCORE).sum())} | {int((arr >= REVIEW_SCORE).sum())} | "
              f"{arr.min():.2f} | {np.median(arr):.2f} |")


if __name__ == "__main__":
    main()
