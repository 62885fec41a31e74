"""Word .docx: the paragraphs' text (tables included, in document order), then read by its content.

A .docx is a zip of XML parts from a stranger: the zip bomb checks run first, then every XML part
is streamed once through expat before python-docx builds its trees, so that a part nested deeper
than DOCKGUARD_MAX_XML_DEPTH, with more elements than DOCKGUARD_MAX_XML_ELEMENTS, or with a DTD
(Word never writes one; entity tricks need one) is refused with a clear error instead of parsed.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib

from dockguard.errors import InputError, ParseError
from dockguard.formats.files.archive import check_zip, read_member
from dockguard.formats.files.budget import active_limits, check_time
from dockguard.formats.files.limits import MAX_XML_DEPTH_ENV, MAX_XML_ELEMENTS_ENV

_W_DOCUMENT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"


def docx_text(data: bytes, file: str, max_bytes: int) -> str:
    """The text of a .docx, one paragraph per line. Corrupt or truncated -> ParseError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # a .docx is a zip: the same bomb checks apply before python-docx inflates it
            for info in check_zip(archive, file, max_bytes):
                if info.filename.endswith((".xml", ".rels")):
                    check_xml_part(read_member(archive, info, file, max_bytes), file, info.filename)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ParseError(file, f"not a readable .docx (truncated or corrupt zip): {exc}") from exc
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        document = docx.Document(io.BytesIO(data))
        if document.element.tag != _W_DOCUMENT or document.element.body is None:
            raise ParseError(file, "not a readable .docx: its main part is not a Word document body")
        lines: list[str] = []
        for block in document.iter_inner_content():
            check_time()
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        lines.extend(p.text for p in cell.paragraphs)
            else:
                lines.append(block.text)
    except NotImplementedError as exc:
        raise ParseError(file, f"not a readable .docx (unsupported zip feature): {exc}") from exc
    except (
        OpcError,
        LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        IndexError,
        TypeError,
        AttributeError,
    ) as exc:
        # LxmlError: a broken XML part inside an intact zip; the rest: python-docx meeting parts
        # that are well-formed XML but not the elements it expects
        raise ParseError(file, f"not a readable .docx: {type(exc).__name__}: {exc}") from exc
    return "\n".join(lines)


def check_xml_part(data: bytes, file: str, part: str) -> None:
    """Refuse an XML part that is too deep, too big in elements, or declares a DTD; malformed -> ParseError."""
    from xml.parsers import expat

    limits = active_limits()
    depth = 0
    elements = 0

    def start(name: str, attrs: object) -> None:
        nonlocal depth, elements
        depth += 1
        elements += 1
        if depth > limits.max_xml_depth:
            raise InputError(
                file,
                f"XML part {part} nested more than {limits.max_xml_depth} elements deep: refused "
                f"(set {MAX_XML_DEPTH_ENV} to read it)",
            )
        if elements > limits.max_xml_elements:
            raise InputError(
                file,
                f"XML part {part} has more than {limits.max_xml_elements:,} XML elements: refused "
                f"(set {MAX_XML_ELEMENTS_ENV} to read it)",
            )
        if elements % 4096 == 0:
            check_time()

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*args: object) -> None:
        raise ParseError(file, f"refused unsafe XML in {part}: a DTD (Word documents have none)")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ParseError(file, f"not a readable .docx: malformed XML in {part}: {exc}") from exc
    except (ValueError, UnicodeError, LookupError) as exc:
        raise ParseError(file, f"not a readable .docx: unreadable XML in {part}: {exc}") from exc
