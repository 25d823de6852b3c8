"""Cleaning rules: small pure functions on one line of text.

Takes: one line (str) of an article, already decoded.
Gives: either a transformed line plus how many changes the rule made
(``(text, count)``), or a classification (which debris rule matched, whether the line
is a photo caption, a byline, a subheading, a speaker line).

Nothing here reads files or keeps state; ``briefbook.corpus.store`` runs the rules in a
fixed order and records which rule changed what, for ``briefbook corpus diff``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Literal

from briefbook.core.chars import CJK_PUNCTUATION, HAN, has_han, is_cjk, is_han
from briefbook.corpus.model import Credit

TextRule = Callable[[str], tuple[str, int]]

# --- pinyin annotations (seed hbrb) ------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_SYLLABLE = f"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*"
# A tone-marked syllable in ASCII parentheses right after a Han character: 網(wǎng).
_PINYIN_ANNOTATION = re.compile(f"(?<=[{HAN}])\\(({PINYIN_SYLLABLE})\\)")


def strip_pinyin(line: str) -> tuple[str, int]:
    """Remove pinyin annotations like ``網(wǎng)`` → ``網``.

    Only a single tone-marked syllable in parentheses directly after a Han character
    counts, so ``(記者謝慧敏)``, ``(COVID-19)`` or ``(左)`` are left alone.
    """
    return _PINYIN_ANNOTATION.subn("", line)


# --- script conversion -------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _opencc(config: str) -> Any:
    import opencc  # imported here: ~0.1 s, and most commands that read the corpus never convert

    return opencc.OpenCC(config)


def to_simplified(line: str) -> tuple[str, int]:
    """Traditional → simplified with OpenCC ``t2s``; count = characters changed."""
    out = _opencc("t2s").convert(line)
    changed = sum(1 for a, b in zip(line, out, strict=False) if a != b)
    if len(out) != len(line):  # t2s is 1:1 in practice; be honest if it is not
        changed = max(changed, 1)
    return out, changed


def to_traditional(text: str) -> str:
    """Simplified → traditional (``s2t``); used to detect script and in tests."""
    return _opencc("s2t").convert(text)


def traditional_share(text: str) -> float:
    """Share of Han characters that OpenCC ``t2s`` would change (0.0 for simplified text)."""
    han = [c for c in text if is_han(c)]
    if not han:
        return 0.0
    converted = _opencc("t2s").convert("".join(han))
    return sum(1 for a, b in zip(han, converted, strict=False) if a != b) / len(han)


def detect_script(text: str) -> Literal["simplified", "traditional"]:
    """``"traditional"`` if at least 5 % of Han characters are traditional-only forms."""
    return "traditional" if traditional_share(text) >= 0.05 else "simplified"


def apply_fixes(line: str, fixes: tuple[tuple[str, str], ...]) -> tuple[str, int]:
    """Phrase replacements after conversion (from the reviewed corrections file)."""
    count = 0
    for wrong, right in fixes:
        n = line.count(wrong)
        if n:
            line = line.replace(wrong, right)
            count += n
    return line, count


# --- whitespace --------------------------------------------------------------------------


def trim(line: str) -> tuple[str, int]:
    """Drop leading indentation (ASCII or ideographic spaces) and trailing whitespace."""
    out = line.strip(" \t\r\u3000\u00a0")
    return out, int(out != line)


_SPACE_AT_CJK_PUNCT = re.compile(
    f"(?<=[{CJK_PUNCTUATION}])[ \\t\u00a0\u3000]+(?=[{HAN}{CJK_PUNCTUATION}])"
    f"|(?<=[{HAN}{CJK_PUNCTUATION}])[ \\t\u00a0\u3000]+(?=[{CJK_PUNCTUATION}])")


def tidy_spacing(line: str) -> tuple[str, int]:
    """Remove spaces next to CJK punctuation (``。” 报告`` → ``。”报告``).

    Spaces between two Han characters are kept: headings use them as separators
    (``深化政务服务改革 推进数字政府建设``); spaces beside Latin or digits are kept too.
    """
    return _SPACE_AT_CJK_PUNCT.subn("", line)


# --- punctuation -------------------------------------------------------------------------

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_SPACES = " \t\u00a0"


def _neighbours(chars: list[str], i: int) -> tuple[str, str, int, int]:
    """Nearest non-space characters left and right of ``i`` and the space spans' ends."""
    lo = i - 1
    while lo >= 0 and chars[lo] in _SPACES:
        lo -= 1
    hi = i + 1
    while hi < len(chars) and chars[hi] in _SPACES:
        hi += 1
    left = chars[lo] if lo >= 0 else ""
    right = chars[hi] if hi < len(chars) else ""
    return left, right, lo, hi


