"""Damaged inputs for the reader fuzzing: seeds from our own corpus and fixtures, and mutators.

`fuzz_input(fmt, index, seed)` is the whole interface: the same (format, index, seed) gives the same
bytes on every machine, so a failure is reproduced by its three numbers and kept as a regression
fixture by `save_regression`. Seeds come only from `corpus/` and `tests/fixtures/` (our own writing);
formats the corpus lacks a file of are made from it here (ASS and VTT from our SRT, PDFs and .docx
from our scripts' text, zips of our episodes).

Mutators, by what they damage:

- bytes (every format): flips, truncation, insertion, deletion, repeated blocks, splices of another
  seed, NULs, BOMs, stripped newlines, wrong and mixed encodings, huge lines.
- subtitles: timestamps out of order, reversed, absurd (99:99:99, 10^15 ms, negative), arrows lost,
  the ASS [Events] Format line damaged.
- XML (.fdx, and the .docx document part): unclosed and mismatched tags, deep nesting, entity
  declarations (billion laughs, external entities), odd declared encodings, the root renamed.
- zip (.zip, .docx): damaged central directory and end record (counts, offsets, sizes), members
  dropped or duplicated, names that climb out, lying sizes, unsupported methods, encrypted flags,
  nested zips, many members.
- PDF: damaged xref and trailer, /Length lies, circular /Parent and /Kids, deeply nested arrays,
  broken filters, huge /Count, garbage content operators.
"""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
REGRESSIONS = ROOT / "tests" / "fixtures" / "fuzz"

FORMATS = ("zh", "fountain", "fdx", "srt", "ass", "vtt", "transcript", "docx", "pdf", "zip")
# the file name each format's inputs are read under: the extension is part of what is fuzzed
# (a reader must cope with a .srt that is not one), so most inputs keep their seed's name
Seed = tuple[str, bytes]
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- seeds


def _files(*patterns: str) -> list[Path]:
    out: list[Path] = []
    for pattern in patterns:
        out.extend(sorted(ROOT.glob(pattern)))
    return out


def _read(paths: list[Path]) -> list[Seed]:
    return [(p.name, p.read_bytes()) for p in paths]


def _subtitles_from_srt(fmt: str) -> list[Seed]:
    import pysubs2

    out = []
    for path in _files("corpus/releases/*/*.srt", "tests/fixtures/formats/sample.srt"):
        subs = pysubs2.SSAFile.from_string(path.read_text(encoding="utf-8"), format_="srt")
        out.append((path.stem + "." + fmt, subs.to_string(fmt).encode("utf-8")))
    return out


def _zh_texts() -> list[str]:
    return [
        _as_text(p.read_bytes())
        for p in _files("corpus/originals/*.txt", "corpus/originals/changan_gongque/*.txt")
    ]


def _latin_texts() -> list[str]:
    return [
        _as_text(p.read_bytes())
        for p in _files("corpus/releases/en/*.fountain", "corpus/releases/unrelated/low_tide.en.txt")
    ]


def build_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in lines:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = lines[0] if lines else ""
    table.rows[0].cells[1].text = lines[-1] if lines else ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _rezip(buffer.getvalue(), {})


