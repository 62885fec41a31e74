"""Tiny readers shared by the corpus tools (not part of the dockguard package).

Two inputs are understood:

* the Chinese originals in corpus/originals/ (and tools/sources/shengxia_huida.txt), written in
  the industry conventions: 第1集 / 第一集 / EP01 / 第01集 episode headings; scene headings
  `1-1 日 内 …`, `第1场 …`, `场景：…`, `场景1-1：…`; `人物：` cast lines; `△` action lines;
  `【…】` notes; dialogue `名字：…` / `名字:…` / `名字（冷笑）：…`;
* the translation sources in tools/sources/*.dgt, a line-per-element format:

      %title Some Title          metadata (%title, %credit, %author, ...)
      # comment                  ignored
      = Episode 1                episode heading
      @ INT. OFFICE - DAY        scene heading
      ! action text              action line
      > note text                production note (the 【…】 of the Chinese scripts)
      NAME: text                 dialogue
      NAME (paren): text         dialogue with a parenthetical; (V.O.) marks a voice-over

Both become a list of episodes -> scenes -> items, item = (kind, speaker, paren, text), with
kind in {"dialogue", "action", "note"}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CN_NUM = "0-9０-９一二三四五六七八九十"
EPISODE_RE = re.compile(rf"^(第[{CN_NUM}]+集|EP\d+)\s*$")
SCENE_RE = re.compile(r"^(\d+-\d+\s|第\d+场|场景\d*-?\d*[：:])")
CAST_RE = re.compile(r"^人物[：:]")
ZH_DIALOGUE_RE = re.compile(r"^([^\s：:（(△【]{1,8})(?:（([^）]*)）)?[：:](.+)$")
DGT_DIALOGUE_RE = re.compile(r"^([^:()!@=>#%][^:()]{0,40}?)(?: \(([^)]*)\))?: (.+)$")


@dataclass
class Item:
    kind: str  # dialogue | action | note
    text: str
    speaker: str | None = None
    paren: str | None = None


@dataclass
class Scene:
    heading: str
    items: list[Item] = field(default_factory=list)
    cast: str = ""

    @property
    def dialogue(self) -> list[Item]:
        return [i for i in self.items if i.kind == "dialogue"]


@dataclass
class Episode:
    heading: str
    scenes: list[Scene] = field(default_factory=list)


@dataclass
class Doc:
    meta: dict[str, str] = field(default_factory=dict)
    episodes: list[Episode] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)

    def scenes(self):
        for e, ep in enumerate(self.episodes, 1):
            for s, sc in enumerate(ep.scenes, 1):
                yield e, s, sc


def parse_zh(text: str) -> Doc:
    doc = Doc()
    ep: Episode | None = None
    sc: Scene | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if EPISODE_RE.match(line):
            ep = Episode(line)
            doc.episodes.append(ep)
            sc = None
            continue
        if ep is None:
            doc.preamble.append(line)
            continue
        if SCENE_RE.match(line):
            sc = Scene(line)
            ep.scenes.append(sc)
            continue
        if sc is None:
            raise ValueError(f"content before first scene: {line!r}")
        if CAST_RE.match(line):
            sc.cast = line
        elif line.startswith("△"):
            sc.items.append(Item("action", line[1:]))
        elif line.startswith("【"):
            sc.items.append(Item("note", line.strip("【】")))
        else:
            m = ZH_DIALOGUE_RE.match(line)
            if not m:
                raise ValueError(f"unrecognised line: {line!r}")
            sc.items.append(Item("dialogue", m.group(3).strip(), m.group(1), m.group(2)))
    return doc


def parse_dgt(text: str) -> Doc:
    doc = Doc()
    ep: Episode | None = None
    sc: Scene | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("%"):
            key, _, val = line[1:].partition(" ")
            doc.meta[key] = val.strip()
            continue
        if line.startswith("= "):
            ep = Episode(line[2:].strip())
            doc.episodes.append(ep)
            sc = None
            continue
        if ep is None:
            raise ValueError(f"line {n}: content before first episode")
        if line.startswith("@ "):
            sc = Scene(line[2:].strip())
            ep.scenes.append(sc)
            continue
        if sc is None:
            raise ValueError(f"line {n}: content before first scene")
        if line.startswith("! "):
            sc.items.append(Item("action", line[2:].strip()))
        elif line.startswith("> "):
            sc.items.append(Item("note", line[2:].strip()))
        else:
            m = DGT_DIALOGUE_RE.match(line)
            if not m:
                raise ValueError(f"line {n}: unrecognised line: {line!r}")
            sc.items.append(Item("dialogue", m.group(3).strip(), m.group(1).strip(), m.group(2)))
    return doc


def read_zh(path: Path, encoding: str = "utf-8") -> Doc:
    if path.is_dir():
        # one file an episode, each repeating the title line: parse them one by one and merge
        doc = Doc()
        for p in sorted(path.glob("第*集.txt")):
            part = parse_zh(p.read_text(encoding=encoding))
            doc.preamble = doc.preamble or part.preamble
            doc.episodes.extend(part.episodes)
        return doc
    return parse_zh(path.read_text(encoding=encoding))


def read_dgt(path: Path) -> Doc:
    return parse_dgt(path.read_text(encoding="utf-8"))


def is_voiceover(paren: str | None) -> bool:
    return bool(paren) and paren.upper().replace(" ", "") in {"V.O.", "VO", "O.S.", "OS", "画外音", "OFF"}


def alignment_problems(
    orig: Doc, tr: Doc, *, dialogue_only: bool = False, episodes: list[int] | None = None
) -> tuple[list[str], dict[str, str]]:
    """Compare a translation source with its original, scene by scene.

    Returns (problems, speaker map). A translation must have the same episodes/scenes (or the
    listed `episodes` of the original), the same sequence of item kinds in every scene (dialogue
    only, when `dialogue_only`), and rename speakers consistently (a one-to-one map).
    """
    problems: list[str] = []
    speakers: dict[str, str] = {}
    src_eps = [orig.episodes[i - 1] for i in episodes] if episodes else orig.episodes
    if len(src_eps) != len(tr.episodes):
        return [f"episodes: original {len(src_eps)}, translation {len(tr.episodes)}"], speakers
    for e, (oe, te) in enumerate(zip(src_eps, tr.episodes, strict=True), 1):
        if len(oe.scenes) != len(te.scenes):
            problems.append(f"ep{e}: scenes {len(oe.scenes)} vs {len(te.scenes)}")
            continue
        for s, (os_, ts) in enumerate(zip(oe.scenes, te.scenes, strict=True), 1):
            oi = [i for i in os_.items if not dialogue_only or i.kind == "dialogue"]
            ti = [i for i in ts.items if not dialogue_only or i.kind == "dialogue"]
            if [i.kind for i in oi] != [i.kind for i in ti]:
                problems.append(
                    f"ep{e} sc{s}: kinds differ\n  {[i.kind[0] for i in oi]}\n  {[i.kind[0] for i in ti]}"
                )
                continue
            for a, b in zip(oi, ti, strict=True):
                if a.kind != "dialogue":
                    continue
                prev = speakers.setdefault(a.speaker, b.speaker)
                if prev != b.speaker:
                    problems.append(
                        f"ep{e} sc{s}: {a.speaker} -> {b.speaker}, earlier -> {prev}: {b.text[:40]}"
                    )
                if is_voiceover(a.paren) != is_voiceover(b.paren):
                    problems.append(f"ep{e} sc{s}: voice-over mismatch at {b.text[:40]!r}")
    inverse: dict[str, str] = {}
    for k, v in speakers.items():
        if inverse.setdefault(v, k) != k:
            problems.append(f"two original speakers map to {v}: {inverse[v]}, {k}")
    return problems, speakers
