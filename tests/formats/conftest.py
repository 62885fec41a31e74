"""Fixtures for the reader tests: the fixture folder, goldens, and the .docx/.zip built at test time.

Goldens are the expected parse of a fixture, stored next to it as `<name>.golden.json`. Run the tests
with DOCKGUARD_REGEN_GOLDEN=1 to rewrite them after a deliberate change, then review the diff.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from dockguard.formats.engines.assembly import EpisodeDraft
from dockguard.model import Script

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
REGEN = os.environ.get("DOCKGUARD_REGEN_GOLDEN") == "1"
# a fixed timestamp keeps the built zip byte-for-byte the same on every run
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def draft_lines(drafts: Iterable[EpisodeDraft]) -> list[tuple[str, str | None, str | None, str]]:
    """(kind, speaker, note, text) of every line a reader drafted, in order."""
    return [
        (line.kind.value, line.speaker, line.note, line.text)
        for draft in drafts
        for scene in draft.scenes
        for line in scene.lines
    ]


def script_as_golden(script: Script) -> dict[str, Any]:
    """Everything a reader decides, as JSON; sha256 left out (built fixtures are not byte-stable)."""
    return {
        "title": script.title,
        "language": script.language,
        "sources": [{"path": s.path, "format": s.format, "encoding": s.encoding} for s in script.sources],
        "episodes": [
            {
                "number": episode.number,
                "title": episode.title,
                "scenes": [
                    {
                        "number": scene.number,
                        "heading": scene.heading,
                        "cast": list(scene.cast),
                        "lines": [_line(line) for line in scene.lines],
                    }
                    for scene in episode.scenes
                ],
            }
            for episode in script.episodes
        ],
    }


def _line(line: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": line.kind.value, "text": line.text, "file": line.location.file}
    for key in ("line", "start_ms", "end_ms"):
        value = getattr(line.location, key)
        if value is not None:
            out[key] = value
    if line.speaker is not None:
        out["speaker"] = line.speaker
    if line.note is not None:
        out["note"] = line.note
    return out


def check_golden(name: str, script: Script) -> None:
    """Compare a parse with its golden; rewrite the golden instead when DOCKGUARD_REGEN_GOLDEN=1."""
    path = FIXTURES / f"{name}.golden.json"
    actual = script_as_golden(script)
    if REGEN or not path.exists():
        if not REGEN:
            pytest.fail(f"no golden {path.name}; run with DOCKGUARD_REGEN_GOLDEN=1 to create it")
        path.write_text(_dump(actual) + "\n", encoding="utf-8")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"{name}: parse differs from {path.name} (DOCKGUARD_REGEN_GOLDEN=1 to accept)"


def _dump(value: Any, indent: str = "") -> str:
    """JSON with one line per Line, so a golden's diff reads line by line."""
    inner = indent + " "
    if isinstance(value, dict) and "kind" not in value and "path" not in value:
        items = [f"{inner}{json.dumps(k)}: {_dump(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[\n" + ",\n".join(inner + _dump(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the fixtures whose bytes are built here: a .docx and zips of the episodes folder."""
    out = tmp_path_factory.mktemp("built")
    _build_docx(out / "script.docx")
    _build_zip(out / "episodes.zip", FIXTURES / "episodes_dir")
    return out


def _build_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for text in (
        "第一集",
        "1-1 日 内 林家客厅",
        "人物：林霄、苏晴",
        "△林霄推门而入，苏晴抬头看他。",
        "林霄（冷笑）：你还敢来？",
        "苏晴：我为什么不敢？",
    ):
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "林霄：你走吧，我不想再看见你。"
    document.add_paragraph("（苏晴转身离开）")
    document.save(str(path))


def _build_zip(path: Path, folder: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                info = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes())
