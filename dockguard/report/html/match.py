"""One match of a release: who holds the original, the score and why, the figures (dot plot, renames, scene
map) and the aligned passages."""

from __future__ import annotations

from dockguard.model import Evidence, Match, Rename, SceneLink, VerdictLevel

from .dotplot import dot_plot
from .format import badge, count, esc, hash_code, lang_attr, language_name, pct, scene_label, score, when
from .passages import RenameMarks, passages

_KEPT_TAG = '<span class="tag kept">same name</span>'

_MOVED_TAG = (
    '<span class="tag" title="appears earlier in the release than scenes that precede it in the original">'
    "moved</span>"
)


def render_match(mid: str, rank: int, match: Match, release_lang: str) -> str:
    """The cards of one match; `mid` prefixes the ids of its rows and plot (``r1-m1``)."""
    ev = match.evidence
    original_lang = match.language
    lang = lang_attr(original_lang)
    details = [
        ("Title", f'<span class="title"{lang}>{esc(match.title) or "—"}</span>'),
        ("Rights holder", f"<span{lang}>{esc(match.owner) or '—'}</span>"),
        ("Work ID", f"<code>{esc(match.work_id) or '—'}</code>"),
        ("Language", esc(language_name(original_lang))),
        ("Registered", f'<span title="{esc(match.registered_at)}">{esc(when(match.registered_at))}</span>'),
        ("Receipt hash", hash_code(match.receipt_hash)),
    ]
    kv = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in details)
    stats = [
        (
            pct(ev.coverage_original),
            f"of the original's {ev.original_lines:,} lines" if ev.original_lines else "of the original",
        ),
        (
            pct(ev.coverage_release),
            f"of the release's {ev.release_lines:,} lines" if ev.release_lines else "of the release",
        ),
        (f"{ev.aligned_lines:,}", "lines aligned"),
        (str(ev.longest_run), "longest run (lines)"),
        ("yes" if ev.order_kept else "no", "original order kept"),
        _language_stat(ev),
    ]
    stat_html = "".join(f'<div class="stat"><b>{v}</b><span>{esc(label)}</span></div>' for v, label in stats)
    verdict = match.verdict
    reasons = "".join(f"<li>{esc(r)}</li>" for r in verdict.reasons)
    meaning_html = f'<p class="score-meaning">{esc(verdict.meaning)}</p>' if verdict.meaning else ""
    reasons_html = f'<h4>Why</h4><ul class="reasons">{reasons}</ul>' if reasons else ""
    if rank > 1:
        heading = f"Also matched (rank {rank})"
    elif verdict.level is VerdictLevel.CLEAR:
        heading = "Closest registered work (no copying found)"
    else:
        heading = "Matched original"
    summary = (
        f'<div class="card match" id="{mid}">'
        f"<h2>{esc(heading)}</h2>"
        '<div class="match-head">'
        f'<dl class="kv">{kv}</dl>'
        "<div>"
        f'<div class="score-row"><div><div class="score-label">Score</div><div class="score">'
        f"{score(verdict.score)}</div></div>{badge(verdict.level)}</div>"
        f"{meaning_html}"
        f'<div class="stats">{stat_html}</div>'
        "</div></div>"
        f"{reasons_html}"
        "</div>"
    )
    figures = (
        '<div class="card"><div class="figures">'
        f"<div>{dot_plot(mid, ev)}</div>"
        f"<div>{_renames(ev.renames, original_lang, release_lang)}"
        f"{_scene_map(ev.scene_map, original_lang, release_lang)}</div>"
        "</div></div>"
    )
    marks = RenameMarks(ev.renames)
    aligned = (
        '<div class="card"><h3>Aligned passages: original ↔ release</h3>'
        f"{passages(mid, ev, original_lang, release_lang, marks)}</div>"
    )
    return summary + figures + aligned


def _language_stat(ev: Evidence) -> tuple[str, str]:
    if ev.same_language:
        return pct(ev.exact_share), "of aligned lines word for word (same language)"
    return "different", "language from the original"


def _renames(renames: tuple[Rename, ...], original_lang: str, release_lang: str) -> str:
    renamed = [r for r in renames if r.renamed]
    kept = [r for r in renames if not r.renamed]  # same name, or written in another alphabet
    out = ["<h4>Renamed names</h4>"]
    if not renamed:
        out.append("<p class='muted'>No renamed names were found.</p>")
    if not renames:
        return "".join(out)
    olang, rlang = lang_attr(original_lang), lang_attr(release_lang)
    rows = "".join(
        "<tr>"
        f'<td class="kind">{esc(r.kind)}</td>'
        f"<td{olang}>{esc(r.original)}</td>"
        '<td class="rename-arrow">→</td>'
        f"<td{rlang}><b>{esc(r.release)}</b>{'' if r.renamed else _KEPT_TAG}</td>"
        f'<td class="num">{esc(count(r.support, "line"))}</td>'
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


def _scene_map(links: tuple[SceneLink, ...], original_lang: str, release_lang: str) -> str:
    if not links:
        return ""
    entries = sorted(links, key=lambda s: (s.original_episode, s.original_scene))
    most = max(s.pairs for s in entries) or 1
    olang, rlang = lang_attr(original_lang), lang_attr(release_lang)
    rows = []
    furthest: tuple[int, int] | None = None
    moved_any = False
    for s in entries:
        here = (s.release_episode, s.release_scene)
        moved = furthest is not None and here < furthest
        moved_any = moved_any or moved
        furthest = here if furthest is None else max(furthest, here)
        original = scene_label(s.original_episode, s.original_scene, s.original_heading)
        release = scene_label(s.release_episode, s.release_scene, s.release_heading)
        rows.append(
            "<tr>"
            f"<td{olang}>{esc(original)}</td>"
            '<td class="rename-arrow">→</td>'
            f"<td{rlang}>{esc(release)}{_MOVED_TAG if moved else ''}</td>"
            f'<td class="num">{s.pairs:,}<div class="bar"><span style="width:{100 * s.pairs / most:.0f}%"></span></div></td>'
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
