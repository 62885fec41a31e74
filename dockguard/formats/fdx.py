"""Final Draft .fdx: untrusted XML, parsed with defusedxml only.

Entity declarations are refused outright, so a billion-laughs file or an external entity (a local file
or a URL) is a ParseError at once: never an expansion, never a fetch. Paragraph types map to lines:
Scene Heading, Action, Character + Dialogue (with the Parenthetical before it as the note),
Transition; Line.location.line is the line of the <Paragraph> element in the XML. Nesting deeper
than DOCKGUARD_MAX_XML_DEPTH or more elements than DOCKGUARD_MAX_XML_ELEMENTS is refused as it is
met (a real .fdx nests about five deep).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

from dockguard.errors import InputError, ParseError
from dockguard.formats.engines.assembly import EpisodeDraft, ScriptAssembler
from dockguard.formats.engines.cues import is_voiceover, join_notes, match_caps_cue
from dockguard.formats.files.budget import active_limits, check_time
from dockguard.formats.files.limits import MAX_XML_DEPTH_ENV, MAX_XML_ELEMENTS_ENV
from dockguard.model import Line, LineKind, Location

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass(slots=True)
class _Paragraph:
    kind: str
    line: int
    parts: list[str] = field(default_factory=list)


class _FdxHandler(ContentHandler):
    """Collects (type, line, text) for each top-level <Paragraph> of <Content>."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file
        self.paragraphs: list[_Paragraph] = []
        limits = active_limits()
        self._max_depth = limits.max_xml_depth
        self._max_elements = limits.max_xml_elements
        self._depth = 0
        self._elements = 0
        self.root: str | None = None
        self._locator: Locator | None = None
        self._stack: list[_Paragraph] = []
        self._in_text = 0

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 - SAX API name
        self._locator = locator

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802
        self._depth += 1
        self._elements += 1
        if self._depth > self._max_depth:
            raise InputError(
                self.file,
                f"XML nested more than {self._max_depth} elements deep: refused (set {MAX_XML_DEPTH_ENV} to read it)",
            )
        if self._elements > self._max_elements:
            raise InputError(
                self.file,
                f"more than {self._max_elements:,} XML elements: refused (set {MAX_XML_ELEMENTS_ENV} to read it)",
            )
        if self._elements % 1024 == 0:
            check_time()
        if self.root is None:
            self.root = name
        if name == "Paragraph":
            line = self._locator.getLineNumber() if self._locator is not None else 0
            self._stack.append(_Paragraph(attrs.get("Type", "Action"), line or 0))
        elif name == "Text" and self._stack:
            self._in_text += 1

    def endElement(self, name: str) -> None:  # noqa: N802
        self._depth -= 1
        if name == "Text" and self._in_text:
            self._in_text -= 1
        elif name == "Paragraph" and self._stack:
            self.paragraphs.append(self._stack.pop())

    def characters(self, content: str) -> None:
        if self._in_text and self._stack:
            self._stack[-1].parts.append(content)


def xml_encoding(data: bytes) -> str:
    match = _XML_ENCODING.match(data[:200])
    return match.group(1).decode("ascii").lower() if match else "utf-8"


def read_fdx(data: bytes, file: str) -> tuple[EpisodeDraft, ...]:
    """Parse Final Draft XML bytes into episode drafts."""
    from defusedxml import DefusedXmlException
    from defusedxml.sax import parseString

    handler = _FdxHandler(file)
    try:
        parseString(data, handler, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(
            file, f"refused unsafe XML ({type(exc).__name__}): entity declarations are not allowed"
        ) from exc
    except SAXException as exc:
        raise ParseError(file, f"malformed XML: {exc}") from exc
    except (ValueError, UnicodeError, LookupError) as exc:  # LookupError: an unknown declared encoding
        raise ParseError(file, f"unreadable XML: {exc}") from exc
    if handler.root != "FinalDraft":
        raise ParseError(file, f"not a Final Draft document (root element <{handler.root}>)")
    return _assemble(handler.paragraphs, file)


def _assemble(paragraphs: list[_Paragraph], file: str) -> tuple[EpisodeDraft, ...]:
    asm = ScriptAssembler()
    speaker: str | None = None
    cue_note: str | None = None
    pending: str | None = None
    for paragraph in paragraphs:
        text = " ".join("".join(paragraph.parts).split())
        location = Location(file, line=paragraph.line or None)
        kind = paragraph.kind
        if kind == "Character":
            cue = match_caps_cue(text) if text else None
            speaker = cue.speaker if cue is not None else text or None
            cue_note = cue.note if cue is not None else None
            pending = None
            continue
        if kind == "Parenthetical":
            pending = join_notes(pending, text.strip("()"))
            continue
        if not text:
            continue
        if kind == "Dialogue" and speaker:
            line_kind = LineKind.VOICEOVER if is_voiceover(cue_note) else LineKind.DIALOGUE
            asm.add(Line(text, line_kind, location, speaker=speaker, note=join_notes(cue_note, pending)))
            pending = None
            continue
        speaker, cue_note, pending = None, None, None
        if kind == "Scene Heading":
            asm.start_scene(text, location)
        elif kind in ("Transition", "New Act", "End of Act", "Act Break", "Cast List"):
            asm.add(Line(text, LineKind.NOTE, location))
        else:
            asm.add(Line(text, LineKind.ACTION, location))
    return asm.finish()
