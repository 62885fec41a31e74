"""Word .docx: the paragraphs' text (tables included, in document order), then read by its content."""

from __future__ import annotations

import io
import zipfile
import zlib

from dockguard.errors import ParseError
from dockguard.formats.files.archive import check_zip


def docx_text(data: bytes, file: str, max_bytes: int) -> str:
    """The text of a .docx, one paragraph per line. Corrupt or truncated -> ParseError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # a .docx is a zip: the same bomb checks apply before python-docx inflates it
            check_zip(archive, file, max_bytes)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ParseError(file, f"not a readable .docx (truncated or corrupt zip): {exc}") from exc
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
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
        KeyError,
        ValueError,
        OSError,
        EOFError,
    ) as exc:
        # LxmlError: a broken XML part inside an intact zip
        raise ParseError(file, f"not a readable .docx: {exc}") from exc
    return "\n".join(lines)
