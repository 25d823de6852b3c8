"""What official documents print about themselves, in words any reader of them can find: a
date line ("2023年3月8日", "二〇二三年三月八日", "（2024年1月10日在……上）"), an issuing body
("某某市人民政府办公厅"), a remark ("（此件公开发布）"), and the signature that closes a
document (the issuing body, then the date), which is metadata, not text.

Takes: lines of text. Gives: the date a line states, whether a line names an issuing body, and
``signature_at_end`` — where a document's closing signature starts, its date and its issuer.
Shared by the PDF and web-page readers (``corpus.formats``); pure, no format library.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefbook.core.chars import HAN


def ascii_digits(text: str) -> str:
    return text.translate(_FULL_WIDTH_DIGITS)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = (r"(?P<y>\d{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年"
         r"\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
         r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_DATE_LINE = re.compile(rf"(?:(?:日期|发布日期|印发日期|成文日期)\s*[:：]\s*)?[（(〔\[]?\s*"
                        rf"(?:——|—|－－|--)?\s*{_DATE}\s*(?:[在于].{{0,80}})?[）)〕\]]?")
ISSUER = re.compile(rf"(?P<body>(?!各)[{HAN}（）()·]{{2,40}}?(?:人民政府办公厅|人民政府办公室"
                     r"|人民政府|人民代表大会常务委员会|委员会|办公厅|办公室|局|厅|委|署|中心|研究院))"
                     r"(?:文件)?")


def date_line(text: str) -> dt.date | None:
    """The date of a line that is a date and nothing else, or a date with where it was said:
    "2023年3月8日", "二〇二三年三月八日", "（2024年1月10日在……上）", "——2024年1月10日在……"."""
    match = _DATE_LINE.fullmatch(ascii_digits(text.strip()))
    if match is None:
        return None
    try:
        return dt.date(_cn_number(match["y"], year=True), _cn_number(match["m"]),
                       _cn_number(match["d"]))
    except (ValueError, KeyError):  # no such day, or numerals that are no number (十十)
        return None


def _cn_number(text: str, *, year: bool = False) -> int:
    """``2023`` or ``二〇二三`` (a year, digit by digit); ``12`` or ``十二``, ``二十八``."""
    if text.isdigit():
        return int(text)
    if year:
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


REMARK = re.compile(r"[（(](?:此件|本件)[^（）()]{2,12}[）)]")


@dataclass(frozen=True)
class Signature:
    """A document's closing signature: the index of its first line, its date and issuer."""

    start: int
    date: dt.date
    issuer: str | None


def signature_at_end(texts: Sequence[str], first: int = 0) -> Signature | None:
    """The signature closing ``texts`` — a date line, the issuing body's line just before it
    and a remark after it — or None. It never starts before ``first`` (lines before it are
    metadata already) and leaves at least one line of text above it."""
    end = len(texts)
    if end > first and REMARK.fullmatch(texts[end - 1]):
        end -= 1
    if end <= first + 1 or (day := date_line(texts[end - 1])) is None:
        return None
    start = end - 1
    issuer = ISSUER.fullmatch(texts[start - 1])
    if issuer is not None and start - 1 > first:
        start -= 1
    else:
        issuer = None
    return Signature(start=start, date=day, issuer=issuer["body"] if issuer else None)
