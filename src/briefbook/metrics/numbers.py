"""Chinese number forms → plain numbers with a unit and a qualifier.

Takes: Chinese text (already simplified; half- or full-width digits, ``％`` read as ``%``;
thousands separators as in ``1,234家``).
Gives: ``Quantity`` values — an exact number (``Decimal``; ``.plain`` is int/float), the unit as
written (``人``, ``名``, ``个``, ``元`` …), an optional qualifier (``力争 近 约 超 逾 余 多 以上``),
the magnitude it was written with (``万``/``亿``, kept for display: ``586亿元``) and its span.

Decisions (each one tested in tests/metrics/test_numbers.py):
- ``30.2万人`` = 302000 人; ``3000余万人次`` = 30,000,000 人次 qualifier 余;
  ``586亿元`` = 58,600,000,000 元 (unit stays 元, display ``586亿元``);
  ``14.9万余名`` = 149000 名, qualifier 余; ``近30份`` = 30 份, qualifier 近; ``超万名`` = 10000 名.
- Chinese numerals are parsed strictly: ``三年`` = 3 年, ``一百二十五个`` = 125 个; ``十四五`` is
  malformed as a number (it is the name of the 14th five-year plan) and never a quantity.
- Not quantities (``scan`` classifies them, ``find_quantities`` skips them):
  years (``2021年``, ``二〇三五年``), dates (``7月25日``), ordinals (``第一``, ``十三届十一次``),
  names (``500强``, ``五年规划``, Chinese-numeral slogans inside “…” such as “五张网”/“八大工程”,
  anything inside 《…》), specs (``128层QLC``: a number+unit glued to Latin letters),
  bare numbers (``965``), levels (``五级``) and the idiomatic lone ``一`` (一批, 一年多来, 一件事).
- A number with 万/亿 directly followed by a person noun (``25万大学生``) gets the implied unit 人.
- Fractions in tenths are percentages: ``七成`` = 70 %, ``超过六成`` = 60 % qualifier 超,
  ``七成以上`` = 70 % qualifier 以上; ``过半`` = 50 % qualifier 超 (more than half). Not
  ``成`` starting a word (``三成员``), nor the idiom ``一成不变`` (``超过一成`` is 10 %).
- A numeral written with more than ``MAX_DIGITS`` digits is no quantity (kind ``overlong``,
  with its span): no count, amount or size needs them, and a 4,400-digit "number" in an
  article would otherwise end where Python refuses to print it.

Work: one pass over the text — where titles (《…》) and quotations (“…”) open and close is
found once per ``scan``, not again before each number — so a paragraph of 100,000 numbers
scans in linear time.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "QUALIFIERS", "UNITS", "NotAQuantity", "Quantity", "Token",
    "find_quantities", "format_quantity", "parse_chinese_integer", "parse_quantity", "scan",
]

PREFIX_QUALIFIERS = ("力争", "近", "约", "超", "逾")
INFIX_QUALIFIERS = ("余", "多")
SUFFIX_QUALIFIERS = ("以上",)
QUALIFIERS = PREFIX_QUALIFIERS + INFIX_QUALIFIERS + SUFFIX_QUALIFIERS
# Spellings folded onto the canonical qualifier.
_PREFIX_SPELLINGS = {"超过": "超", "将近": "近", "接近": "近", "大约": "约", "约": "约", "近": "近",
                     "超": "超", "逾": "逾", "力争": "力争"}

# Longest first: the regex alternation takes the first that matches.
UNITS = (
    "平方公里", "平方米", "个百分点", "百分点", "公里", "千米", "个月", "分钟", "小时", "公顷",
    "人次", "元", "人", "名", "位", "个", "份", "项", "条", "家", "所", "座", "间", "件", "户",
    "套", "张", "支", "种", "次", "处", "台", "辆", "吨", "亩", "米", "年", "天", "周", "层",
    "倍", "%", "床", "篇", "栋", "宗", "例", "部", "场", "株",
)
TIME_UNITS = {"年", "个月", "天", "周", "小时", "分钟"}
PERSON_NOUNS = ("大学生", "毕业生", "学生", "人才", "党员", "干部", "居民", "市民", "群众", "职工",
                "员工", "农民工", "人口", "游客", "患者", "青年")
# Numeral+measure-word expressions that are names, even when written without quotes.
NAMES = ("五张网", "五个中心", "三个环境", "两个一百年", "两个维护", "四个意识", "四个自信")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MAGNITUDES = {"万亿": Decimal(10) ** 12, "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6,
               "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")   # ％ and % are one unit

_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
#: Most digits a written number may have to be a quantity (12 digits are a trillion; a
#: figure such as 1,234,567,890,123元 has 13); longer runs are kind ``overlong``.
MAX_DIGITS = 24
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_TOKEN = re.compile(
    rf"(?P<pre>超过|将近|接近|大约|力争|近|约|超|逾)?"
    rf"(?:(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<infix0>余|多)?(?P<mag>万亿|千万|百万|万|亿|千)?|(?P<bare>万|亿)(?=余|多|{_UNIT_RE})|(?P<cn>[{_CN_CHARS}]+))"
    rf"(?P<infix>余|多)?"
    rf"(?P<unit>{_UNIT_RE})?"
    rf"(?P<suffix>以上)?"
)


#: 七成 / 过半: a share in tenths (→ %), and more than half.
_FRACTION = re.compile(r"(?P<pre>超过|将近|接近|大约|近|约|超|逾)?"
                       r"(?:(?P<tenths>[一二两三四五六七八九])成"
                       r"(?![员功为立果熟本都交效长就型品绩年人])|(?P<half>过半))(?P<suffix>以上)?")
_NOT_FRACTION = "数几一"      # 数成, 几成: vague; 一一成…: not a share; 一成不变 is an idiom


class NotAQuantity(ValueError):
    """The text holds a number that is not a quantity; ``reason`` says what it is."""

    def __init__(self, text: str, reason: str):
        super().__init__(f"{text!r} is not a quantity ({reason})")
        self.text = text
        self.reason = reason


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, e.g. ``Quantity(Decimal(302000), "人")`` for 30.2万人."""

    number: Decimal
    unit: str
    qualifier: str | None = None
    magnitude: str = ""          # 万/亿 as written, for display only
    text: str = ""               # the span as written
    start: int = 0
    end: int = 0
    implied_unit: bool = False   # 25万大学生 → 人
    infix_first: bool = False    # 3000余万: the 余/多 stands before the magnitude

    @property
    def plain(self) -> int | float:
        """The value as a plain int (or float when fractional): 30.2万 → 302000."""
        return _plain(self.number)

    @property
    def display(self) -> str:
        """Print form with the written magnitude: ``30.2万人``, ``14.9万余名``, ``近30份``."""
        return format_quantity(self.number, self.unit, self.qualifier, magnitude=self.magnitude,
                               infix_first=self.infix_first)


