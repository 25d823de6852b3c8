"""Period wording → dates: when a pledge falls due, when a report's period ends.

Takes: the period text a catalog entry gives (``2020年``, ``2020年6月—2021年7月``,
``2021—2025年（五年内）``, ``十四五期间``, ``2023年底``, ``未定期限``, ``尽快``).
Gives: ``parse_period(text) -> Period`` with ``start`` and ``end`` dates (``end`` is None for
an open-ended period such as 未定期限 or 尽快: such a pledge never falls overdue), or
``PeriodError`` (a ``ValueError``) naming what could not be read.

Rules: a year means the whole year (``2020年`` → 2020-01-01…2020-12-31); a month the whole
month; ``底/末`` and a trailing ``前`` change nothing (the period still ends with that year or
month); a range ``A—B`` (also ``-``, ``–``, ``~``, ``至``) runs from A's start to B's end, and
B may borrow A's unit (``2021—2025年``); a parenthetical note ``（五年内）`` is ignored;
the five-year plans by name (``十三五``, ``十四五``, ``十五五``) are their years.

Words relative to an article's date (``relative_period``; y = the publication year, one
table, ``RELATIVE``): 明年 → y+1, 明年上半年, 明年底; 去年/上年/过去一年 → y−1; 今年/本年/年内 →
y; 年底前/今年年底 → y年底 (ends 12-31); 上半年 → y年1月—y年6月, 下半年 → y年7月—y年12月;
全年 → the year the article is about (a January year-end report's 全年 is last year), else y.
A comparison base (比上年, 较去年, 同比) is not a period. An interim day (截至6月底) is not one
either: the report keeps its year and says ``progress: underway`` (extract.guess_progress).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["OPEN_PERIODS", "RELATIVE", "Period", "PeriodError", "parse_period",
           "relative_period"]

#: Wordings of a period without a deadline.
OPEN_PERIODS = ("未定期限", "尽快", "长期", "持续")
#: Five-year plans by name → their first year.
PLANS = {"十三五": 2016, "十四五": 2021, "十五五": 2026}

_POINT = re.compile(r"^(?P<y>\d{4})(?:年(?:(?P<m>\d{1,2})月)?)?(?:(?:底|末)?前|底|末|内)?$")
_RANGE = re.compile(r"\s*(?:—|–|-|~|～|至|到)\s*")
_NOTE = re.compile(r"（[^）]*）|\([^)]*\)")


class PeriodError(ValueError):
    """The period text cannot be read as dates."""


@dataclass(frozen=True)
class Period:
    text: str
    start: dt.date | None
    end: dt.date | None          # None: open-ended, no deadline

    @property
    def open(self) -> bool:
        return self.end is None


def _point(part: str, *, unit_from: str = "") -> tuple[dt.date, dt.date]:
    part = part.strip()
    if re.fullmatch(r"\d{4}", part) and unit_from:
        part += "年"
    m = _POINT.match(part)
    if not m:
        raise PeriodError(f"cannot read {part!r} as a year or a month")
    year = int(m["y"])
    if m["m"]:
        month = int(m["m"])
        if not 1 <= month <= 12:
            raise PeriodError(f"no month {month} in {part!r}")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_period(text: str) -> Period:
    """Read ``text`` as a period; raises ``PeriodError`` when it cannot."""
    core = _NOTE.sub("", text or "").strip()
    if not core:
        raise PeriodError("the period is empty")
    if core in OPEN_PERIODS:
        return Period(text, None, None)
    plan = core.removesuffix("期间").removesuffix("时期").removesuffix("末")
    if plan in PLANS:
        first = PLANS[plan]
        return Period(text, dt.date(first, 1, 1), dt.date(first + 4, 12, 31))
    parts = _RANGE.split(core)
    if len(parts) == 1:
        start, end = _point(core)
        return Period(text, start, end)
    if len(parts) != 2 or not all(parts):
        raise PeriodError(f"cannot read {text!r} as one period (expected e.g. 2020年 or "
                          "2020年6月—2021年7月)")
    unit = "年" if parts[1].endswith("年") or "年" in parts[1] else ""
    start, _ = _point(parts[0], unit_from=unit)
    _, end = _point(parts[1])
    if end < start:
        raise PeriodError(f"the period {text!r} ends before it starts")
    return Period(text, start, end)


#: Relative period words → (year offset, the period's form); longest first where they overlap.
#: ``{y}`` is the year meant; ``全年`` takes the year the article is about.
RELATIVE = (
    ("明年上半年", 1, "{y}年1月—{y}年6月"), ("明年年底", 1, "{y}年底"), ("明年底", 1, "{y}年底"),
    ("明年", 1, "{y}年"), ("去年", -1, "{y}年"), ("上年", -1, "{y}年"), ("过去一年", -1, "{y}年"),
    ("今年上半年", 0, "{y}年1月—{y}年6月"), ("上半年", 0, "{y}年1月—{y}年6月"),
    ("下半年", 0, "{y}年7月—{y}年12月"), ("今年年底", 0, "{y}年底"), ("年底前", 0, "{y}年底"),
    ("今年", 0, "{y}年"), ("本年", 0, "{y}年"), ("年内", 0, "{y}年"), ("全年", 0, "{y}年"),
)
_RELATIVE_RE = re.compile(r"(?<![一二两三四五六七八九十\d])(?:"
                          + "|".join(re.escape(w) for w, _, _ in RELATIVE)
                          + r")")
_COMPARISON = re.compile(r"(?:比|较|同比)(?:上年|去年)(?:同期)?|同比")


def relative_period(sentence: str, published: dt.date, pos: int | None = None,
                    year: int | None = None) -> tuple[str, str] | None:
    """(period, the words) for the relative period word nearest before ``pos`` in ``sentence``
    (else the first after it in its clause: 新增800个，明年再新增1000个 — not 明年), read against
    the publication date; ``year`` is the year the article is about, for 全年. None when the
    sentence has no such word."""
    masked = _COMPARISON.sub(lambda m: "＿" * len(m.group()), sentence)
    found = list(_RELATIVE_RE.finditer(masked))
    if not found:
        return None
    pos = len(sentence) if pos is None else pos
    before = [m for m in found if m.start() < pos]
    after = [m for m in found
             if m.start() >= pos and not re.search("[，；：]", sentence[pos:m.start()])]
    if not before and not after:
        return None
    m = before[-1] if before else after[0]
    y = published.year
    word = m.group()
    offset, form = next((o, f) for w, o, f in RELATIVE if w == word)
    meant = (year or y) if word == "全年" else y + offset
    return form.format(y=meant), word
