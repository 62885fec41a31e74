"""Readers: every supported file becomes a `Script`.

`read_script(path)` takes a file, a directory of episode files or a zip of them. Formats: Chinese
scripts, Fountain, Final Draft .fdx, SRT/ASS/SSA/VTT subtitles, `Name: line` transcripts, .docx, .pdf
and plain text; text in UTF-8/UTF-16/GB18030/Big5 (detected). Heavy parsers (pysubs2, python-docx,
pypdf, defusedxml, opencc) are imported only when a file needs them.
"""

from dockguard.formats.decode import decode_bytes
from dockguard.formats.detect import detect_format
from dockguard.formats.language import detect_language
from dockguard.formats.limits import DEFAULT_MAX_BYTES
from dockguard.formats.reader import parse_file, read_script
from dockguard.formats.summary import summarize
from dockguard.formats.works import expand_works

__all__ = [
    "DEFAULT_MAX_BYTES",
    "decode_bytes",
    "detect_format",
    "detect_language",
    "expand_works",
    "parse_file",
    "read_script",
    "summarize",
]
