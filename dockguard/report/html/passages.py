"""The aligned passages: each line of the original beside the line of the release that says the same thing,
grouped by aligned block, with the renamed names marked and the unmatched stretches between them folded."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dockguard.model import AlignedPair, BlockSpan, Evidence, LineRef, Rename

from .format import count, esc, lang_attr, line_range, sim

#: Aligned pairs shown per match before the rest are folded into a ``<details>``.
PAIRS_SHOWN = 200


class RenameMarks:
    """Highlights renamed names in line texts: the original's names on the left, the release's on the right."""

    def __init__(self, renames: Iterable[Rename]) -> None:
        self.tips: dict[str, dict[str, str]] = {"original": {}, "release": {}}
        for r in renames:
            before, after = r.original.strip(), r.release.strip()
            if not before or not after:
                continue
            tip = f"{'renamed' if r.renamed else 'same name'}: {before} → {after}"
            self.tips["original"].setdefault(before.casefold(), tip)
            self.tips["release"].setdefault(after.casefold(), tip)
        self.patterns = {side: self._pattern(names) for side, names in self.tips.items()}

    @staticmethod
    def _pattern(names: Mapping[str, str]) -> re.Pattern[str] | None:
        if not names:
            return None
        alternatives = []
        for name in sorted(names, key=len, reverse=True):
            piece = re.escape(name)
            # Latin names need word edges ("Leo" must not light up inside "Leonard"); CJK has no spaces.
            if name[0].isascii() and name[0].isalnum():
                piece = r"(?<![A-Za-z0-9])" + piece
            if name[-1].isascii() and name[-1].isalnum():
                piece += r"(?![A-Za-z0-9])"
            alternatives.append(piece)
        return re.compile("|".join(alternatives), re.IGNORECASE)

    def __call__(self, text: str, side: str) -> str:
        """`text` escaped, with the names of `side` ("original" or "release") wrapped in ``<mark>``."""
        pattern = self.patterns.get(side)
        if pattern is None:
            return esc(text)
        out, at = [], 0
        for found in pattern.finditer(text):
            out.append(esc(text[at : found.start()]))
            tip = self.tips[side].get(found.group(0).casefold(), "renamed")
            cls = "rn kept" if tip.startswith("same name") else "rn"
            out.append(f'<mark class="{cls}" title="{esc(tip)}">{esc(found.group(0))}</mark>')
            at = found.end()
        out.append(esc(text[at:]))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every table of one match's passages needs."""

    mid: str  # id prefix of the match (``r1-m1``): rows are ``r1-m1-p<k>``
    blocks: tuple[BlockSpan, ...]
    original_lang: str
    release_lang: str
    marks: RenameMarks

    def block_of(self, pair: AlignedPair) -> int:
        """The pair's block, or len(blocks) when its index names none (outside any block)."""
        return pair.block if 0 <= pair.block < len(self.blocks) else len(self.blocks)


_Numbered = tuple[int, AlignedPair]  # (position in evidence.pairs, the pair): the position is the row id


def passages(mid: str, ev: Evidence, original_lang: str, release_lang: str, marks: RenameMarks) -> str:
    """The side-by-side tables of one match: the first PAIRS_SHOWN pairs in reading order, the rest folded."""
    if not ev.pairs:
        return '<p class="muted">This result carries no aligned passages.</p>'
    context = _Context(mid, ev.blocks, original_lang, release_lang, marks)

    def reading_order(item: _Numbered) -> tuple[int, int, int]:
        pair = item[1]
        return (context.block_of(pair), pair.release.index, pair.original.index)

    ordered = sorted(enumerate(ev.pairs), key=reading_order)
    shown, rest = ordered[:PAIRS_SHOWN], ordered[PAIRS_SHOWN:]
    total = len(ev.pairs)
    html = ""
    if ev.aligned_lines > total:
        html += (
            f'<p class="muted small">The scan file carries {total:,} of the {ev.aligned_lines:,} aligned pairs; '
            "the others were left out of it when it was written.</p>"
        )
    html += _pair_groups(shown, context, continued_from=None)
    if rest:
        last_block = context.block_of(shown[-1][1])
        html += (
            f'<details class="more"><summary>{len(rest):,} more aligned pairs (of {total:,})</summary>'
            f"{_pair_groups(rest, context, continued_from=last_block)}</details>"
        )
    return html


