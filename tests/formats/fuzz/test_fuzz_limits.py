"""The per-file bounds the readers enforce: each hit is an InputError naming the file and the limit.

Nothing here measures time: the time budget is tested by giving a reader a budget it cannot meet.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from dockguard.errors import InputError
from dockguard.formats import ReadLimits, parse_file, read_script
from dockguard.formats.files import limits as limits_module
from dockguard.formats.files.budget import active_limits, check_time, reading

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "formats"


def test_an_exhausted_time_budget_refuses_the_file() -> None:
    with pytest.raises(InputError, match=r"longer than the 1e-09 s limit.*DOCKGUARD_MAX_SECONDS") as info:
        read_script(FIXTURES / "zh_script_standard.txt", limits=ReadLimits(max_seconds=1e-9))
    assert str(FIXTURES / "zh_script_standard.txt") in str(info.value)


def test_the_timer_stops_a_reader_that_never_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A third-party parser stuck in its own loop is interrupted by the timer (main thread)."""
    import dockguard.formats.fountain as fountain

    def stuck(text: str, file: str) -> tuple[()]:
        give_up = time.monotonic() + 30  # a broken timer fails the test instead of hanging it
        while time.monotonic() < give_up:
            pass
        return ()

    monkeypatch.setattr(fountain, "read_screenplay", lambda lines, file, fountain: stuck("", file))
    with pytest.raises(InputError, match="longer than the 0.2 s limit"):
        parse_file(
            (FIXTURES / "sample.fountain").read_bytes(), "sample.fountain", limits=ReadLimits(max_seconds=0.2)
        )


def test_the_timer_survives_except_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    """Libraries catch Exception broadly; the interruption is not one, so it still ends the read."""
    import dockguard.formats.fountain as fountain

    def swallowing(lines: object, file: str, fountain: bool) -> tuple[()]:
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            try:
                sum(range(1000))
            except Exception:  # noqa: BLE001, S110 - what a careless library does
                pass
        return ()

    monkeypatch.setattr(fountain, "read_screenplay", swallowing)
    with pytest.raises(InputError, match="longer than"):
        parse_file(
            (FIXTURES / "sample.fountain").read_bytes(), "sample.fountain", limits=ReadLimits(max_seconds=0.2)
        )


def test_no_timer_is_left_behind() -> None:
    import signal

    parse_file((FIXTURES / "sample.srt").read_bytes(), "sample.srt", limits=ReadLimits(max_seconds=5))
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_limits_are_active_only_while_reading() -> None:
    mine = ReadLimits(max_lines=7)
    with reading("x.txt", mine):
        assert active_limits() is mine
        check_time()
    assert active_limits() == limits_module.DEFAULT_LIMITS


def test_line_limit() -> None:
    with pytest.raises(InputError, match=r"lines, over the 10 lines limit.*DOCKGUARD_MAX_LINES"):
        read_script(FIXTURES / "transcript.txt", limits=ReadLimits(max_lines=10))


def test_member_limit(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("EP01.txt", "林霄：你好。\n苏晴：你好。\n")
        archive.writestr("EP02.txt", "林霄：再见。\n苏晴：再见。\n")
    with pytest.raises(InputError, match=r"2 members, more than the 1 allowed.*DOCKGUARD_MAX_MEMBERS"):
        read_script(path, limits=ReadLimits(max_members=1))
    assert read_script(path).lines


def _nested_fdx(depth: int) -> bytes:
    sample = (FIXTURES / "sample.fdx").read_bytes()
    return sample.replace(b"<Content>", b"<Content>" + b"<x>" * depth + b"</x>" * depth, 1)


def test_fdx_depth_and_element_limits() -> None:
    with pytest.raises(InputError, match=r"nested more than 20 elements deep.*DOCKGUARD_MAX_XML_DEPTH"):
        parse_file(_nested_fdx(30), "deep.fdx", limits=ReadLimits(max_xml_depth=20))
    assert parse_file(_nested_fdx(30), "deep.fdx").episodes
    with pytest.raises(InputError, match=r"more than 10 XML elements.*DOCKGUARD_MAX_XML_ELEMENTS"):
        parse_file(_nested_fdx(0), "many.fdx", limits=ReadLimits(max_xml_elements=10))


def test_docx_depth_limit(built: Path) -> None:
    data = (built / "script.docx").read_bytes()
    with pytest.raises(InputError, match=r"XML part .* nested more than 3 elements deep"):
        parse_file(data, "script.docx", limits=ReadLimits(max_xml_depth=3))
    with pytest.raises(InputError, match=r"XML elements"):
        parse_file(data, "script.docx", limits=ReadLimits(max_xml_elements=5))
    assert parse_file(data, "script.docx").episodes


def test_page_limit() -> None:
    two_pages = (
        (FIXTURES / "text_layer.pdf")
        .read_bytes()
        .replace(b"/Kids [3 0 R] /Count 1", b"/Kids [3 0 R 3 0 R] /Count 2")
    )
    with pytest.raises(InputError, match=r"2 pages, over the 1 pages limit.*DOCKGUARD_MAX_PAGES"):
        parse_file(two_pages, "two.pdf", limits=ReadLimits(max_pages=1))
    assert parse_file(two_pages, "two.pdf").episodes


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKGUARD_MAX_SECONDS", "2.5")
    monkeypatch.setenv("DOCKGUARD_MAX_LINES", "99")
    monkeypatch.setenv("DOCKGUARD_MAX_PAGES", "3")
    limits = ReadLimits.from_env()
    assert (limits.max_seconds, limits.max_lines, limits.max_pages) == (2.5, 99, 3)
    monkeypatch.setenv("DOCKGUARD_MAX_XML_DEPTH", "deep")
    with pytest.warns(UserWarning, match="DOCKGUARD_MAX_XML_DEPTH"):
        assert ReadLimits.from_env().max_xml_depth == ReadLimits().max_xml_depth


def test_max_bytes_still_overrides() -> None:
    with pytest.raises(InputError, match="over the 100 bytes limit"):
        read_script(FIXTURES / "transcript.txt", max_bytes=100, limits=ReadLimits())
