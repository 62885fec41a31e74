"""read_script as a whole: numbering, overrides, sources, and the errors every reader shares."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from dockguard.errors import InputError, UnsupportedFormat
from dockguard.formats import DEFAULT_MAX_BYTES, read_script
from dockguard.formats.files.limits import _max_bytes_from_env


def test_sources_record_format_encoding_and_hash(fixtures: Path) -> None:
    path = fixtures / "zh_script_gb18030.txt"
    source = read_script(path).sources[0]
    assert (source.path, source.format, source.encoding) == ("zh_script_gb18030.txt", "zh-script", "gb18030")
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_title_and_language_overrides(fixtures: Path) -> None:
    script = read_script(fixtures / "transcript.txt", title="Pilot", language="en-GB")
    assert (script.title, script.language) == ("Pilot", "en-GB")


def test_episode_numbers_only_increase(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("第1集\n林霄：一。\n苏晴：二。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("第1集\n林霄：三。\n苏晴：四。", encoding="utf-8")
    assert [e.number for e in read_script(tmp_path).episodes] == [1, 2]


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_script(tmp_path / "nope.txt")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt: empty file"):
        read_script(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.srt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    with pytest.raises(InputError, match="blank.srt: empty file"):
        read_script(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormat, match="photo.txt"):
        read_script(path)


def test_file_over_the_size_limit(fixtures: Path) -> None:
    with pytest.raises(InputError, match=r"transcript.txt: file is .* over the 100 bytes limit"):
        read_script(fixtures / "transcript.txt", max_bytes=100)


def test_default_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024 or DEFAULT_MAX_BYTES == _max_bytes_from_env()
    monkeypatch.setenv("DOCKGUARD_MAX_BYTES", "1234")
    assert _max_bytes_from_env() == 1234
    monkeypatch.setenv("DOCKGUARD_MAX_BYTES", "lots")
    with pytest.warns(UserWarning, match="DOCKGUARD_MAX_BYTES"):
        assert _max_bytes_from_env() == 50 * 1024 * 1024


def test_environment_limit_applies_to_read_script(fixtures: Path) -> None:
    code = "from dockguard.formats import read_script; import sys; read_script(sys.argv[1])"
    result = subprocess.run(
        [sys.executable, "-c", code, str(fixtures / "transcript.txt")],
        env={
            "DOCKGUARD_MAX_BYTES": "100",
            "PATH": "",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "transcript.txt: file is" in result.stderr and "over the 100 bytes limit" in result.stderr


def test_every_line_is_located_in_its_file(fixtures: Path) -> None:
    for name in ("zh_script_standard.txt", "sample.srt", "sample.fdx", "transcript.txt"):
        script = read_script(fixtures / name)
        for line in script.lines:
            assert line.location.file == name
            assert (line.location.line or 0) >= 1 or line.location.start_ms is not None
