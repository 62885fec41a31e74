"""Who speaks in a Chinese script: which `名字：` labels are characters and which are not.

A label is taken as a speaker when it is short (1-6 Han characters, or a short mix such as 学生B or
夏の), is not one of the script's own labels (时间 地点 人物 场景 特写 字幕 ...) or a time word, and
recurs: as a label at least twice, or once as a label and again anywhere in the text (names of two or
more characters), or it is listed in the cast. That keeps one-off `议论：` or `音乐响起：` out.

Labels that are a known name plus something are not names of their own: `林霄冷笑：` is 林霄 with a
note, `白天李肖：` is 李肖 after a glued heading; kinship (`唐鹏母亲`) makes a different character.
All matching is done on the Simplified view of the text (see zh.convert).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dockguard.han import HAN, count_han

NAME_CHARS = f"{HAN}A-Za-z0-9０-９Ａ-Ｚａ-ｚ\u3040-\u309f\u30a0-\u30ff·•"
# after one of these a new label can start: line start, spaces, sentence and bracket ends
BOUNDARY = "\\s\u3000。！？!?…；;，,、）)】\\]」』”’〉》>—–△▲☆★●◆■"
BOUNDARY_CHARS = frozenset(" \t\u3000。！？!?…；;，,、）)】]」』”’〉》>—–△▲☆★●◆■")
COLON = "[：:]"
NOTE = r"[（(［\[]([^（）()［\]\[\]]{0,40})[）)］\]]"

TIME_WORDS = frozenset(
    """日 夜 晨 晚 早 午 内 外 日内 日外 夜内 夜外 晨内 晨外 内景 外景 日景 夜景 白天 晚上 夜晚 清晨 早晨 早上 上午
    中午 下午 傍晚 黄昏 深夜 凌晨""".split()
)
# the script's own labels: headings, cast lists, camera and sound directions, and words that end a
# clause with a colon in narration
STRUCTURE_LABELS = (
    frozenset(
        """时间 地点 时间地点 人物 人 出场 出场人物 主要人物 人物表 人物介绍 登场人物 角色 演员 演员表 演员数 场景 场 景 场次 场地
    地 时 道具 服装 化妆 音乐 音效 背景 背景音乐 字幕 画面 镜头 特写 近景 中景 远景 全景 大全景 空镜 切 闪回 片头 片尾
    片名 剧名 剧本 剧情 梗概 故事梗概 剧情梗概 剧情简介 故事简介 故事大纲 大纲 简介 主题 编剧 导演 作者 原著 备注 注
    注意 说明 提示 幕启 幕落 台景 舞台 布景 季节 天气 气氛 日期 内容 剧本内容 正文 剧本正文 序幕 尾声 引子 楔子 题记
    这时 同时 然后 此时 突然 忽然 最后 首先 其次 另外 问题 答案 结果 原因 目的 地址 电话 结论 总结 口号 标题 特点
    规则 要求 任务 方法 条件 价格 姓名 性别 年龄 职业 身份 性格 外貌 特征 爱好 备考 附 附录 例如 比如 其中 即 如下
    演职员表 定场诗 主题曲 插曲 歌词 唱 合 齐 旁注 提要 故事 情节 镜 景别 全剧终 剧终 完 未完待续 因为 所以 但是 可是
    如果 虽然 然而 于是 而且 或者 还是 就是 不是 只是 还有 接着 后来 其实 当然 总之 说 道 问 答 喊 叫 说道 问道 答道
    喊道 叫道 笑道 笑说 回答 他说 她说 我说 你说 大家说 有人说 说着 只见 心想 想 写着 上面写着 自言自语 叹口气
    叹气 心里想""".split()
    )
    | TIME_WORDS
)
# labels of several characters that make a word elsewhere in a name: 阿旺卧室人物, 字幕并画外音
_LABEL_PARTS = (
    "人物",
    "场景",
    "特写",
    "字幕",
    "画外",
    "旁白",
    "独白",
    "音乐",
    "镜头",
    "画面",
    "时间",
    "地点",
    "内景",
    "外景",
)
# labels that introduce narration rather than a character's line
VOICE_LABELS = frozenset("旁白 画外音 解说 独白 内心独白 心声 OS VO".split())
CAMERA_LABELS = frozenset("特写 近景 中景 远景 全景 大全景 空镜 镜头 画面 切 闪回".split())
CAST_LABELS = frozenset("人物 人 出场 出场人物 主要人物 人物表 人物介绍 登场人物 角色 演员 演员表".split())
_KIN = re.compile(
    "(?:母亲|父亲|妈妈|爸爸|妈|爸|爹|娘|母|父|哥哥|姐姐|弟弟|妹妹|哥|姐|弟|妹|妻子|丈夫|妻|夫|媳妇|老婆|老公|儿子|女儿|"
    "奶奶|爷爷|姥姥|姥爷|外婆|外公|婶|叔|姨|舅|嫂|姑|家的|媳|太太|先生|小姐|女士)$"
)
_SPEECH_VERB = re.compile("(?:说道|问道|答道|喊道|叫道|笑道|骂道|哭道|怒道|说|道|问|答|喊|叫)$")
# what follows a name in a label to say how the line is said: 张健笑： 苏康回复：
_MANNER = re.compile(
    "(?:笑|哭|叹|怒|急|惊|回复|回答|读|念|唱|想|心想|自语|低语|喃喃|大喊|大叫|小声|低声|轻声)$"
)
_NOT_IN_NAMES = frozenset("的了着在是把被就都也又和与跟对向给从说道问呢吗吧啊呀岁")
_PRONOUN_START = "他她它"
_CAST_DESCRIPTION = re.compile(
    r"^\s*(?:[男女](?:[，,。.、\s)）]|$)|[0-9０-９]{1,3}\s*岁|[0-9０-９]+多岁|[一二三四五六七八九十]+岁)"
)
_CAST_SPLIT = re.compile(r"[、，,；;／/\s\u3000]+")
_NAME_HEAD = re.compile(f"^[{NAME_CHARS}]{{1,8}}")
# counting is stricter than segmenting: after a comma, `…，抓起话筒：` is narration more often than a name
_CANDIDATE = re.compile(
    f"(?:^|(?<=[{BOUNDARY.replace('，,、', '')}]))(?P<name>[{NAME_CHARS}]{{1,8}}|[{HAN}](?: [{HAN}]){{1,3}})\\s*(?:{NOTE})?\\s*{COLON}"
)
_SPACED = re.compile(f"(?:^|(?<=[\\s\u3000]))(?P<name>[{HAN}](?: [{HAN}]){{1,2}})(?=[\\s\u3000])")
_CAST_LIST = re.compile(f"(?:人物表|人物介绍|主要人物|出场人物|登场人物|人物|出场|演员表|角色)\\s*{COLON}?")


def normalize_name(raw: str) -> str:
    return "".join(raw.split())


def is_plausible_name(name: str) -> bool:
    """Short, not a label, not a phrase: could this be a character's name?"""
    if not name or name in STRUCTURE_LABELS or name in VOICE_LABELS:
        return False
    han = count_han(name)
    if han == 0:
        # a Latin-only name in a Chinese script: short and capitalised (Tom, JAY, A)
        return bool(re.fullmatch(r"[A-Z][A-Za-z]{0,9}", name))
    if han > 6 or len(name) > 10 or name[0].isdigit() or "岁" in name:
        return False
    if len(name) > 1 and name[0] in _PRONOUN_START:
        return False
    # 小声地, 嘀咕声: how something is said or heard, not who says it
    if len(name) >= 3 and (any(ch in _NOT_IN_NAMES for ch in name) or name.endswith(("地", "声"))):
        return False
    if len(name) > 2 and any(part in name for part in _LABEL_PARTS):
        return False
    return not re.fullmatch(r"[第\d一二三四五六七八九十百]+[场幕集章回节]?", name)


