"""What counts as one work (or one release) among the paths a user gives."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dockguard.formats.files.episodes import names_an_episode

# files in a folder of works that are not works: manifests, notes, earlier results
NOT_WORKS = (".tsv", ".csv", ".md", ".json", ".html")


def expand_works(paths: Sequence[Path]) -> list[Path]:
    """Each path is one work, except a folder of works: one whose files do not all carry episode
    numbers (第1集, EP01, S01E02 …), or which holds sub-folders; its entries are then expanded the
    same way (hidden entries and NOT_WORKS files skipped)."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
        files = [p for p in entries if p.is_file()]
        if len(files) == len(entries) > 0 and all(names_an_episode(p.name) for p in files):
            out.append(path)
        else:
            out.extend(expand_works([p for p in entries if p.is_dir() or p.suffix.lower() not in NOT_WORKS]))
    return out
