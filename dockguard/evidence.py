"""Evidence: an alignment of a release against one original, described in terms of both scripts
(places, coverage, runs, order, renames, scene map). The verdict and the reports read only this."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from dockguard.align import Alignment
from dockguard.model import (
    AlignedPair,
    BlockSpan,
    Evidence,
    FlatScript,
    Rename,
    SceneLink,
)
from dockguard.normalize import canonical_text, is_cjk_text
from dockguard.renames import (
    CHINESE_PLACES,
    mined_name_pairs,
    release_proper_nouns,
    speaker_pairs,
    text_name_pairs,
)


def _union_length(spans: Sequence[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


def _order_kept(blocks: Sequence[BlockSpan]) -> bool:
    """Blocks in release order also advance in the original (ignoring blocks that are noise-sized)."""
    big = [b for b in blocks if b.pairs >= 5]
    starts = [b.original[0] for b in sorted(big, key=lambda b: b.release[0])]
    return all(a <= b for a, b in zip(starts, starts[1:], strict=False))


@lru_cache(maxsize=8)
def _release_names(texts: tuple[str, ...], cast: tuple[str, ...]) -> frozenset[str]:
    """Names a release may use (cached: a scan asks once per candidate, about the same release)."""
    if is_cjk_text("".join(texts[:200])):
        return frozenset(CHINESE_PLACES) | frozenset(cast)
    return frozenset(release_proper_nouns(texts))


def _renames(original: FlatScript, release: FlatScript, pairs: Sequence[AlignedPair]) -> list[Rename]:
    out = speaker_pairs((x.original.speaker, x.release.speaker) for x in pairs)
    known = {r.original for r in out}
    original_names = set(original.cast) | set(CHINESE_PLACES)
    texts = [(x.original.text, x.release.text) for x in pairs]
    release_names = _release_names(release.texts, release.cast)
    for p in text_name_pairs(texts, original_names, release_names):
        if p.original in known:
            continue
        out.append(replace(p, kind="character") if p.original in original.cast else p)
        known.add(p.original)
    if is_cjk_text("".join(original.texts[:200])) and not is_cjk_text("".join(release.texts[:200])):
        # names the original's cast list does not give (subtitles have none), mined from the pairs
        said = {r.release.casefold() for r in out}
        candidates = [
            n for n in sorted(release_names | set(release.cast)) if n.casefold() not in said and n.isalpha()
        ]
        for p in mined_name_pairs(texts, candidates, known):
            spoken = p.release in release.cast or p.release.upper() in release.cast
            out.append(replace(p, kind="character") if spoken else p)
    return out


def _scene_map(pairs: Sequence[AlignedPair]) -> list[SceneLink]:
    links: dict[tuple[int, int], Counter[tuple[int, int]]] = defaultdict(Counter)
    headings: dict[tuple[str, int, int], str] = {}
    for p in pairs:
        o, r = (p.original.episode, p.original.scene), (p.release.episode, p.release.scene)
        links[o][r] += 1
        headings[("o", *o)] = p.original.scene_heading
        headings[("r", *r)] = p.release.scene_heading
    out = []
    for o in sorted(links):
        for r, n in links[o].most_common():
            if n >= 2:
                out.append(SceneLink(o[0], o[1], headings[("o", *o)], r[0], r[1], headings[("r", *r)], n))
    return out


def build_evidence(
    original: FlatScript | None, release: FlatScript, alignment: Alignment, same_language: bool
) -> Evidence:
    """The evidence of an alignment. `original` is only read when the alignment has blocks: a scan
    does not load an original from the registry when nothing of it aligned."""
    if alignment.blocks and original is None:
        raise ValueError("an alignment with blocks needs its original script")
    pairs = []
    spans = []
    if original is not None:
        for b_index, block in enumerate(alignment.blocks):
            spans.append(BlockSpan(block.original_span, block.release_span, len(block.anchors)))
            for a in block.anchors:
                pairs.append(
                    AlignedPair(
                        original.refs[a.original],
                        release.refs[a.release],
                        round(a.similarity, 4),
                        round(a.margin, 4),
                        b_index,
                    )
                )
    exact = 0
    if same_language and original is not None and pairs:
        onames, rnames = original.cast, release.cast
        exact = sum(
            1
            for p in pairs
            if canonical_text(p.original.text, onames) == canonical_text(p.release.text, rnames)
        )
    m, n = alignment.original_lines, len(release.refs)
    return Evidence(
        original_lines=m,
        release_lines=n,
        same_language=same_language,
        aligned_lines=len(pairs),
        coverage_original=round(_union_length([s.original for s in spans]) / m, 4) if m else 0.0,
        coverage_release=round(_union_length([s.release for s in spans]) / n, 4) if n else 0.0,
        longest_run=max((s.pairs for s in spans), default=0),
        order_kept=_order_kept(spans),
        strength=round(sum(b.score for b in alignment.blocks), 3),
        exact_share=round(exact / len(pairs), 4) if pairs else 0.0,
        blocks=tuple(spans),
        pairs=tuple(pairs),
        renames=tuple(_renames(original, release, pairs)) if original is not None and pairs else (),
        scene_map=tuple(_scene_map(pairs)),
    )