def is_cast_description(text: str) -> bool:
    """`男，10岁。…` after a name: a cast list entry, not a line of dialogue."""
    return bool(_CAST_DESCRIPTION.match(text))


@dataclass(frozen=True, slots=True)
class Resolved:
    """A label read as a speaker: the name's length within the label, and whether more follows."""

    name: str
    name_length: int


@dataclass(frozen=True, slots=True)
class SpeakerSet:
    """The names accepted as speakers in one file, and how to recognise one before a colon."""

    names: frozenset[str]
    spaced: frozenset[str]

    def resolve(self, raw: str) -> Resolved | None:
        """A label that is an accepted name, or an accepted name plus a note (林霄冷笑, S女士大喊)."""
        if raw in self.names:
            return Resolved(raw, len(raw))
        if " " in raw:
            flat = normalize_name(raw)
            return Resolved(flat, len(raw)) if flat in self.names else None
        for size in range(min(6, len(raw) - 1), 0, -1):
            head, tail = raw[:size], raw[size:]
            if head not in self.names or len(tail) > 6:
                continue
            # one character is too common to carry a free tail: 李 + 先生 is 李先生, not 李
            if size >= 2 or _SPEECH_VERB.search(tail):
                return Resolved(head, size)
        return None

    def suffix(self, text: str) -> str | None:
        """The longest accepted name (2+ characters) `text` ends with: a label glued to the text before."""
        for size in range(min(6, len(text)), 1, -1):
            if text[-size:] in self.names:
                return text[-size:]
        return None

    def split_glued(self, token: str) -> list[int]:
        """三奶奶秋萍 -> [3, 2] (lengths) when every piece is known; [] when it cannot be split so."""
        out: list[int] = []
        i = 0
        while i < len(token):
            for size in range(min(6, len(token) - i), 0, -1):
                if token[i : i + size] in self.names:
                    out.append(size)
                    i += size
                    break
            else:
                return []
        return out


