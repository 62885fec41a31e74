#!/usr/bin/env python3
"""Rebuild every derived file of the demo corpus from the hand-written texts.

    . .venv/bin/activate && python corpus/tools/build_releases.py

Hand-written (never generated): the originals in corpus/originals/ (except the .docx), the
translation sources in tools/sources/*.dgt, the host story tools/sources/hartley_house.host.fountain,
and the unrelated works in releases/unrelated/*.txt. Everything else is written by this script:

  originals/shengxia_huida.docx                 <- tools/sources/shengxia_huida.txt (make_docx.py)
  releases/en/xihu_wusheng.en.fountain          <- sources/xihu_wusheng.en.dgt
  releases/en/changan_gongque.en.srt            <- sources/changan_gongque.en.dgt
  releases/en/above_the_skyline.en.fdx          <- sources/yunduan_zhishang.en-localized.dgt (scenes shuffled)
  releases/en/hartley_house.en.fountain         <- host story + sources/chongsheng_niguang_2-1_2-2.en-renamed.dgt
  releases/en/jinjiang_laowu_ep02.en.docx       <- sources/jinjiang_laowu_ep2.en.dgt (via plain .txt + make_docx.py)
  releases/es/la_casa_vieja.es.txt              <- sources/jinjiang_laowu.es-localized.dgt
  releases/id/jawaban_musim_panas.id.srt        <- sources/shengxia_huida.id-localized.dgt
  releases/zh-Hant/changan_gongque.zh-Hant.txt  <- originals/changan_gongque/ (OpenCC s2t)
  releases/zh-Hans/nisheng_xujia.txt            <- originals/chongsheng_niguang.txt (renamed, re-worded, re-laid-out)
  releases/zh-Hans/yunduan_zhishang.oneline.txt <- originals/yunduan_zhishang.txt (newlines stripped)
  releases/unrelated/xihu_wusheng_ep04.en.fountain <- sources/xihu_wusheng_ep04.en.dgt (new episode, not a translation)
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
SRC = HERE / "sources"
sys.path.insert(0, str(HERE))

import make_docx  # noqa: E402
from dgscript import Doc, Item, is_voiceover, read_dgt  # noqa: E402


def write(rel: str, text: str, encoding: str = "utf-8") -> None:
    path = CORPUS / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    print(f"wrote {rel}")


# ---------------------------------------------------------------- Fountain


def fountain_items(items: list[Item]) -> list[str]:
    out: list[str] = []
    for it in items:
        if it.kind == "action":
            out += [it.text, ""]
        elif it.kind == "note":
            out += [f"[[{it.text}]]", ""]
        else:
            cue = it.speaker.upper()
            if is_voiceover(it.paren):
                out.append(f"{cue} (V.O.)")
            else:
                out.append(cue)
                if it.paren:
                    out.append(f"({it.paren})")
            out += [it.text, ""]
    return out


def render_fountain(doc: Doc, *, sections: bool = True) -> str:
    out = [f"Title: {doc.meta.get('title', '')}"]
    if "credit" in doc.meta:
        out.append(f"Credit: {doc.meta['credit']}")
    out += ["Author: DockGuard team (demo text)", ""]
    for ep in doc.episodes:
        if sections:
            out += [f"# {ep.heading}", ""]
        for sc in ep.scenes:
            out += [sc.heading, ""]
            out += fountain_items(sc.items)
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- SRT


def _ts(ms: int) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def _wrap(text: str, width: int = 42) -> str:
    if len(text) <= width or " " not in text:
        return text
    mid = len(text) // 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    fitting = [i for i in spaces if i <= width and len(text) - i - 1 <= width]
    cut = min(fitting or spaces, key=lambda i: abs(i - mid))
    return text[:cut] + "\n" + text[cut + 1 :]


def _split_cues(text: str, limit: int = 80) -> list[str]:
    """Split a long line into ceil(len/limit) cues of similar length, cutting after punctuation
    near each ideal cut point when there is some, else at the nearest space."""
    n = -(-len(text) // limit)
    if n <= 1:
        return [text]
    sentence = [m.end() for m in re.finditer(r"[.?!] ", text)]
    clause = [m.end() for m in re.finditer(r"[,;:] ", text)]
    spaces = [i + 1 for i, ch in enumerate(text) if ch == " "]
    cuts: list[int] = []
    for k in range(1, n):
        ideal = len(text) * k // n

        def near(points: list[int], ideal: int = ideal) -> list[int]:
            return [i for i in points if abs(i - ideal) <= 20 and (not cuts or i > cuts[-1])]

        pool = near(sentence) or near(clause) or [i for i in spaces if not cuts or i > cuts[-1]]
        cuts.append(min(pool, key=lambda i: abs(i - ideal)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]


def render_srt(doc: Doc, seed: int) -> str:
    rng = random.Random(seed)
    t = 0
    n = 0
    out: list[str] = []
    for e, ep in enumerate(doc.episodes):
        t += 42_000 if e == 0 else 95_000  # opening titles; end credits + next opening
        for s, sc in enumerate(ep.scenes):
            if s:
                t += rng.randint(2500, 6000)  # scene change
            for it in sc.dialogue:
                parts = _split_cues(it.text)
                for k, part in enumerate(parts):
                    dur = min(7000, max(1300, int(len(part) / 15 * 1000) + 400))
                    dur = dur // 10 * 10 + rng.choice((0, 10, 20, 40, 60))
                    text = _wrap(part)
                    if is_voiceover(it.paren):
                        text = f"<i>{text}</i>"
                    n += 1
                    out += [str(n), f"{_ts(t)} --> {_ts(t + dur)}", text, ""]
                    if k + 1 < len(parts):  # the rest of the same line follows at once
                        t += dur + rng.choice((80, 120, 160))
                    else:
                        t += dur + rng.choice((120, 200, 250, 320, 400, 480, 600, 900, 1500))
    return "\n".join(out)


# ---------------------------------------------------------------- Final Draft


def render_fdx(doc: Doc, order: list[tuple[int, int]]) -> str:
    scenes = {(e, s): sc for e, s, sc in doc.scenes()}
    assert sorted(order) == sorted(scenes), "order must list every scene exactly once"
    p: list[str] = []

    def para(kind: str, text: str, number: int | None = None) -> None:
        num = f' Number="{number}"' if number is not None else ""
        p.append(f'    <Paragraph{num} Type="{kind}">\n      <Text>{escape(text)}</Text>\n    </Paragraph>')

    for n, key in enumerate(order, 1):
        sc = scenes[key]
        para("Scene Heading", sc.heading, n)
        for it in sc.items:
            if it.kind == "note" and it.text.startswith("End of Episode"):
                continue  # episode end markers make no sense once the scenes are reordered
            if it.kind in ("action", "note"):
                para("Action", it.text)
            else:
                cue = it.speaker.upper() + (" (V.O.)" if is_voiceover(it.paren) else "")
                para("Character", cue)
                if it.paren and not is_voiceover(it.paren):
                    para("Parenthetical", f"({it.paren})")
                para("Dialogue", it.text)
    title = escape(doc.meta.get("title", ""))
    author = escape(doc.meta.get("author", "DockGuard team"))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<FinalDraft DocumentType="Script" Template="No" Version="1">\n'
        "  <Content>\n" + "\n".join(p) + "\n  </Content>\n"
        "  <TitlePage>\n    <Content>\n"
        f'      <Paragraph Alignment="Center" Type="Text">\n        <Text>{title}</Text>\n      </Paragraph>\n'
        f'      <Paragraph Alignment="Center" Type="Text">\n        <Text>Written by</Text>\n      </Paragraph>\n'
        f'      <Paragraph Alignment="Center" Type="Text">\n        <Text>{author}</Text>\n      </Paragraph>\n'
        "    </Content>\n  </TitlePage>\n"
        "</FinalDraft>\n"
    )


# ---------------------------------------------------------------- transcripts


def render_transcript_es(doc: Doc) -> str:
    out = [doc.meta["title"].upper(), "(Transcripción del guion adaptado)", ""]
    for ep in doc.episodes:
        out += [ep.heading, ""]
        for sc in ep.scenes:
            out.append(f"[Escena: {sc.heading}]")
            for it in sc.items:
                if it.kind == "action":
                    out.append(f"({it.text})")
                elif it.kind == "note":
                    out.append(f"(Nota: {it.text})")
                else:
                    paren = f" ({it.paren})" if it.paren else ""
                    out.append(f"{it.speaker}{paren}: {it.text}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_plain_en(doc: Doc) -> str:
    out = [doc.meta["title"], ""]
    for ep in doc.episodes:
        out += [ep.heading, ""]
        for sc in ep.scenes:
            out.append(sc.heading)
            for it in sc.items:
                if it.kind == "action":
                    out.append(f"({it.text})")
                elif it.kind == "note":
                    out.append(f"[Note: {it.text}]")
                else:
                    paren = f" ({it.paren})" if it.paren else ""
                    out.append(f"{it.speaker}{paren}: {it.text}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- Chinese-side copies


def traditional(src_dir: Path) -> str:
    from opencc import OpenCC

    cc = OpenCC("s2t.json")
    parts = []
    for i, p in enumerate(sorted(src_dir.glob("第*集.txt"))):
        lines = p.read_text(encoding="utf-8").splitlines()
        if i:  # the title line is repeated in every episode file; keep it once
            lines = lines[1:]
        parts.append("\n".join(lines).strip())
    return cc.convert("\n\n".join(parts)) + "\n"


def oneline(src: Path) -> str:
    """The whole work re-typed without line breaks: one physical line per episode."""
    text = src.read_text(encoding="utf-8").replace("……", "...")
    out: list[str] = []
    cur: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("类型", "【DockGuard")):
            continue
        if re.match(r"^第\d+集$", line):
            if cur:
                out.append("".join(cur))
            cur = [line + " "]
        elif not cur:
            out.append(line)  # the title
        else:
            cur.append(line)
    out.append("".join(cur))
    return "\n".join(out) + "\n"


# 重生之逆光而来 -> 逆光重生：许家千金 (same language, renamed, city moved, ~10% re-worded)
RENAMES = [
    ("重生之逆光而来", "逆光重生：许家千金"),
    ("顾氏集团", "许氏集团"),
    ("顾氏", "许氏"),
    ("顾振华", "许国栋"),
    ("顾念", "许诺"),
    ("傅承宇", "程浩然"),
    ("承宇", "浩然"),
    ("白薇", "林晚"),
    ("秦川", "周屹"),
    ("秦律师", "周律师"),
    ("念念", "诺诺"),
    ("顾家", "许家"),
    ("顾董", "许董"),
    ("顾叔叔", "许叔叔"),
    ("顾小姐", "许小姐"),
    ("深圳湾大桥", "猎德大桥"),
    ("深圳湾", "珠江"),
    ("深圳", "广州"),
    ("华侨城", "二沙岛"),
    ("南山科技园", "天河软件园"),
    ("南山", "天河"),
    ("福田", "珠江新城"),
    ("万象城", "太古汇"),
]
# after renaming: the sea of Shenzhen Bay becomes the Pearl River
RIVER_FIXES = [
    ("珠江的海风", "珠江的江风"),
    ("漆黑的海水", "漆黑的江水"),
    ("珠江的海里", "珠江的水里"),
    ("什么海？", "什么江？"),
]
# light re-wording of about one line in ten (original text -> re-worded text, before renaming)
REWORDS = {
    "念念，签完字的你，已经没有用了。": "念念，字一签完，你对我就没有用处了。",
    "白薇，我爸收留你们母女整整十年，你就是这么报答顾家的？": "白薇，我爸收留了你们母女整整十年，这就是你对顾家的报答？",
    "这是……我的房间？我不是已经死了吗？": "这里……是我的卧室？我明明已经死了啊？",
    "姐姐，你醒啦？明天就是你和承宇哥的订婚宴了，我特意给你热了一杯牛奶。": "姐姐醒啦？明天就是你跟承宇哥订婚的日子，我专门给你热了杯牛奶。",
    "顾小姐，律师不做来历不明的事。": "顾小姐，来路不明的案子，我们律师是不接的。",
    "各位来宾，今天是我女儿顾念和承宇订婚的好日子，谢谢大家赏光。": "各位来宾，感谢大家今天来参加小女顾念和承宇的订婚宴。",
    "扶人回房间，需要在门口站上二十分钟吗？": "扶一个人回房，要在门口站二十分钟？",
    "你等着，顾家的东西，我迟早都会拿走。": "你给我等着，顾家的一切，早晚都是我的。",
    "别慌，下周的董事会才是关键。": "慌什么，真正要紧的是下周的董事会。",
    "鉴定报告在这里，结论是：模仿签名。": "这是鉴定报告，结论写得很清楚：签名是模仿的。",
    "念念，爸爸老了，看错了人，差一点就把顾家交到了一个骗子手里。": "念念，是爸爸老糊涂了，看走了眼，差点把顾家交给一个骗子。",
    "我等的就是她。": "我等的就是她出手。",
}
CN_DIGITS = "零一二三四五六七八九十"


def _rename(s: str) -> str:
    for a, b in RENAMES:
        s = s.replace(a, b)
    for a, b in RIVER_FIXES:
        s = s.replace(a, b)
    return s


def renamed_copy(src: Path) -> str:
    out: list[str] = []
    used = set()
    for raw in src.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            out.append("")
            continue
        if line.startswith(("类型", "【DockGuard")):
            continue
        if m := re.match(r"^第0?(\d+)集$", line):
            out.append(f"【第{CN_DIGITS[int(m.group(1))]}集】")
        elif m := re.match(r"^场景(\d+)-(\d+)：(.+)（(.)/(.)）$", line):
            out.append(
                f"◎{m.group(1)}-{m.group(2)}　{_rename(m.group(3)).replace(' ', '·')}　{m.group(4)}　{m.group(5)}"
            )
        elif line.startswith("人物："):
            out.append("出场：" + _rename(line[3:]))
        elif line.startswith("△"):
            out.append(_rename(line[1:]))  # actions as plain paragraphs, no marker
        elif line.startswith("【"):
            out.append(_rename(line))
        elif m := re.match(r"^([^:（]+)(?:（([^）]*)）)?:(.+)$", line):
            speaker, paren, text = m.groups()
            if text in REWORDS:
                used.add(text)
                text = REWORDS[text]
            paren = "内心独白" if paren == "OS" else paren
            label = _rename(speaker) + (f"（{paren}）" if paren else "")
            out.append(f"{label}：“{_rename(text)}”")
        else:
            out.append(_rename(line))
    missing = set(REWORDS) - used
    assert not missing, f"re-wordings not applied: {missing}"
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


# ---------------------------------------------------------------- partial copy


def partial_copy() -> str:
    host = (SRC / "hartley_house.host.fountain").read_text(encoding="utf-8")
    lifted = read_dgt(SRC / "chongsheng_niguang_2-1_2-2.en-renamed.dgt")
    block: list[str] = []
    for _, _, sc in lifted.scenes():
        block += [sc.heading, ""] + fountain_items(sc.items)
    assert host.count("[[INSERT]]") == 1
    return host.replace("[[INSERT]]", "\n".join(block).rstrip())


# shuffled scene order of the localized Final Draft release: (episode, scene) of the original
FDX_ORDER = [(1, 3), (1, 1), (2, 2), (1, 2), (3, 1), (2, 1), (3, 3), (2, 3), (3, 2)]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        make_docx.main([str(SRC / "shengxia_huida.txt"), str(CORPUS / "originals/shengxia_huida.docx")])
        plain = Path(tmp) / "jinjiang_laowu_ep02.en.txt"
        plain.write_text(render_plain_en(read_dgt(SRC / "jinjiang_laowu_ep2.en.dgt")), encoding="utf-8")
        make_docx.main([str(plain), str(CORPUS / "releases/en/jinjiang_laowu_ep02.en.docx")])

    write("releases/en/xihu_wusheng.en.fountain", render_fountain(read_dgt(SRC / "xihu_wusheng.en.dgt")))
    write(
        "releases/unrelated/xihu_wusheng_ep04.en.fountain",
        render_fountain(read_dgt(SRC / "xihu_wusheng_ep04.en.dgt")),
    )
    write("releases/en/changan_gongque.en.srt", render_srt(read_dgt(SRC / "changan_gongque.en.dgt"), seed=7))
    write(
        "releases/id/jawaban_musim_panas.id.srt",
        render_srt(read_dgt(SRC / "shengxia_huida.id-localized.dgt"), seed=11),
    )
    write(
        "releases/en/above_the_skyline.en.fdx",
        render_fdx(read_dgt(SRC / "yunduan_zhishang.en-localized.dgt"), FDX_ORDER),
    )
    write(
        "releases/es/la_casa_vieja.es.txt",
        render_transcript_es(read_dgt(SRC / "jinjiang_laowu.es-localized.dgt")),
    )
    write("releases/en/hartley_house.en.fountain", partial_copy())
    write("releases/zh-Hant/changan_gongque.zh-Hant.txt", traditional(CORPUS / "originals/changan_gongque"))
    write("releases/zh-Hans/nisheng_xujia.txt", renamed_copy(CORPUS / "originals/chongsheng_niguang.txt"))
    write("releases/zh-Hans/yunduan_zhishang.oneline.txt", oneline(CORPUS / "originals/yunduan_zhishang.txt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
