"""The data that flows through DockGuard: scripts as parsed, and the works registered from them.

A `Script` is what a reader makes of one file, a directory of episode files or a zip: episodes of
scenes of lines. Every `Line` keeps its `Location` (file, line number or subtitle time) so evidence
can point at exact places in both works.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np


class LineKind(str, Enum):
    DIALOGUE = "dialogue"
    ACTION = "action"
    HEADING = "heading"
    VOICEOVER = "voice-over"
    CUE = "subtitle-cue"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a line stands in its source: file, 1-based line number, subtitle timing in ms."""

    file: str
    line: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None

    def describe(self) -> str:
        if self.start_ms is not None:
            return f"{self.file} @ {format_timestamp(self.start_ms)}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    kind: LineKind
    location: Location
    speaker: str | None = None
    # a parenthetical that qualifies the line, e.g. 冷笑 in `林霄（冷笑）：…` or (V.O.)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Scene:
    number: int
    heading: str = ""
    lines: tuple[Line, ...] = ()
    cast: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode:
    number: int
    title: str = ""
    scenes: tuple[Scene, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file that went into a script, and how it was read."""

    path: str
    format: str
    encoding: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Script:
    """A parsed work: what the readers produce. Language is a BCP-47-ish tag (zh-Hans, en, ...)."""

    title: str
    language: str
    episodes: tuple[Episode, ...]
    sources: tuple[SourceFile, ...] = ()

    def iter_lines(self) -> Iterator[tuple[Episode, Scene, Line]]:
        for episode in self.episodes:
            for scene in episode.scenes:
                for line in scene.lines:
                    yield episode, scene, line

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for _, _, line in self.iter_lines())

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for _, _, line in self.iter_lines():
            if line.speaker:
                seen.setdefault(line.speaker, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Work:
    """A registered original: a script plus who holds the rights to it."""

    work_id: str
    title: str
    owner: str
    language: str
    script: Script
    content_hash: str
    meta: tuple[tuple[str, str], ...] = field(default=())
    registered_at: str = ""


def format_timestamp(ms: int) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{milli:03d}"


# --- what a scan finds -------------------------------------------------------------------------


class VerdictLevel(str, Enum):
    """Verdicts by severity: clear < review < partial-copy < (copy = translated-copy = localized-copy).

    The three whole-work verdicts are equally serious (a whole work was taken); they say how it was
    disguised. `--fail-on LEVEL` fails on every verdict of LEVEL's severity or above.
    """

    CLEAR = "clear"
    REVIEW = "review"
    PARTIAL_COPY = "partial-copy"
    TRANSLATED_COPY = "translated-copy"
    COPY = "copy"
    LOCALIZED_COPY = "localized-copy"

    @property
    def severity(self) -> int:
        return {"clear": 0, "review": 1, "partial-copy": 2}.get(self.value, 3)

    def reaches(self, other: VerdictLevel) -> bool:
        return self.severity >= other.severity


@dataclass(frozen=True, slots=True)
class LineRef:
    """One line of a script as evidence points at it."""

    index: int  # 0-based position in script order
    episode: int
    scene: int
    scene_heading: str
    where: str  # Location.describe()
    speaker: str | None
    text: str


def worded_mask(texts: Sequence[str]) -> np.ndarray:
    """True for lines with at least one letter; the others (scene numbers, "……", "♪") are no evidence."""
    return np.array([any(c.isalpha() for c in t) for t in texts], dtype=bool)


@dataclass(frozen=True, slots=True)
class FlatScript:
    """A script's lines in order with their episode and scene, ready to be pointed at."""

    script: Script
    refs: tuple[LineRef, ...]
    texts: tuple[str, ...]
    cast: tuple[str, ...]
    worded: np.ndarray = field(compare=False)  # worded_mask(texts)

    @classmethod
    def of(cls, script: Script) -> FlatScript:
        refs: list[LineRef] = []
        cast = dict.fromkeys(script.speakers)
        for episode, scene, line in script.iter_lines():
            refs.append(
                LineRef(
                    index=len(refs),
                    episode=episode.number,
                    scene=scene.number,
                    scene_heading=scene.heading,
                    where=line.location.describe(),
                    speaker=line.speaker,
                    text=line.text,
                )
            )
        for episode in script.episodes:
            for scene in episode.scenes:
                cast.update(dict.fromkeys(scene.cast))
        texts = tuple(r.text for r in refs)
        worded = worded_mask(texts)
        return cls(script, tuple(refs), texts, tuple(n for n in cast if n), worded)


@dataclass(frozen=True, slots=True)
class AlignedPair:
    original: LineRef
    release: LineRef
    similarity: float
    margin: float
    block: int


@dataclass(frozen=True, slots=True)
class BlockSpan:
    original: tuple[int, int]  # [start, end) line indices
    release: tuple[int, int]
    pairs: int


@dataclass(frozen=True, slots=True)
class Rename:
    kind: str  # "character" or "place" or "name"
    original: str
    release: str
    support: int  # aligned lines that back it
    renamed: bool = True  # False: the same name, or its transliteration (林霄 → Lin Xiao)


@dataclass(frozen=True, slots=True)
class SceneLink:
    original_episode: int
    original_scene: int
    original_heading: str
    release_episode: int
    release_scene: int
    release_heading: str
    pairs: int


@dataclass(frozen=True, slots=True)
class Evidence:
    original_lines: int
    release_lines: int
    same_language: bool
    aligned_lines: int
    coverage_original: float  # share of the original's lines inside aligned blocks
    coverage_release: float
    longest_run: int  # anchors in the largest block
    order_kept: bool
    strength: float  # the statistic the score is computed from (weighted anchors in blocks)
    exact_share: float  # share of aligned pairs whose canonical texts are identical
    blocks: tuple[BlockSpan, ...]
    pairs: tuple[AlignedPair, ...]
    renames: tuple[Rename, ...]
    scene_map: tuple[SceneLink, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    level: VerdictLevel
    score: float  # in [0, 1]; see verdict.py for its meaning
    meaning: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    work_id: str
    title: str
    owner: str
    language: str
    registered_at: str
    receipt_hash: str
    verdict: Verdict
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class ScanResult:
    path: str
    format: str
    language: str
    lines: int
    matches: tuple[Match, ...]  # best first
    timings: tuple[tuple[str, float], ...] = ()

    @property
    def verdict(self) -> VerdictLevel:
        return self.matches[0].verdict.level if self.matches else VerdictLevel.CLEAR
