"""Sample works and hypothesis strategies for the registry tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from dockguard.model import Episode, Line, LineKind, Location, Scene, Script, SourceFile, Work
from dockguard.registry import Artifact

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


class StepClock:
    """A clock for `Registry.open(now=...)`: 2025-01-01T00:00:00Z, then one second later per call."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start - timedelta(seconds=1)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


def sample_script(variant: str = "", *, title: str = "逆光而行") -> Script:
    """A small two-episode Chinese script; `variant` makes the content (and so the hash) differ."""
    return Script(
        title=title,
        language="zh-Hans",
        episodes=(
            Episode(
                number=1,
                title="第一集 重逢",
                scenes=(
                    Scene(
                        number=1,
                        heading="1-1 日 内 咖啡馆",
                        cast=("林霄", "苏晚"),
                        lines=(
                            Line("咖啡馆里人声嘈杂。", LineKind.ACTION, Location("ep01.txt", 3)),
                            Line(
                                f"好久不见。{variant}",
                                LineKind.DIALOGUE,
                                Location("ep01.txt", 4),
                                "林霄",
                                "冷笑",
                            ),
                            Line("你怎么会在这里？", LineKind.DIALOGUE, Location("ep01.txt", 5), "苏晚"),
                        ),
                    ),
                    Scene(number=2, heading="1-2 夜 外 街道", cast=(), lines=()),
                ),
            ),
            Episode(
                number=2,
                title="第二集",
                scenes=(
                    Scene(
                        number=1,
                        heading="2-1 日 内 办公室",
                        cast=("林霄",),
                        lines=(
                            Line(
                                "（画外音）三年了。",
                                LineKind.VOICEOVER,
                                Location("ep02.srt", None, 1000, 2500),
                                "林霄",
                            ),
                        ),
                    ),
                ),
            ),
        ),
        sources=(
            SourceFile("ep01.txt", "zh-script", "gb18030", "a" * 64),
            SourceFile("ep02.srt", "srt", "utf-8", "b" * 64),
        ),
    )


def sample_work(work_id: str, variant: str | None = None, *, owner: str = "星河影业") -> Work:
    """A work around `sample_script`; by default the content is unique to `work_id`."""
    return Work(
        work_id=work_id,
        title=f"逆光而行 {work_id}",
        owner=owner,
        language="zh-Hans",
        script=sample_script(work_id if variant is None else variant),
        content_hash="",
        meta=(("isbn", "978-7-0000-0000-0"), ("genre", "都市")),
    )


def sample_artifacts(
    count: int = 3, *, kind: str = "minhash", config_key: str = "mh-128-5"
) -> list[Artifact]:
    return [
        Artifact(kind, config_key, part, part * 10, part * 10 + 10, bytes([part, 0, 255]) * 7)
        for part in range(count)
    ]


# -- hypothesis --------------------------------------------------------------------------------------

# every character a parser could hand over: no lone surrogates (not encodable) and no NUL (refused)
_ANY_CHAR = st.characters(codec="utf-8", exclude_characters="\x00")
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
texts = st.text(st.one_of(_HAN, _ANY_CHAR), max_size=30)
short_texts = st.text(st.one_of(_HAN, _ANY_CHAR), max_size=8)
numbers = st.integers(min_value=-(2**40), max_value=2**40)
maybe_ms = st.none() | st.integers(min_value=0, max_value=10**10)

locations = st.builds(
    Location, file=short_texts, line=st.none() | numbers, start_ms=maybe_ms, end_ms=maybe_ms
)
lines = st.builds(
    Line,
    text=texts,
    kind=st.sampled_from(LineKind),
    location=locations,
    speaker=st.none() | short_texts,
    note=st.none() | short_texts,
)
scenes = st.builds(
    Scene,
    number=numbers,
    heading=texts,
    lines=st.lists(lines, max_size=6).map(tuple),
    cast=st.lists(short_texts, max_size=3).map(tuple),
)
episodes = st.builds(Episode, number=numbers, title=texts, scenes=st.lists(scenes, max_size=3).map(tuple))
sources = st.builds(
    SourceFile, path=short_texts, format=short_texts, encoding=short_texts, sha256=short_texts
)
scripts = st.builds(
    Script,
    title=texts,
    language=short_texts,
    episodes=st.lists(episodes, max_size=3).map(tuple),
    sources=st.lists(sources, max_size=2).map(tuple),
)
works = st.builds(
    Work,
    work_id=st.text(st.one_of(_HAN, _ANY_CHAR), min_size=1, max_size=12),
    title=texts,
    owner=short_texts,
    language=short_texts,
    script=scripts,
    content_hash=st.just(""),
    meta=st.lists(st.tuples(short_texts, short_texts), max_size=3).map(tuple),
)
artifacts = st.lists(
    st.builds(
        Artifact,
        kind=st.sampled_from(["minhash", "embedding"]),
        config_key=short_texts,
        part=st.integers(0, 1000),
        start=st.integers(0, 10**6),
        end=st.integers(0, 10**6),
        data=st.binary(max_size=64),
    ),
    max_size=4,
    unique_by=lambda artifact: (artifact.kind, artifact.config_key, artifact.part),
)