def normalise_punctuation(line: str) -> tuple[str, int]:
    """ASCII ``, : ; ? ! ( )`` next to Chinese text → full-width ``，：；？！（）``.

    A mark is converted when its nearest non-space neighbour on either side is a Han
    character or CJK punctuation; spaces around a converted mark are dropped (the
    full-width mark carries its own spacing). A bracket pair is converted as a pair when
    either side or its content is Chinese. ``30.2``, ``22:30``, ``2001-2025``,
    ``Copyright (c) 2020`` and Latin text are left alone.
    """
    chars = list(line)
    convert: set[int] = set()
    # bracket pairs first (innermost first), so both halves change together
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
    paired = {i for pair in pairs for i in pair}
    for open_i, close_i in pairs:
        left = _neighbours(chars, open_i)[0]
        right = _neighbours(chars, close_i)[1]
        inside = "".join(chars[open_i + 1:close_i])
        if is_cjk(left) or is_cjk(right) or has_han(inside):
            convert.update((open_i, close_i))
    for i, ch in enumerate(chars):
        if ch in FULL_WIDTH and i not in paired:
            left, right, _, _ = _neighbours(chars, i)
            if is_cjk(left) or is_cjk(right):
                convert.add(i)
    quotes = [i for i, ch in enumerate(chars) if ch == '"']
    quotes_pair = bool(quotes) and len(quotes) % 2 == 0 and has_han(line)
    if quotes_pair:
        for k, i in enumerate(quotes):      # "十五分钟生活圈" → “十五分钟生活圈”
            chars[i] = "“" if k % 2 == 0 else "”"
    quoted = len(quotes) if quotes_pair else 0
    if not convert:
        return "".join(chars), quoted
    drop: set[int] = set()
    for i in convert:
        chars[i] = FULL_WIDTH[chars[i]]
        _, _, lo, hi = _neighbours(chars, i)
        # spaces after a mark, and before a closing/pausing mark (not before an opening one
        # that follows Latin text: "ABC (中文)" → "ABC（中文）" still reads fine without it)
        drop.update(range(i + 1, hi))
        drop.update(range(lo + 1, i))
    out = "".join(c for j, c in enumerate(chars) if j not in drop)
    return out, len(convert) + quoted


# --- page debris -------------------------------------------------------------------------

_NO_SENTENCE = r"[^。！？]"
DEBRIS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("channel-toggle", re.compile(r"^(展开频道|收起频道)(\s*(展开频道|收起频道))*$")),
    ("font-size", re.compile(r"^【?字[体號号][:：]")),
    ("editor", re.compile(r"^[【\[（(]?(责任编辑|编辑|责编)\s*[:：][^。]{0,20}[】\]）)]?$")),
    ("original-title", re.compile(r"^原标题\s*[:：]")),
    ("disclaimer", re.compile(r"^(免责声明|特别声明|声明)\s*[:：][^。]*"
                              r"(转载|转自|观点|立场|版权)")),
    ("breadcrumb", re.compile(r"^(当前位置|您现在的位置|你现在的位置|您的位置|你的位置|位置)"
                              r"\s*[:：][^。！？，,]{0,40}$")),
    ("hot-list", re.compile(r"^(一周热门|热门推荐|热点推荐|相关新闻|相关阅读|猜你喜欢|推荐阅读"
                            r"|热门文章|24小时热门|点击排行|最新推荐|延伸阅读|精彩推荐|更多阅读)\s*$")),
    ("breadcrumb", re.compile(r"^[^。！？，,：:]{1,16}(\s*[>›»]\s*[^。！？，,>›»]{1,24})+$")),
    ("share", re.compile(r"^【?(分享到|扫一扫|打印本页|关闭窗口|打印|关闭|返回顶部|分享)[】:：]?"
                         r"[^。]{0,30}$")),
    ("copyright", re.compile(r"(?i)^(?=.*(copyright|all rights reserved|版权所有|©"
                             r"|^版权为.*所有|不得复制|不得转载))" + _NO_SENTENCE + "*$")),
    ("licence", re.compile(r"^(?=.*(营业执照|许可证|ICP|备案号|公网安备))"
                           r"(?=.*\s[-|｜]\s)[^。！？]*$|^营业执照")),
    ("site-links", re.compile(r"^(关于我们|版权声明|联系我们|网站地图|合作咨询|广告服务|网站声明)"
                              r"(\s*[-|｜]\s*\S+)*$")),
    ("link", re.compile(r"^(?:(?:本文|原文|文章|本页)?(?:链接|地址|网址)\s*[:：]\s*)?"
                        r"(?:https?://|www\.)\S+$")),
)


