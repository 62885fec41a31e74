"""Renames inferred from aligned lines: which character or place of the original became which name
in the release (林霄 → Leo, 上海 → New York), with how many aligned lines support each.

Speakers are paired by the speaker labels of aligned lines. Names in the text are paired by how
consistently they occur together on the two sides of aligned pairs (Dice coefficient). Across
languages a pair counts as a rename only when the release name is not a transliteration of the
original one (林霄 → Lin Xiao is a translation, 林霄 → Leo a rename).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from dockguard.han import HAN
from dockguard.model import Rename
from dockguard.normalize import is_cjk_text, to_simplified

# Places a Chinese drama is commonly set in; release-side places need no list (proper nouns).
CHINESE_PLACES = tuple(
    "北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 成都 武汉 西安 长沙 郑州 青岛 大连 厦门 宁波 沈阳 "
    "哈尔滨 长春 济南 合肥 福州 南昌 昆明 贵阳 南宁 海口 三亚 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 "
    "石家庄 太原 无锡 佛山 东莞 珠海 温州 香港 澳门 台北 高雄 丽江 大理 桂林 扬州 绍兴 洛阳 开封 "
    "长安 金陵 汴京 临安 江南 京城 京都 外滩 西湖 陆家嘴 浦东 王府井 长城 故宫 天安门 黄浦江 秦淮河".split()
)

_CAP_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*")


def _fold(name: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", name)).casefold().strip()


# Letters that sound alike across pinyin and Western spellings fall into one class; English "c"
# and "g" are tried both hard (k) and soft (s, as in Cecil, Ginger ~ 金吉儿).
_SOUND_CLASSES = (
    str.maketrans("bpdtgkcqszxjlrfvwmn", "ppttkkksssssllfffnn", "aeiouyh"),
    str.maketrans("bpdtgkcqszxjlrfvwmn", "ppttskssssssllfffnn", "aeiouyh"),
)


@lru_cache(maxsize=4096)
def _romanize(name: str) -> str:
    if is_cjk_text(name):
        from pypinyin import lazy_pinyin

        name = "".join(lazy_pinyin(name))
    letters = unicodedata.normalize("NFKD", name.casefold()).replace("ph", "f")
    return "".join(c for c in letters if "a" <= c <= "z")


def is_transliteration(original: str, release: str) -> bool:
    """True when two names in different scripts plausibly sound the same (林霄 ~ Lin Xiao)."""
    a, b = _romanize(original), _romanize(release)
    if not a or not b:
        return False
    if a == b or SequenceMatcher(None, a, b).ratio() >= 0.75:
        return True
    for table in _SOUND_CLASSES:
        sa, sb = a.translate(table), b.translate(table)  # consonant skeletons
        if sa and sb and sa[0] == sb[0] and SequenceMatcher(None, sa, sb).ratio() >= 0.6:
            return True
    return False


def _is_renamed(original: str, release: str) -> bool:
    if _fold(original) == _fold(release):
        return False
    if is_cjk_text(original) != is_cjk_text(release):
        return not is_transliteration(original, release)
    return True


def speaker_pairs(pairs: Iterable[tuple[str | None, str | None]], min_support: int = 2) -> list[Rename]:
    """Each original speaker's most frequent counterpart among aligned lines."""
    by_original: dict[str, Counter[str]] = {}
    labels: dict[str, str] = {}
    for orig, rel in pairs:
        if orig and rel:
            key = _fold(rel)
            labels.setdefault(key, rel.strip().title() if rel.isupper() else rel.strip())
            by_original.setdefault(orig, Counter())[key] += 1
    out = []
    for orig, counts in by_original.items():
        rel_key, n = counts.most_common(1)[0]
        if n >= min_support and n * 2 > sum(counts.values()):
            rel = labels[rel_key]
            out.append(Rename("character", orig, rel, n, _is_renamed(orig, rel)))
    return sorted(out, key=lambda p: -p.support)


def release_proper_nouns(texts: Sequence[str]) -> set[str]:
    """Capitalised words of a Latin-script release that never occur in lower case (proper nouns)."""
    lower: set[str] = set()
    capital: Counter[str] = Counter()
    for text in texts:
        for word in re.findall(r"[\w'’-]+", text):
            if word[0].islower():
                lower.add(word)
        for word in _CAP_WORD.findall(text):
            capital[word] += 1
    return {w for w in capital if w.lower() not in lower and not w.isupper() and len(w) > 1}