@dataclass(frozen=True)
class Token:
    """One number found by ``scan``: ``kind`` is ``quantity`` or why it is not one."""

    kind: str      # quantity|year|date|ordinal|name|spec|vague|bare|malformed|overlong
    text: str
    start: int
    end: int
    quantity: Quantity | None = field(default=None)


def parse_chinese_integer(text: str) -> int:
    """Strictly parse a Chinese numeral: ``一百二十五`` → 125, ``十四万九千`` → 149000.

    Raises ``ValueError`` for malformed runs such as ``十四五`` or ``二百五``; positional forms
    (``二〇三五``) are read digit by digit.
    """
    if not text or any(ch not in _CN_CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 2 * MAX_DIGITS:
        raise ValueError(f"a numeral of {len(text):,} characters is too long")
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text):
        if "〇" in text or "零" in text or len(text) >= 3:
            return int("".join(str(_CN_DIGITS[ch]) for ch in text))  # 二〇三五 → 2035
        raise ValueError(f"ambiguous numeral: {text!r}")
    total, section = 0, text
    for big, factor in (("亿", _CN_BIG["亿"]), ("万", _CN_BIG["万"])):
        if big in section:
            head, _, section = section.partition(big)
            if big in section:
                raise ValueError(f"malformed numeral: {text!r}")
            total += (_parse_section(head, text) if head else 1) * factor
    return total + (_parse_section(section, text) if section else 0)


