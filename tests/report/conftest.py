"""Shared by the report tests: the fixture scan, and hypothesis strategies for scan documents.

`scan_sample.json` is a localized copy, a reordered translated copy and a clear release. `documents()`
builds any document the schema allows (within sizes a test can render quickly), with texts that try to
break out of the page: markup, quotes, entities, CJK, emoji, bidi controls.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from dockguard.model import (
    AlignedPair,
    BlockSpan,
    Evidence,
    LineRef,
    Match,
    Rename,
    ScanResult,
    SceneLink,
    Verdict,
    VerdictLevel,
)
from dockguard.report.document import ScanDocument

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report" / "scan_sample.json"


@lru_cache(maxsize=1)
def _sample_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def load_sample() -> dict[str, Any]:
    """A fresh copy of the fixture scan as JSON, to change before reading it."""
    data: dict[str, Any] = json.loads(_sample_text())
    return data


def read_document(data: dict[str, Any]) -> ScanDocument:
    return ScanDocument.from_json(data, FIXTURE.name)


# --- hostile texts -----------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</td></tr></table></section>",
    "<!--",
    "&amp;",
    "&lt;b&gt;",
    "<b>bold</b>",
    "林霄",
    "Leo",
    "上海",
    "\u202eevil",
    "🎬",
    "a\nb",
]

texts = st.one_of(
    st.text(max_size=12),
    st.lists(st.sampled_from(HOSTILE) | st.text(max_size=4), min_size=1, max_size=4).map("".join),
)

_count = st.integers(min_value=0, max_value=400)
_index = st.integers(min_value=0, max_value=300)
_share = st.floats(min_value=0, max_value=1)
_span = st.tuples(_index, _index)

line_refs = st.builds(
    LineRef,
    index=_index,
    episode=st.integers(min_value=-1, max_value=6),
    scene=st.integers(min_value=0, max_value=9),
    scene_heading=texts,
    where=texts,
    speaker=st.none() | texts,
    text=texts,
)

evidences = st.builds(
    Evidence,
    original_lines=_count,
    release_lines=_count,
    same_language=st.booleans(),
    aligned_lines=_count,
    coverage_original=_share,
    coverage_release=_share,
    longest_run=_count,
    order_kept=st.booleans(),
    strength=st.floats(min_value=0, max_value=1e3),
    exact_share=_share,
    blocks=st.lists(
        st.builds(BlockSpan, original=_span, release=_span, pairs=st.integers(min_value=1, max_value=60)),
        max_size=3,
    ).map(tuple),
    # block indices past the last block are allowed by the schema: those pairs stand outside any block
    pairs=st.lists(
        st.builds(
            AlignedPair,
            original=line_refs,
            release=line_refs,
            similarity=st.floats(min_value=-1, max_value=1.5),
            margin=st.floats(min_value=-1, max_value=1),
            block=st.integers(min_value=0, max_value=4),
        ),
        max_size=6,
    ).map(tuple),
    renames=st.lists(
        st.builds(
            Rename,
            kind=st.sampled_from(["character", "place", "name"]),
            original=texts,
            release=texts,
            support=st.integers(min_value=1, max_value=40),
            renamed=st.booleans(),
        ),
        max_size=4,
    ).map(tuple),
    scene_map=st.lists(
        st.builds(
            SceneLink,
            original_episode=st.integers(min_value=0, max_value=4),
            original_scene=st.integers(min_value=0, max_value=9),
            original_heading=texts,
            release_episode=st.integers(min_value=0, max_value=4),
            release_scene=st.integers(min_value=0, max_value=9),
            release_heading=texts,
            pairs=st.integers(min_value=1, max_value=40),
        ),
        max_size=4,
    ).map(tuple),
)

matches = st.builds(
    Match,
    work_id=texts,
    title=texts,
    owner=texts,
    language=texts | st.sampled_from(["zh-Hans", "en", "es"]),
    registered_at=texts | st.just("2026-11-28T13:59:00Z"),
    receipt_hash=texts,
    verdict=st.builds(
        Verdict,
        level=st.sampled_from(VerdictLevel),
        score=st.floats(min_value=0, max_value=30),
        meaning=texts,
        reasons=st.lists(texts, max_size=3).map(tuple),
    ),
    evidence=evidences,
)

results = st.builds(
    ScanResult,
    path=texts,
    format=texts,
    language=texts,
    lines=_count,
    matches=st.lists(matches, max_size=3).map(tuple),
    timings=st.lists(
        st.tuples(texts, st.floats(min_value=0, max_value=100)), max_size=3, unique_by=lambda t: t[0]
    ).map(tuple),
)


def documents() -> st.SearchStrategy[ScanDocument]:
    """Any scan document within the schema, small enough to render many of."""
    return st.builds(
        ScanDocument,
        registry=texts | st.just("postgresql://dg:s3cret@db/reg"),
        model=texts,
        fail_on=st.sampled_from(VerdictLevel),
        results=st.lists(results, max_size=3).map(tuple),
        scanned_at=texts | st.just("2026-11-28T14:00:00Z"),
        dockguard=texts,
    )


# --- reading a rendered page back --------------------------------------------------------------------------

# Every element and attribute the report writes; anything else in a page was smuggled in by a text.
REPORT_TAGS = frozenset(
    "html head meta title style body header main footer section div span p b i h1 h2 h3 h4 dl dt dd ul li "
    "code a button table colgroup col thead tbody tr th td details summary mark figure figcaption script "
    "svg rect line text circle".split()
)
REPORT_ATTRIBUTES = frozenset(
    "lang charset name content class id title href style hidden type data-action colspan viewbox role "
    "aria-label x y width height rx x1 y1 x2 y2 cx cy r fill-opacity text-anchor transform".split()
)


_VOID = frozenset({"meta", "col"})


class PageElements(HTMLParser):
    """The elements of a page as a browser's tokenizer sees them: start tags, attributes, unclosed ones."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.unclosed: dict[str, int] = {}
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._seen(tag, attrs)
        if tag not in _VOID:
            self.unclosed[tag] = self.unclosed.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._seen(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.unclosed[tag] = self.unclosed.get(tag, 0) - 1

    def _seen(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.update(name for name, _ in attrs)


def assert_only_report_markup(page: str) -> None:
    """No text of the document became markup: only the report's own elements, attributes and one script,
    every element closed, and no markup-bearing hostile text standing in the page as written."""
    found = PageElements(page)
    assert set(found.tags) <= REPORT_TAGS, set(found.tags) - REPORT_TAGS
    assert found.attributes <= REPORT_ATTRIBUTES, found.attributes - REPORT_ATTRIBUTES
    assert found.tags.count("script") == 1 and page.count("<script") == 1
    assert not {tag: n for tag, n in found.unclosed.items() if n}, found.unclosed
    for text in HOSTILE:
        if any(c in text for c in "<>\"'"):
            assert text not in page, text
