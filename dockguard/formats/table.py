"""The reader table: every format DockGuard reads, how a file is recognised as it, and what reads it.

An entry is one of three kinds, by the reader it names:

- a text format (`read_text`): decoded text -> episode drafts. Recognised by its extension, else by
  content (`detect.subtitle_syntax`, `detect.text_flavour`, which name the text formats they find).
- a binary document (`read_document`): the file's bytes -> (encoding, episode drafts); Final Draft.
- a container (`extract_text`): the file's bytes -> text, read then as the text flavour that
  `detect.text_flavour` finds in it (recorded as e.g. `docx:zh-script`, encoding `docx`).

Binary entries are recognised before anything is decoded, in three steps (`binary_format`): a
`magic` marked `magic_beats_extension`, whatever the name (an .fdx's XML root names itself), then
the extension, then the other magics (a zip head is a .docx only when the name claims no other
binary format). Readers of heavy formats import their module inside the reader function, so that
reading a .txt never loads python-docx, pypdf or defusedxml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from dockguard.formats.engines.assembly import EpisodeDraft
from dockguard.formats.fountain import read_fountain
from dockguard.formats.plain import read_plain, read_subtitle_lines
from dockguard.formats.subtitles import read_subtitles
from dockguard.formats.transcript import read_transcript
from dockguard.formats.zh.script import read_zh_script

TextReader = Callable[[str, str], tuple[EpisodeDraft, ...]]  # (text, file)
DocumentReader = Callable[[bytes, str], tuple[str, tuple[EpisodeDraft, ...]]]  # (data, file)
TextExtractor = Callable[[bytes, str, int], str]  # (data, file, max_bytes)

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Format:
    """One format: its name (`SourceFile.format`), how it is recognised, and its reader."""

    name: str
    extensions: tuple[str, ...] = ()
    read_text: TextReader | None = None
    read_document: DocumentReader | None = None
    extract_text: TextExtractor | None = None
    # binary formats: recognises the file's bytes
    magic: Callable[[bytes], bool] | None = None
    magic_beats_extension: bool = False

    def __post_init__(self) -> None:
        readers = [r for r in (self.read_text, self.read_document, self.extract_text) if r is not None]
        if len(readers) != 1:
            raise ValueError(f"format {self.name!r} needs exactly one reader")
        if self.magic is not None and self.read_text is not None:
            raise ValueError(f"format {self.name!r}: text formats are recognised by content, not magic")

    @property
    def binary(self) -> bool:
        """Read from the file's bytes, not from decoded text."""
        return self.read_text is None


def _subtitles(fmt: str) -> TextReader:
    def read(text: str, file: str) -> tuple[EpisodeDraft, ...]:
        return read_subtitles(text, file, fmt)

    return read


def _read_fdx(data: bytes, file: str) -> tuple[str, tuple[EpisodeDraft, ...]]:
    from dockguard.formats.fdx import read_fdx, xml_encoding

    return xml_encoding(data), read_fdx(data, file)


def _docx_text(data: bytes, file: str, max_bytes: int) -> str:
    from dockguard.formats.docx import docx_text

    return docx_text(data, file, max_bytes)


def _pdf_text(data: bytes, file: str, max_bytes: int) -> str:
    from dockguard.formats.pdf import pdf_text

    return pdf_text(data, file)


def _is_final_draft(data: bytes) -> bool:
    head = data[:2048].lstrip()
    return head.startswith(b"<?xml") and b"<FinalDraft" in head


FORMATS: tuple[Format, ...] = (
    Format("srt", (".srt",), read_text=_subtitles("srt")),
    Format("ass", (".ass",), read_text=_subtitles("ass")),
    Format("ssa", (".ssa",), read_text=_subtitles("ssa")),
    Format("vtt", (".vtt",), read_text=_subtitles("vtt")),
    Format("fountain", (".fountain", ".spmd"), read_text=read_fountain),
    Format("zh-script", read_text=read_zh_script),
    Format("transcript", read_text=read_transcript),
    Format("subtitle-lines", read_text=read_subtitle_lines),
    Format("plain", read_text=read_plain),
    Format("fdx", (".fdx",), read_document=_read_fdx, magic=_is_final_draft, magic_beats_extension=True),
    Format("docx", (".docx",), extract_text=_docx_text, magic=lambda data: data.startswith(ZIP_MAGIC)),
    Format("pdf", (".pdf",), extract_text=_pdf_text, magic=lambda data: data.startswith(b"%PDF-")),
)
_BY_NAME = {f.name: f for f in FORMATS}
_BY_EXTENSION = {ext: f for f in FORMATS for ext in f.extensions}


def format_named(name: str) -> Format:
    """The table entry of a format name; ValueError for a name the table lacks."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"no reader for format {name!r}") from None


def format_of_extension(path: str | PurePath) -> Format | None:
    """The format a file's extension names, if it names one."""
    return _BY_EXTENSION.get(PurePath(str(path)).suffix.lower())


def binary_format(path: str | PurePath, data: bytes) -> Format | None:
    """The binary format a file is (by its magic and its name), or None when it is to be read as text."""
    binary = [f for f in FORMATS if f.binary]
    for fmt in binary:
        if fmt.magic_beats_extension and fmt.magic is not None and fmt.magic(data):
            return fmt
    named = format_of_extension(path)
    if named is not None and named.binary:
        return named
    for fmt in binary:
        if not fmt.magic_beats_extension and fmt.magic is not None and fmt.magic(data):
            return fmt
    return None
