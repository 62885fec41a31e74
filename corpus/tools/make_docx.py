#!/usr/bin/env python3
"""Build a .docx script from a plain-text script, one paragraph a line (python-docx).

    python corpus/tools/make_docx.py INPUT.txt OUTPUT.docx [--encoding utf-8]

Understands both layouts used in the corpus:
* Chinese scripts: 第1集 / EP01 -> Heading 1; 场景：… / 1-1 … / 第1场 -> Heading 2; 人物： -> italic;
  △ action -> normal (the △ is kept, as a writer typing in Word would); 名字:台词 -> bold name;
* English plain scripts: "Episode 2" -> Heading 1; "Scene 1. …" -> Heading 2; "(action)" -> italic;
  "NAME: line" / "NAME (paren): line" -> bold name.
The first non-empty line becomes the Title. Output bytes are reproducible: fixed core
properties and fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

EPISODE = re.compile(r"^(第[0-9一二三四五六七八九十]+集|EP\d+|Episode \d+)\s*$")
SCENE = re.compile(r"^(场景|第\d+场|\d+-\d+\s|Scene \d+\.)")
SPEAKER = re.compile(r"^([^\s:：（(△【][^:：]{0,30}?(?:（[^）]*）| \([^)]*\))?)([:：])(.*)$")
FIXED = dt.datetime(2025, 1, 1, 0, 0, 0)


def build(lines: list[str]) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.name = (
        "SimSun" if any("\u4e00" <= ch <= "\u9fff" for ln in lines for ch in ln) else "Courier New"
    )
    seen_title = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not seen_title:
            doc.add_heading(line, level=0)
            seen_title = True
        elif EPISODE.match(line):
            doc.add_heading(line, level=1)
        elif SCENE.match(line):
            doc.add_heading(line, level=2)
        elif line.startswith(("人物：", "人物:")) or (line.startswith("(") and line.endswith(")")):
            doc.add_paragraph().add_run(line).italic = True
        elif (m := SPEAKER.match(line)) and not line.startswith(("△", "【", "[")):
            p = doc.add_paragraph()
            p.add_run(m.group(1) + m.group(2)).bold = True
            p.add_run(m.group(3))
        else:
            doc.add_paragraph(line)
    props = doc.core_properties
    props.author = "DockGuard team"
    props.last_modified_by = "DockGuard team"
    props.created = props.modified = FIXED
    props.revision = 1
    return doc


def save_reproducible(doc: Document, out: Path) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--encoding", default="utf-8")
    args = ap.parse_args(argv)
    lines = args.input.read_text(encoding=args.encoding).splitlines()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_reproducible(build(lines), args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
