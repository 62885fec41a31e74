"""The HTML evidence report: one self-contained file (inline CSS, JS and SVG) rendered from a scan's JSON.

The input is the JSON document of one ``dockguard scan`` call. Every key is read defensively: a missing or
mistyped optional key leaves its part of the report out instead of failing, because a report that explains
half a scan is still worth more to its reader than a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from dockguard.registry.url import redact_url

__all__ = ["PAIRS_SHOWN", "VERDICTS", "redact_url", "render_html"]

#: Aligned pairs shown per match before the rest are folded into a ``<details>``.
PAIRS_SHOWN = 200

#: Verdict → (label, what it means in plain words). Ordered from weakest to strongest finding.
VERDICTS: dict[str, tuple[str, str]] = {
    "clear": (
        "Clear",
        "No registered original was found in this release, beyond the chance resemblance that unrelated "
        "scripts share.",
    ),
    "review": (
        "Review",
        "Some lines resemble a registered original, but not enough to conclude copying. A person should "
        "read the aligned passages before deciding.",
    ),
    "partial-copy": (
        "Partial copy",
        "Part of the release (whole scenes or long stretches of dialogue) follows a registered original "
        "closely; the rest does not.",
    ),
    "copy": (
        "Copy",
        "The release reproduces a registered original in the same language, most of it line for line.",
    ),
    "translated-copy": (
        "Translated copy",
        "The release is a translation of a registered original: its lines say the same things, in another "
        "language. Scenes may have been moved around.",
    ),
    "localized-copy": (
        "Localized copy",
        "The release is a translation of a registered original adapted for another market: characters and "
        "places were renamed (see the rename table), but the dialogue and scenes follow the original.",
    ),
}

_LANGUAGES = {
    "zh": "Chinese",
    "zh-hans": "Chinese (Simplified)",
    "zh-hant": "Chinese (Traditional)",
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "ru": "Russian",
    "ja": "Japanese",
    "ko": "Korean",
    "th": "Thai",
    "vi": "Vietnamese",
    "id": "Indonesian",
    "ms": "Malay",
    "ar": "Arabic",
    "tr": "Turkish",
    "hi": "Hindi",
}

_KEPT_TAG = '<span class="tag kept">same name</span>'

_MOVED_TAG = (
    '<span class="tag" title="appears earlier in the release than scenes that precede it in the original">'
    "moved</span>"
)

# Shown by the script only, so a reader without JavaScript (or on paper) never sees dead buttons.
_TOOLBAR = (
    '<div class="toolbar no-print" id="toolbar" hidden>'
    '<button type="button" data-action="expand">Expand all folds</button>'
    '<button type="button" data-action="collapse">Collapse all folds</button>'
    '<button type="button" data-action="print">Print / save as PDF</button>'
    "</div>"
)


# ---------------------------------------------------------------------------------------------------------
# public entry point


def render_html(scan: Mapping[str, Any]) -> str:
    """Render the scan JSON of one ``dockguard scan`` call as a self-contained HTML evidence report."""
    scan = _obj(scan)
    results = [_obj(r) for r in _list(scan.get("results"))]
    version = _text(scan.get("dockguard"))
    title = "DockGuard evidence report"
    if len(results) == 1:
        title += f" — {_basename(_text(results[0].get('path')) or 'release')}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="DockGuard {_e(version)}">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_css()}\n</style>",
        "</head>",
        "<body>",
        _masthead(scan, results),
        '<main class="page">',
        _TOOLBAR,
        _overview(results, _text(scan.get("fail_on"))),
        _howto(),
        *(_release(i, len(results), r, _text(scan.get("fail_on"))) for i, r in enumerate(results, 1)),
        _footer(scan),
        "</main>",
        f"<script>\n{_SCRIPT}\n</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------------------
# defensive readers: the JSON comes from another program and may lack optional keys


def _obj(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


_INT_LIMIT = 10**12  # no script has more lines; larger numbers are corrupt and would overflow float maths


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value):
        value = int(value)
    if isinstance(value, int) and -_INT_LIMIT <= value <= _INT_LIMIT:
        return value
    return None


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) <= _INT_LIMIT else None
    return value if math.isfinite(value) else None


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _e(value: object) -> str:
    return escape(_text(value), quote=True)


@lru_cache(maxsize=1)
def _css() -> str:
    return Path(__file__).with_name("report.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# small formatters


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


def _pct(value: object) -> str:
    x = _float(value)
    if x is None:
        return "—"
    if 0 < x < 0.01:
        return "<1%"
    return f"{x * 100:.0f}%"


def _score(value: object) -> str:
    x = _float(value)
    return "—" if x is None else f"{x:.2f}"


def _sim(value: object) -> str:
    x = _float(value)
    return "—" if x is None else f"{x:.2f}"


def _count(value: object, one: str, many: str | None = None) -> str:
    n = _int(value)
    if n is None:
        return "—"
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _when(value: object) -> str:
    """ISO timestamp → '28 Nov 2026, 14:00 UTC'; anything unparsable is shown as given."""
    raw = _text(value)
    if not raw:
        return "—"
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
        return f"{moment.day} {moment:%b %Y, %H:%M} UTC"
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def _language(code: object) -> str:
    raw = _text(code)
    if not raw:
        return "unknown language"
    name = _LANGUAGES.get(raw.lower()) or _LANGUAGES.get(raw.lower().split("-")[0])
    return f"{name} ({raw})" if name else raw


def _verdict_key(value: object) -> str:
    raw = _text(value).strip().lower()
    return raw if raw in VERDICTS else ""


def _badge(verdict: object, big: bool = False) -> str:
    key = _verdict_key(verdict)
    label = VERDICTS[key][0] if key else (_text(verdict) or "not stated")
    meaning = VERDICTS[key][1] if key else "The scan did not state a verdict DockGuard knows."
    cls = f"badge v-{key}" if key else "badge"
    if big:
        cls += " big"
    return f'<span class="{cls}" title="{_e(meaning)}">{_e(label)}</span>'


def _hash(value: object) -> str:
    full = _text(value)
    if not full:
        return "—"
    short = full if len(full) <= 16 else f"{full[:12]}…{full[-4:]}"
    return (
        f'<code class="hash-short" title="{_e(full)}">{_e(short)}</code>'
        f'<code class="hash-full">{_e(full)}</code>'
    )


def _scene_label(place: Mapping[str, Any], heading_key: str = "heading") -> str:
    bits = []
    episode, scene = _int(place.get("episode")), _int(place.get("scene"))
    if episode is not None:
        bits.append(f"Ep {episode}")
    if scene is not None:
        bits.append(f"Sc {scene}")
    label = " · ".join(bits)
    heading = _text(place.get(heading_key))
    if heading:
        return f"{label} — {heading}" if label else heading
    return label or "—"


def _line_range(span: object) -> str:
    """A [start, end) pair of 0-based line indices → 'lines 1–40' as a reader counts them."""
    values = _list(span)
    start = _int(values[0]) if len(values) > 0 else None
    end = _int(values[1]) if len(values) > 1 else None
    if start is None or end is None:
        return "lines ?"
    if end - start <= 1:
        return f"line {start + 1}"
    return f"lines {start + 1}–{end}"


# ---------------------------------------------------------------------------------------------------------
# header, explanations, overview


def _masthead(scan: Mapping[str, Any], results: Sequence[Mapping[str, Any]]) -> str:
    registry = _text(scan.get("registry"))
    flagged = sum(1 for r in results if r.get("flagged") is True)
    fields = [
        ("DockGuard version", _e(scan.get("dockguard")) or "—"),
        (
            "Scanned at",
            f'<span title="{_e(scan.get("scanned_at"))}">{_e(_when(scan.get("scanned_at")))}</span>',
        ),
        ("Registry", f"<code>{_e(redact_url(registry))}</code>" if registry else "—"),
        ("Model", f"<code>{_e(scan.get('model'))}</code>" if scan.get("model") else "—"),
        ("Flag threshold (fail-on)", _badge(scan.get("fail_on")) if scan.get("fail_on") else "—"),
        ("Releases scanned", f"{len(results):,} scanned, {flagged:,} flagged"),
    ]
    meta = "".join(f"<div><dt>{_e(k)}</dt><dd>{v}</dd></div>" for k, v in fields)
    return (
        '<header class="masthead"><div class="page">'
        '<div class="masthead-top"><div class="brand">DockGuard · drama script copyright check</div></div>'
        "<h1>Evidence report</h1>"
        f'<dl class="meta">{meta}</dl>'
        "</div></header>"
    )


def _howto() -> str:
    verdicts = "".join(
        f"<div><dt>{_badge(key)}</dt><dd>{_e(meaning)}</dd></div>" for key, (_, meaning) in VERDICTS.items()
    )
    terms = [
        (
            "Score",
            "How strongly the evidence points to copying, on a scale of powers of ten: a score of 3 means "
            "an unrelated work of the same length lines up this much about once in 1,000 comparisons, a "
            "score of 10 once in 10 billion. The sentence beside it says the same in words. Flagged "
            "from 3; worth a human look from 2.",
        ),
        (
            "Coverage",
            "The share of the original's lines, and of the release's lines, that have a counterpart in the "
            "other script.",
        ),
        (
            "Longest run",
            "The longest stretch of consecutive lines that follow the original one after another.",
        ),
        (
            "Aligned passages",
            "Each row puts a line of the original beside the line of the release that says the same thing, "
            "with where each line is and how similar the two are (1.00 = same meaning).",
        ),
        (
            "Dot plot",
            "One dot per aligned pair: across is the line in the original, down is the line in the release. "
            "A straight diagonal means the release follows the original from start to end; diagonal pieces "
            "that are shifted mean scenes were moved.",
        ),
        (
            "Renames",
            "Names the release uses in place of the original's, found because they stand in the same "
            "aligned lines.",
        ),
    ]
    glossary = "".join(f"<div><dt><b>{_e(k)}</b></dt><dd>{_e(v)}</dd></div>" for k, v in terms)
    return (
        '<section class="card howto" id="how-to-read"><h2>How to read this report</h2>'
        "<p>DockGuard compares each scanned release with the original scripts registered by their rights "
        "holders. It lines up the release against the original line by line, across languages, so that "
        "translated lines and lines with changed names are still found. Each release gets one verdict:</p>"
        f'<div class="howto-grid"><dl>{verdicts}</dl><dl>{glossary}</dl></div>'
        '<p class="note">DockGuard gathers and measures evidence of textual similarity; it does not decide '
        "infringement. The aligned passages below are the evidence: read them to judge the finding.</p>"
        "</section>"
    )


def _overview(results: Sequence[Mapping[str, Any]], fail_on: str) -> str:
    if not results:
        return (
            '<section class="card"><h2>Releases</h2><p class="muted">This scan has no results.</p></section>'
        )
    rows = []
    for i, result in enumerate(results, 1):
        best = _obj(_list(result.get("matches"))[0]) if _list(result.get("matches")) else {}
        path = _text(result.get("path")) or f"release {i}"
        best_cell = (
            f"{_e(best.get('title'))}<div class='muted small'>{_e(best.get('work_id'))}</div>"
            if best
            else "—"
        )
        flagged = result.get("flagged") is True
        rows.append(
            f'<tr class="{"is-flagged" if flagged else ""}">'
            f'<td class="num">{i}</td>'
            f'<td><a href="#r{i}">{_e(_basename(path))}</a><div class="muted small">{_e(path)}</div></td>'
            f"<td>{_e(_language(result.get('language')))}</td>"
            f"<td>{_badge(_release_verdict(result))}</td>"
            f"<td>{best_cell}</td>"
            f'<td class="num">{_score(best.get("score")) if best else "—"}</td>'
            f"<td>{'<b>yes</b>' if flagged else 'no'}</td>"
            "</tr>"
        )
    note = (
        f'<p class="muted small">A release is flagged when its verdict reaches {_badge(fail_on)} or above.</p>'
        if fail_on
        else ""
    )
    return (
        '<section class="card"><h2>Releases in this scan</h2>'
        '<table class="compact"><thead><tr><th class="num">#</th><th>Release</th><th>Language</th>'
        "<th>Verdict</th><th>Best match</th><th class='num'>Score</th><th>Flagged</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</section>"
    )


def _release_verdict(result: Mapping[str, Any]) -> object:
    if result.get("verdict"):
        return result.get("verdict")
    matches = _list(result.get("matches"))
    if matches:
        return _obj(matches[0]).get("verdict")
    return "clear" if "matches" in result else None


def _footer(scan: Mapping[str, Any]) -> str:
    return (
        '<footer class="footer">'
        f"Generated by DockGuard {_e(scan.get('dockguard')) or ''} from the scan of "
        f"{_e(_when(scan.get('scanned_at')))}. This file is self-contained: it loads nothing from the network "
        "and can be archived or sent as it is. Line places are given as file:line (scripts) or file @ time "
        "(subtitles); line numbers in ranges count from 1 in script order."
        "</footer>"
    )


# ---------------------------------------------------------------------------------------------------------
# one release


def _release(i: int, total: int, result: Mapping[str, Any], fail_on: str) -> str:
    path = _text(result.get("path")) or f"release {i}"
    verdict = _release_verdict(result)
    key = _verdict_key(verdict)
    facts = [_language(result.get("language"))]
    if result.get("format"):
        facts.append(_text(result.get("format")).upper())
    if _int(result.get("lines")) is not None:
        facts.append(_count(result.get("lines"), "line"))
    flagged = result.get("flagged")
    if flagged is True:
        flag = '<div class="flag on">Flagged' + (
            f": at or above the fail-on level ({_e(VERDICTS.get(fail_on, (fail_on,))[0])})</div>"
            if fail_on
            else "</div>"
        )
    elif flagged is False:
        flag = '<div class="flag">Not flagged</div>'
    else:
        flag = ""
    head = (
        f'<div class="release-head {"v-" + key + "-top" if key else ""}"><div>'
        f'<div class="eyebrow">Release {i} of {total}</div>'
        f"<h2>{_e(_basename(path))}</h2>"
        f'<div class="muted small mono">{_e(path)}</div>'
        f'<div class="facts">{_e(" · ".join(facts))}</div></div>'
        f'<div class="verdict-box"><div class="score-label">Verdict</div>{_badge(verdict, big=True)}{flag}</div>'
        "</div>"
    )
    matches = [_obj(m) for m in _list(result.get("matches"))]
    body: list[str] = []
    if not matches:
        body.append(
            '<div class="card"><p>No registered original resembles this release closely enough to be '
            "listed. Nothing in it was aligned with a registered work.</p></div>"
        )
    for j, match in enumerate(matches, 1):
        # The best match always gets its evidence; lower-ranked ones only when they are findings themselves.
        if j == 1 or (
            _verdict_key(match.get("verdict")) not in ("", "clear") and _list(_evidence(match).get("pairs"))
        ):
            body.append(_match(f"r{i}-m{j}", j, match, _text(result.get("language"))))
    if len(matches) > 1:
        body.append(_other_matches(matches))
    timings = _timings(result.get("timings"))
    if timings:
        body.append(f'<p class="muted small">Processing time: {_e(timings)}.</p>')
    return f'<section class="release" id="r{i}">{head}{"".join(body)}</section>'


def _evidence(match: Mapping[str, Any]) -> Mapping[str, Any]:
    return _obj(match.get("evidence"))


def _timings(value: object) -> str:
    parts = []
    for stage, seconds in _obj(value).items():
        x = _float(seconds)
        if x is not None:
            parts.append(f"{stage} {x:.2f} s" if x >= 1 else f"{stage} {x * 1000:.0f} ms")
    return ", ".join(parts)


def _other_matches(matches: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for rank, match in enumerate(matches, 1):
        ev = _evidence(match)
        rows.append(
            "<tr>"
            f'<td class="num">{rank}</td>'
            f"<td>{_e(match.get('title')) or '—'}</td>"
            f"<td>{_e(match.get('owner')) or '—'}</td>"
            f'<td class="mono">{_e(match.get("work_id")) or "—"}</td>'
            f'<td class="num">{_score(match.get("score"))}</td>'
            f"<td>{_badge(match.get('verdict'))}</td>"
            f'<td class="num">{_e(_int(ev.get("aligned_lines")) if _int(ev.get("aligned_lines")) is not None else "—")}</td>'
            f'<td class="num">{_pct(ev.get("coverage_release"))}</td>'
            "</tr>"
        )
    return (
        '<div class="card"><h3>All registered works compared with this release</h3>'
        '<table class="compact"><thead><tr><th class="num">Rank</th><th>Title</th><th>Rights holder</th>'
        "<th>Work ID</th><th class='num'>Score</th><th>Verdict</th><th class='num'>Aligned lines</th>"
        f"<th class='num'>Release covered</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


# ---------------------------------------------------------------------------------------------------------
# one match: summary, figures, passages


def _match(mid: str, rank: int, match: Mapping[str, Any], release_lang: str) -> str:
    ev = _evidence(match)
    original_lang = _text(match.get("language"))
    renames = [_obj(r) for r in _list(ev.get("renames"))]
    marks = _RenameMarks(renames)
    lang_attr = f' lang="{_e(original_lang)}"' if original_lang else ""
    details = [
        ("Title", f'<span class="title"{lang_attr}>{_e(match.get("title")) or "—"}</span>'),
        ("Rights holder", f"<span{lang_attr}>{_e(match.get('owner')) or '—'}</span>"),
        ("Work ID", f"<code>{_e(match.get('work_id')) or '—'}</code>"),
        ("Language", _e(_language(original_lang))),
        (
            "Registered",
            f'<span title="{_e(match.get("registered_at"))}">{_e(_when(match.get("registered_at")))}</span>',
        ),
        ("Receipt hash", _hash(match.get("receipt_hash"))),
    ]
    kv = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in details)
    aligned = _int(ev.get("aligned_lines"))
    orig_n, rel_n = _int(ev.get("original_lines")), _int(ev.get("release_lines"))
    order = ev.get("order_kept")
    stats = [
        (
            _pct(ev.get("coverage_original")),
            f"of the original's {orig_n:,} lines" if orig_n else "of the original",
        ),
        (
            _pct(ev.get("coverage_release")),
            f"of the release's {rel_n:,} lines" if rel_n else "of the release",
        ),
        (f"{aligned:,}" if aligned is not None else "—", "lines aligned"),
        (
            _e(_int(ev.get("longest_run"))) if _int(ev.get("longest_run")) is not None else "—",
            "longest run (lines)",
        ),
        ("yes" if order is True else "no" if order is False else "—", "original order kept"),
        _language_stat(ev),
    ]
    stat_html = "".join(f'<div class="stat"><b>{v}</b><span>{_e(label)}</span></div>' for v, label in stats)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in _list(match.get("reasons")))
    meaning = _text(match.get("score_meaning"))
    meaning_html = f'<p class="score-meaning">{_e(meaning)}</p>' if meaning else ""
    reasons_html = f'<h4>Why</h4><ul class="reasons">{reasons}</ul>' if reasons else ""
    if rank > 1:
        heading = f"Also matched (rank {rank})"
    elif _verdict_key(match.get("verdict")) == "clear":
        heading = "Closest registered work (no copying found)"
    else:
        heading = "Matched original"
    summary = (
        f'<div class="card match" id="{mid}">'
        f"<h2>{_e(heading)}</h2>"
        '<div class="match-head">'
        f'<dl class="kv">{kv}</dl>'
        "<div>"
        f'<div class="score-row"><div><div class="score-label">Score</div><div class="score">'
        f"{_score(match.get('score'))}</div></div>{_badge(match.get('verdict'))}</div>"
        f"{meaning_html}"
        f'<div class="stats">{stat_html}</div>'
        "</div></div>"
        f"{reasons_html}"
        "</div>"
    )
    figures = (
        '<div class="card"><div class="figures">'
        f"<div>{_dot_plot(mid, ev)}</div>"
        f"<div>{_renames(renames, original_lang, release_lang)}{_scene_map(ev, original_lang, release_lang)}</div>"
        "</div></div>"
    )
    passages = (
        '<div class="card"><h3>Aligned passages: original ↔ release</h3>'
        f"{_passages(mid, ev, original_lang, release_lang, marks)}</div>"
    )
    return summary + figures + passages


def _language_stat(ev: Mapping[str, Any]) -> tuple[str, str]:
    same = ev.get("same_language")
    exact = _float(ev.get("exact_share"))
    if same is True and exact is not None:
        return _pct(exact), "of aligned lines word for word (same language)"
    if same is True:
        return "same", "language as the original"
    if same is False:
        return "different", "language from the original"
    return "—", "language"


def _renames(renames: Sequence[Mapping[str, Any]], original_lang: str, release_lang: str) -> str:
    renamed = [r for r in renames if r.get("renamed") is not False]
    kept = [r for r in renames if r.get("renamed") is False]  # same name, or written in another alphabet
    out = ["<h4>Renamed names</h4>"]
    if not renamed:
        out.append("<p class='muted'>No renamed names were found.</p>")
    if not renames:
        return "".join(out)
    olang = f' lang="{_e(original_lang)}"' if original_lang else ""
    rlang = f' lang="{_e(release_lang)}"' if release_lang else ""
    rows = "".join(
        "<tr>"
        f'<td class="kind">{_e(r.get("kind")) or "name"}</td>'
        f"<td{olang}>{_e(r.get('original'))}</td>"
        '<td class="rename-arrow">→</td>'
        f"<td{rlang}><b>{_e(r.get('release'))}</b>{_KEPT_TAG if r in kept else ''}</td>"
        f'<td class="num">{_e(_count(r.get("support"), "line"))}</td>'
        "</tr>"
        for r in [*renamed, *kept]
    )
    note = "Support: how many aligned line pairs use the two names in the same place."
    if kept:
        note += " <i>Same name</i>: the release keeps the original's name, or writes it in another alphabet."
    out.append(
        '<table class="compact renames"><thead><tr><th>Kind</th><th>Original</th><th></th><th>Release</th>'
        f"<th class='num'>Support</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<p class="muted small">{note}</p>'
    )
    return "".join(out)


def _scene_map(ev: Mapping[str, Any], original_lang: str, release_lang: str) -> str:
    entries = [_obj(e) for e in _list(ev.get("scene_map"))]
    if not entries:
        return ""

    def key(place: Mapping[str, Any]) -> tuple[int, int]:
        return (_int(place.get("episode")) or 0, _int(place.get("scene")) or 0)

    entries.sort(key=lambda e: key(_obj(e.get("original"))))
    most = max((_int(e.get("pairs")) or 0 for e in entries), default=0) or 1
    olang = f' lang="{_e(original_lang)}"' if original_lang else ""
    rlang = f' lang="{_e(release_lang)}"' if release_lang else ""
    rows = []
    furthest: tuple[int, int] | None = None
    moved_any = False
    for entry in entries:
        original, release = _obj(entry.get("original")), _obj(entry.get("release"))
        here = key(release)
        moved = furthest is not None and here < furthest
        moved_any = moved_any or moved
        furthest = here if furthest is None else max(furthest, here)
        n = _int(entry.get("pairs")) or 0
        rows.append(
            "<tr>"
            f"<td{olang}>{_e(_scene_label(original))}</td>"
            '<td class="rename-arrow">→</td>'
            f"<td{rlang}>{_e(_scene_label(release))}{_MOVED_TAG if moved else ''}</td>"
            f'<td class="num">{n:,}<div class="bar"><span style="width:{100 * n / most:.0f}%"></span></div></td>'
            "</tr>"
        )
    note = (
        'Scenes marked <span class="tag">moved</span> come earlier in the release than scenes that precede '
        "them in the original."
        if moved_any
        else "The scenes appear in the release in the original's order."
    )
    return (
        "<h4>Scene map: where the original's scenes appear in the release</h4>"
        '<table class="compact scenes"><thead><tr><th>Original scene</th><th></th><th>Release scene</th>'
        f"<th class='num'>Aligned lines</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="muted small">{note}</p>'
    )


# ---------------------------------------------------------------------------------------------------------
# dot plot


_PLOT = 330  # side of the square plot area, in SVG units
_MARGIN_LEFT, _MARGIN_TOP, _MARGIN_RIGHT, _MARGIN_BOTTOM = 58, 14, 12, 46


def _extent(ev: Mapping[str, Any], pairs: Sequence[Mapping[str, Any]], side: str, count_key: str) -> int:
    n = _int(ev.get(count_key)) or 0
    for p in pairs:
        index = _int(_obj(p.get(side)).get("index"))
        if index is not None:
            n = max(n, index + 1)
    for b in _list(ev.get("blocks")):
        span = _list(_obj(b).get(side))
        if len(span) > 1 and _int(span[1]) is not None:
            n = max(n, _int(span[1]) or 0)
    return max(n, 1)


def _episode_starts(pairs: Sequence[Mapping[str, Any]], side: str) -> list[tuple[int, int]]:
    """(episode, first line index seen in it) for one side, from the pairs: the engine sends no other map."""
    first: dict[int, int] = {}
    for p in pairs:
        place = _obj(p.get(side))
        episode, index = _int(place.get("episode")), _int(place.get("index"))
        if episode is not None and index is not None:
            first[episode] = min(index, first.get(episode, index))
    return sorted(first.items(), key=lambda item: item[1])


def _nice_step(n: int) -> int:
    raw = n / 5
    magnitude = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    for mult in (1, 2, 5, 10):
        if raw <= mult * magnitude:
            return max(1, mult * magnitude)
    return max(1, 10 * magnitude)


def _dot_plot(mid: str, ev: Mapping[str, Any]) -> str:
    pairs = [_obj(p) for p in _list(ev.get("pairs"))]
    n_o = _extent(ev, pairs, "original", "original_lines")
    n_r = _extent(ev, pairs, "release", "release_lines")
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
    for b_index, block in enumerate(_obj(b) for b in _list(ev.get("blocks"))):
        o_span, r_span = _list(block.get("original")), _list(block.get("release"))
        if len(o_span) < 2 or len(r_span) < 2:
            continue
        o0, o1, r0, r1 = (_int(v) for v in (o_span[0], o_span[1], r_span[0], r_span[1]))
        if o0 is None or o1 is None or r0 is None or r1 is None:
            continue
        bx, by = x(o0), y(r0)
        bw, bh = max(x(o1) - bx, 3.0), max(y(r1) - by, 3.0)
        # The label sits just outside the box's top corner, where the block's own dots never are.
        if bx + bw + 18 <= left + _PLOT:
            label_x, anchor = bx + bw + 3, "start"
        else:
            label_x, anchor = bx - 3, "end"
        out.append(
            f'<rect class="block" x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="2">'
            f"<title>Block {b_index + 1}: original {_line_range(o_span)}, release {_line_range(r_span)}</title></rect>"
            f'<text class="block-label" x="{label_x:.1f}" y="{by + 9:.1f}" text-anchor="{anchor}">B{b_index + 1}</text>'
        )
    # Dots shrink as scripts grow so a 2,000-line alignment still reads as lines, not a smear.
    base = max(1.1, min(3.6, 300 / max(n_o, n_r)))
    for k, pair in enumerate(pairs):
        o, r = _obj(pair.get("original")), _obj(pair.get("release"))
        oi, ri = _int(o.get("index")), _int(r.get("index"))
        if oi is None or ri is None:
            continue
        s = _float(pair.get("similarity"))
        s = 0.5 if s is None else min(1.0, max(0.0, s))
        tip = (
            f"Original line {oi + 1} ({_text(o.get('where')) or '?'}) ↔ release line {ri + 1} "
            f"({_text(r.get('where')) or '?'}): similarity {_sim(pair.get('similarity'))}"
        )
        out.append(
            f'<a href="#{mid}-p{k}"><circle class="dot" cx="{x(oi + 0.5):.1f}" cy="{y(ri + 0.5):.1f}" '
            f'r="{base * (0.55 + 0.45 * s):.2f}" fill-opacity="{0.25 + 0.75 * s:.2f}">'
            f"<title>{_e(tip)}</title></circle></a>"
        )
    out.append("</svg>")
    caption = (
        f"<figcaption>{len(pairs):,} aligned pairs, one dot each (darker and larger = more similar). "
        "Outlined boxes are the aligned blocks (B1, B2, …); the dashed diagonal is where a start-to-end "
        "copy would lie. Click a dot to jump to its lines.</figcaption>"
    )
    return f"<figure><h4>Dot plot of the alignment</h4>{''.join(out)}{caption}</figure>"


def _axis(
    pairs: Sequence[Mapping[str, Any]],
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
            out.append(f'<text x="{pos:.1f}" y="{bottom + 13}" text-anchor="middle">{_e(label)}</text>')
        else:
            out.append(f'<text x="{left - 5}" y="{pos + 3.5:.1f}" text-anchor="end">{_e(label)}</text>')
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


# ---------------------------------------------------------------------------------------------------------
# aligned passages


class _RenameMarks:
    """Highlights renamed names in line texts: the original's names on the left, the release's on the right."""

    def __init__(self, renames: Iterable[Mapping[str, Any]]) -> None:
        self.tips: dict[str, dict[str, str]] = {"original": {}, "release": {}}
        for r in renames:
            before, after = _text(r.get("original")).strip(), _text(r.get("release")).strip()
            if not before or not after:
                continue
            kept = r.get("renamed") is False
            tip = f"{'same name' if kept else 'renamed'}: {before} → {after}"
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
        pattern = self.patterns.get(side)
        if pattern is None:
            return _e(text)
        out, at = [], 0
        for found in pattern.finditer(text):
            out.append(_e(text[at : found.start()]))
            tip = self.tips[side].get(found.group(0).casefold(), "renamed")
            cls = "rn kept" if tip.startswith("same name") else "rn"
            out.append(f'<mark class="{cls}" title="{_e(tip)}">{_e(found.group(0))}</mark>')
            at = found.end()
        out.append(_e(text[at:]))
        return "".join(out)


def _passages(
    mid: str, ev: Mapping[str, Any], original_lang: str, release_lang: str, marks: _RenameMarks
) -> str:
    pairs = [(k, _obj(p)) for k, p in enumerate(_list(ev.get("pairs")))]
    if not pairs:
        return '<p class="muted">This result carries no aligned passages.</p>'
    blocks = [_obj(b) for b in _list(ev.get("blocks"))]

    def block_of(pair: Mapping[str, Any]) -> int:
        b = _int(pair.get("block"))
        return b if b is not None and 0 <= b < len(blocks) else len(blocks)  # len(blocks): outside any block

    def reading_order(item: tuple[int, Mapping[str, Any]]) -> tuple[int, int, int]:
        pair = item[1]
        return (
            block_of(pair),
            _int(_obj(pair.get("release")).get("index")) or 0,
            _int(_obj(pair.get("original")).get("index")) or 0,
        )

    ordered = sorted(pairs, key=reading_order)
    shown, rest = ordered[:PAIRS_SHOWN], ordered[PAIRS_SHOWN:]
    context = (mid, blocks, original_lang, release_lang, marks)
    html = ""
    aligned = _int(ev.get("aligned_lines"))
    if aligned is not None and aligned > len(pairs):
        html += (
            f'<p class="muted small">The scan file carries {len(pairs):,} of the {aligned:,} aligned pairs; '
            "the others were left out of it when it was written.</p>"
        )
    html += _pair_groups(shown, context, continued_from=None)
    if rest:
        last_block = block_of(shown[-1][1])
        html += (
            f'<details class="more"><summary>{len(rest):,} more aligned pairs (of {len(pairs):,})</summary>'
            f"{_pair_groups(rest, context, continued_from=last_block)}</details>"
        )
    return html


_Context = tuple[str, list[Mapping[str, Any]], str, str, _RenameMarks]


def _pair_groups(
    items: Sequence[tuple[int, Mapping[str, Any]]], context: _Context, continued_from: int | None
) -> str:
    mid, blocks, original_lang, release_lang, marks = context
    groups: list[tuple[int, list[tuple[int, Mapping[str, Any]]]]] = []
    for k, pair in items:
        b = _int(pair.get("block"))
        b = b if b is not None and 0 <= b < len(blocks) else len(blocks)
        if groups and groups[-1][0] == b:
            groups[-1][1].append((k, pair))
        else:
            groups.append((b, [(k, pair)]))
    out = []
    for b, group in groups:
        if b < len(blocks):
            block = blocks[b]
            n_pairs = _int(block.get("pairs"))
            head = (
                f"Block {b + 1}{' (continued)' if b == continued_from else ''} "
                f"<span class='muted'>· original {_line_range(block.get('original'))} ↔ release "
                f"{_line_range(block.get('release'))} · {_count(n_pairs if n_pairs is not None else len(group), 'aligned pair')}"
                "</span>"
            )
        else:
            head = (
                "Lines outside any block <span class='muted'>· isolated resemblances, weaker evidence on their "
                f"own · {_count(len(group), 'pair')}</span>"
            )
        out.append(f'<div class="block-head">{head}</div>')
        out.append(_pair_table(mid, group, original_lang, release_lang, marks))
    return "".join(out)


def _pair_table(
    mid: str,
    group: Sequence[tuple[int, Mapping[str, Any]]],
    original_lang: str,
    release_lang: str,
    marks: _RenameMarks,
) -> str:
    olang = f' lang="{_e(original_lang)}"' if original_lang else ""
    rlang = f' lang="{_e(release_lang)}"' if release_lang else ""
    rows: list[str] = []
    previous: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None
    for k, pair in group:
        o, r = _obj(pair.get("original")), _obj(pair.get("release"))
        if previous is not None:
            rows.append(_gap_row(previous, (o, r)))
        headings = (_text(o.get("scene_heading")), _text(r.get("scene_heading")))
        before = (
            (_text(previous[0].get("scene_heading")), _text(previous[1].get("scene_heading")))
            if previous
            else ("", "")
        )
        if any(headings) and headings != before:
            rows.append(
                f'<tr class="scene-row"><td{olang}>{_e(headings[0])}</td><td></td><td{rlang}>{_e(headings[1])}</td></tr>'
            )
        s = _float(pair.get("similarity"))
        shade = 0.08 + 0.3 * min(1.0, max(0.0, s)) if s is not None else 0.0
        margin = _float(pair.get("margin"))
        sim_tip = f"similarity {_sim(s)}" + (
            f"; margin over the next-best line {margin:.2f}" if margin is not None else ""
        )
        rows.append(
            f'<tr class="pair" id="{mid}-p{k}">'
            f"<td{olang}>{_side(o, 'original', marks)}</td>"
            f'<td class="sim"><span class="simval" style="background:rgba(30,58,138,{shade:.2f})" '
            f'title="{_e(sim_tip)}">{_sim(s)}</span></td>'
            f"<td{rlang}>{_side(r, 'release', marks)}</td>"
            "</tr>"
        )
        previous = (o, r)
    return (
        '<table class="pairs"><colgroup><col class="side"><col class="sim"><col class="side"></colgroup>'
        '<thead><tr><th>Original</th><th style="text-align:center">Similarity</th><th>Release</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _side(place: Mapping[str, Any], side: str, marks: _RenameMarks) -> str:
    where = [_text(place.get("where"))]
    episode, scene = _int(place.get("episode")), _int(place.get("scene"))
    if episode is not None:
        where.append(f"ep {episode}")
    if scene is not None:
        where.append(f"sc {scene}")
    speaker = _text(place.get("speaker"))
    speaker_html = f'<span class="speaker">{marks(speaker, side)}</span>' if speaker else ""
    return (
        f'<div class="where">{_e(" · ".join(w for w in where if w))}</div>'
        f'<div class="text">{speaker_html}{marks(_text(place.get("text")), side)}</div>'
    )


def _gap_row(
    previous: tuple[Mapping[str, Any], Mapping[str, Any]],
    current: tuple[Mapping[str, Any], Mapping[str, Any]],
) -> str:
    """A folded row for the lines skipped between two aligned pairs (the JSON carries no text for them)."""
    gaps = []
    for side, before, after in (("original", previous[0], current[0]), ("release", previous[1], current[1])):
        a, b = _int(before.get("index")), _int(after.get("index"))
        gaps.append((side, a, (b - a - 1) if a is not None and b is not None else 0))
    (_, o_at, o_gap), (_, r_at, r_gap) = gaps
    o_gap, r_gap = max(o_gap, 0), max(r_gap, 0)
    if not o_gap and not r_gap:
        return ""
    if o_gap == r_gap:
        summary = f"… {_count(o_gap, 'line')} not matched …"
    elif o_gap and r_gap:
        summary = f"… {_count(o_gap, 'original line')} and {_count(r_gap, 'release line')} not matched …"
    elif o_gap:
        summary = f"… {_count(o_gap, 'original line')} not matched …"
    else:
        summary = f"… {_count(r_gap, 'release line')} not matched …"
    detail = []
    if o_gap and o_at is not None:
        detail.append(f"original {_line_range([o_at + 1, o_at + 1 + o_gap])}")
    if r_gap and r_at is not None:
        detail.append(f"release {_line_range([r_at + 1, r_at + 1 + r_gap])}")
    return (
        '<tr class="gap"><td colspan="3"><details>'
        f"<summary>{_e(summary)}</summary>"
        f"<p>{_e(' and '.join(detail))}: no counterpart was found for these lines, so they are not shown.</p>"
        "</details></td></tr>"
    )


# Small and optional: the report reads fully without it. It opens folded sections a link points into, wires
# the expand/collapse/print buttons, and marks the document so a headless browser test can see it ran.
_SCRIPT = """(function () {
  "use strict";
  function reveal(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    el.scrollIntoView({block: "center"});
    el.classList.add("hl");
    setTimeout(function () { el.classList.remove("hl"); }, 1800);
  }
  window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1))); });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
  var bar = document.getElementById("toolbar");
  if (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var action = event.target && event.target.getAttribute("data-action");
      if (action === "print") { window.print(); return; }
      if (action !== "expand" && action !== "collapse") return;
      document.querySelectorAll("details").forEach(function (d) { d.open = action === "expand"; });
    });
  }
  document.documentElement.setAttribute("data-report-ready", "yes");
})();"""
