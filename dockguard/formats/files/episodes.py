"""Episode numbers in file names (第3集, EP03, e03, ep_3, S01E03, 1x03, 03.txt) and member ordering."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from dockguard.formats.zh.numerals import ZH_NUMERAL_CHARS, parse_number

_NAME_PATTERNS = (
    re.compile(rf"第\s*([0-9０-９]+|[{ZH_NUMERAL_CHARS}]+)\s*[集话話回期]"),
    re.compile(r"s\d{1,2}\s*[._-]?\s*e(\d{1,4})", re.IGNORECASE),
    re.compile(r"(?<![0-9])\d{1,2}x(\d{1,3})(?![0-9])", re.IGNORECASE),
    re.compile(r"(?<![a-z])ep(?:isode)?[\s._-]*(\d{1,4})", re.IGNORECASE),
    re.compile(r"(?<![a-z])e(\d{1,4})(?![0-9])", re.IGNORECASE),
)
_ANY_NUMBER = re.compile(r"\d+")
_NATURAL_PARTS = re.compile(r"(\d+)")


def episode_number_from_name(name: str) -> int | None:
    """The episode number a file name states, or the last number in it; None when it has none."""
    stem = PurePosixPath(name).stem
    for pattern in _NAME_PATTERNS:
        match = pattern.search(stem)
        if match:
            number = parse_number(match.group(1))
            if number is not None:
                return number
    numbers = _ANY_NUMBER.findall(stem)
    return int(numbers[-1]) if numbers else None


def names_an_episode(name: str) -> bool:
    """True when a file name states an episode (第3集, EP03, S01E03, 1x03, or a bare number: 03.txt),
    not merely contains some number (draft2_final.txt)."""
    stem = PurePosixPath(name).stem
    return stem.isdigit() or any(pattern.search(stem) for pattern in _NAME_PATTERNS)


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key where 'ep2' comes before 'ep10'."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower()) for part in _NATURAL_PARTS.split(name) if part
    )


def order_members(names: Iterable[str]) -> list[str]:
    """Order episode files by the episode number in their names, then naturally."""

    def key(name: str) -> tuple[int, int, tuple[tuple[int, int | str], ...]]:
        number = episode_number_from_name(name)
        return (0, number, natural_key(name)) if number is not None else (1, 0, natural_key(name))

    return sorted(names, key=key)
