"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, GB18030/GBK and Big5, then charset-normalizer.

Order matters. Strict UTF-8 is tried first because it almost never succeeds by accident. Chinese
legacy encodings are tried before charset-normalizer because short GBK or Big5 files are the classic
case it labels as a Latin code page (every byte pair "decodes" in cp1252 or mac_roman). A candidate
only wins when the text it produces is plausible: the non-ASCII characters must be common Chinese
characters and CJK punctuation, not the random rare characters a wrong double-byte decoding gives.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from dockguard.errors import InputError, UnsupportedFormat
from dockguard.han import HAN_RE, is_han

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CJK_LEGACY = ("gb18030", "big5", "cp950", "big5hkscs")
# the most frequent Chinese characters (Simplified and their Traditional forms): they make up most of
# any real Chinese text, but only a small share of Korean EUC-KR bytes misread as GBK
_FREQUENT_HAN = frozenset(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后"
    "小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知"
    "民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新"
    "什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别"
    "处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受"
    "光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃"
    "义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必"
    "城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越"
    "史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视"
    "济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域吗吧啊呀哦嗯妈爸哥姐"
    "這個們來說為會時對過還後裡麼沒發學經們頭見兒動長問與實點話現種將當樣麼們東無開間關體別場師書總員員難數"
    "車應聽讓認論義結連遠資隊帶條變聯權傳領遠運調樂團級區轉識寫錢黨歷雙職傷價滿語請愛氣機報國們邊親陽務紅"
)
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\xd0\xcf\x11\xe0", "an old MS Office (.doc) file"),
)
# how plausible a decoding must look to be taken without charset-normalizer
_PLAUSIBLE = 0.9
# "a handful of bad bytes": replacement characters allowed in a lenient decode
_LENIENT_MIN_BAD = 8
_LENIENT_BAD_SHARE = 0.005
_JUDGED_CHARS = 200_000
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    encoding: str
    score: float


def decode_bytes(data: bytes, path: object) -> tuple[str, str]:
    """Decode a text file's bytes; return (text, encoding name). Raises naming `path` when it can't."""
    if not data:
        raise InputError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data[len(bom) :], encoding, path), encoding
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormat(path, f"binary file ({what}), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            return text, "utf-8"
    if data.count(0) > len(data) // 100:
        return _decode_nul_heavy(data, path)
    best = _best_strict_cjk(data)
    if best is not None:
        return best.text, best.encoding
    lenient = _lenient_decode(data)
    if lenient is not None:
        return lenient.text, lenient.encoding
    return _decode_with_normalizer(data, path)


def _decode_with_bom(body: bytes, encoding: str, path: object) -> str:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        text = body.decode(codec, errors="replace")
        if _bad_count_ok(text):
            return text
        raise UnsupportedFormat(
            path, f"starts with a {encoding} byte-order mark but is not {encoding} text"
        ) from None


def _decode_nul_heavy(data: bytes, path: object) -> tuple[str, str]:
    """Many NUL bytes: UTF-16/32 without a BOM (NULs on one side of each pair), or binary."""
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    for encoding in ("utf-32-le", "utf-32-be", *order):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _printable_share(text) >= 0.98 and _plausible_wide_text(text):
            return text, encoding
    raise UnsupportedFormat(path, "binary file (NUL bytes), not text")


def _plausible_wide_text(text: str) -> bool:
    """UTF-16 found by its NULs must read as text: ASCII and Chinese, Latin-1, or one alphabet with spaces.

    Printable alone is not enough: any byte pairs make printable UTF-16 (`\x00\x01\x02\xff` -> Ā＂).
    """
    if _utf16_plausibility(text) >= 0.95:
        return True
    sample = _judged(text)
    if sum(1 for ch in sample if ord(ch) < 0x100) >= 0.9 * len(sample):
        return True
    spaces = sum(1 for ch in sample if ch.isspace())
    return spaces >= 0.02 * len(sample) and _looks_like_one_script(sample)


def _best_strict_cjk(data: bytes) -> _Candidate | None:
    candidates: list[_Candidate] = []
    for encoding in _CJK_LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = cjk_plausibility(text)
        if score is not None and score >= _PLAUSIBLE and _printable_share(text) >= 0.98:
            candidates.append(_Candidate(text, encoding, score))
    if len(data) % 2 == 0:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            # a UTF-16 decoding has to be plausible as a whole, ASCII included
            score = _utf16_plausibility(text)
            if score >= 0.95:
                candidates.append(_Candidate(text, encoding, score))
    if not candidates:
        return None
    korean = _korean_instead(data, candidates)
    if korean is not None:
        return korean
    # max() keeps the first of equal scores, so the order above breaks ties (GB18030 before Big5)
    return max(candidates, key=lambda c: c.score)


def _korean_instead(data: bytes, candidates: list[_Candidate]) -> _Candidate | None:
    """EUC-KR Hangul rows fall in GB2312's hanzi rows: a GBK reading of Korean looks plausible
    character by character, but lacks the frequent characters every Chinese text is made of."""
    gb = next((c for c in candidates if c.encoding == "gb18030"), None)
    if gb is None:
        return None
    han = HAN_RE.findall(gb.text)
    if not han or sum(1 for ch in han if ch in _FREQUENT_HAN) / len(han) >= 0.3:
        return None
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if not ch.isascii() and not ch.isspace()]
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3")
    if non_ascii and hangul / len(non_ascii) >= 0.6:
        return _Candidate(text, "cp949", hangul / len(non_ascii))
    return None


