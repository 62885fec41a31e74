"""Bulk registration manifests: TSV or CSV with a header row naming at least `path`.

Columns: `work_id` (or `id`), `path` (relative to the manifest), `title`, `lang`, optional `owner`;
every other column is kept as metadata of the work.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dockguard.errors import InputError

_KNOWN = {"work_id", "id", "path", "title", "lang", "language", "owner"}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    path: Path
    work_id: str | None
    title: str | None
    language: str | None
    owner: str | None
    meta: tuple[tuple[str, str], ...]
    row: int  # line number in the manifest, for messages


def read_manifest(manifest: Path) -> list[ManifestEntry]:
    """Entries of a manifest, each path resolved against the manifest's folder."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(manifest, "manifest not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(manifest, f"cannot read manifest ({e})") from e
    if not text.strip():
        raise InputError(manifest, "empty manifest")
    first = text.splitlines()[0]
    delimiter = "\t" if "\t" in first or manifest.suffix.lower() in (".tsv", ".tab") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    fields = [f.strip() for f in reader.fieldnames or []]
    if "path" not in fields:
        raise InputError(
            manifest, f"header row must name a `path` column (found: {', '.join(fields) or 'nothing'})"
        )
    entries = []
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        if not row.get("path"):
            raise InputError(manifest, f"row {n}: empty path")
        meta = tuple((k, v) for k, v in row.items() if k not in _KNOWN and v)
        entries.append(
            ManifestEntry(
                path=(manifest.parent / row["path"]),
                work_id=row.get("work_id") or row.get("id") or None,
                title=row.get("title") or None,
                language=row.get("lang") or row.get("language") or None,
                owner=row.get("owner") or None,
                meta=meta,
                row=n,
            )
        )
    if not entries:
        raise InputError(manifest, "no rows after the header")
    return entries
