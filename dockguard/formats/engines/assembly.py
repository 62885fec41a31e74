"""Collects a reader's lines into scenes and episodes, so each reader only says what it saw."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dockguard.formats.files.budget import check_time
from dockguard.model import Line, LineKind, Location, Scene


@dataclass(frozen=True, slots=True)
class EpisodeDraft:
    """An episode as one file gives it; the number is the one its heading states, if any.

    `read_script` turns drafts into `Episode`s, numbering them across files.
    """

    number: int | None
    title: str
    scenes: tuple[Scene, ...]


class ScriptAssembler:
    """Builds episodes of scenes of lines as a reader walks a file top to bottom.

    Lines before the first scene heading go into an unnamed scene. A heading that follows a heading
    with nothing in between is merged into it (`第一幕` then `第一场`, or a heading then `时间：夜`),
    so a scene is never just a heading.
    """

    def __init__(self) -> None:
        self._episodes: list[EpisodeDraft] = []
        self._episode_number: int | None = None
        self._episode_title = ""
        self._scenes: list[Scene] = []
        self._heading = ""
        self._heading_line: Line | None = None
        self._cast: list[str] = []
        self._lines: list[Line] = []

    @property
    def in_heading(self) -> bool:
        """True while the current scene has a heading and nothing else yet."""
        return self._heading_line is not None and not self._lines

    def start_episode(self, number: int | None, title: str) -> None:
        self._close_scene()
        self._close_episode()
        self._episode_number = number
        self._episode_title = title

    def start_scene(self, heading: str, location: Location) -> None:
        heading = " ".join(heading.split())
        if self.in_heading and self._heading_line is not None:
            merged = f"{self._heading} {heading}".strip()
            self._heading = merged
            self._heading_line = Line(merged, LineKind.HEADING, self._heading_line.location)
            return
        self._close_scene()
        self._heading = heading
        self._heading_line = Line(heading, LineKind.HEADING, location) if heading else None

    def break_scene(self) -> None:
        """Start a new unnamed scene (a transcript's scene separator, a `[Cut to ...]` without a place)."""
        self._close_scene()

    def add_cast(self, names: Iterable[str]) -> None:
        for name in names:
            if name and name not in self._cast:
                self._cast.append(name)

    def add(self, line: Line) -> None:
        # every reader adds its lines here: the one place a reader's time budget is checked
        check_time()
        if line.text.strip():
            self._lines.append(line)

    def finish(self) -> tuple[EpisodeDraft, ...]:
        self._close_scene()
        self._close_episode()
        return tuple(self._episodes)

    def _close_scene(self) -> None:
        if self._heading_line is None and not self._lines and not self._cast:
            return
        lines = ((self._heading_line,) if self._heading_line else ()) + tuple(self._lines)
        self._scenes.append(
            Scene(number=len(self._scenes) + 1, heading=self._heading, lines=lines, cast=tuple(self._cast))
        )
        self._heading = ""
        self._heading_line = None
        self._cast = []
        self._lines = []

    def _close_episode(self) -> None:
        if self._scenes:
            self._episodes.append(
                EpisodeDraft(self._episode_number, self._episode_title, tuple(self._scenes))
            )
        self._scenes = []
        self._episode_number = None
        self._episode_title = ""
