"""Small formatters of the HTML report: numbers, times, languages, verdict badges, line places.

Each returns text ready for the page: the ones that return markup (`badge`, `hash_code`) escape what they
insert; the others return plain text, which their caller escapes.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape

from dockguard.model import VerdictLevel
from dockguard.report.verdicts import VERDICT_WORDS

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


def esc(text: str) -> str:
    """Text made safe for element content and quoted attribute values."""
    return escape(text, quote=True)


def lang_attr(code: str) -> str:
    """` lang="…"` for an element holding text in this language ('' when the language is not known)."""
    return f' lang="{esc(code)}"' if code else ""


def basename(path: str) -> str:
    """The last part of a path written with / or \\ (scans run on any system)."""
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or path


def pct(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    return f"{share * 100:.0f}%"


def score(value: float) -> str:
    return f"{value:.2f}"


def sim(value: float) -> str:
    """A similarity (1.00 = same meaning)."""
    return f"{value:.2f}"


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 line', '2,000 lines'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def when(raw: str) -> str:
    """ISO timestamp → '28 Nov 2026, 14:00 UTC'; anything unparsable is shown as given."""
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


def language_name(code: str) -> str:
    """'zh-Hans' → 'Chinese (Simplified) (zh-Hans)'; an unknown code is shown as given."""
    if not code:
        return "unknown language"
    name = _LANGUAGES.get(code.lower()) or _LANGUAGES.get(code.lower().split("-")[0])
    return f"{name} ({code})" if name else code


def timings(stages: tuple[tuple[str, float], ...]) -> str:
    """'parse 10 ms, embed 1.20 s'."""
    return ", ".join(f"{stage} {s:.2f} s" if s >= 1 else f"{stage} {s * 1000:.0f} ms" for stage, s in stages)


def badge(level: VerdictLevel, big: bool = False) -> str:
    """The verdict's label in its colour, with what it means as the tooltip."""
    words = VERDICT_WORDS[level]
    cls = f"badge v-{level.value}" + (" big" if big else "")
    return f'<span class="{cls}" title="{esc(words.meaning)}">{esc(words.label)}</span>'


def hash_code(full: str) -> str:
    """A receipt hash: shortened on screen (whole in the tooltip), whole in print."""
    if not full:
        return "—"
    short = full if len(full) <= 16 else f"{full[:12]}…{full[-4:]}"
    return f'<code class="hash-short" title="{esc(full)}">{esc(short)}</code><code class="hash-full">{esc(full)}</code>'


def scene_label(episode: int, scene: int, heading: str) -> str:
    """'Ep 1 · Sc 3 — INT. HOSPITAL - DAY'."""
    label = f"Ep {episode} · Sc {scene}"
    return f"{label} — {heading}" if heading else label


def line_range(span: tuple[int, int]) -> str:
    """A [start, end) pair of 0-based line indices → 'lines 1–40' as a reader counts them."""
    start, end = span
    if end - start <= 1:
        return f"line {start + 1}"
    return f"lines {start + 1}–{end}"
