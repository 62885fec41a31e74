"""Every input the fuzzing ever found to crash or hang a reader, kept in tests/fixtures/fuzz/."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.errors import InputError
from dockguard.formats import ReadLimits, read_script

REGRESSIONS = Path(__file__).resolve().parents[2] / "fixtures" / "fuzz"
_CASES = sorted(p.name for p in REGRESSIONS.iterdir() if p.is_file() and p.suffix not in (".py", ".why"))


def test_there_are_regressions() -> None:
    assert len(_CASES) >= 6


@pytest.mark.parametrize("name", _CASES)
def test_regression_parses_or_is_refused(name: str) -> None:
    path = REGRESSIONS / name
    try:
        read_script(path, limits=ReadLimits(max_seconds=30))
    except InputError as exc:
        assert str(path) in str(exc)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("docx_root_renamed.docx", "not a Word document body"),
        ("docx_nested_5000.docx", "nested more than 100 elements deep"),
        ("zip_member_without_name.zip", "member without a name"),
        ("pdf_unknown_encryption.pdf", "cannot be read"),
    ],
)
def test_regression_is_refused_with_its_reason(name: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        read_script(REGRESSIONS / name)


def test_blank_line_runs_parse() -> None:
    """Were quadratic (subtitle sniffing's ^\\s*, pysubs2's cue-number strip): minutes, now milliseconds."""
    assert read_script(REGRESSIONS / "srt_blank_run.srt").lines
    assert read_script(REGRESSIONS / "zh_blank_run.txt").lines


def test_many_override_blocks_parse() -> None:
    """pysubs2's is_drawing was quadratic in an event's {…} blocks (8,000 took 29 s)."""
    assert read_script(REGRESSIONS / "ass_many_override_blocks.ass").lines