def _parse_section(part: str, whole: str) -> int:
    total, digit, last, zero = 0, None, 10_000, False
    for ch in part:
        if ch in _CN_DIGITS:
            if digit is not None:
                raise ValueError(f"malformed numeral: {whole!r}")
            if _CN_DIGITS[ch] == 0:
                zero = True
            else:
                digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            mult = _CN_SMALL[ch]
            if mult >= last:
                raise ValueError(f"malformed numeral: {whole!r}")
            total += (digit if digit is not None else 1) * mult
            digit, last, zero = None, mult, False
        else:
            raise ValueError(f"malformed numeral: {whole!r}")
    if digit is not None:
        if last not in (10, 10_000) and not zero:   # 二百五 is colloquial for 250: refuse
            raise ValueError(f"ambiguous numeral: {whole!r}")
        total += digit
    return total


_MARKS = re.compile("[《》“「”」]")


class _Enclosures:
    """Which marks enclose a position of ``text``: ``《`` (a title), ``“`` (a quotation) or
    None — read in one pass over the text's marks, then answered by bisection.

    The depth of each kind counts its openings and closings before the position (a closing
    without an opening counts nothing), as a reader would."""

    def __init__(self, text: str):
        self.at: list[int] = []             # the position of each mark
        self.state: list[str | None] = []   # what encloses the text just after it
        title = quote = 0
        for m in _MARKS.finditer(text):
            ch = m.group()
            if ch == "《":
                title += 1
            elif ch == "》":
                title = max(0, title - 1)
            elif ch in "“「":
                quote += 1
            else:
                quote = max(0, quote - 1)
            self.at.append(m.start())
            self.state.append("《" if title else ("“" if quote else None))

    def __call__(self, pos: int) -> str | None:
        i = bisect.bisect_left(self.at, pos)     # the marks before ``pos``
        return self.state[i - 1] if i else None


def scan(text: str) -> list[Token]:
    """Every number in ``text``, each classified (quantity, year, date, ordinal, name …)."""
    text = text.translate(_FULLWIDTH)
    enclosure = _Enclosures(text)
    tokens: list[Token] = []
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        pos = max(m.end(), m.start() + 1)
        token = _classify(text, m, enclosure)
        if token is not None:
            tokens.append(token)
    taken = [(t.start, t.end) for t in tokens if t.quantity is not None]   # in order, disjoint
    taken_ends = [b for _a, b in taken]

    def overlaps(t: Token) -> bool:
        i = bisect.bisect_right(taken_ends, t.start)   # the first span ending after its start
        return i < len(taken) and taken[i][0] < t.end

    fractions = [t for t in _fractions(text, enclosure) if not overlaps(t)]
    return sorted(tokens + fractions, key=lambda t: t.start)


def _fractions(text: str, enclosure: _Enclosures) -> list[Token]:
    """七成 → 70 %, 超过六成 → 60 % 超, 过半 → 50 % 超 (see the module docstring)."""
    found = []
    for m in _FRACTION.finditer(text):
        tenths = m["tenths"]
        if tenths and ((tenths == "一" and text.startswith("不变", m.end("tenths") + 1))
                       or (m.start("tenths") > 0 and text[m.start("tenths") - 1]
                           in _NOT_FRACTION)):
            continue
        if enclosure(m.start()) is not None:
            continue
        number = Decimal(_CN_DIGITS[tenths] * 10) if tenths else Decimal(50)
        qualifier = _qualifier(m["pre"], None, m["suffix"]) or (None if tenths else "超")
        span = m.group()
        found.append(Token("quantity", span, m.start(), m.end(),
                           Quantity(number, "%", qualifier, "", span, m.start(), m.end())))
    return found


