#!/usr/bin/env python3
"""Validate the demo corpus: manifests, encodings, formats, alignment of every translation with
its original, freshness of generated files, and that the `clear` works share no lines with the
registered ones.

    . .venv/bin/activate && python corpus/tools/check_corpus.py      # exit 1 on any problem
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
SRC = HERE / "sources"
sys.path.insert(0, str(HERE))

import build_releases as B  # noqa: E402
from dgscript import Doc, Episode, alignment_problems, parse_zh, read_dgt, read_zh  # noqa: E402

problems: list[str] = []
report: list[tuple[str, int, str]] = []


def fail(msg: str) -> None:
    problems.append(msg)


def docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def read_original(rel: str) -> Doc:
    path = CORPUS / rel
    if path.suffix == ".docx":
        return parse_zh(docx_text(path))
    return read_zh(path, "gb18030" if rel.endswith("jinjiang_laowu.txt") else "utf-8")


def tsv(rel: str, header: list[str]) -> list[dict[str, str]]:
    with open(CORPUS / rel, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if rows[0] != header:
        fail(f"{rel}: header {rows[0]} != {header}")
    for n, r in enumerate(rows[1:], 2):
        if len(r) != len(header):
            fail(f"{rel}:{n}: {len(r)} columns, expected {len(header)}")
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


# ------------------------------------------------------------------ manifests
registry = tsv("registry.tsv", ["work_id", "path", "title", "lang", "owner", "genre"])
releases = tsv("releases.tsv", ["path", "expected_work_id", "expected_verdict", "kind", "lang", "notes"])
ids = [r["work_id"] for r in registry]
if len(set(ids)) != len(ids):
    fail("registry.tsv: duplicate work ids")
for r in registry + releases:
    if not (CORPUS / r["path"]).exists():
        fail(f"missing path {r['path']}")
VERDICTS = {"translated-copy", "localized-copy", "copy", "partial-copy", "clear"}
for r in releases:
    if r["expected_verdict"] not in VERDICTS:
        fail(f"{r['path']}: verdict {r['expected_verdict']}")
    if (r["expected_verdict"] == "clear") != (r["expected_work_id"] == ""):
        fail(f"{r['path']}: clear <=> empty expected_work_id")
    if r["expected_work_id"] and r["expected_work_id"] not in ids:
        fail(f"{r['path']}: unknown work {r['expected_work_id']}")
    if "->" in r["notes"]:
        for pair in r["notes"].split("; "):
            if pair.count("->") != 1:
                fail(f"{r['path']}: bad rename pair {pair!r}")

# ------------------------------------------------------------------ encodings
for p in sorted(CORPUS.rglob("*")):
    if p.is_dir() or p.suffix in {".docx", ".pyc"} or "__pycache__" in p.parts:
        continue
    data = p.read_bytes()
    rel = str(p.relative_to(CORPUS))
    if rel == "originals/jinjiang_laowu.txt":
        try:
            data.decode("utf-8")
            fail(f"{rel}: should be GB18030, decodes as UTF-8")
        except UnicodeDecodeError:
            data.decode("gb18030")
        continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{rel}: not UTF-8")

# ------------------------------------------------------------------ originals
GENERIC = {"保安", "中年男人"}
originals: dict[str, Doc] = {}
for r in registry:
    rel = r["path"]
    doc = read_original(rel)
    originals[r["work_id"]] = doc
    if len(doc.episodes) != 3:
        fail(f"{rel}: {len(doc.episodes)} episodes")
    for e, ep in enumerate(doc.episodes, 1):
        n_items = sum(len(s.items) for s in ep.scenes)
        if not 3 <= len(ep.scenes) <= 4:
            fail(f"{rel} ep{e}: {len(ep.scenes)} scenes")
        if not 34 <= n_items <= 50:
            fail(f"{rel} ep{e}: {n_items} lines")
    named = {i.speaker for _, _, s in doc.scenes() for i in s.dialogue} - GENERIC
    if not 3 <= len(named) <= 5:
        fail(f"{rel}: {len(named)} named speakers {named}")
    lens = [len(i.text) for _, _, s in doc.scenes() for i in s.dialogue]
    short = sum(n < 8 for n in lens) / len(lens)
    if short > 0.1:
        fail(f"{rel}: {short:.0%} of dialogue lines shorter than 8 characters")
    lines = sum(len(s.items) for _, _, s in doc.scenes())
    report.append((rel, lines, f"registered {r['work_id']}"))

# the .docx original is the same text as its source .txt
src_lines = [
    ln.strip() for ln in (SRC / "shengxia_huida.txt").read_text(encoding="utf-8").splitlines() if ln.strip()
]
if [ln for ln in docx_text(CORPUS / "originals/shengxia_huida.docx").splitlines() if ln.strip()] != src_lines:
    fail(
        "originals/shengxia_huida.docx differs from tools/sources/shengxia_huida.txt (rerun build_releases.py)"
    )

# ------------------------------------------------------------------ translations line up with originals
ALIGN = [  # source, work, dialogue_only, episodes
    ("xihu_wusheng.en.dgt", "xihu-wusheng", False, None),
    ("changan_gongque.en.dgt", "changan-gongque", True, None),
    ("yunduan_zhishang.en-localized.dgt", "yunduan-zhishang", False, None),
    ("jinjiang_laowu.es-localized.dgt", "jinjiang-laowu", False, None),
    ("jinjiang_laowu_ep2.en.dgt", "jinjiang-laowu", False, [2]),
    ("shengxia_huida.id-localized.dgt", "shengxia-huida", True, None),
]
for src, work, dlg, eps in ALIGN:
    probs, _ = alignment_problems(originals[work], read_dgt(SRC / src), dialogue_only=dlg, episodes=eps)
    problems += [f"{src}: {p}" for p in probs]
lifted_orig = originals["chongsheng-niguang"]
lifted_orig = Doc(episodes=[Episode("2", lifted_orig.episodes[1].scenes[:2])])
lifted = read_dgt(SRC / "chongsheng_niguang_2-1_2-2.en-renamed.dgt")
problems += [f"lifted scenes: {p}" for p in alignment_problems(lifted_orig, lifted)[0]]

# ------------------------------------------------------------------ generated files are up to date
FRESH = {
    "releases/en/xihu_wusheng.en.fountain": lambda: B.render_fountain(read_dgt(SRC / "xihu_wusheng.en.dgt")),
    "releases/unrelated/xihu_wusheng_ep04.en.fountain": lambda: B.render_fountain(
        read_dgt(SRC / "xihu_wusheng_ep04.en.dgt")
    ),
    "releases/en/changan_gongque.en.srt": lambda: B.render_srt(
        read_dgt(SRC / "changan_gongque.en.dgt"), seed=7
    ),
    "releases/id/jawaban_musim_panas.id.srt": lambda: B.render_srt(
        read_dgt(SRC / "shengxia_huida.id-localized.dgt"), seed=11
    ),
    "releases/en/above_the_skyline.en.fdx": lambda: B.render_fdx(
        read_dgt(SRC / "yunduan_zhishang.en-localized.dgt"), B.FDX_ORDER
    ),
    "releases/es/la_casa_vieja.es.txt": lambda: B.render_transcript_es(
        read_dgt(SRC / "jinjiang_laowu.es-localized.dgt")
    ),
    "releases/en/hartley_house.en.fountain": B.partial_copy,
    "releases/zh-Hant/changan_gongque.zh-Hant.txt": lambda: B.traditional(
        CORPUS / "originals/changan_gongque"
    ),
    "releases/zh-Hans/nisheng_xujia.txt": lambda: B.renamed_copy(CORPUS / "originals/chongsheng_niguang.txt"),
    "releases/zh-Hans/yunduan_zhishang.oneline.txt": lambda: B.oneline(
        CORPUS / "originals/yunduan_zhishang.txt"
    ),
}
for rel, fn in FRESH.items():
    if (CORPUS / rel).read_text(encoding="utf-8") != fn():
        fail(f"{rel} is stale: rerun corpus/tools/build_releases.py")
ep2_plain = [
    ln for ln in B.render_plain_en(read_dgt(SRC / "jinjiang_laowu_ep2.en.dgt")).splitlines() if ln.strip()
]
if [
    ln for ln in docx_text(CORPUS / "releases/en/jinjiang_laowu_ep02.en.docx").splitlines() if ln.strip()
] != ep2_plain:
    fail("releases/en/jinjiang_laowu_ep02.en.docx is stale")

# ------------------------------------------------------------------ formats
TS = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")


def ms(h: str, m: str, s: str, f: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


for p in sorted(CORPUS.rglob("*.srt")):
    blocks = p.read_text(encoding="utf-8").strip().split("\n\n")
    last_end = -1
    for n, block in enumerate(blocks, 1):
        lines = block.split("\n")
        if lines[0] != str(n):
            fail(f"{p.name}: cue {n} numbered {lines[0]!r}")
            break
        m = TS.match(lines[1]) if len(lines) > 1 else None
        if not m:
            fail(f"{p.name}: cue {n} bad timing {lines[1:2]}")
            break
        start, end = ms(*m.groups()[:4]), ms(*m.groups()[4:])
        if not (start < end and start >= last_end) or len(lines) < 3 or len(lines) > 4:
            fail(f"{p.name}: cue {n} overlaps, is empty or too long")
        last_end = end

from defusedxml import ElementTree as ET  # noqa: E402

FDX_TYPES = {"Scene Heading", "Action", "Character", "Parenthetical", "Dialogue"}
for p in sorted(CORPUS.rglob("*.fdx")):
    root = ET.parse(str(p)).getroot()
    if root.tag != "FinalDraft" or root.get("DocumentType") != "Script":
        fail(f"{p.name}: not a Final Draft script")
    paras = root.findall("./Content/Paragraph")
    kinds = {x.get("Type") for x in paras}
    if not kinds <= FDX_TYPES:
        fail(f"{p.name}: unexpected paragraph types {kinds - FDX_TYPES}")
    headings = [x.findtext("Text") for x in paras if x.get("Type") == "Scene Heading"]
    loc = read_dgt(SRC / "yunduan_zhishang.en-localized.dgt")
    orig_order = [sc.heading for _, _, sc in loc.scenes()]
    if sorted(headings) != sorted(orig_order) or headings == orig_order:
        fail(f"{p.name}: scenes not a shuffle of the original scenes")
    eps_in_first_three = {B.FDX_ORDER[i][0] for i in range(3)}
    if len(eps_in_first_three) < 2:
        fail(f"{p.name}: shuffle does not cross episodes")

# ------------------------------------------------------------------ derived copies
# one-line copy: one physical line per episode, same text as the original without breaks
ol = (CORPUS / "releases/zh-Hans/yunduan_zhishang.oneline.txt").read_text(encoding="utf-8").splitlines()
if len(ol) != 4:
    fail(f"oneline: {len(ol)} lines, expected title + 3")
w1 = (CORPUS / "originals/yunduan_zhishang.txt").read_text(encoding="utf-8").replace("……", "...")
w1_body = re.sub(r"\s+", "", w1[w1.index("第1集") :])
if re.sub(r"\s+", "", "".join(ol[1:])) != w1_body:
    fail("oneline: text differs from the original beyond the line breaks")
# renamed copy: same dialogue per scene, ~10% re-worded, no original names left
ren_text = (CORPUS / "releases/zh-Hans/nisheng_xujia.txt").read_text(encoding="utf-8")
for name in ("顾念", "傅承宇", "白薇", "顾振华", "秦川", "深圳", "华侨城", "南山", "福田", "顾氏", "顾家"):
    if name in ren_text:
        fail(f"renamed copy still contains {name}")
n_dlg = len(re.findall(r"^[^：\n]{1,8}(?:（[^）]*）)?：“", ren_text, re.M))
orig6 = originals["chongsheng-niguang"]
o_dlg = sum(len(s.dialogue) for _, _, s in orig6.scenes())
if n_dlg != o_dlg:
    fail(f"renamed copy: {n_dlg} dialogue lines vs {o_dlg} in the original")
ratio = len(B.REWORDS) / o_dlg
if not 0.08 <= ratio <= 0.16:
    fail(f"renamed copy: {ratio:.0%} of dialogue lines re-worded")
# partial copy: lifted block in the middle of at least 100 lines of original story
part = (CORPUS / "releases/en/hartley_house.en.fountain").read_text(encoding="utf-8")
host_paras = [
    b
    for b in (SRC / "hartley_house.host.fountain").read_text(encoding="utf-8").split("\n\n")
    if b.strip() and b.strip() != "[[INSERT]]" and not b.startswith(("Title:", "INT.", "EXT."))
]
lifted_n = sum(len(s.items) for _, _, s in lifted.scenes())
first = part.index(lifted.episodes[0].scenes[0].heading) / len(part)
if len(host_paras) < 100 or not 0.3 < first < 0.7:
    fail(f"partial: host story has {len(host_paras)} paragraphs, insert at {first:.0%}")

# ------------------------------------------------------------------ unrelated works share no lines


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower()
    return re.sub(r"[\W_]+", "", s)


def shingles_zh(text: str, k: int = 8) -> set[str]:
    t = norm(text)
    return {t[i : i + k] for i in range(len(t) - k + 1)}


def shingles_en(text: str, k: int = 6) -> set[tuple[str, ...]]:
    w = re.findall(r"[a-z']+", text.lower())
    return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}


def dialogue_texts(doc: Doc) -> list[str]:
    return [i.text for _, _, s in doc.scenes() for i in s.items]


zh_reg = set().union(*(shingles_zh("\n".join(dialogue_texts(d))) for d in originals.values()))
wk = parse_zh((CORPUS / "releases/unrelated/wukanglu_tianpin.txt").read_text(encoding="utf-8"))
shared = shingles_zh("\n".join(dialogue_texts(wk))) & zh_reg
if shared:
    fail(f"wukanglu_tianpin shares 8-character runs with registered works: {sorted(shared)[:5]}")
en_sources = [
    "xihu_wusheng.en.dgt",
    "changan_gongque.en.dgt",
    "yunduan_zhishang.en-localized.dgt",
    "jinjiang_laowu_ep2.en.dgt",
    "chongsheng_niguang_2-1_2-2.en-renamed.dgt",
]
en_reg = set().union(*(shingles_en("\n".join(dialogue_texts(read_dgt(SRC / s)))) for s in en_sources))
for rel in ("releases/unrelated/low_tide.en.txt", "releases/unrelated/xihu_wusheng_ep04.en.fountain"):
    text = (CORPUS / rel).read_text(encoding="utf-8")
    shared = shingles_en(text) & en_reg
    if shared:
        fail(f"{rel} shares 6-word runs with translations of registered works: {sorted(shared)[:5]}")
host_text = (SRC / "hartley_house.host.fountain").read_text(encoding="utf-8")
shared = shingles_en(host_text) & en_reg
if shared:
    fail(f"hartley host story shares 6-word runs with registered translations: {sorted(shared)[:5]}")


# ------------------------------------------------------------------ report
def count_lines(rel: str) -> int:
    p = CORPUS / rel
    if p.suffix == ".docx":
        return sum(1 for ln in docx_text(p).splitlines() if ln.strip())
    if p.is_dir():
        return sum(count_lines(str(q.relative_to(CORPUS))) for q in sorted(p.glob("*.txt")))
    enc = "gb18030" if rel.endswith("jinjiang_laowu.txt") else "utf-8"
    return sum(1 for ln in p.read_text(encoding=enc).splitlines() if ln.strip())


print(f"{'file':58} {'lines':>5}  expected")
for r in registry:
    print(f"{r['path']:58} {count_lines(r['path']):5}  registered as {r['work_id']}")
for r in releases:
    exp = r["expected_verdict"] + (f" of {r['expected_work_id']}" if r["expected_work_id"] else "")
    print(f"{r['path']:58} {count_lines(r['path']):5}  {exp} ({r['kind']})")
print(
    f"(non-empty physical lines; partial copy: {lifted_n} lifted lines in {len(host_paras)} lines of original story)"
)
if problems:
    print("\nPROBLEMS:")
    for p in problems:
        print(" -", p)
    sys.exit(1)
print("\nall checks passed")
