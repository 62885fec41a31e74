"""Readers: every supported file becomes a `Script`.

`read_script(path)` takes a file, a directory of episode files or a zip of them. Formats: Chinese
scripts, Fountain, Final Draft .fdx, SRT/ASS/SSA/VTT subtitles, `Name: line` transcripts, .docx, .pdf
and plain text; text in UTF-8/UTF-16/GB18030/Big5 (detected). Heavy parsers (pysubs2, python-docx,
pypdf, defusedxml, opencc) are imported only when a file needs them.

Layout, in the order a file goes through it:

    files/      bytes before any format: size, time, line, XML and page limits (limits, budget), zip and folder members in episode order,
                episode numbers in file names, which paths are works (works), text encodings (decode)
    table.py    the reader table: each format's name, extensions, magic bytes and reader
    detect.py   which format a file is: the table's extensions, else sniffing the content
    fountain.py, fdx.py, subtitles.py, transcript.py, plain.py, docx.py, pdf.py
                one reader per format
    zh/         the Chinese-script reader (script) and its parts: segmentation of lines (segment),
                who speaks (speakers), the Simplified view of Traditional text (convert), numerals
    engines/    what several readers share: the episode/scene assembler, speaker cues and
                parentheticals, the screenplay line engine (Fountain and transcripts), sentences
    language.py the language of the parsed text
    reader.py   read_script and parse_file: the above, in order, and episode numbering

The summary `dockguard parse` prints lives in `dockguard.report.summary`.

Adding a format:

1. Write its reader as a module here (or a subpackage, as `zh/`): a text reader
   `(text, file) -> tuple[EpisodeDraft, ...]` built with `engines.assembly.ScriptAssembler`; or, for
   a binary format, a reader of the bytes (import heavy packages inside it).
2. Add one `Format` entry to `FORMATS` in `table.py`: its name, its extensions, and for a binary
   format its `magic`. That is all a format with its own extension or magic bytes needs: detection,
   `read_script`, zips and folders pick it up from the table.
3. A text format without an extension of its own (found only by content) also needs its rule in
   `detect.text_flavour` (and its name in `detect.TEXT_FLAVOURS`).
4. Add a fixture and its golden under `tests/fixtures/formats/` and a test under `tests/formats/`.
"""

from dockguard.formats.detect import detect_format
from dockguard.formats.files.decode import decode_bytes
from dockguard.formats.files.episodes import names_an_episode
from dockguard.formats.files.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, ReadLimits
from dockguard.formats.files.works import expand_works
from dockguard.formats.language import detect_language
from dockguard.formats.reader import parse_file, read_script
from dockguard.formats.table import FORMATS, Format

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Format",
    "ReadLimits",
    "decode_bytes",
    "detect_format",
    "detect_language",
    "expand_works",
    "names_an_episode",
    "parse_file",
    "read_script",
]
