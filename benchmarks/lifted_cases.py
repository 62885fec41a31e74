"""Build the small lifted-block case sets from a case set in the dev format (issue 12).

    python benchmarks/lifted_cases.py ../shared/eval/dev out/lifted [--seed 12]

For each size (8-12 % of the source's non-blank lines and at least 25 lines: `lifted`; 4-6 % and at
least 15 lines: `lifted-small`) it writes a case set of its own, OUT/lifted/ and OUT/lifted-small/,
in the dev format (registry.tsv pointing at the source set's registered files, queries.tsv,
queries/, and a provenance.tsv for error analysis), so `benchmarks/quality.py OUT/lifted --scorer
../shared/eval/score.py` scores it:

- `xl-lifted` (expected = the block's original): a contiguous block of an `xl-localized` query (a
  translated transcript, characters renamed) inserted at a random line of an unregistered English
  episode of the other show (a `neg-same-show` query of friends for a castle block and vice versa).
  Every `xl-localized` query gives `--per-source` cases, each with its own block and host.
- `neg-lifted` (controls): the same splice with the block cut from an unregistered episode (a
  `neg-same-show` query), renamed as the `xl-localized` queries of its show are (the rename list of
  one of them, from the provenance), inside a `neg-same-show` query of the other show.

The show of a query is read from the source set's provenance.tsv: that is what it is for (building
cases and error analysis); the scanner never sees it. Seeded: the same seed gives the same files.
The output must stay outside the repository (the texts belong to their owners).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

SIZES = {"lifted": (0.08, 0.12, 25), "lifted-small": (0.04, 0.06, 15)}


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_tsv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def show_of(detail: str) -> str:
    for show in ("friends", "castle"):
        if re.search(rf"\b{show}\b", detail):
            return show
    return ""


def renames_of(detail: str) -> list[tuple[str, str]]:
    """`renames=A->B; C->D` of a provenance row, longest names first (New York before York)."""
    m = re.search(r"renames=(.*)", detail)
    if not m:
        return []
    pairs = [tuple(p.split("->", 1)) for p in m.group(1).split("; ") if "->" in p]
    return sorted(((a.strip(), b.strip()) for a, b in pairs), key=lambda p: -len(p[0]))


def rename_text(text: str, renames: list[tuple[str, str]]) -> str:
    """Whole-word renames in their written, capitalised and ALL-CAPS forms (as the case builder did)."""
    for old, new in renames:
        for o, n in ((old, new), (old.upper(), new.upper())):
            text = re.sub(rf"(?<![\w]){re.escape(o)}(?![\w])", n, text)
    return text


def cut_block(lines: list[str], lo: float, hi: float, floor: int, rng: random.Random) -> tuple[list[str], int, int, int]:
    """A contiguous block of lo-hi of the non-blank lines (at least `floor`), with the blank lines
    between them; returns it with its first non-blank index, its size and the source's size."""
    nonblank = [i for i, t in enumerate(lines) if t.strip()]
    n = len(nonblank)
    size = min(n, max(floor, round(rng.uniform(lo, hi) * n)))
    start = rng.randrange(0, n - size + 1)
    first, last = nonblank[start], nonblank[start + size - 1]
    return lines[first : last + 1], start, size, n


def splice(host: list[str], block: list[str], rng: random.Random) -> tuple[list[str], int]:
    """The block inserted before a random non-blank line of the host (not the first), set off by blank lines."""
    nonblank = [i for i, t in enumerate(host) if t.strip()]
    at = rng.randrange(1, len(nonblank))
    cut = nonblank[at]
    return host[:cut] + [""] + block + [""] + host[cut:], at


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="a case set in the dev format, with provenance.tsv")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--per-source", type=int, default=2, help="cases per xl-localized query and size")
    a = ap.parse_args()
    src = a.source.resolve()
    queries = {q["query_id"]: q for q in read_tsv(src / "queries.tsv")}
    prov = {p["query_id"]: p for p in read_tsv(src / "provenance.tsv")}
    by_kind: dict[str, list[str]] = {}
    for qid, q in sorted(queries.items()):
        by_kind.setdefault(q["kind"], []).append(qid)
    hosts = {s: [q for q in by_kind["neg-same-show"] if show_of(prov[q]["source"]) == s] for s in ("friends", "castle")}
    show_renames = {
        s: [renames_of(prov[q]["detail"]) for q in by_kind["xl-localized"] if show_of(prov[q]["source"]) == s]
        for s in ("friends", "castle")
    }
    other = {"friends": "castle", "castle": "friends"}

    def text_lines(qid: str) -> list[str]:
        return (src / queries[qid]["path"]).read_text(encoding="utf-8").splitlines()

    for name, (lo, hi, floor) in SIZES.items():
        rng = random.Random(f"{a.seed}/{name}")
        out = a.out / name
        (out / "queries").mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, str]] = []
        provenance: list[dict[str, str]] = []
        jobs = [(qid, "xl-lifted") for qid in by_kind["xl-localized"] for _ in range(a.per_source)]
        jobs += [(qid, "neg-lifted") for qid in by_kind["neg-same-show"]]
        for n, (qid, kind) in enumerate(jobs, 1):
            show = show_of(prov[qid]["source"])
            lines = text_lines(qid)
            renames: list[tuple[str, str]] = []
            if kind == "neg-lifted":
                renames = rng.choice(show_renames[show])
                lines = [rename_text(t, renames) for t in lines]
            block, start, size, total = cut_block(lines, lo, hi, floor, rng)
            host_id = rng.choice(hosts[other[show]])
            spliced, at = splice(text_lines(host_id), block, rng)
            case_id = f"{name}-{n:03d}"
            path = f"queries/{case_id}.txt"
            (out / path).write_text("\n".join(spliced) + "\n", encoding="utf-8")
            expected = queries[qid]["expected_work_id"] if kind == "xl-lifted" else ""
            rows.append({"query_id": case_id, "path": path, "expected_work_id": expected, "kind": f"{kind}", "lang": "en"})
            provenance.append({
                "query_id": case_id, "kind": kind, "block_from": qid, "host": host_id, "expected_work_id": expected,
                "block_start": str(start), "block_lines": str(size), "src_lines": str(total),
                "block_frac": f"{size / total:.3f}", "insert_at": str(at), "renamed_control": str(bool(renames)),
            })
        registry = read_tsv(src / "registry.tsv")
        for r in registry:
            r["path"] = str(src / r["path"])
        write_tsv(out / "registry.tsv", registry)
        write_tsv(out / "queries.tsv", rows)
        write_tsv(out / "provenance.tsv", provenance)
        cases = sum(r["kind"] == "xl-lifted" for r in rows)
        print(f"{out}: {cases} cases, {len(rows) - cases} controls")


if __name__ == "__main__":
    main()