def _pair_groups(items: Sequence[_Numbered], context: _Context, continued_from: int | None) -> str:
    groups: list[tuple[int, list[_Numbered]]] = []
    for k, pair in items:
        b = context.block_of(pair)
        if groups and groups[-1][0] == b:
            groups[-1][1].append((k, pair))
        else:
            groups.append((b, [(k, pair)]))
    out = []
    for b, group in groups:
        if b < len(context.blocks):
            block = context.blocks[b]
            head = (
                f"Block {b + 1}{' (continued)' if b == continued_from else ''} "
                f"<span class='muted'>· original {line_range(block.original)} ↔ release "
                f"{line_range(block.release)} · {count(block.pairs, 'aligned pair')}"
                "</span>"
            )
        else:
            head = (
                "Lines outside any block <span class='muted'>· isolated resemblances, weaker evidence on their "
                f"own · {count(len(group), 'pair')}</span>"
            )
        out.append(f'<div class="block-head">{head}</div>')
        out.append(_pair_table(group, context))
    return "".join(out)


def _pair_table(group: Sequence[_Numbered], context: _Context) -> str:
    olang, rlang = lang_attr(context.original_lang), lang_attr(context.release_lang)
    rows: list[str] = []
    previous: AlignedPair | None = None
    for k, pair in group:
        o, r = pair.original, pair.release
        if previous is not None:
            rows.append(_gap_row(previous, pair))
        headings = (o.scene_heading, r.scene_heading)
        before = (previous.original.scene_heading, previous.release.scene_heading) if previous else ("", "")
        if any(headings) and headings != before:
            rows.append(
                f'<tr class="scene-row"><td{olang}>{esc(headings[0])}</td><td></td><td{rlang}>{esc(headings[1])}</td></tr>'
            )
        shade = 0.08 + 0.3 * min(1.0, max(0.0, pair.similarity))
        sim_tip = f"similarity {sim(pair.similarity)}; margin over the next-best line {pair.margin:.2f}"
        rows.append(
            f'<tr class="pair" id="{context.mid}-p{k}">'
            f"<td{olang}>{_side(o, 'original', context.marks)}</td>"
            f'<td class="sim"><span class="simval" style="background:rgba(30,58,138,{shade:.2f})" '
            f'title="{esc(sim_tip)}">{sim(pair.similarity)}</span></td>'
            f"<td{rlang}>{_side(r, 'release', context.marks)}</td>"
            "</tr>"
        )
        previous = pair
    return (
        '<table class="pairs"><colgroup><col class="side"><col class="sim"><col class="side"></colgroup>'
        '<thead><tr><th>Original</th><th style="text-align:center">Similarity</th><th>Release</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _side(line: LineRef, side: str, marks: RenameMarks) -> str:
    where = " · ".join(w for w in (line.where, f"ep {line.episode}", f"sc {line.scene}") if w)
    speaker = f'<span class="speaker">{marks(line.speaker, side)}</span>' if line.speaker else ""
    return f'<div class="where">{esc(where)}</div><div class="text">{speaker}{marks(line.text, side)}</div>'


def _gap_row(previous: AlignedPair, current: AlignedPair) -> str:
    """A folded row for the lines skipped between two aligned pairs (the document carries no text for them)."""
    o_at, r_at = previous.original.index, previous.release.index
    o_gap = max(current.original.index - o_at - 1, 0)
    r_gap = max(current.release.index - r_at - 1, 0)
    if not o_gap and not r_gap:
        return ""
    if o_gap == r_gap:
        summary = f"… {count(o_gap, 'line')} not matched …"
    elif o_gap and r_gap:
        summary = f"… {count(o_gap, 'original line')} and {count(r_gap, 'release line')} not matched …"
    elif o_gap:
        summary = f"… {count(o_gap, 'original line')} not matched …"
    else:
        summary = f"… {count(r_gap, 'release line')} not matched …"
    detail = []
    if o_gap:
        detail.append(f"original {line_range((o_at + 1, o_at + 1 + o_gap))}")
    if r_gap:
        detail.append(f"release {line_range((r_at + 1, r_at + 1 + r_gap))}")
    return (
        '<tr class="gap"><td colspan="3"><details>'
        f"<summary>{esc(summary)}</summary>"
        f"<p>{esc(' and '.join(detail))}: no counterpart was found for these lines, so they are not shown.</p>"
        "</details></td></tr>"
    )
