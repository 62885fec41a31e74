"""Language of a script's text, by writing system first and then by the frequent words of each language.

Pure heuristics, good enough to pick a normalizer and to label a work: Hangul -> ko, kana -> ja,
Thai -> th, Han -> zh-Hans or zh-Hant (decided by which way OpenCC's character tables would change
the characters), and
Latin-script languages by the share of their stop words among the text's words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from dockguard.formats.zh.convert import changes_to_simplified, changes_to_traditional
from dockguard.han import HAN_RE

UNDETERMINED = "und"
_SAMPLE_CHARS = 60_000
_HAN_SAMPLE = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# distinctive frequent words; a word in several lists counts for each
_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and you that is to of it i what this in my me don't i'm have we your be not with are was for "
        "on just know he she they it's all so but there can yeah oh do get here if right no out about "
        "go got like one would now think want him her his them how who why where".split()
    ),
    "es": frozenset(
        "que de no la el y es en lo un por qué me una te los se con para mi está si pero las su yo tu como "
        "bien esto muy aquí eso del al sí ya le hay nos cuando más sé estoy todo ella él esta tengo puedo "
        "quiero vamos nada algo también porque dónde usted".split()
    ),
    "pt": frozenset(
        "que não de o a é e do da um para com uma os no se na por mais as dos como mas você eu isso ele "
        "está meu muito aqui tem bem vai sim ao ela foi minha estou nós das também quando então agora "
        "só vou sei tudo obrigado fazer pode dele".split()
    ),
    "id": frozenset(
        "yang dan di itu ini tidak aku kau ke apa saya kamu dengan untuk ada akan dia kita tak bisa sudah "
        "dari ya jadi mereka kami harus juga tahu saja sini mau tapi karena pergi baik lagi orang belum "
        "kenapa bagaimana siapa".split()
    ),
    "fr": frozenset(
        "de la le et les des est pas je vous que il un une ne en du ce qui tu c'est pour dans on mais avec "
        "sur au elle nous moi oui suis ça j'ai tout bien mon ma se sa son plus a rien fait être ai "
        "êtes sont aussi très ici".split()
    ),
    "de": frozenset(
        "der die und das ist nicht ich du sie es ein zu den mit ja was wir auf eine dem sich in für mir "
        "aber auch so hat wie mich dich habe bin hier noch nur kann sind wenn mein dann doch schon "
        "einen gut nein bitte".split()
    ),
    "it": frozenset(
        "di che non il la e un per è mi sono una ho ma lo ti cosa questo si ci le io con bene sei del tu "
        "hai della come se perché qui gli mio anche sta solo ha fatto dove chi tutto ancora grazie "
        "sì abbiamo".split()
    ),
    "vi": frozenset(
        "và của là không có một người này tôi anh em được những cho với đã các trong để thì nó đi cũng "
        "làm ra rồi gì vậy chúng ta biết sẽ đây ông bà cô nào đó khi".split()
    ),
    "nl": frozenset(
        "de het een en van ik je niet is dat op te zijn met voor wat er maar ook hij ze wij we mijn hebt "
        "heb dit niets nog wel hier kan jij".split()
    ),
}


def detect_language(texts: Iterable[str]) -> str:
    """Guess the language of some text: zh-Hans, zh-Hant, en, es, pt, id, th, ja, ko, fr, de, ... or 'und'."""
    sample = _take_sample(texts)
    counts = _count_scripts(sample)
    han, kana, hangul = counts["han"], counts["kana"], counts["hangul"]
    latin_words = counts["latin"] / 4.5
    # a CJK character carries about a word's worth of text; compare like with like
    weights = {
        "cjk": han + kana + hangul,
        "thai": counts["thai"] / 3,
        "latin": latin_words,
        "cyrillic": counts["cyrillic"] / 4.5,
        "arabic": counts["arabic"] / 4,
        "hebrew": counts["hebrew"] / 4,
        "greek": counts["greek"] / 4.5,
        "devanagari": counts["devanagari"] / 3,
    }
    script, weight = max(weights.items(), key=lambda item: item[1])
    if weight < 2:
        return UNDETERMINED
    if script == "cjk":
        if hangul >= 0.3 * (han + kana + hangul):
            return "ko"
        if kana >= 0.1 * (han + kana) and kana >= 3:
            return "ja"
        return _chinese_variant(sample)
    if script == "latin":
        return _latin_language(sample)
    return {
        "thai": "th",
        "cyrillic": "ru",
        "arabic": "ar",
        "hebrew": "he",
        "greek": "el",
        "devanagari": "hi",
    }[script]


def _take_sample(texts: Iterable[str]) -> str:
    parts: list[str] = []
    size = 0
    for text in texts:
        parts.append(text)
        size += len(text)
        if size >= _SAMPLE_CHARS:
            break
    return "\n".join(parts)[:_SAMPLE_CHARS]


_SCRIPT_PATTERNS = {
    "latin": re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "han": HAN_RE,
    # ・ and ー also appear in Chinese text
    "kana": re.compile("[\u3040-\u30fa\u30fd-\u30ff]"),
    "hangul": re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"),
    "thai": re.compile("[\u0e00-\u0e7f]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "hebrew": re.compile("[\u0590-\u05ff]"),
    "greek": re.compile("[\u0370-\u03ff]"),
    "devanagari": re.compile("[\u0900-\u097f]"),
}


def _count_scripts(text: str) -> Counter[str]:
    return Counter({name: len(pattern.findall(text)) for name, pattern in _SCRIPT_PATTERNS.items()})


def _chinese_variant(text: str) -> str:
    """zh-Hant when more of the characters are ones OpenCC t2s would change than s2t would."""
    han = Counter(HAN_RE.findall(text))
    if sum(han.values()) > _HAN_SAMPLE:
        han = Counter(dict(han.most_common(3000)))
    traditional = sum(n for ch, n in han.items() if changes_to_simplified(ch))
    simplified = sum(n for ch, n in han.items() if changes_to_traditional(ch))
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def _latin_language(text: str) -> str:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if not words:
        return UNDETERMINED
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP_WORDS.items()}
    lang, hits = max(scores.items(), key=lambda item: item[1])
    # fewer than one word in twelve from any list: not a language we know
    if hits < 2 or hits / len(words) < 1 / 12:
        return UNDETERMINED
    return lang