def _lenient_decode(data: bytes) -> _Candidate | None:
    """Real fan files carry a few bad bytes: accept a decoding that is right but for a handful."""
    for encoding in ("utf-8", *_CJK_LEGACY[:2]):
        text = data.decode(encoding, errors="replace")
        if not _bad_count_ok(text):
            continue
        bad = text.count("\ufffd")
        decoded_non_ascii = sum(1 for ch in text if not ch.isascii()) - bad
        # the good multibyte characters must outweigh the bad bytes by far, or a Latin-1 file with
        # a few accented letters would pass as "UTF-8 with a handful of bad bytes"
        if decoded_non_ascii < 10 * bad:
            continue
        score = cjk_plausibility(text.replace("\ufffd", ""))
        if encoding != "utf-8" and (score is None or score < _PLAUSIBLE):
            continue
        if _printable_share(text) >= 0.98:
            return _Candidate(text, f"{encoding}-lossy", score or 1.0)
    return None


def _decode_with_normalizer(data: bytes, path: object) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        raise UnsupportedFormat(path, "unknown text encoding (not UTF-8, UTF-16, GB18030 or Big5)")
    text = str(match)
    if _printable_share(text) < 0.98 or not _looks_like_one_script(text):
        raise UnsupportedFormat(
            path,
            f"unknown text encoding (best guess {match.encoding} gives unreadable text); save it as UTF-8",
        )
    western = _prefer_western(data, match.encoding)
    if western is not None:
        return western, "cp1252"
    return text, match.encoding


_WESTERN_LETTERS = frozenset("áéíóúàèìòùâêîôûãõçñäëïöüÿßœæ¿¡ÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÃÕÇÑÄËÏÖÜ’‘“”…–—«»")


def _prefer_western(data: bytes, encoding: str) -> str | None:
    """charset-normalizer often calls short Spanish/French text cp1250; cp1252 reads it right."""
    if encoding.replace("_", "").replace("-", "").lower() in ("cp1252", "windows1252", "ascii", "utf8"):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if not ch.isascii() and not ch.isspace()]
    if not non_ascii:
        return None
    western = sum(1 for ch in non_ascii if ch in _WESTERN_LETTERS)
    return text if western / len(non_ascii) >= 0.9 else None


def _bad_count_ok(text: str) -> bool:
    bad = text.count("\ufffd")
    return bad <= max(_LENIENT_MIN_BAD, int(len(text) * _LENIENT_BAD_SHARE))


def _printable_share(text: str) -> float:
    text = _judged(text)
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Co", "Cn", "Cs"):
            bad += 1
    return 1.0 - bad / len(text)


def cjk_plausibility(text: str) -> float | None:
    """Share of the non-ASCII characters that are common Chinese characters or CJK punctuation.

    None when the text has no non-ASCII letters to judge by.
    """
    judged = 0
    plausible = 0
    for ch in _judged(text):
        if ch.isascii() or ch.isspace():
            continue
        judged += 1
        if _is_common_cjk(ch):
            plausible += 1
    return None if judged == 0 else plausible / judged


def _utf16_plausibility(text: str) -> float:
    text = _judged(text)
    if not text:
        return 0.0
    good = 0
    for ch in text:
        if ch.isascii():
            good += ch.isprintable() or ch in _ALLOWED_CONTROLS
        elif ch.isspace() or _is_common_cjk(ch):
            good += 1
    return good / len(text)


@lru_cache(maxsize=65536)
def _is_common_cjk(ch: str) -> bool:
    code = ord(ch)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF65 or 0x2010 <= code <= 0x2027:
        return True
    if code in (0x00B7, 0x00D7, 0x2030, 0x203B, 0x2103, 0x25B3, 0x25B2, 0x25CB, 0x25CF, 0x2605, 0x2606):
        return True
    if 0x2460 <= code <= 0x249B or 0x3220 <= code <= 0x3243:  # ① ⑴ ㈠ list numbers
        return True
    if not is_han(ch):
        return False
    # the GB2312 hanzi (6763) and Big5's common characters (5401) cover ordinary modern text;
    # a wrong double-byte decoding scatters over all ~21000, mostly outside both
    try:
        gb = ch.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xF7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = ch.encode("big5")
        return 0xA4 <= big5[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _looks_like_one_script(text: str) -> bool:
    """Reject single-byte decodings of noise: real text keeps to one alphabet and few symbols."""
    letters_by_script: dict[str, int] = {}
    symbols = 0
    judged = 0
    for ch in _sample(text, 20000):
        if ch.isascii() or ch.isspace():
            continue
        judged += 1
        category = unicodedata.category(ch)
        if category.startswith("L") or category.startswith("M"):
            script = _script_of(ch)
            letters_by_script[script] = letters_by_script.get(script, 0) + 1
        elif category.startswith("S") or category in ("Cc", "Co", "Cn"):
            symbols += 1
    if judged == 0:
        return True
    if symbols / judged > 0.1:
        return False
    total_letters = sum(letters_by_script.values())
    return total_letters == 0 or max(letters_by_script.values()) / total_letters >= 0.8


def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    # Japanese and Korean text mixes these by nature
    return "CJK" if script in _EAST_ASIAN_SCRIPTS else script


_EAST_ASIAN_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "HALFWIDTH"})


def _sample(text: str, limit: int) -> Iterable[str]:
    return text if len(text) <= limit else text[:limit]


def _judged(text: str) -> str:
    """The part of a decoding that plausibility is judged on: enough to tell, bounded for big files."""
    if len(text) <= _JUDGED_CHARS:
        return text
    half = _JUDGED_CHARS // 2
    return text[:half] + text[-half:]
