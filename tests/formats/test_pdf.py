"""PDF: the text layer; a PDF without one is unsupported."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.errors import ParseError, UnsupportedFormat
from dockguard.formats import read_script

from .conftest import check_golden


def test_golden(fixtures: Path) -> None:
    check_golden("text_layer.pdf", read_script(fixtures / "text_layer.pdf"))


def test_no_text_layer(fixtures: Path) -> None:
    with pytest.raises(UnsupportedFormat, match=r"no_text_layer.pdf: no text layer \(scanned\?\)"):
        read_script(fixtures / "no_text_layer.pdf")


def test_truncated_pdf(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes((fixtures / "text_layer.pdf").read_bytes()[:120])
    with pytest.raises((ParseError, UnsupportedFormat), match="cut.pdf"):
        read_script(path)