DebrisRules = tuple[tuple[str, re.Pattern[str]], ...]
#: Debris that opens a trailing block: every line after it is page furniture (link lists).
TRAILING_BLOCK_RULES = ("hot-list",)


def debris_rule(line: str, rules: DebrisRules = DEBRIS_RULES) -> str | None:
    """The name of the debris rule that matches this (trimmed) line, or None for text."""
    for name, pattern in rules:
        if pattern.search(line):
            return name
    return None


_EDITOR_NOTE = re.compile(r"\s*[（(](?:责任编辑|责编|编辑)\s*[:：][^（）()。]{1,20}[）)]$")


def strip_editor_note(line: str) -> tuple[str, int]:
    """Drop the web editor's note closing a paragraph: ``……完成。（责编：王某）`` → ``……完成。``
    (a line that is only the note is page debris, rule ``editor``)."""
    out, n = _EDITOR_NOTE.subn("", line)
    return (out, n) if out.strip() else (line, 0)


# --- captions and bylines ----------------------------------------------------------------

_CREDIT_ROLE = re.compile(r"记者|通讯员|摄影|实习生|供图")
_SENTENCE_END = "。！？"


def parse_caption(line: str) -> tuple[str, str] | None:
    """``(caption text, credit)`` if the line is a photo caption, else None.

    A caption ends in ``摄`` (not ``拍摄``) and its last sentence — the text after the last
    ``。！？`` — names who took the photo (记者/通讯员/摄影…): ``……好去处。长江日报记者彭年 摄``;
    or the credit closes the line in brackets, as news sites print it:
    ``图为新建的观景平台。（记者 宋嘉禾 摄）``.

    Linear time: one scan from the end. (It was a regex search whose lazy credit group
    retried from every space, taking 6 s for a line of 4,000 spaces — quadratic.)
    """
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith(("摄）", "摄)")):
        return _bracketed_caption(line)
    if not line.endswith("摄") or line[-2:-1] == "拍":
        return None
    body = line[:-1].rstrip()
    start = max(body.rfind(mark) for mark in _SENTENCE_END) + 1
    while start < len(body) and body[start].isspace():
        start += 1
    credit = body[start:]
    if not _CREDIT_ROLE.search(credit):
        return None
    return line[:start].strip(), credit.strip()


def _bracketed_caption(line: str) -> tuple[str, str] | None:
    """``……平台。（记者 宋嘉禾 摄）`` → (``……平台。``, ``记者 宋嘉禾``), or None."""
    opening = max(line.rfind("（"), line.rfind("("))
    inside = line[opening + 1:-1].rstrip()
    if opening <= 0 or inside[-2:-1] == "拍" or any(c in inside for c in "（()）"):
        return None
    credit = inside[:-1].strip()
    if not credit or not _CREDIT_ROLE.search(credit):
        return None
    return line[:opening].strip(), credit


_ROLE_SPACE = re.compile(r"(记者|通讯员|统筹|实习生|摄影)\s+")
_ROLE = re.compile(r"^(?:(?P<org>[^\s]*?)(?P<role>记者|通讯员|统筹|实习生|摄影))?(?P<name>\S+)$")


