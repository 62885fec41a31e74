"""The content hash: what makes two scripts "the same content" for the registry.

Only what a reader of the script sees counts: each line's kind, speaker, note and text, NFKC-normalized
with whitespace collapsed, in script order. File names, encodings, line numbers, timings and the
episode/scene split do not, so the same script re-encoded, re-saved or re-split is recognised.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable

from dockguard.model import LineKind, Script

# bump the tag (and migrate stored hashes) if the canonical form ever changes
_CANONICAL_TAG = b"dockguard-content-v1\n"

# (kind, speaker, note, text), as stored in the lines table
LineContent = tuple[str, str | None, str | None, str]


def hashed_text(text: str | None) -> str:
    """NFKC-normalized `text` with runs of whitespace collapsed to one space and the ends trimmed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def content_hash_of_lines(lines: Iterable[LineContent]) -> str:
    """The content hash of lines given as (kind, speaker, note, text); see `content_hash`."""
    digest = hashlib.sha256(_CANONICAL_TAG)
    for kind, speaker, note, text in lines:
        canonical = hashed_text(text)
        if not canonical:
            # a blank line is layout, not content
            continue
        record = [kind, hashed_text(speaker), hashed_text(note), canonical]
        digest.update(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def content_hash(script: Script) -> str:
    """sha256 (hex) of the script's canonical content: line kinds, speakers, notes and texts in order."""
    return content_hash_of_lines(
        (LineKind(line.kind).value, line.speaker, line.note, line.text) for _, _, line in script.iter_lines()
    )
