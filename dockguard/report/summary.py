"""The JSON-ready summary `dockguard parse` prints for a parsed script."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dockguard.model import LineKind, Script

__all__ = ["summarize"]

TOP_SPEAKERS = 20


def summarize(script: Script) -> dict[str, Any]:
    """Title, language, files, episode/scene/line counts, lines by kind and the top speakers."""
    lines = script.lines
    kinds = Counter(line.kind for line in lines)
    speakers = Counter(line.speaker for line in lines if line.speaker)
    return {
        "title": script.title,
        "language": script.language,
        "files": [
            {
                "path": source.path,
                "format": source.format,
                "encoding": source.encoding,
                "sha256": source.sha256,
            }
            for source in script.sources
        ],
        "episodes": len(script.episodes),
        "scenes": sum(len(episode.scenes) for episode in script.episodes),
        "lines_by_kind": {kind.value: kinds.get(kind, 0) for kind in LineKind},
        "speakers": [{"name": name, "lines": count} for name, count in speakers.most_common(TOP_SPEAKERS)],
        "speaker_count": len(speakers),
        "lines": len(lines),
    }