def parse_credits(text: str) -> tuple[Credit, ...]:
    """``记者马振华 黄丽娟 通讯员付成荣`` → 记者/马振华, 记者/黄丽娟, 通讯员/付成荣 (a space
    after the role is allowed: ``记者 林晓岚``)."""
    credits: list[Credit] = []
    role = "记者"
    for token in _ROLE_SPACE.sub(r"\1", text).split():
        m = _ROLE.match(token)
        if not m:
            continue
        role = m["role"] or role
        credits.append(Credit(role=role, name=m["name"]))
    return tuple(credits)


_REPORTER_LINE = re.compile(rf"^(?:[{HAN}]{{0,8}}?(?:记者|通讯员|实习生|摄影|文|图)[\s｜|/／]*"
                            rf"[{HAN}·]{{2,4}}(?:[\s、，,]+[{HAN}·]{{2,4}})*\s*)+$")


def parse_reporter_line(line: str) -> tuple[Credit, ...] | None:
    """A line that only names reporters, ``记者 刘洋 通讯员 韩冰``, else None."""
    if len(line) > 60 or not _REPORTER_LINE.match(line):
        return None
    credits = parse_credits(line)
    return credits or None


_CREDIT_LINE = re.compile(r"^[（(](?P<c>[^（）()]*(?:记者|通讯员)[^（）()]*)[）)]$")


def parse_credit_line(line: str) -> tuple[Credit, ...] | None:
    """A line that is only a reporters' parenthesis, ``(长江日报记者高萌)``, else None."""
    m = _CREDIT_LINE.match(line)
    return parse_credits(m["c"]) if m else None


_DATELINE = re.compile(
    rf"^(?P<open>[【\[])?(?P<dl>[{HAN}〓]{{2,10}}?(?:\d{{1,2}}月\d{{1,2}}日)?(?:讯|訊|電|电))"
    r"(?(open)[】\]])"
    r"(?:\s*[（(](?P<c>[^（）()]*(?:记者|通讯员)[^（）()]*)[）)])?\s*")


def split_dateline(line: str) -> tuple[str | None, tuple[Credit, ...], str]:
    """``长江日报7月25日讯 7月25日,…`` → (``长江日报7月25日讯``, credits, ``7月25日,…``).

    Also takes the reporters' parenthesis that may follow (``湖北日报讯(记者谢慧敏)从…``),
    a bracketed dateline (``【某某网讯】（记者 某某）…``) and a dateline alone on its line
    (``某某网5月6日讯``: the rest is empty). Lines without a dateline come back unchanged
    with ``None``.
    """
    m = _DATELINE.match(line)
    after = line[m.end("dl"):m.end("dl") + 1] if m else ""
    alone = m is not None and not line[m.end():] and not m["c"] and not m["open"]
    if not m or not (m["c"] or m["open"] or after.isspace() or not after) or (
            alone and not (m["dl"][-1] in "讯訊" or "月" in m["dl"])):  # 一线来电 is a heading
        return None, (), line
    return m["dl"], parse_credits(m["c"]) if m["c"] else (), line[m.end():]


# --- structure ---------------------------------------------------------------------------

_END_PUNCT = "。！？；：，、…,.;:!?"


def is_heading(line: str) -> bool:
    """A subheading: 4–40 characters, Chinese, no sentence inside, no ending punctuation."""
    return (4 <= len(line) <= 40 and has_han(line) and "。" not in line
            and line[-1] not in _END_PUNCT)


_TITLES = r"书记|局长|主任|主席|厅长|区长|市长|部长|院长|秘书长|总经理|董事长|负责人|会长|校长"
_SPEAKER = re.compile(rf"^(?P<post>[^。，,]{{2,40}}?(?:{_TITLES}))(?P<name>[{HAN}·]{{2,4}})[:：]$")


def parse_speaker(line: str) -> tuple[str, str] | None:
    """``市审计局党组书记、局长刘生华:`` → (``市审计局党组书记、局长``, ``刘生华``)."""
    m = _SPEAKER.match(line)
    # the lazy post stops at the first title after which only a 2–4 character name is left
    return (m["post"], m["name"]) if m else None


_TOPIC = re.compile(rf"^(?:其中[,，])?在(?P<topic>[{HAN}“”]{{2,16}}?)(?:方面|领域)[,，]")


def topic_of(paragraph: str) -> str | None:
    """The theme a paragraph announces: ``在民生领域，…`` → ``民生``."""
    m = _TOPIC.match(paragraph)
    return m["topic"] if m else None