def _names_in(text: str, names: Iterable[str], cjk: bool) -> set[str]:
    if cjk:
        found = set()
        text = to_simplified(text)
        for name in sorted(names, key=len, reverse=True):  # 上海 inside 上海市 once, not twice
            if name in text:
                found.add(name)
                text = text.replace(name, "\0")
        return found
    words = set(re.findall(r"[\w'’-]+", text))
    found = {n for n in names if n in words}
    # multi-word places (New York): two proper nouns in a row
    for a, b in zip(re.findall(r"[\w'’-]+", text), re.findall(r"[\w'’-]+", text)[1:], strict=False):
        if a in names and b in names:
            found.add(f"{a} {b}")
            found.discard(a)
            found.discard(b)
    return found


def text_name_pairs(
    pairs: Sequence[tuple[str, str]],
    original_names: Iterable[str],
    release_names: Iterable[str],
    min_support: int = 2,
    min_dice: float = 0.5,
) -> list[Rename]:
    """Names mentioned in aligned texts, paired by co-occurrence across the aligned pairs."""
    onames = {to_simplified(n) for n in original_names if n}
    rnames = set(release_names)
    if not pairs or not onames or not rnames:
        return []
    o_cjk = is_cjk_text("".join(p[0] for p in pairs[:50]))
    r_cjk = is_cjk_text("".join(p[1] for p in pairs[:50]))
    c_o: Counter[str] = Counter()
    c_r: Counter[str] = Counter()
    c_or: Counter[tuple[str, str]] = Counter()
    for otext, rtext in pairs:
        os_ = _names_in(otext, onames, o_cjk)
        rs = _names_in(rtext, rnames, r_cjk)
        c_o.update(os_)
        c_r.update(rs)
        c_or.update((a, b) for a in os_ for b in rs)
    out: dict[str, Rename] = {}
    scored = [(n, 2 * n / (c_o[a] + c_r[b]), a, b) for (a, b), n in c_or.items()]
    for n, dice, a, b in sorted(
        scored, key=lambda x: (-x[0], -x[1], x[2], x[3])
    ):  # ties by name: reproducible
        if n < min_support or dice < min_dice or a in out:
            continue
        kind = "place" if a in CHINESE_PLACES else "name"
        out[a] = Rename(kind, a, b, n, _is_renamed(a, b))
    return sorted(out.values(), key=lambda p: -p.support)


_HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(r"\w+")  # a name said in a line is one of its words (release names are letters only)


def mined_name_pairs(
    pairs: Sequence[tuple[str, str]],
    release_names: Iterable[str],
    known: Iterable[str] = (),
    min_support: int = 3,
    min_dice: float = 0.5,
) -> list[Rename]:
    """For a Chinese original without a cast list (subtitles name no speakers): each release name's
    counterpart is the 2-4 character string of the original that occurs in the same aligned pairs
    as the name and rarely elsewhere (瑞秋 whenever "Rachel" or its renamed "Camila" is said)."""
    texts = [to_simplified(o) for o, _ in pairs]
    grams_of = []
    for text in texts:
        grams: set[str] = set()
        for run in _HAN_RUN.findall(text):
            for n in (2, 3, 4):
                grams.update(run[i : i + n] for i in range(len(run) - n + 1))
        grams_of.append(grams)
    gram_count: Counter[str] = Counter(g for grams in grams_of for g in grams)
    taken = set(known)
    out = []
    words_of = [set(_WORD.findall(r)) for _, r in pairs]
    for name in release_names:
        rows = [i for i, words in enumerate(words_of) if name in words]
        if len(rows) < min_support:
            continue
        together: Counter[str] = Counter(g for i in rows for g in grams_of[i])
        best = max(
            (
                (2 * n / (gram_count[g] + len(rows)), len(g), g, n)
                for g, n in together.items()
                if n >= min_support
            ),
            default=None,
        )
        if best is None or best[0] < min_dice or any(best[2] in t or t in best[2] for t in taken):
            continue
        taken.add(best[2])
        kind = "place" if best[2] in CHINESE_PLACES else "name"
        out.append(Rename(kind, best[2], name, best[3], _is_renamed(best[2], name)))
    return sorted(out, key=lambda p: -p.support)
