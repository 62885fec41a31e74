"""Final Draft XML: read with defusedxml only; unsafe or broken XML is a ParseError naming the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dockguard.errors import ParseError
from dockguard.formats import read_script
from dockguard.formats.fdx import read_fdx

from .conftest import check_golden


def test_golden(fixtures: Path) -> None:
    check_golden("sample.fdx", read_script(fixtures / "sample.fdx"))


def test_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "broken.fdx"
    path.write_text('<?xml version="1.0"?><FinalDraft><Content><Paragraph Type="Action">', encoding="utf-8")
    with pytest.raises(ParseError, match="broken.fdx: malformed XML"):
        read_script(path)


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    body = '<?xml version="1.0"?>\n<!DOCTYPE FinalDraft [\n' + "\n".join(entities) + "\n]>\n"
    body += (
        '<FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>'
    )
    path = tmp_path / "laughs.fdx"
    path.write_text(body, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ParseError, match="laughs.fdx: refused unsafe XML"):
        read_script(path)
    assert time.monotonic() - started < 2


def test_external_entity_is_refused_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT", encoding="utf-8")
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE FinalDraft [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<FinalDraft><Content><Paragraph Type="Action"><Text>&xxe;</Text></Paragraph></Content></FinalDraft>'
    )
    path = tmp_path / "xxe.fdx"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ParseError, match="xxe.fdx: refused unsafe XML") as info:
        read_script(path)
    assert "TOP SECRET" not in str(info.value)


def test_other_xml_is_not_final_draft() -> None:
    with pytest.raises(ParseError, match="other.fdx: not a Final Draft document"):
        read_fdx(b"<html><body>hi</body></html>", "other.fdx")


def test_dual_dialogue_paragraphs_are_read() -> None:
    data = (
        b'<FinalDraft><Content><Paragraph Type="Action"><DualDialogue>'
        b'<Paragraph Type="Character"><Text>ANA</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>Now!</Text></Paragraph>'
        b'<Paragraph Type="Character"><Text>BEN</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>Not now!</Text></Paragraph>'
        b"</DualDialogue></Paragraph></Content></FinalDraft>"
    )
    lines = [line for draft in read_fdx(data, "dual.fdx") for scene in draft.scenes for line in scene.lines]
    assert [(line.speaker, line.text) for line in lines] == [("ANA", "Now!"), ("BEN", "Not now!")]
