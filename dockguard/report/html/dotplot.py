"""The dot plot of an alignment: an inline SVG with one dot per aligned pair (original line across, release
line down), a box per aligned block, episode ticks, and a link from each dot to its row in the passages."""

from __future__ import annotations

import math
from collections.abc import Callable

from dockguard.model import AlignedPair, Evidence

from .format import esc, line_range, sim

_PLOT = 330  # side of the square plot area, in SVG units
_MARGIN_LEFT, _MARGIN_TOP, _MARGIN_RIGHT, _MARGIN_BOTTOM = 58, 14, 12, 46


def dot_plot(mid: str, ev: Evidence) -> str:
    """The figure; `mid` prefixes its id (``r1-m1-plot``) and the rows its dots link to (``r1-m1-p3``)."""
    pairs = ev.pairs
    n_o = _extent(ev, "original")
    n_r = _extent(ev, "release")
    left, top = _MARGIN_LEFT, _MARGIN_TOP
    width = left + _PLOT + _MARGIN_RIGHT
    height = top + _PLOT + _MARGIN_BOTTOM

    def x(i: float) -> float:
        return left + _PLOT * i / n_o

    def y(i: float) -> float:
        return top + _PLOT * i / n_r

    out = [
        f'<svg class="dotplot" id="{mid}-plot" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Dot plot: {len(pairs)} aligned line pairs; original line across, release line down">',
        f'<rect class="frame" x="{left}" y="{top}" width="{_PLOT}" height="{_PLOT}"/>',
    ]
    out += _axis(pairs, "original", n_o, x, y, horizontal=True)
    out += _axis(pairs, "release", n_r, x, y, horizontal=False)
    out.append(f'<line class="diag" x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(n_o):.1f}" y2="{y(n_r):.1f}"/>')
    for b_index, block in enumerate(ev.blocks):
        (o0, o1), (r0, r1) = block.original, block.release
        bx, by = x(o0), y(r0)
        bw, bh = max(x(o1) - bx, 3.0), max(y(r1) - by, 3.0)
        # The label sits just outside the box's top corner, where the block's own dots never are.
        if bx + bw + 18 <= left + _PLOT:
            label_x, anchor = bx + bw + 3, "start"
        else:
            label_x, anchor = bx - 3, "end"
        out.append(
            f'<rect class="block" x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="2">'
            f"<title>Block {b_index + 1}: original {line_range(block.original)}, "
            f"release {line_range(block.release)}</title></rect>"
            f'<text class="block-label" x="{label_x:.1f}" y="{by + 9:.1f}" text-anchor="{anchor}">B{b_index + 1}</text>'
        )
    # Dots shrink as scripts grow so a 2,000-line alignment still reads as lines, not a smear.
    base = max(1.1, min(3.6, 300 / max(n_o, n_r)))
    for k, pair in enumerate(pairs):
        o, r = pair.original, pair.release
        s = min(1.0, max(0.0, pair.similarity))
        tip = (
            f"Original line {o.index + 1} ({o.where or '?'}) ↔ release line {r.index + 1} "
            f"({r.where or '?'}): similarity {sim(pair.similarity)}"
        )
        out.append(
            f'<a href="#{mid}-p{k}"><circle class="dot" cx="{x(o.index + 0.5):.1f}" cy="{y(r.index + 0.5):.1f}" '
            f'r="{base * (0.55 + 0.45 * s):.2f}" fill-opacity="{0.25 + 0.75 * s:.2f}">'
            f"<title>{esc(tip)}</title></circle></a>"
        )
    out.append("</svg>")
    caption = (
        f"<figcaption>{len(pairs):,} aligned pairs, one dot each (darker and larger = more similar). "
        "Outlined boxes are the aligned blocks (B1, B2, …); the dashed diagonal is where a start-to-end "
        "copy would lie. Click a dot to jump to its lines.</figcaption>"
    )
    return f"<figure><h4>Dot plot of the alignment</h4>{''.join(out)}{caption}</figure>"


def _extent(ev: Evidence, side: str) -> int:
    """Lines on one axis: the script's length, stretched to every pair and block that lies beyond it."""
    if side == "original":
        n = ev.original_lines
        n = max([n, *(p.original.index + 1 for p in ev.pairs), *(b.original[1] for b in ev.blocks)])
    else:
        n = ev.release_lines
        n = max([n, *(p.release.index + 1 for p in ev.pairs), *(b.release[1] for b in ev.blocks)])
    return max(n, 1)


def _episode_starts(pairs: tuple[AlignedPair, ...], side: str) -> list[tuple[int, int]]:
    """(episode, first line index seen in it) for one side, from the pairs: the engine sends no other map."""
    first: dict[int, int] = {}
    for p in pairs:
        place = p.original if side == "original" else p.release
        first[place.episode] = min(place.index, first.get(place.episode, place.index))
    return sorted(first.items(), key=lambda item: item[1])


def _nice_step(n: int) -> int:
    raw = n / 5
    magnitude = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    for mult in (1, 2, 5, 10):
        if raw <= mult * magnitude:
            return max(1, mult * magnitude)
    return max(1, 10 * magnitude)


def _axis(
    pairs: tuple[AlignedPair, ...],
    side: str,
    n: int,
    x: Callable[[float], float],
    y: Callable[[float], float],
    horizontal: bool,
) -> list[str]:
    """Ticks for one axis: episode starts when the pairs carry episodes, else evenly spaced line numbers."""
    left, top = _MARGIN_LEFT, _MARGIN_TOP
    bottom = top + _PLOT
    out: list[str] = []
    episodes = _episode_starts(pairs, side)
    ticks: list[tuple[float, str, str]] = []  # (line index, label, css class)
    if len(episodes) > 1 or (episodes and episodes[0][0] != 1):
        ticks = [(float(start if k else 0), f"Ep {ep}", "ep") for k, (ep, start) in enumerate(episodes)]
    else:
        step = _nice_step(n)
        ticks = [(float(v), f"{v:,}", "grid") for v in range(0, n + 1, step)]
    # Crowded ticks (an 80-episode drama) keep only every k-th label, and only labelled ticks get a line.
    min_gap = 36.0 if horizontal else 16.0
    last_label = -1e9
    for value, label, cls in ticks:
        pos = x(value) if horizontal else y(value)
        if pos - last_label < min_gap:
            continue
        last_label = pos
        if value > 0:
            if horizontal:
                out.append(f'<line class="{cls}" x1="{pos:.1f}" y1="{top}" x2="{pos:.1f}" y2="{bottom}"/>')
            else:
                out.append(
                    f'<line class="{cls}" x1="{left}" y1="{pos:.1f}" x2="{left + _PLOT}" y2="{pos:.1f}"/>'
                )
        if horizontal:
            out.append(f'<text x="{pos:.1f}" y="{bottom + 13}" text-anchor="middle">{esc(label)}</text>')
        else:
            out.append(f'<text x="{left - 5}" y="{pos + 3.5:.1f}" text-anchor="end">{esc(label)}</text>')
    if horizontal:
        out.append(
            f'<text class="axis-title" x="{left + _PLOT / 2:.1f}" y="{bottom + 32}" text-anchor="middle">'
            f"Original → ({n:,} lines)</text>"
        )
    else:
        cx, cy = 13, top + _PLOT / 2
        out.append(
            f'<text class="axis-title" x="{cx}" y="{cy:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 {cx} {cy:.1f})">Release → ({n:,} lines)</text>'
        )
    return out
