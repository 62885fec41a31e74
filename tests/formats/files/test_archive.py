"""Directories and zips of episodes, and the zip bomb guards."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from dockguard.errors import InputError, ParseError
from dockguard.formats import read_script

from ..conftest import check_golden

_LIMIT = 10 * 1024 * 1024


def test_directory_golden(fixtures: Path) -> None:
    check_golden("episodes_dir", read_script(fixtures / "episodes_dir"))


def test_zip_golden(built: Path) -> None:
    check_golden("episodes.zip", read_script(built / "episodes.zip"))


def test_members_in_episode_order_with_relative_paths(built: Path) -> None:
    script = read_script(built / "episodes.zip")
    assert [s.path for s in script.sources] == ["第1集.txt", "第2集.txt", "season/EP10.srt", "notes.md"]
    assert [e.number for e in script.episodes] == [1, 2, 10, 11]
    assert {line.location.file for line in script.lines} == {s.path for s in script.sources}
    assert script.title == "episodes"


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"ep1.txt": b"0" * (5 * 1024 * 1024)})
    with pytest.raises(InputError, match=r"bomb.zip: .*zip bomb"):
        read_script(path, max_bytes=_LIMIT)


def test_zip_total_size_over_the_limit(tmp_path: Path) -> None:
    # text that compresses like real text (about 3x): the zip is under the limit, its content is not
    rng = random.Random(1)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    members = {f"ep{i}.txt": "".join(rng.choice(alphabet) for _ in range(15_000)).encode() for i in range(5)}
    path = _zip(tmp_path / "big.zip", members)
    assert path.stat().st_size < 150_000
    with pytest.raises(InputError, match="big.zip: zip expands to .* over the .* limit"):
        read_script(path, max_bytes=150_000)


def test_too_many_members(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "many.zip", {f"ep{i}.txt": b"x" for i in range(1001)}, compression=zipfile.ZIP_STORED
    )
    with pytest.raises(InputError, match="many.zip: zip has 1001 members"):
        read_script(path)


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt", "C:\\evil.txt"])
def test_path_traversal_names(tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "traverse.zip", {"ep1.txt": "林霄：好。".encode(), name: b"x"})
    with pytest.raises(InputError, match="traverse.zip: zip member name .* outside the archive"):
        read_script(path)


def test_truncated_zip(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.zip"
    path.write_bytes((built / "episodes.zip").read_bytes()[:300])
    with pytest.raises(ParseError, match="cut.zip: not a readable zip archive"):
        read_script(path)


def test_zip_without_scripts(tmp_path: Path) -> None:
    path = _zip(tmp_path / "pics.zip", {"cover.jpg": b"\xff\xd8\xff"})
    with pytest.raises(InputError, match="pics.zip: no script files"):
        read_script(path)


def test_bad_member_is_named_with_its_zip(tmp_path: Path) -> None:
    path = _zip(tmp_path / "eps.zip", {"ep1.txt": "林霄：好。".encode(), "ep2.srt": b"not subtitles\n"})
    with pytest.raises(ParseError, match="eps.zip/ep2.srt: no srt subtitle cues"):
        read_script(path)


def test_member_inflating_past_its_declared_size(tmp_path: Path) -> None:
    # forge the central directory: declare 10 bytes for a member that inflates to far more
    buffer = io.BytesIO()
    payload = ("林霄：你好。" * 500).encode()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ep1.txt", payload)
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="liar.zip"):
        read_script(path)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no script files in directory"):
        read_script(tmp_path)


def test_directory_of_one_episode(fixtures: Path, tmp_path: Path) -> None:
    shutil.copy(fixtures / "episodes_dir" / "第2集.txt", tmp_path / "第2集.txt")
    script = read_script(tmp_path)
    assert [e.number for e in script.episodes] == [2]
    assert script.title == tmp_path.name
