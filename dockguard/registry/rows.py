"""Between the model and the tables: a Work flattened into rows, and rows built back into a Work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dockguard.errors import RegistryError
from dockguard.model import Episode, Line, LineKind, Location, Scene, Script, SourceFile, Work

from .records import Artifact

Row = dict[str, Any]

_INT64 = range(-(2**63), 2**63)
_INT32 = range(-(2**31), 2**31)


@dataclass(frozen=True, slots=True)
class WorkRows:
    """One work as rows for each table, keyed by column attribute name."""

    work: Row
    sources: list[Row]
    episodes: list[Row]
    scenes: list[Row]
    lines: list[Row]
    artifacts: list[Row]


def work_to_rows(
    work: Work, artifacts: Sequence[Artifact], *, content_hash: str, registered_at: str
) -> WorkRows:
    """`work` flattened for insertion. Raises RegistryError for what a database cannot store faithfully."""
    check = _Checker(work.work_id)
    work_id = check.text(work.work_id, "work_id")
    if not work_id:
        raise RegistryError("a work needs a non-empty work_id")
    script = work.script
    meta = [[check.text(key, "meta key"), check.text(value, "meta value")] for key, value in work.meta]
    work_row: Row = {
        "work_id": work_id,
        "title": check.text(work.title, "title"),
        "owner": check.text(work.owner, "owner"),
        "language": check.text(work.language, "language"),
        "content_hash": content_hash,
        "meta": meta,
        "registered_at": registered_at,
        "script_title": check.text(script.title, "script title"),
        "script_language": check.text(script.language, "script language"),
    }
    sources = [
        {
            "work_id": work_id,
            "ordinal": ordinal,
            "path": check.text(source.path, "source path"),
            "format": check.text(source.format, "source format"),
            "encoding": check.text(source.encoding, "source encoding"),
            "sha256": check.text(source.sha256, "source sha256"),
        }
        for ordinal, source in enumerate(script.sources)
    ]
    episodes: list[Row] = []
    scenes: list[Row] = []
    lines: list[Row] = []
    for episode_ordinal, episode in enumerate(script.episodes):
        episode_number = check.integer(episode.number, "episode number", _INT64)
        episodes.append(
            {
                "work_id": work_id,
                "ordinal": episode_ordinal,
                "number": episode_number,
                "title": check.text(episode.title, "episode title"),
            }
        )
        for scene_ordinal, scene in enumerate(episode.scenes):
            scene_number = check.integer(scene.number, "scene number", _INT64)
            scenes.append(
                {
                    "work_id": work_id,
                    "episode_ordinal": episode_ordinal,
                    "ordinal": scene_ordinal,
                    "episode": episode_number,
                    "number": scene_number,
                    "heading": check.text(scene.heading, "scene heading"),
                    "cast": [check.text(name, "scene cast") for name in scene.cast],
                }
            )
            for line in scene.lines:
                location = line.location
                lines.append(
                    {
                        "work_id": work_id,
                        "position": len(lines),
                        "episode_ordinal": episode_ordinal,
                        "scene_ordinal": scene_ordinal,
                        "episode": episode_number,
                        "scene": scene_number,
                        "kind": LineKind(line.kind).value,
                        "speaker": check.optional_text(line.speaker, "line speaker"),
                        "note": check.optional_text(line.note, "line note"),
                        "text": check.text(line.text, "line text"),
                        "file": check.text(location.file, "line file"),
                        "line_no": check.optional_integer(location.line, "line number"),
                        "start_ms": check.optional_integer(location.start_ms, "start_ms"),
                        "end_ms": check.optional_integer(location.end_ms, "end_ms"),
                    }
                )
    return WorkRows(work_row, sources, episodes, scenes, lines, artifact_rows(work_id, artifacts))


def artifact_rows(work_id: str, artifacts: Iterable[Artifact]) -> list[Row]:
    """Artifacts as rows; two with the same (kind, config_key, part) are refused."""
    check = _Checker(work_id)
    rows: list[Row] = []
    seen: set[tuple[str, str, int]] = set()
    for artifact in artifacts:
        key = (
            check.text(artifact.kind, "artifact kind"),
            check.text(artifact.config_key, "artifact config_key"),
            check.integer(artifact.part, "artifact part", _INT32),
        )
        if key in seen:
            raise RegistryError(f"work {work_id!r}: two artifacts {key[0]}/{key[1]} with part {key[2]}")
        seen.add(key)
        if not isinstance(artifact.data, (bytes, bytearray, memoryview)):
            raise RegistryError(f"work {work_id!r}: artifact {key[0]} part {key[2]} data is not bytes")
        rows.append(
            {
                "work_id": work_id,
                "kind": key[0],
                "config_key": key[1],
                "part": key[2],
                "start": check.integer(artifact.start, "artifact start", _INT32),
                "end": check.integer(artifact.end, "artifact end", _INT32),
                "data": bytes(artifact.data),
            }
        )
    return rows


def rows_to_work(
    work: Mapping[Any, Any],
    sources: Iterable[Mapping[Any, Any]],
    episodes: Iterable[Mapping[Any, Any]],
    scenes: Iterable[Mapping[Any, Any]],
    lines: Iterable[Mapping[Any, Any]],
) -> Work:
    """The Work that `work_to_rows` flattened. Rows of each table must come in ordinal/position order."""
    lines_by_scene: dict[tuple[int, int], list[Line]] = defaultdict(list)
    for row in lines:
        lines_by_scene[(row["episode_ordinal"], row["scene_ordinal"])].append(row_to_line(row))
    scenes_by_episode: dict[int, list[Scene]] = defaultdict(list)
    for row in scenes:
        key = (row["episode_ordinal"], row["ordinal"])
        scenes_by_episode[row["episode_ordinal"]].append(
            Scene(
                number=row["number"],
                heading=row["heading"],
                lines=tuple(lines_by_scene.get(key, ())),
                cast=tuple(row["cast"]),
            )
        )
    script = Script(
        title=work["script_title"],
        language=work["script_language"],
        episodes=tuple(
            Episode(
                number=row["number"],
                title=row["title"],
                scenes=tuple(scenes_by_episode.get(row["ordinal"], ())),
            )
            for row in episodes
        ),
        sources=tuple(
            SourceFile(path=row["path"], format=row["format"], encoding=row["encoding"], sha256=row["sha256"])
            for row in sources
        ),
    )
    return Work(
        work_id=work["work_id"],
        title=work["title"],
        owner=work["owner"],
        language=work["language"],
        script=script,
        content_hash=work["content_hash"],
        meta=tuple((key, value) for key, value in work["meta"]),
        registered_at=work["registered_at"],
    )


def row_to_line(row: Mapping[Any, Any]) -> Line:
    """One row of the lines table as a Line."""
    return Line(
        text=row["text"],
        kind=LineKind(row["kind"]),
        location=Location(
            file=row["file"], line=row["line_no"], start_ms=row["start_ms"], end_ms=row["end_ms"]
        ),
        speaker=row["speaker"],
        note=row["note"],
    )


class _Checker:
    """Refuses values a database would mangle or reject, naming the work and the field."""

    __slots__ = ("work_id",)

    def __init__(self, work_id: object) -> None:
        self.work_id = work_id

    def text(self, value: object, what: str) -> str:
        if not isinstance(value, str):
            raise RegistryError(f"work {self.work_id!r}: {what} must be a string, not {type(value).__name__}")
        if "\x00" in value:
            # PostgreSQL cannot store NUL in text; refusing it everywhere keeps the backends alike
            raise RegistryError(f"work {self.work_id!r}: {what} contains a NUL character: {value[:40]!r}")
        return value

    def optional_text(self, value: object, what: str) -> str | None:
        return None if value is None else self.text(value, what)

    def integer(self, value: object, what: str, bounds: range = _INT64) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value not in bounds:
            raise RegistryError(
                f"work {self.work_id!r}: {what} must be an integer that fits the database: {value!r}"
            )
        return value

    def optional_integer(self, value: object, what: str) -> int | None:
        return None if value is None else self.integer(value, what)