def build_pdf(lines: list[str], *, compress: bool = False) -> bytes:
    """A PDF with a text layer, built like tests/fixtures/formats/build_fixtures.py (Helvetica, Latin-1)."""
    parts = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        escaped = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(f"({escaped}) Tj T*")
    parts.append("ET")
    stream = "\n".join(parts).encode("latin-1")
    extra = b""
    if compress:
        stream = zlib.compress(stream)
        extra = b" /Filter /FlateDecode"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + extra + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def build_zip(members: list[Seed], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are one of the mutations
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """A zip's members again, some replaced (None drops one), with fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    kept = [(n, replace.get(n, d)) for n, d in members if not (n in replace and replace[n] is None)]
    return build_zip([(n, d) for n, d in kept if d is not None])


@cache
def seeds(fmt: str) -> tuple[Seed, ...]:
    """Our own files of a format (made from our corpus where it has none)."""
    found: list[Seed]
    if fmt == "zh":
        found = _read(
            _files(
                "corpus/originals/*.txt",
                "corpus/originals/changan_gongque/*.txt",
                "corpus/releases/zh-*/*.txt",
                "corpus/releases/unrelated/wukanglu_tianpin.txt",
                "tests/fixtures/formats/zh_script_*.txt",
            )
        )
    elif fmt == "fountain":
        found = _read(_files("corpus/releases/*/*.fountain", "tests/fixtures/formats/sample.fountain"))
    elif fmt == "fdx":
        found = _read(_files("corpus/releases/*/*.fdx", "tests/fixtures/formats/sample.fdx"))
    elif fmt == "srt":
        found = _read(_files("corpus/releases/*/*.srt", "tests/fixtures/formats/sample.srt"))
    elif fmt in ("ass", "vtt"):
        found = _read(_files(f"tests/fixtures/formats/sample.{fmt}")) + _subtitles_from_srt(fmt)
    elif fmt == "transcript":
        found = _read(
            _files(
                "tests/fixtures/formats/transcript.txt",
                "tests/fixtures/formats/screenplay_transcript.txt",
                "tests/fixtures/formats/subtitle_lines.txt",
                "tests/fixtures/formats/plain_prose.txt",
                "corpus/releases/unrelated/low_tide.en.txt",
                "corpus/releases/es/*.txt",
            )
        )
    elif fmt == "docx":
        found = _read(_files("corpus/*/*.docx", "corpus/releases/*/*.docx"))
        found = list(dict(found).items())
        found += [
            ("zh_built.docx", build_docx(_zh_texts()[0].splitlines()[:80])),
            ("en_built.docx", build_docx(_latin_texts()[0].splitlines()[:80])),
        ]
    elif fmt == "pdf":
        found = _read(_files("tests/fixtures/formats/*.pdf"))
        for i, text in enumerate(_latin_texts()):
            lines = text.splitlines()[:120]
            found.append((f"corpus_{i}.pdf", build_pdf(lines, compress=i % 2 == 1)))
    elif fmt == "zip":
        episodes = FIXTURES / "episodes_dir"
        found = [
            (
                "episodes.zip",
                build_zip(
                    [
                        (p.relative_to(episodes).as_posix(), p.read_bytes())
                        for p in sorted(episodes.rglob("*"))
                        if p.is_file()
                    ]
                ),
            ),
            (
                "changan_gongque.zip",
                build_zip(
                    [(p.name, p.read_bytes()) for p in _files("corpus/originals/changan_gongque/*.txt")]
                ),
            ),
            (
                "mixed.zip",
                build_zip(
                    [
                        ("EP01.srt", (FIXTURES / "sample.srt").read_bytes()),
                        ("EP02.fountain", (FIXTURES / "sample.fountain").read_bytes()),
                        ("EP03.fdx", (FIXTURES / "sample.fdx").read_bytes()),
                        ("EP04.pdf", (FIXTURES / "text_layer.pdf").read_bytes()),
                        ("EP05.txt", (FIXTURES / "zh_script_gb18030.txt").read_bytes()),
                    ],
                    method=zipfile.ZIP_STORED,
                ),
            ),
        ]
    else:
        raise ValueError(f"no seeds for format {fmt!r}")
    if not found:
        raise RuntimeError(f"no seed files for {fmt}")
    return tuple(found)


# --------------------------------------------------------------------------- byte mutators

Mutator = Callable[[random.Random, bytes], bytes]
_INTERESTING = [
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n" * 50,
    b"\x1b",
    b"\xa1\xa1",
    b"\xe4\xbd",
    b"\\N",
    b"-->",
    b"{",
    b"<",
    b"]]>",
    b"%",
    b"\x80" * 7,
    b"PK\x03\x04",
    b"%PDF-",
]


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 16, 64))):
        at = rng.randrange(len(out))
        out[at] = out[at] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _at(rng, data)] if rng.random() < 0.7 else data[_at(rng, data) :]


def insert(rng: random.Random, data: bytes) -> bytes:
    at = _at(rng, data)
    blob = rng.choice(_INTERESTING) if rng.random() < 0.5 else rng.randbytes(rng.randrange(1, 64))
    return data[:at] + blob + data[at:]


def delete(rng: random.Random, data: bytes) -> bytes:
    at = _at(rng, data)
    return data[:at] + data[at + rng.randrange(1, 200) :]


def repeat_block(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    block = data[start : start + rng.randrange(1, 400)]
    times = rng.choice((2, 3, 10, 50, 200))
    return data[:start] + block * times + data[start:]


def strip_newlines(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b"\r", b"").replace(b"\n", b"")
    return data.replace(b"\n", b" ")


def nuls(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randrange(1, 40)):
        out.insert(_at(rng, bytes(out)), 0)
    return bytes(out)


def add_bom(rng: random.Random, data: bytes) -> bytes:
    return rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00")) + data


def crlf(rng: random.Random, data: bytes) -> bytes:
    return data.replace(
        b"\n", rng.choice((b"\r\n", b"\r", b"\n\n", b"\u2028".decode("unicode_escape").encode()))
    )


_ENCODINGS = (
    "gb18030",
    "big5",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "shift_jis",
    "euc-kr",
    "cp1252",
    "latin-1",
    "koi8-r",
    "cp437",
    "utf-7",
    "hz",
    "iso2022_jp",
)


def _as_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def reencode(rng: random.Random, data: bytes) -> bytes:
    return _as_text(data).encode(rng.choice(_ENCODINGS), "replace")


def mixed_encoding(rng: random.Random, data: bytes) -> bytes:
    text = _as_text(data)
    pieces = []
    step = max(1, len(text) // rng.randrange(2, 8))
    for at in range(0, len(text), step):
        pieces.append(text[at : at + step].encode(rng.choice(_ENCODINGS + ("utf-8",) * 3), "replace"))
    return b"".join(pieces)


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: _at(rng, data)] + other[_at(rng, other) :]


def huge_line(rng: random.Random, data: bytes) -> bytes:
    """One line made very long: a run-on line the line splitters must survive."""
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    lines[at] = lines[at] * rng.choice((20, 200, 2000)) if lines[at] else b"x" * 100_000
    return b"\n".join(lines)[:400_000]


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


def many_lines(rng: random.Random, data: bytes) -> bytes:
    return data + b"\n" * rng.choice((100, 1000, 20_000))


BYTE_MUTATORS: tuple[Mutator, ...] = (
    flip,
    flip,
    truncate,
    insert,
    insert,
    delete,
    repeat_block,
    strip_newlines,
    nuls,
    add_bom,
    crlf,
    reencode,
    mixed_encoding,
    huge_line,
    shuffle_lines,
    many_lines,
)


# --------------------------------------------------------------------------- text-level mutators


def _text_mutation(fn: Callable[[random.Random, str], str]) -> Mutator:
    def mutate(rng: random.Random, data: bytes) -> bytes:
        return fn(rng, _as_text(data)).encode("utf-8", "surrogatepass")

    mutate.__name__ = fn.__name__
    return mutate


_SRT_TIME = re.compile(r"\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}")
_ASS_TIME = re.compile(r"\d+:\d{2}:\d{2}\.\d{2}")
_ABSURD_TIMES = (
    "99:99:99,999",
    "00:00:00,000",
    "-1:00:00,000",
    "999999999999:00:00,000",
    "00:61:61,9999",
    "1e308:00:00,000",
    "00:00:00",
    "٠٠:٠٠:٠٠,٠٠٠",
    "23:59:59,999",
    "0:0:0,0",
    "00:00:00.000",
)


def _times(rng: random.Random, text: str) -> str:
    pattern = _ASS_TIME if _ASS_TIME.search(text) and not _SRT_TIME.search(text) else _SRT_TIME
    found = list(pattern.finditer(text))
    if not found:
        return text
    mode = rng.randrange(4)
    if mode == 0:  # shuffle all timestamps: cues out of order, ends before starts
        values = [m.group(0) for m in found]
        rng.shuffle(values)
        it = iter(values)
        return pattern.sub(lambda m: next(it), text)
    if mode == 1:  # absurd values
        return pattern.sub(lambda m: rng.choice(_ABSURD_TIMES) if rng.random() < 0.3 else m.group(0), text)
    if mode == 2:  # every cue at the same time, or reversed
        values = [m.group(0) for m in found][::-1]
        it = iter(values)
        return pattern.sub(lambda m: next(it), text)
    return text.replace("-->", rng.choice(("->", "", "-->-->", "==>", " --> --> ")), rng.randrange(1, 20))


def _subtitle_structure(rng: random.Random, text: str) -> str:
    mode = rng.randrange(6)
    if mode == 0:  # ASS: damage the Format line of [Events] or [Styles]
        return re.sub(
            r"(?m)^Format:.*$",
            lambda m: rng.choice(
                (
                    "Format:",
                    "Format: Text",
                    "Format: ,,,,,,",
                    "Format: Layer, Start",
                    m.group(0) + ", Extra",
                    "Format: " + "X, " * 1000,
                )
            ),
            text,
            count=1,
        )
    if mode == 1:  # drop or duplicate section headers
        return re.sub(
            r"\[(Events|Script Info|V4\+ Styles)\]", rng.choice(("", "[Events]\n[Events]", "[Events")), text
        )
    if mode == 2:  # cue numbers garbled
        return re.sub(r"(?m)^\d+$", lambda m: rng.choice(("", "-1", "99999999999999999999", "a")), text)
    if mode == 3:  # many commas / fields in dialogue lines
        return re.sub(r"(?m)^Dialogue:", "Dialogue:" + "," * rng.randrange(1, 30), text)
    if mode == 4:  # override tags unbalanced, html unclosed
        return text.replace("}", "", rng.randrange(1, 5)).replace("<", "<<" * rng.randrange(1, 3))
    return "WEBVTT\n\n" + text if rng.random() < 0.5 else text.replace("WEBVTT", "WEBVTT" * 3)


def _screenplay_structure(rng: random.Random, text: str) -> str:
    mode = rng.randrange(5)
    if mode == 0:
        return text.replace("*/", "") + "/*" * rng.randrange(1, 3)  # boneyard never closed
    if mode == 1:
        return "[[" * rng.randrange(1, 200) + text
    if mode == 2:
        return text.upper()
    if mode == 3:
        return "\n".join(("*" * 5 + line + "_" * 3) for line in text.splitlines())
    return "(" * rng.randrange(1, 300) + text + ")" * rng.randrange(0, 300)


def _zh_structure(rng: random.Random, text: str) -> str:
    mode = rng.randrange(5)
    if mode == 0:
        return text.replace("：", rng.choice((":", "：：", "", "：\n")))
    if mode == 1:
        return re.sub(
            r"第(\S{1,4})集",
            lambda m: rng.choice(
                (
                    "第九千九百九十九万集",
                    "第0集",
                    "第集",
                    "第" + "九" * 200 + "集",
                    "第99999999999999999999集",
                    m.group(0) * 3,
                )
            ),
            text,
        )
    if mode == 2:
        return text.replace("△", "△" * rng.randrange(1, 50))
    if mode == 3:
        return "（" * rng.randrange(1, 300) + text
    return "".join(ch if rng.random() > 0.02 else rng.choice("【】（）：△第集场") for ch in text)


TEXT_MUTATORS = {
    "subtitle": (_text_mutation(_times), _text_mutation(_times), _text_mutation(_subtitle_structure)),
    "screenplay": (_text_mutation(_screenplay_structure),),
    "zh": (_text_mutation(_zh_structure), _text_mutation(_zh_structure)),
}


# --------------------------------------------------------------------------- XML mutators


def xml_mutate(rng: random.Random, data: bytes) -> bytes:
    if len(data) > 1_000_000:  # keep the inputs (and making them) bounded
        return flip(rng, data)
    text = data.decode("utf-8", "replace")
    mode = rng.randrange(10)
    if mode == 0:  # deep nesting
        depth = rng.choice((100, 1000, 10_000, 100_000))
        tag = rng.choice(("a", "Paragraph", "w:p", "Text"))
        at = _tag_boundary(rng, text)
        return (text[:at] + f"<{tag}>" * depth + f"</{tag}>" * depth + text[at:]).encode()
    if mode == 1:  # unclosed or mismatched
        return re.sub(r"</[^>]+>", lambda m: "" if rng.random() < 0.1 else m.group(0), text).encode()
    if mode == 2:  # billion laughs / external entity
        dtd = rng.choice(
            (
                '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
                '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                '<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd">',
                "<!DOCTYPE r [<!ELEMENT r ANY>]>",
            )
        )
        body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        return (decl + dtd + body.replace("</Text>", "&b;&x;</Text>", 1)).encode()
    if mode == 3:  # declared encoding wrong or unknown
        enc = rng.choice(
            ("UTF-16", "gb18030", "no-such-codec", "ebcdic-cp-us", "utf-32", "ascii", "big5", "")
        )
        return re.sub(r'encoding="[^"]*"', f'encoding="{enc}"', text, count=1).encode()
    if mode == 4:  # root renamed or removed
        return re.sub(r"<(/?)(FinalDraft|w:document)\b", lambda m: f"<{m.group(1)}Other", text).encode()
    if mode == 5:  # many attributes / long attribute values
        return (
            text.replace("<Paragraph ", "<Paragraph " + " ".join(f'a{i}="{i}"' for i in range(2000)) + " ", 1)
            .replace("<w:p>", "<w:p " + 'w:x="' + "y" * 100_000 + '">', 1)
            .encode()
        )
    if mode == 6:  # huge text node
        return (
            text.replace("<Text>", "<Text>" + "Z" * rng.choice((10_000, 1_000_000)), 1)
            .replace("<w:t>", "<w:t>" + "字" * rng.choice((10_000, 300_000)), 1)
            .encode()
        )
    if mode == 7:  # CDATA, comments, processing instructions in odd places
        blob = rng.choice(("<![CDATA[", "]]>", "<!--", "-->", "<?pi x?>", "&#0;", "&#xD800;", "&unknown;"))
        at = _tag_boundary(rng, text)
        return (text[:at] + blob + text[at:]).encode()
    if mode == 8:  # many paragraphs
        match = re.search(r"<Paragraph.*?</Paragraph>|<w:p[ >].*?</w:p>", text, re.DOTALL)
        if match:
            times = min(rng.choice((100, 2000)), 2_000_000 // max(1, len(match.group(0))))
            return (text[: match.end()] + match.group(0) * times + text[match.end() :]).encode()
        return text.encode()
    return flip(rng, data)


def _tag_boundary(rng: random.Random, text: str) -> int:
    ends = [m.end() for m in re.finditer(">", text)]
    return rng.choice(ends) if ends else 0


# --------------------------------------------------------------------------- zip mutators

_EOCD = b"PK\x05\x06"
_CDH = b"PK\x01\x02"


def zip_damage(rng: random.Random, data: bytes) -> bytes:
    """Damage the central directory, the end record, or the local headers of a zip."""
    out = bytearray(data)
    eocd = data.rfind(_EOCD)
    mode = rng.randrange(9)
    if mode == 0 and eocd >= 0:  # counts, sizes, offsets in the end record
        field = rng.choice((8, 10, 12, 16, 20))
        width = 2 if field in (8, 10, 20) else 4
        value = rng.choice((0, 1, 0xFFFF, 0xFFFFFFFF, rng.randrange(1 << (8 * width))))
        out[eocd + field : eocd + field + width] = value.to_bytes(width, "little")
        return bytes(out)
    if mode == 1:  # a central directory header damaged
        heads = [m.start() for m in re.finditer(re.escape(_CDH), data)]
        if heads:
            at = rng.choice(heads)
            field = rng.choice((10, 16, 20, 24, 28, 30, 32, 42))
            width = 2 if field in (10, 28, 30, 32) else 4
            value = rng.choice((0, 0xFFFF, 0xFFFFFFFF, 99, rng.randrange(1 << (8 * width))))
            out[at + field : at + field + width] = value.to_bytes(width, "little")
            return bytes(out)
    if mode == 2:  # local header: flags (encrypted, data descriptor), method
        heads = [m.start() for m in re.finditer(re.escape(b"PK\x03\x04"), data)]
        if heads:
            at = rng.choice(heads)
            if rng.random() < 0.5:
                out[at + 6 : at + 8] = rng.choice((1, 8, 0x41, 0x800)).to_bytes(2, "little")
            else:
                out[at + 8 : at + 10] = rng.choice((1, 6, 9, 12, 14, 93, 99, 0xFFFF)).to_bytes(2, "little")
            return bytes(out)
    if mode == 3 and eocd >= 0:  # the end record or the central directory cut away
        return data[: rng.randrange(max(1, eocd - 200), eocd + 22)]
    if mode == 4:  # flip bytes only inside the central directory
        start = data.find(_CDH)
        if start >= 0:
            for _ in range(rng.randrange(1, 10)):
                at = rng.randrange(start, len(out))
                out[at] = rng.randrange(256)
            return bytes(out)
    if mode == 5:  # a zip comment that is very long, or garbage prepended
        return (
            (rng.randbytes(rng.randrange(1, 5000)) + data) if rng.random() < 0.5 else data + b"\x00" * 70000
        )
    if mode == 6:  # the central directory copied twice (duplicate entries)
        start = data.find(_CDH)
        if start >= 0 and eocd > start:
            cd = data[start:eocd]
            return data[:eocd] + cd + data[eocd:]
    if mode == 7:  # crc mismatch
        heads = [m.start() for m in re.finditer(re.escape(_CDH), data)]
        if heads:
            at = rng.choice(heads)
            out[at + 16 : at + 20] = rng.randbytes(4)
            return bytes(out)
    return flip(rng, data)


def _members(data: bytes) -> list[Seed]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def zip_rebuild(rng: random.Random, data: bytes, mutate_member: Mutator) -> bytes:
    """Rebuild a zip whose members were changed: a member mutated, dropped, renamed, duplicated."""
    members = _members(data)
    mode = rng.randrange(8)
    if mode <= 2 and members:  # mutate one member's bytes with the member's own mutators
        index = rng.randrange(len(members))
        name, body = members[index]
        members[index] = (name, mutate_member(rng, body))
    elif mode == 3 and members:
        members.pop(rng.randrange(len(members)))
    elif mode == 4 and members:
        index = rng.randrange(len(members))
        bad = rng.choice(
            (
                "../evil.txt",
                "/etc/x.txt",
                "C:\\x.txt",
                "a/../../b.txt",
                "",
                "第１集.txt",
                ".hidden.txt",
                "__MACOSX/x.txt",
                "x" * 300 + ".txt",
                "dir/",
            )
        )
        members[index] = (bad, members[index][1])
    elif mode == 5 and members:
        name, body = members[rng.randrange(len(members))]
        members += [(name, body[:4000])] * rng.choice((1, 10, 1200))
    elif mode == 6:
        members.append(("EP99.zip", data))  # a nested zip
    else:
        members.append(
            (f"EP{rng.randrange(100)}.txt", rng.choice((b"", b"\x00" * 2_000_000, b"\xff\xfe", b"a")))
        )
    method = rng.choice((zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA))
    try:
        return build_zip(members, method=method)
    except (ValueError, OSError, zipfile.LargeZipFile):
        return data


def zip_lying_sizes(rng: random.Random, data: bytes) -> bytes:
    """A member whose declared sizes lie: a member that inflates past what its headers say."""
    members = _members(data)
    name = members[0][0] if members else "EP01.txt"
    big = b"A" * rng.choice((2_000_000, 60_000_000 // 64))
    raw = build_zip([(name, big)])
    out = bytearray(raw)
    for sig, field in ((b"PK\x03\x04", 22), (_CDH, 24)):
        at = raw.find(sig)
        if at >= 0:
            out[at + field : at + field + 4] = struct.pack("<I", rng.choice((10, 1000, 0)))
    return bytes(out)


# --------------------------------------------------------------------------- PDF mutators


def pdf_mutate(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("latin-1")
    mode = rng.randrange(12)
    if mode == 0:  # xref offsets wrong
        return re.sub(
            r"(?m)^\d{10} (\d{5}) n", lambda m: f"{rng.randrange(10**10):010d} {m.group(1)} n", text
        ).encode("latin-1")
    if mode == 1:  # xref or trailer removed / startxref wrong
        return rng.choice(
            (
                re.sub(r"xref.*?trailer", "trailer", text, flags=re.DOTALL),
                re.sub(r"startxref\s+\d+", f"startxref\n{rng.randrange(10**9)}", text),
                text.split("trailer")[0],
            )
        ).encode("latin-1")
    if mode == 2:  # /Length lies
        return re.sub(r"/Length \d+", f"/Length {rng.choice((0, 1, 99999999, -5, 10**20))}", text).encode(
            "latin-1"
        )
    if mode == 3:  # circular page tree
        return (
            text.replace("/Parent 2 0 R", "/Parent 3 0 R")
            .replace(
                "/Kids [3 0 R]",
                rng.choice(
                    (
                        "/Kids [2 0 R]",
                        "/Kids [3 0 R 3 0 R 3 0 R]",
                        "/Kids [1 0 R]",
                        "/Kids 3 0 R",
                        "/Kids [" + "3 0 R " * 5000 + "]",
                    )
                ),
            )
            .encode("latin-1")
        )
    if mode == 4:  # deeply nested arrays / dictionaries
        depth = rng.choice((100, 1000, 20000))
        blob = "[" * depth + "]" * depth if rng.random() < 0.5 else "<<" * depth + ">>" * depth
        return text.replace("/MediaBox [0 0 612 792]", "/MediaBox " + blob, 1).encode("latin-1")
    if mode == 5:  # filter that does not fit the stream
        return text.replace(
            "<< /Length",
            "<< /Filter "
            + rng.choice(
                (
                    "/FlateDecode",
                    "/LZWDecode",
                    "/ASCII85Decode",
                    "/ASCIIHexDecode",
                    "/RunLengthDecode",
                    "/DCTDecode",
                    "/JBIG2Decode",
                    "[/FlateDecode /FlateDecode]",
                    "/NoSuchFilter",
                )
            )
            + " /Length",
            1,
        ).encode("latin-1")
    if mode == 6:  # huge counts and numbers
        return (
            text.replace("/Count 1", f"/Count {rng.choice((0, -1, 10**12, 2**64))}")
            .replace("612 792", rng.choice(("1e308 1e308", "0 0", "-612 nan", "99999999999999999999 1")))
            .encode("latin-1")
        )
    if mode == 7:  # garbage content operators
        ops = rng.choice(
            (
                "9999 Tz",
                "1e30 TL",
                "0 0 0 0 0 0 cm",
                "/F9 12 Tf",
                "(x) " * 5000 + "Tj",
                "[(a) -99999999 (b)] TJ",
                "q " * 10000,
                "Q " * 1000,
                "T* " * 50000,
                "/F1 0 Tf",
                "BT BT BT",
                "ET ET",
                "1 0 0 1 1e300 1e300 Tm",
            )
        )
        return text.replace("72 720 Td", "72 720 Td\n" + ops, 1).encode("latin-1")
    if mode == 8:  # objects renumbered / duplicated / self-referencing
        return (
            re.sub(r"(?m)^(\d+) 0 obj", lambda m: f"{rng.choice((m.group(1), '1', '0', '4'))} 0 obj", text)
            .replace(
                "/Contents 4 0 R",
                rng.choice(
                    ("/Contents 3 0 R", "/Contents [4 0 R 4 0 R]", "/Contents 99 0 R", "/Contents 1 0 R")
                ),
            )
            .encode("latin-1")
        )
    if mode == 9:  # encryption claimed
        return text.replace(
            "/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>"
        ).encode("latin-1")
    if mode == 10:  # font object damaged
        return text.replace(
            "/BaseFont /Helvetica",
            rng.choice(
                (
                    "/BaseFont",
                    "/FirstChar 0 /LastChar 999999999 /Widths 3 0 R",
                    "/Encoding << /Differences [0 " + "/a " * 3000 + "] >>",
                    "/ToUnicode 4 0 R",
                    "/Subtype /Type0 /DescendantFonts [1 0 R]",
                )
            ),
        ).encode("latin-1")
    return flip(rng, data)


# --------------------------------------------------------------------------- the inputs


def _docx_mutate(rng: random.Random, data: bytes) -> bytes:
    mode = rng.randrange(6)
    if mode <= 2:  # the document part's XML
        members = dict(_members(data))
        part = "word/document.xml" if mode < 2 else rng.choice(sorted(members))
        if part in members:
            members[part] = xml_mutate(rng, members[part])
        return build_zip(list(members.items()))
    if mode == 3:
        return zip_damage(rng, data)
    if mode == 4:
        return zip_rebuild(rng, data, xml_mutate)
    return rng.choice(BYTE_MUTATORS)(rng, data)


def _member_mutate(rng: random.Random, data: bytes) -> bytes:
    return rng.choice(BYTE_MUTATORS + TEXT_MUTATORS["zh"] + TEXT_MUTATORS["subtitle"])(rng, data)


def _mutators(fmt: str) -> list[Mutator]:
    if fmt in ("srt", "ass", "vtt"):
        return [*BYTE_MUTATORS, *TEXT_MUTATORS["subtitle"] * 3]
    if fmt in ("fountain", "transcript"):
        return [*BYTE_MUTATORS, *TEXT_MUTATORS["screenplay"] * 3]
    if fmt == "zh":
        return [*BYTE_MUTATORS, *TEXT_MUTATORS["zh"] * 2]
    if fmt == "fdx":
        return [*BYTE_MUTATORS, *[xml_mutate] * 12]
    if fmt == "docx":
        return [_docx_mutate]
    if fmt == "pdf":
        return [*BYTE_MUTATORS, *[pdf_mutate] * 14]
    if fmt == "zip":
        return [
            zip_damage,
            zip_damage,
            zip_damage,
            lambda rng, d: zip_rebuild(rng, d, _member_mutate),
            lambda rng, d: zip_rebuild(rng, d, _member_mutate),
            lambda rng, d: zip_rebuild(rng, d, _member_mutate),
            zip_lying_sizes,
            flip,
            truncate,
        ]
    raise ValueError(fmt)


_NAMES = {
    "zh": ".txt",
    "fountain": ".fountain",
    "fdx": ".fdx",
    "srt": ".srt",
    "ass": ".ass",
    "vtt": ".vtt",
    "transcript": ".txt",
    "docx": ".docx",
    "pdf": ".pdf",
    "zip": ".zip",
}
# names a damaged file may arrive under: a wrong extension must not crash a reader either
_OTHER_NAMES = (".txt", ".srt", ".ass", ".ssa", ".vtt", ".fdx", ".docx", ".pdf", ".fountain", "", ".zip")


def fuzz_input(fmt: str, index: int, seed: int = 0) -> tuple[str, bytes, str]:
    """The `index`-th damaged input of a format: (file name, bytes, what was done to it)."""
    rng = random.Random(f"{seed}:{fmt}:{index}")
    pool = seeds(fmt)
    name, data = pool[rng.randrange(len(pool))]
    mutators = _mutators(fmt)
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
        if rng.random() < 0.05:
            other = pool[rng.randrange(len(pool))][1]
            data = splice(rng, data, other)
            steps.append("splice")
            continue
        mutator = rng.choice(mutators)
        try:
            data = mutator(rng, data)
        except Exception:  # noqa: BLE001 - a structural mutator on input an earlier step broke
            mutator = flip
            data = flip(rng, data)
        steps.append(getattr(mutator, "__name__", "mutate"))
        if len(data) > 4_000_000:  # keep each input bounded: the size limit has its own tests
            data = data[:4_000_000]
    if rng.random() < 0.003:  # now and then a really big one: half a million blank lines
        data = data + b"\n" * 500_000
        steps.append("huge")
    if rng.random() < 0.04:
        stem = name.rsplit(".", 1)[0]
        name = stem + rng.choice(_OTHER_NAMES)
        steps.append("renamed")
    return name, data, "+".join(steps)


def save_regression(fmt: str, index: int, seed: int, name: str, data: bytes, outcome: str) -> Path:
    """Keep a failing input as a regression fixture: tests/fixtures/fuzz/<fmt>-<seed>-<index>-<name>."""
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    path = REGRESSIONS / f"{fmt}-s{seed}-i{index}-{name or 'noname'}"
    path.write_bytes(data)
    path.with_name(path.name + ".why").write_text(outcome + "\n", encoding="utf-8")
    return path
