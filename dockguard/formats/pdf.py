"""PDF: the text layer, page by page, then read by its content. No text layer -> UnsupportedFormat."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from dockguard.errors import InputError, ParseError, UnsupportedFormat
from dockguard.formats.files.budget import active_limits, check_time
from dockguard.formats.files.limits import MAX_PAGES_ENV

_WIDE_SPACE = re.compile(r"[ \t]{3,}")


def _page_text(page: Any) -> str:
    """Layout mode keeps the blank lines that separate a screenplay's cues; plain mode is the fallback."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError):
        return page.extract_text() or ""


def pdf_text(data: bytes, file: str) -> str:
    """The text of a PDF's text layer, pages joined by newlines."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError, WrongPasswordError

    # pypdf logs every recoverable oddity of real-world PDFs as a warning; they are not the user's problem
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFormat(file, "encrypted PDF (needs a password); export it without one")
        count = len(reader.pages)
        max_pages = active_limits().max_pages
        if count > max_pages:
            raise InputError(
                file,
                f"has {count:,} pages, over the {max_pages:,} pages limit (set {MAX_PAGES_ENV} to read it)",
            )
        pages = []
        for page in reader.pages:
            check_time()
            pages.append(_page_text(page))
    except InputError:
        raise
    except (FileNotDecryptedError, WrongPasswordError, DependencyError) as exc:
        raise UnsupportedFormat(file, f"encrypted PDF that cannot be opened: {exc}") from exc
    except NotImplementedError as exc:  # an encryption handler or filter pypdf does not implement
        raise UnsupportedFormat(file, f"PDF uses a feature that cannot be read: {exc}") from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        EOFError,
        RecursionError,
        OverflowError,  # a number in the file too big to seek to (startxref 10**20)
    ) as exc:
        raise ParseError(file, f"not a readable PDF (truncated or corrupt): {exc}") from exc
    text = "\n".join(pages)
    text = "\n".join(_WIDE_SPACE.sub("  ", line.strip()) for line in text.splitlines())
    if not text.strip():
        raise UnsupportedFormat(file, "no text layer (scanned?); run OCR on it first")
    return text
