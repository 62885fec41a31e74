"""Word .docx: paragraph text (and tables), then read by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.errors import ParseError
from dockguard.formats import read_script

from .conftest import check_golden


def test_golden(built: Path) -> None:
    check_golden("script.docx", read_script(built / "script.docx"))


def test_table_text_is_read(built: Path) -> None:
    texts = [line.text for line in read_script(built / "script.docx").lines]
    assert "你走吧，我不想再看见你。" in texts


def test_truncated_docx(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes((built / "script.docx").read_bytes()[:700])
    with pytest.raises(ParseError, match="cut.docx: not a readable .docx"):
        read_script(path)


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(ParseError, match="fake.docx: not a readable .docx"):
        read_script(path)
