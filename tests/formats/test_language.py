"""Language detection on sentences written for the tests."""

from __future__ import annotations

import pytest

from dockguard.formats.language import detect_language

SENTENCES = {
    "zh-Hans": "林霄推门而入，看见苏晴正在窗边发呆。她说：我们之间已经没有什么可说的了。",
    "zh-Hant": "林霄推門而入，看見蘇晴正在窗邊發呆。她說：我們之間已經沒有什麼可說的了。",
    "en": "I don't know what you are talking about. We have to get out of here right now.",
    "es": "No sé de qué estás hablando. Tenemos que salir de aquí ahora mismo, por favor.",
    "pt": "Não sei do que você está falando. Temos que sair daqui agora mesmo, por favor.",
    "id": "Aku tidak tahu apa yang kamu bicarakan. Kita harus pergi dari sini sekarang juga.",
    "fr": "Je ne sais pas de quoi vous parlez. Nous devons partir d'ici tout de suite.",
    "de": "Ich weiß nicht, wovon du redest. Wir müssen sofort hier raus, bitte.",
    "it": "Non so di cosa stai parlando. Dobbiamo andarcene da qui subito, per favore.",
    "vi": "Tôi không biết anh đang nói gì. Chúng ta phải đi khỏi đây ngay bây giờ.",
    "ja": "何を言っているのか分かりません。今すぐここから出なければなりません。",
    "ko": "무슨 말을 하는지 모르겠어요. 지금 당장 여기서 나가야 해요.",
    "th": "ฉันไม่รู้ว่าคุณกำลังพูดถึงอะไร เราต้องออกไปจากที่นี่เดี๋ยวนี้",
    "ru": "Я не знаю, о чём ты говоришь. Нам нужно уходить отсюда прямо сейчас.",
}


@pytest.mark.parametrize(("language", "sentence"), list(SENTENCES.items()))
def test_sentences(language: str, sentence: str) -> None:
    assert detect_language([sentence]) == language


def test_many_texts_are_read_together() -> None:
    assert detect_language(["Hi.", "Where are you going?", "I don't know, it's late."]) == "en"


@pytest.mark.parametrize("texts", [[], [""], ["12345 !!! ..."], ["Zzyzx qwrt plmk"]])
def test_undetermined(texts: list[str]) -> None:
    assert detect_language(texts) == "und"


def test_english_names_in_chinese_text_stay_chinese() -> None:
    assert detect_language(["JAY：你好，我是新来的同学，今天第一天上课。AMM：欢迎欢迎！"]) == "zh-Hans"
