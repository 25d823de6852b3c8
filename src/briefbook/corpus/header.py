"""The web page's own header: its headline and the line(s) giving date, outlet and author.

Takes: an article's lines, trimmed and in simplified script (``store`` runs this after the
text rules; traditional labels such as 來源 are understood too), and the debris rules.
Gives: ``find_page_header(lines) -> (indexes of the header lines, PageHeader | None)``, and
the small pure functions it is made of:

* ``parse_meta_line`` — one line made only of header fields, else None. A date (``2023-05-06``,
  ``2023/5/6``, ``2023年5月6日``, or short ``05-06`` / ``5月6日``) with or without a time, and
  labelled fields ``来源：`` (outlet), ``作者：``, ``日期：``/``时间：``/``发布时间：``,
  ``编辑：``, in any order, with full-width or ASCII colons:
  ``2021-07-25 22:30 来源: 长江日报-长江网``, ``来源：楚天都市报 2023-05-06``,
  ``日期:05-06 来源:某某报 作者：某某``.
* ``reads_as_headline`` — a short Chinese line that is not a sentence, a dateline
  (``某某网5月6日讯``, ``【某某网讯】``), a byline, a photo caption or a numbered subheading.
* ``year_of_short_date`` — the year of a date printed without one (``05-06``): from a full
  date elsewhere on the page with the same month and day (a URL, an edition line), when all
  such dates agree; else None (the caller asks for ``--date``).

The header is looked for above the article's first sentence, among the first lines: where
there are meta lines, every line above the last of them that is not debris or a byline is
header, and the headline is the first of those that reads as one; without meta lines the
headline is the first line of the page if it reads as one and text follows it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from briefbook.core.chars import has_han
from briefbook.corpus.clean import (
    DEBRIS_RULES,
    DebrisRules,
    debris_rule,
    parse_caption,
    parse_credit_line,
    parse_reporter_line,
    parse_speaker,
    split_dateline,
)
from briefbook.corpus.model import PageHeader

#: How many lines from the top the header is looked for in (its search stops earlier, at the
#: article's first sentence).
SEARCH_LINES = 40
MAX_META_LINE = 120
MAX_HEADLINE = 80

_FULL = (r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*"
         r"(?P<d>\d{1,2})\s*日?")
_SHORT = r"(?P<sm>\d{1,2})\s*(?:[-/]|月)\s*(?P<sd>\d{1,2})\s*日?"
_TIME = r"(?:\s*(?P<t>\d{1,2}[:：]\d{2}(?:[:：]\d{2})?))?"
_WHEN = re.compile(rf"(?<!\d)(?:{_FULL}|{_SHORT}){_TIME}(?![\d:：])")

_LABELS = {
    "source": "来源|來源|稿源|出处|出處",
    "date": ("发布时间|發布時間|发布日期|發布日期|发表时间|發表時間|更新时间|更新時間"
             "|日期|时间|時間"),
    "author": "作者",
    "editor": "责任编辑|責任編輯|编辑|編輯|责编|責編",
}
_LABEL = re.compile("(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items())
                    + r")\s*[:：]")
_SEPARATORS = " \t\u3000\u00a0|｜/／丨·•"
_SENTENCE = re.compile("[。！？!?；;，,]")
_WEEKDAY = re.compile(r"^\s*(?:星期|周|礼拜)[一二三四五六日天]")


@dataclass(frozen=True)
class Meta:
    """The fields of one header line, as printed."""

    when: str | None = None  # the date (and time) as printed
    date: dt.date | None = None  # None: no date, or a short one (see ``month_day``)
    month_day: tuple[int, int] | None = None  # a short date's month and day
    source: str | None = None
    author: str | None = None


def parse_meta_line(line: str) -> Meta | None:
    """The header fields of a line made only of them (a date or a 来源/作者 field at least),
    else None. Values run to the next label or date; nothing unlabelled may be left over."""
    if not line or len(line) > MAX_META_LINE:
        return None
    when = _WHEN.search(line)
    date = month_day = None
    rest = line
    if when:
        if when["y"]:
            try:
                date = dt.date(int(when["y"]), int(when["m"]), int(when["d"]))
            except ValueError:
                return None
        elif not _valid_month_day(int(when["sm"]), int(when["sd"])):
            return None
        else:
            month_day = (int(when["sm"]), int(when["sd"]))
        rest = line[:when.start()] + "\n" + _WEEKDAY.sub("", line[when.end():], count=1)
    fields: dict[str, str] = {}
    labels = list(_LABEL.finditer(rest))
    lead = rest[:labels[0].start()] if labels else rest
    if lead.strip(_SEPARATORS + "\n"):
        return None                     # unlabelled words: not a header line
    for n, m in enumerate(labels):
        end = labels[n + 1].start() if n + 1 < len(labels) else len(rest)
        kind = next(k for k in _LABELS if m[k])
        value, _, after_date = rest[m.end():end].partition("\n")
        value = value.strip(_SEPARATORS)
        if after_date.strip(_SEPARATORS):
            return None                 # words after the date inside a field
        if kind in fields or _SENTENCE.search(value) or len(value) > 30:
            return None
        if kind == "date" and value:
            return None                 # 时间：上午十点 is text, not the page's date
        fields[kind] = value
    if not (when or fields.get("source") is not None or fields.get("author")):
        return None
    if when is None and "date" in fields:
        return None
    return Meta(when=when.group().strip() if when else None, date=date, month_day=month_day,
                source=fields.get("source") or None, author=fields.get("author") or None)


def _valid_month_day(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)       # a leap year: 02-29 is a real day
    except ValueError:
        return False
    return True


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
                      r"|\d+[、.．]|第[一二三四五六七八九十\d]+[章节部分条])")
_END_PUNCT = "。；：，、…,.;:"
#: A site's breadcrumb trail (您当前的位置：首页 > 资讯 > 城市): page furniture, never a headline.
_BREADCRUMB = re.compile(r"^(?:您?当前(?:的)?位置|首页\s*[>＞»›/])|\S\s*[>＞»›]\s*\S+\s*[>＞»›]")
_CLOSING = "”’」』）)》〉】"


def starts_body(line: str) -> bool:
    """A line that cannot belong to the page's header: a sentence, a long line, a dateline,
    a caption, a speaker line or a numbered subheading (the header is looked for above it)."""
    return ("。" in line or len(line) > MAX_HEADLINE
            or line.rstrip(_CLOSING)[-1:] in tuple(_END_PUNCT) or line[-1:] in tuple(_END_PUNCT)
            or split_dateline(line)[0] is not None or parse_caption(line) is not None
            or parse_speaker(line) is not None or _ORDINAL.match(line) is not None)


def reads_as_headline(line: str) -> bool:
    """A line that can be the page's headline: Chinese, 4–80 characters, no sentence inside
    and none ending it (a closing ？ or ！ is fine), and not a breadcrumb trail, dateline,
    byline, caption, speaker line, numbered subheading or header line."""
    if not (4 <= len(line) <= MAX_HEADLINE) or not has_han(line) or "。" in line:
        return False
    if _BREADCRUMB.search(line):
        return False
    if line.rstrip(_CLOSING)[-1:] in _END_PUNCT or line[-1] in _END_PUNCT:
        return False
    return not (split_dateline(line)[0] or parse_reporter_line(line) or parse_credit_line(line)
                or parse_caption(line) or parse_speaker(line) or _ORDINAL.match(line)
                or parse_meta_line(line))


_ANY_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*(?:[-/._]|年)\s*)?(\d{1,2})"
                            r"(?:\s*(?:[-/._]|月)\s*)?(\d{1,2})(?!\d)")


def year_of_short_date(month: int, day: int, lines: list[str]) -> int | None:
    """The year of a date printed as month and day only, from the full dates elsewhere on
    the page with that month and day (``2023年5月6日``, ``/2023-05/06/``, ``t20230506``);
    None when there is none or they disagree."""
    years = {int(m[1]) for line in lines for m in _ANY_FULL_DATE.finditer(line)
             if (int(m[2]), int(m[3])) == (month, day)}
    return years.pop() if len(years) == 1 else None


def _is_byline(line: str) -> bool:
    return parse_reporter_line(line) is not None or parse_credit_line(line) is not None


def find_page_header(lines: list[str], rules: DebrisRules = DEBRIS_RULES,
                     search: int = SEARCH_LINES) -> tuple[set[int], PageHeader | None]:
    """The header lines (0-based indexes) and the header as metadata, or ``(set(), None)``."""
    metas: list[tuple[int, Meta]] = []
    content: list[int] = []             # the other lines above the article's first sentence
    for i, line in enumerate(lines[:search]):
        if not line or debris_rule(line, rules) is not None or _is_byline(line):
            continue
        meta = parse_meta_line(line)
        if meta is not None:
            metas.append((i, meta))
        elif reads_as_headline(line):
            content.append(i)
        elif starts_body(line):
            break
        else:
            content.append(i)           # a short line of page furniture (a site's name …)
    if metas:
        above = [i for i in content if i < metas[-1][0]]
        header = set(above) | {i for i, _ in metas}
        headline = next((lines[i] for i in above if reads_as_headline(lines[i])), None)
        return header, _page(headline, [m for _, m in metas], lines)
    first = next((i for i in content if reads_as_headline(lines[i])), None)
    if first is None or not _text_follows(lines, first, rules):
        return set(), None
    return {i for i in content if i <= first}, _page(lines[first], [], lines)


def _text_follows(lines: list[str], i: int, rules: DebrisRules) -> bool:
    return any(line and debris_rule(line, rules) is None and not _is_byline(line)
               for line in lines[i + 1:])


def _page(headline: str | None, metas: list[Meta], lines: list[str]) -> PageHeader:
    """The header's fields: the first of each kind the meta lines give."""
    when = next((m for m in metas if m.when), None)
    date = when.date if when else None
    if when is not None and when.month_day is not None:
        year = year_of_short_date(*when.month_day, lines)
        date = dt.date(year, *when.month_day) if year and _valid_in(year, when.month_day) else None
    return PageHeader(headline=headline, time=when.when if when else None,
                      source=next((m.source for m in metas if m.source), None),
                      date=date, author=next((m.author for m in metas if m.author), None))


def _valid_in(year: int, month_day: tuple[int, int]) -> bool:
    try:
        dt.date(year, *month_day)
    except ValueError:
        return False
    return True
