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
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["OPEN_PERIODS", "Period", "PeriodError", "parse_period"]

#: Wordings of a period without a deadline.
OPEN_PERIODS = ("未定期限", "尽快", "长期", "持续")
#: Five-year plans by name → their first year.
PLANS = {"十三五": 2016, "十四五": 2021, "十五五": 2026}

_POINT = re.compile(r"^(?P<y>\d{4})(?:年(?:(?P<m>\d{1,2})月)?)?(?:底|末|前|内)?$")
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
