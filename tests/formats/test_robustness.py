"""Damaged input of every kind ends in an InputError naming the file, never in another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockguard.errors import InputError
from dockguard.formats import parse_file

from .conftest import FIXTURES

_SAMPLES = sorted(
    path.name
    for path in FIXTURES.iterdir()
    if path.is_file() and path.suffix in {".txt", ".srt", ".ass", ".vtt", ".fountain", ".fdx", ".pdf"}
)


@st.composite
def _damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(_SAMPLES))
    data = bytearray((FIXTURES / name).read_bytes())
    for _ in range(draw(st.integers(1, 5))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
    return name, bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_damaged())
def test_damaged_files_fail_cleanly(case: tuple[str, bytes]) -> None:
    name, data = case
    try:
        parse_file(data, name)
    except InputError as exc:
        assert name in str(exc)


@pytest.mark.parametrize("name", _SAMPLES)
def test_every_sample_parses(name: str) -> None:
    if name == "no_text_layer.pdf":
        pytest.skip("refused on purpose; see test_pdf")
    assert parse_file((FIXTURES / name).read_bytes(), name).episodes


def test_fixture_folder_is_found() -> None:
    assert Path(FIXTURES / "episodes_dir").is_dir() and len(_SAMPLES) > 10