def collect_speakers(lines: Sequence[str]) -> SpeakerSet:
    """Find the speaker names of a Chinese script from its `名字：` labels and cast lists."""
    counts: Counter[str] = Counter()
    cast: set[str] = set()
    spaced: Counter[str] = Counter()
    for line in lines:
        for match in _CANDIDATE.finditer(line):
            name = strip_speech_verb(normalize_name(match.group("name")))
            if is_cast_description(line[match.end() :]):
                cast.add(name)
            counts[name] += 1
        for match in _SPACED.finditer(line):
            spaced[match.group("name")] += 1
        for match in _CAST_LIST.finditer(line):
            chunk = line[match.end() : match.end() + 200]
            cast.update(chunk[start:end] for start, end in cast_name_spans(chunk))
    text = "\n".join(lines)
    names = {
        name
        for name, n in counts.items()
        if is_plausible_name(name) and (n >= 2 or name in cast or _mentioned_again(name, text))
    }
    names = {name for name in names if not _is_known_plus_more(name, names, counts[name])}
    spaced_names = frozenset(
        raw
        for raw, n in spaced.items()
        if n >= 2 and is_plausible_name(normalize_name(raw)) and not _all_time_words(raw)
    )
    return SpeakerSet(frozenset(names) | frozenset(normalize_name(s) for s in spaced_names), spaced_names)


def strip_speech_verb(name: str) -> str:
    """孙圆圆说 -> 孙圆圆: prose-style labels name the speaker with a verb."""
    match = _SPEECH_VERB.search(name)
    if match is not None and match.start() >= 2:
        return name[: match.start()]
    return name


def _mentioned_again(name: str, text: str) -> bool:
    """A one-off label counts when the name also turns up in the text (老姚和凤兰正在吃饭 … 凤兰：)."""
    # one character occurs everywhere; it has to recur as a label
    return len(name) >= 2 and text.count(name) >= 2


def _is_known_plus_more(name: str, names: set[str], count: int) -> bool:
    """林霄冷笑 (a known name and a note), 白天李肖 / 进房间英子 (text glued before a known name)."""
    for size in range(2, len(name)):
        head, tail = name[:size], name[size:]
        if (
            head in names
            and not _KIN.search(tail)
            and (count <= 2 or _MANNER.search(tail) or _SPEECH_VERB.search(tail))
        ):
            return True
        head, tail = name[: len(name) - size], name[len(name) - size :]
        if tail in names and (head in TIME_WORDS or (len(head) >= 2 and count <= 2)):
            return True
    return False


def _all_time_words(raw: str) -> bool:
    return all(ch in TIME_WORDS for ch in raw.split())


def cast_name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the names heading a cast list: `林霄、苏晴`, `李春兰——女，60岁`, `阎母 阎虹菲`."""
    spans: list[tuple[int, int]] = []
    position = 0
    for token in _CAST_SPLIT.split(text):
        start = text.find(token, position)
        position = start + len(token)
        head = _NAME_HEAD.match(token)
        if head is None:
            if spans:
                break
            continue
        name = re.split(r"[—\-－（(：:0-9０-９]", head.group(0))[0]
        if is_plausible_name(name) and name not in CAST_LABELS:
            spans.append((start, start + len(name)))
    return spans
