"""The reader table: one entry per format, and detection and reading both go by it."""

from __future__ import annotations

import pytest

from dockguard.formats import FORMATS, Format, detect_format
from dockguard.formats.detect import TEXT_FLAVOURS
from dockguard.formats.subtitles import SUBTITLE_FORMATS
from dockguard.formats.table import binary_format, format_named


def test_names_and_extensions_are_unique() -> None:
    names = [f.name for f in FORMATS]
    extensions = [ext for f in FORMATS for ext in f.extensions]
    assert len(names) == len(set(names))
    assert len(extensions) == len(set(extensions))
    assert all(ext.startswith(".") and ext == ext.lower() for ext in extensions)


def test_every_format_detection_can_answer_has_a_text_reader() -> None:
    for name in (*TEXT_FLAVOURS, *SUBTITLE_FORMATS):
        assert format_named(name).read_text is not None, name


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_detection_by_name_follows_the_table(fmt: Format) -> None:
    for ext in fmt.extensions:
        assert detect_format(f"x{ext}") == fmt.name
        assert detect_format(f"X{ext.upper()}") == fmt.name


def test_unknown_format_name() -> None:
    with pytest.raises(ValueError, match="no reader for format"):
        format_named("doc")


def test_an_entry_has_exactly_one_reader() -> None:
    with pytest.raises(ValueError):
        Format("nothing")
    with pytest.raises(ValueError):
        Format("two", read_text=lambda text, file: (), extract_text=lambda data, file, limit: "")


FDX_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<FinalDraft DocumentType="Script">'


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.fdx", b"not xml at all", "fdx"),
        ("a.txt", FDX_HEAD, "fdx"),  # the XML root names itself, whatever the file is called
        ("a.pdf", FDX_HEAD, "fdx"),
        ("a.docx", b"PK\x03\x04rest", "docx"),
        ("a.txt", b"PK\x03\x04rest", "docx"),
        ("a", b"PK\x03\x04rest", "docx"),
        ("a.pdf", b"PK\x03\x04rest", "pdf"),  # a name that claims a binary format beats a zip head
        ("a.docx", b"%PDF-1.7", "docx"),
        ("a.srt", b"%PDF-1.7", "pdf"),
        ("a.txt", "林霄：你好。".encode(), None),
        ("a.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", None),
    ],
)
def test_binary_formats_by_magic_and_name(name: str, data: bytes, expected: str | None) -> None:
    found = binary_format(name, data)
    assert (found.name if found is not None else None) == expected