def _classify(text: str, m: re.Match[str],  # noqa: C901 - one rule per branch
              enclosure: _Enclosures) -> Token | None:
    start, end = m.start(), m.end()
    pre, num, mag, cn, bare = m["pre"], m["num"], m["mag"] or "", m["cn"], m["bare"]
    infix, unit, suffix = m["infix"] or m["infix0"], m["unit"], m["suffix"]
    if m["infix0"] and not m["mag"] and m["infix"]:
        return None                    # 30余多个: not a form
    core_start = m.start("num") if num else (m.start("cn") if cn else m.start("bare"))
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    span = text[start:end]

    def tok(kind: str, q: Quantity | None = None) -> Token:
        return Token(kind, span, start, end, q)

    if bare is not None:               # 超万名: only a magnitude, needs a qualifier and a unit
        if not pre or not unit:
            return None
        number, magnitude = Decimal(_CN_BIG[bare]), bare
    elif num is not None:
        if before and (before.isascii() and (before.isalnum() or before in ".-")):
            return None                # part of a code, a version or a range like 2001-2025
        if sum(ch.isdigit() for ch in num) > MAX_DIGITS:
            return tok("overlong")     # no figure has so many digits (see MAX_DIGITS)
        number = Decimal(num.replace(",", "")) * _MAGNITUDES.get(mag, Decimal(1))
        magnitude = mag
    else:
        if len(cn) > 2 * MAX_DIGITS:
            return tok("overlong")     # 九千九百九十九万… needs at most 2 characters a digit
        if before == "第":
            return tok("ordinal")     # 第一, 第十四
        if cn in ("万", "亿") or (cn == "一" and not pre):
            return None if cn in ("万", "亿") else tok("vague")
        try:
            value = parse_chinese_integer(cn)
        except ValueError:
            return tok("malformed")
        positional = len(cn) > 1 and all(ch in _CN_DIGITS for ch in cn)
        if positional:
            return tok("year" if unit == "年" else "malformed")
        number = Decimal(value)
        magnitude = _choose_magnitude(number)   # 十四万九千 prints as 14.9万
        if enclosure(core_start) == "“":
            return tok("name")        # “五张网”, “八大工程”, “五个中心”
        if before and before in "数几":
            return tok("vague")       # 数百名

    if enclosure(core_start) == "《":
        return tok("name")
    if before == "第" or text[max(0, core_start - 1):core_start] == "第":
        return tok("ordinal")
    if unit is None:
        return _without_unit(text, m, number, magnitude)
    if unit == "年":
        if num is not None and not mag and len(num) == 4 and 1000 <= int(num) <= 2999:
            return tok("year")
        if text.startswith("规划", end):
            return tok("name")        # 五年规划
    if unit == "次" and before == "届":
        return tok("ordinal")         # 十三届十一次全会
    if num is not None and after.isascii() and after.isalpha():
        return tok("spec")            # 128层QLC
    for name in NAMES:
        i = text.find(name, max(0, start - len(name)), end + len(name))
        if i != -1 and i <= core_start < i + len(name):
            return tok("name")
    qualifier = _qualifier(pre, infix, suffix)
    if qualifier is None and unit in TIME_UNITS and after == "多":
        qualifier = "多"
    q = Quantity(number, unit, qualifier, magnitude, span, start, end,
                 infix_first=bool(m["infix0"] and mag))
    return tok("quantity", q)


