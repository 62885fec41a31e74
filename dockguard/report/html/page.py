"""The page around the evidence: masthead, overview of the releases, how to read the report, one section per
release, footer; the stylesheet and script are inlined from report.css and report.js."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from dockguard.model import Match, ScanResult, VerdictLevel
from dockguard.registry.url import redact_url
from dockguard.report.document import ScanDocument
from dockguard.report.verdicts import VERDICT_WORDS

from .format import badge, basename, count, esc, language_name, pct, score, timings, when
from .match import render_match

# Shown by the script only, so a reader without JavaScript (or on paper) never sees dead buttons.
_TOOLBAR = (
    '<div class="toolbar no-print" id="toolbar" hidden>'
    '<button type="button" data-action="expand">Expand all folds</button>'
    '<button type="button" data-action="collapse">Collapse all folds</button>'
    '<button type="button" data-action="print">Print / save as PDF</button>'
    "</div>"
)


def render_html(document: ScanDocument) -> str:
    """Render the document of one ``dockguard scan`` call as a self-contained HTML evidence report."""
    results = document.results
    title = "DockGuard evidence report"
    if len(results) == 1:
        title += f" — {basename(results[0].path or 'release')}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="DockGuard {esc(document.dockguard)}">',
        f"<title>{esc(title)}</title>",
        f"<style>\n{_asset('report.css')}\n</style>",
        "</head>",
        "<body>",
        _masthead(document),
        '<main class="page">',
        _TOOLBAR,
        _overview(document),
        _howto(),
        *(_release(document, i, r) for i, r in enumerate(results, 1)),
        _footer(document),
        "</main>",
        # Small and optional: the report reads fully without it. It opens folded sections a link points
        # into, wires the toolbar, and marks the document so a headless browser test can see it ran.
        f"<script>\n{_asset('report.js')}\n</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


@lru_cache(maxsize=2)
def _asset(name: str) -> str:
    """report.css or report.js, package data beside the other report files."""
    return resources.files("dockguard.report").joinpath(name).read_text(encoding="utf-8").rstrip("\n")


# ---------------------------------------------------------------------------------------------------------
# header, explanations, overview


def _masthead(document: ScanDocument) -> str:
    registry, model = document.registry, document.model
    fields = [
        ("DockGuard version", esc(document.dockguard) or "—"),
        ("Scanned at", f'<span title="{esc(document.scanned_at)}">{esc(when(document.scanned_at))}</span>'),
        ("Registry", f"<code>{esc(redact_url(registry))}</code>" if registry else "—"),
        ("Model", f"<code>{esc(model)}</code>" if model else "—"),
        ("Flag threshold (fail-on)", badge(document.fail_on)),
        ("Releases scanned", f"{len(document.results):,} scanned, {document.flagged:,} flagged"),
    ]
    meta = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in fields)
    return (
        '<header class="masthead"><div class="page">'
        '<div class="masthead-top"><div class="brand">DockGuard · drama script copyright check</div></div>'
        "<h1>Evidence report</h1>"
        f'<dl class="meta">{meta}</dl>'
        "</div></header>"
    )


_TERMS = [
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


def _howto() -> str:
    verdicts = "".join(
        f"<div><dt>{badge(level)}</dt><dd>{esc(words.meaning)}</dd></div>"
        for level, words in VERDICT_WORDS.items()
    )
    glossary = "".join(f"<div><dt><b>{esc(k)}</b></dt><dd>{esc(v)}</dd></div>" for k, v in _TERMS)
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


def _overview(document: ScanDocument) -> str:
    if not document.results:
        return (
            '<section class="card"><h2>Releases</h2><p class="muted">This scan has no results.</p></section>'
        )
    rows = []
    for i, result in enumerate(document.results, 1):
        best = result.matches[0] if result.matches else None
        path = result.path or f"release {i}"
        best_cell = f"{esc(best.title)}<div class='muted small'>{esc(best.work_id)}</div>" if best else "—"
        flagged = document.is_flagged(result)
        rows.append(
            f'<tr class="{"is-flagged" if flagged else ""}">'
            f'<td class="num">{i}</td>'
            f'<td><a href="#r{i}">{esc(basename(path))}</a><div class="muted small">{esc(path)}</div></td>'
            f"<td>{esc(language_name(result.language))}</td>"
            f"<td>{badge(result.verdict)}</td>"
            f"<td>{best_cell}</td>"
            f'<td class="num">{score(best.verdict.score) if best else "—"}</td>'
            f"<td>{'<b>yes</b>' if flagged else 'no'}</td>"
            "</tr>"
        )
    note = (
        f'<p class="muted small">A release is flagged when its verdict reaches {badge(document.fail_on)} '
        "or above.</p>"
    )
    return (
        '<section class="card"><h2>Releases in this scan</h2>'
        '<table class="compact"><thead><tr><th class="num">#</th><th>Release</th><th>Language</th>'
        "<th>Verdict</th><th>Best match</th><th class='num'>Score</th><th>Flagged</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</section>"
    )


def _footer(document: ScanDocument) -> str:
    return (
        '<footer class="footer">'
        f"Generated by DockGuard {esc(document.dockguard)} from the scan of "
        f"{esc(when(document.scanned_at))}. This file is self-contained: it loads nothing from the network "
        "and can be archived or sent as it is. Line places are given as file:line (scripts) or file @ time "
        "(subtitles); line numbers in ranges count from 1 in script order."
        "</footer>"
    )


# ---------------------------------------------------------------------------------------------------------
# one release


def _release(document: ScanDocument, i: int, result: ScanResult) -> str:
    path = result.path or f"release {i}"
    verdict = result.verdict
    facts = [language_name(result.language)]
    if result.format:
        facts.append(result.format.upper())
    facts.append(count(result.lines, "line"))
    if document.is_flagged(result):
        flag = (
            '<div class="flag on">Flagged: at or above the fail-on level '
            f"({esc(VERDICT_WORDS[document.fail_on].label)})</div>"
        )
    else:
        flag = '<div class="flag">Not flagged</div>'
    head = (
        f'<div class="release-head v-{verdict.value}-top"><div>'
        f'<div class="eyebrow">Release {i} of {len(document.results)}</div>'
        f"<h2>{esc(basename(path))}</h2>"
        f'<div class="muted small mono">{esc(path)}</div>'
        f'<div class="facts">{esc(" · ".join(facts))}</div></div>'
        f'<div class="verdict-box"><div class="score-label">Verdict</div>{badge(verdict, big=True)}{flag}</div>'
        "</div>"
    )
    body: list[str] = []
    if not result.matches:
        body.append(
            '<div class="card"><p>No registered original resembles this release closely enough to be '
            "listed. Nothing in it was aligned with a registered work.</p></div>"
        )
    for j, match in enumerate(result.matches, 1):
        # The best match always gets its evidence; lower-ranked ones only when they are findings themselves.
        if j == 1 or (match.verdict.level is not VerdictLevel.CLEAR and match.evidence.pairs):
            body.append(render_match(f"r{i}-m{j}", j, match, result.language))
    if len(result.matches) > 1:
        body.append(_other_matches(result.matches))
    if result.timings:
        body.append(f'<p class="muted small">Processing time: {esc(timings(result.timings))}.</p>')
    return f'<section class="release" id="r{i}">{head}{"".join(body)}</section>'


def _other_matches(matches: tuple[Match, ...]) -> str:
    rows = []
    for rank, match in enumerate(matches, 1):
        ev = match.evidence
        rows.append(
            "<tr>"
            f'<td class="num">{rank}</td>'
            f"<td>{esc(match.title) or '—'}</td>"
            f"<td>{esc(match.owner) or '—'}</td>"
            f'<td class="mono">{esc(match.work_id) or "—"}</td>'
            f'<td class="num">{score(match.verdict.score)}</td>'
            f"<td>{badge(match.verdict.level)}</td>"
            f'<td class="num">{ev.aligned_lines}</td>'
            f'<td class="num">{pct(ev.coverage_release)}</td>'
            "</tr>"
        )
    return (
        '<div class="card"><h3>All registered works compared with this release</h3>'
        '<table class="compact"><thead><tr><th class="num">Rank</th><th>Title</th><th>Rights holder</th>'
        "<th>Work ID</th><th class='num'>Score</th><th>Verdict</th><th class='num'>Aligned lines</th>"
        f"<th class='num'>Release covered</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