def _without_unit(text: str, m: re.Match[str], number: Decimal, magnitude: str) -> Token:
    """A figure with no unit: people (25万大学生), a date, an ordinal, a name or a bare number."""
    start, end = m.start(), m.end()
    span = text[start:end]

    def tok(kind: str, q: Quantity | None = None) -> Token:
        return Token(kind, span, start, end, q)

    if m["cn"] is None and m["mag"] and text.startswith(PERSON_NOUNS, end):
        unit_implied = "人"         # 25万大学生
        q = Quantity(number, unit_implied,
                     _qualifier(m["pre"], m["infix"] or m["infix0"], m["suffix"]), magnitude,
                     span, start, end, implied_unit=True)
        return tok("quantity", q)
    rest = text[end:end + 1]
    if rest in ("月",):
        return tok("date")
    if rest in ("日", "号") and m["num"] is not None:
        return tok("date")
    if rest in ("届",) or (rest == "期" and m["cn"] is not None):
        return tok("ordinal")
    if rest == "强":
        return tok("name")        # 500强: a ranking list
    if rest == "级":
        return tok("name")        # 五级书记: a tier structure
    return tok("bare")


def _qualifier(pre: str | None, infix: str | None, suffix: str | None) -> str | None:
    if pre:
        return _PREFIX_SPELLINGS[pre]
    return infix or suffix or None


def find_quantities(text: str) -> list[Quantity]:
    """The quantities in ``text`` (``scan`` without the years, dates, names …), in order."""
    return [t.quantity for t in scan(text) if t.quantity is not None]


def parse_quantity(text: str) -> Quantity:
    """Parse text that is exactly one quantity: ``30.2万人``, ``近30份``, ``力争25万人``.

    Raises ``NotAQuantity`` (a ``ValueError``) with the reason when it is a year, a name …
    """
    text = text.strip()
    tokens = scan(text)
    if (len(tokens) != 1 or tokens[0].start != 0
            or tokens[0].end != len(text.translate(_FULLWIDTH))):
        reason = (tokens[0].kind if len(tokens) == 1 and tokens[0].kind != "quantity"
                  else "not one quantity")
        if len(tokens) == 1 and tokens[0].kind == "quantity":
            reason = "trailing text"
        raise NotAQuantity(text, reason)
    token = tokens[0]
    if token.quantity is None:
        raise NotAQuantity(text, token.kind)
    return token.quantity


def _choose_magnitude(number: Decimal) -> str:
    a = abs(number)
    if a >= Decimal(10) ** 8:
        return "亿"
    if a >= Decimal(10) ** 4:
        return "万"
    return ""


def format_quantity(value: Decimal | int | float | str, unit: str, qualifier: str | None = None,
                    *, magnitude: str | None = None, infix_first: bool = False) -> str:
    """Print form: ``format_quantity(302000, "人")`` → ``30.2万人``; ``(149000, "名", "余")`` →
    ``14.9万余名``; ``(250000, "人", "力争")`` → ``力争25万人``. ``magnitude`` forces 万/亿/""."""
    number = Decimal(str(value))
    mag = _choose_magnitude(number) if magnitude is None else magnitude
    shown = number / _MAGNITUDES[mag] if mag else number
    whole = shown == shown.to_integral_value()
    digits = str(int(shown)) if whole else format(shown.normalize(), "f")
    if qualifier in PREFIX_QUALIFIERS:
        return f"{qualifier}{digits}{mag}{unit}"
    if qualifier in INFIX_QUALIFIERS:
        if infix_first and mag:
            return f"{digits}{qualifier}{mag}{unit}"   # 3000余万人次
        return f"{digits}{mag}{qualifier}{unit}"
    if qualifier in SUFFIX_QUALIFIERS:
        return f"{digits}{mag}{unit}{qualifier}"
    if qualifier:
        raise ValueError(f"unknown qualifier {qualifier!r}")
    return f"{digits}{mag}{unit}"
