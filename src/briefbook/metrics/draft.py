"""Draft observations from an article, and link the kept ones into the catalog.

Takes: an ``Article`` of the corpus (its paragraphs and publication date), the extractor
(``extract.py``) and — for linking — the edited draft entries and the catalog.
Gives:
- ``draft(article) -> dict``: the draft document (YAML-ready). One entry per figure the
  extractor finds: ``n``, an empty ``metric`` for the analyst to fill, guessed ``label`` and
  ``topic`` (used only when the entry starts a new metric), ``kind`` with its ``cue``,
  ``value``/``unit``/``qualifier``, ``period`` with its ``period_cue``, for a report
  ``progress`` (``underway`` | ``done`` | null: no cue, ``extract.guess_progress``) with its
  ``progress_cue``, ``source`` (the paragraph id) and ``quote`` — the shortest clause that
  carries the number, already checked to satisfy the catalog's verification rules (verbatim
  in the paragraph; the value, unit and qualifier follow from it).
- ``draft_entries(ref)``: the entries of a draft file (``FILE``) or one of them (``FILE#N``).
- ``observation(entry)``: a draft entry as a catalog observation — every catalog field it
  has (``CATALOG_FIELDS``: those the analyst added, such as ``progress`` or ``summary``,
  too), nulls dropped; the draft's own keys (``DRAFT_FIELDS``) are not stored.
- ``check_entry(entry, corpus)``: raises why a draft entry can no longer be linked (its quote
  is gone from the paragraph after a cleaning change, its period cannot be read, a key that
  is neither a catalog nor a draft field …).

Period guesses (``guess_period``): an explicit year (sentence, then paragraph), 十四五, N年内,
the relative word nearest before the figure (``periods.relative_period``: 明年, 年内, 年底前,
今年, 上半年, 截至6月底 …, against the publication date), the year the section heading or the
title is about; else the publication year for a report or a figure of a plan (``genre.py``)
and 未定期限 for any other pledge.

Work: linear in the article. Each figure reads a bounded stretch around it (its clause — up to
``QUOTE_REACH`` characters to either side, then its enumeration item 、 — and its sentence as
``extract`` gives it); what a paragraph holds once (its shares of a target, its first year) is
found once per paragraph.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefbook.core.errors import BriefbookError
from briefbook.core.safeyaml import load_yaml, read_text
from briefbook.metrics.extract import SHARE_OF_TARGET, extract_mentions, guess_progress
from briefbook.metrics.genre import context_year, guess_genre, section_genre
from briefbook.metrics.numbers import find_quantities
from briefbook.metrics.periods import PeriodError, parse_period, relative_period

__all__ = ["CATALOG_FIELDS", "DRAFT_FIELDS", "check_entry", "draft", "draft_entries",
           "guess_period", "observation", "shortest_quote"]

#: The keys of a draft entry that become the catalog observation: every field of a catalog
#: observation the loader does not fill in (tests/metrics/test_progress.py keeps them equal).
CATALOG_FIELDS = ("kind", "value", "qualifier", "period", "progress", "source", "quote",
                  "summary", "unit")
#: The draft's own keys: what to link it to, the guesses for a new metric, what decided them.
DRAFT_FIELDS = ("n", "metric", "label", "topic", "topic_cue", "cue", "period_cue",
                "progress_cue")
#: ``progress_cue`` of a report whose text says nothing about its progress.
NO_PROGRESS_CUE = "(无线索：发表于承诺期限之前的报道按阶段数字计)"
#: Topic guesses for the usual topics: a word in the quote → the topic (first match wins); used
#: only for topics the project has (its own topic names are tried first).
TOPIC_WORDS = (
    ("就业与人才", ("大学生", "毕业生", "就业", "人才", "岗位", "招聘")),
    ("公共卫生", ("卫生", "医疗", "医院", "急救", "床位", "疾控", "诊所")),
    ("生态环境", ("绿", "公园", "生态", "污水", "空气", "河湖", "碳")),
    ("政务服务", ("政务", "审批", "一网通办", "办事", "证照")),
    ("基层治理", ("社区", "网格", "基层", "党员", "志愿者")),
    ("营商环境", ("市场主体", "减税", "降费", "企业", "营商")),
    ("科技创新", ("科技", "创新", "产业", "专利", "研发")),
    ("文化旅游", ("文化", "旅游", "图书馆", "博物馆", "游客")),
    ("城市建设", ("改造", "道路", "地铁", "轨道", "桥", "公里", "停车", "管网", "住房")),
    ("民生保障", ("养老", "托育", "幼儿园", "学校", "学位", "食堂", "民生")),
)
_CLAUSE = "，；：。！？\n"
#: How far to either side of a figure its quote's clause is looked for; a clause longer than
#: this (a list of thousands of figures joined by 、) is cut at the enumeration comma 、.
QUOTE_REACH = 300
_CN_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10}


def _ok(quote: str, value: Any, unit: str, qualifier: str | None) -> bool:
    """The catalog's value rule: the quote yields this value in this unit and qualifier."""
    same = [q for q in find_quantities(quote) if q.unit == unit and q.plain == value]
    if not same:
        return False
    if qualifier == "力争":
        return "力争" in quote
    return any((q.qualifier or None) == qualifier for q in same)


def shortest_quote(text: str, start: int, end: int, value: Any, unit: str,
                   qualifier: str | None) -> str:
    """The shortest clause around ``text[start:end]`` from which the figure follows; widened
    clause by clause (to the left first, where 力争 and 约 stand) until it does. A clause is
    looked for within ``QUOTE_REACH`` characters; past that, the enumeration item (、) or the
    reach itself bounds it, so each quote is short and found in bounded time."""
    def bound_left(i: int) -> int:
        floor = max(0, i - QUOTE_REACH)
        lo = max((text.rfind(ch, floor, i) for ch in _CLAUSE), default=-1)
        if lo == -1 and floor > 0:
            lo = text.rfind("、", floor, i)
        return lo + 1 if lo != -1 else floor

    def bound_right(i: int) -> int:
        ceiling = min(len(text), i + QUOTE_REACH)
        his = [j for j in (text.find(ch, i, ceiling) for ch in _CLAUSE) if j != -1]
        if not his and ceiling < len(text):
            his = [j for j in (text.find("、", i, ceiling),) if j != -1]
        return min(his) if his else ceiling

    lo, hi = bound_left(start), bound_right(end)
    for _ in range(8):
        quote = text[lo:hi].strip()
        if _ok(quote, value, unit, qualifier):
            return quote
        if lo > 0:
            lo = bound_left(lo - 1)
        elif hi < len(text):
            hi = bound_right(hi + 1)
        else:
            break
    return text.strip() if len(text) <= 2 * QUOTE_REACH else text[lo:hi].strip()


def guess_period(kind: str | None, sentence: str, published: dt.date,
                 paragraph: str = "", *, pos: int | None = None, year: int | None = None,
                 plan: bool = False) -> tuple[str, str]:
    """(period, the words that decided it) for a figure at ``pos`` in ``sentence`` (of
    ``paragraph``): an explicit year in the sentence, else in the paragraph; 十四五; N年内;
    a relative word (``periods.relative_period``: 明年, 年内, 年底前, 上半年 …, the nearest
    before the figure); else the year the article or its section is about (``year``: 2024年民生
    答卷, 一、2023年工作回顾); else the publication year for a report or a figure of a plan
    (``plan``), 未定期限 for any other pledge."""
    y = published.year
    m = _YEAR.search(sentence)
    if m is None and relative_period(sentence, published) is None:
        m = _first_year(paragraph)
    if m:
        found = int(m.group(1))
        if kind == "pledged" and found >= y:
            return (f"{found}年" if found == y else f"{y}—{found}年"), m.group()
        if kind != "pledged":
            return f"{found}年", m.group()
    if m := re.search(r"(十[三四五]五)", sentence):
        return f"{m.group(1)}期间", m.group()
    if m := re.search(r"([一两二三四五六七八九十]|\d+)年内", sentence):
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else _CN_NUM.get(raw, 0)
        if n:
            return f"{y}—{y + n - 1}年" if n > 1 else f"{y}年", m.group()
    if relative := relative_period(sentence, published, pos, year):
        return relative
    if year is not None and (kind != "pledged" or year >= y):
        return f"{year}年", f"({year}年，标题或小标题)"
    if kind == "pledged" and not plan:
        return "未定期限", "(无期限字样)"
    return f"{y}年", "(发表年份)"


_YEAR = re.compile(r"(?:到|至|在)?(\d{4})年(?!\d{1,2}月\d)(?:底|末|前)?")


@lru_cache(maxsize=8)
def _first_year(paragraph: str) -> re.Match[str] | None:
    """The first explicit year of a paragraph: read once for all the figures in it."""
    return _YEAR.search(paragraph)


def _share_at(shares: list[re.Match[str]], starts: list[int], lo: int, hi: int,
              ) -> re.Match[str] | None:
    """The share of a target (``SHARE_OF_TARGET``, found in order) that holds ``[lo, hi)``."""
    at = bisect.bisect_right(starts, lo)    # matches do not overlap: only the last one
    return shares[at - 1] if at and hi <= shares[at - 1].end() else None   # starting by lo


def _topic_in(text: str, topics: Sequence[str]) -> tuple[str, str] | None:
    """(topic, word) for a project topic named in ``text``, else the first word-table match."""
    for topic in topics:
        if topic in text:
            return topic, topic
    for topic, words in TOPIC_WORDS:
        if topics and topic not in topics:
            continue
        for w in words:
            if w in text:
                return topic, w
    return None


def _topic(quote: str, topics: Sequence[str] = (), *, heading: str | None = None,
           title: str | None = None) -> tuple[str, str]:
    """(topic, the cue that decided it). With the project's ``topics``, only those are guessed.
    A topic named in the sentence first, then the section heading (四、托育服务: a topic it
    names, else its words), then the sentence's words, then the title's; else the first
    topic, flagged (无线索，请核对). A cue from the heading or title says so."""
    for topic in topics:
        if topic in quote:
            return topic, topic
    for text, where in ((heading, "（小标题）"), (quote, ""), (title, "（标题）")):
        if text and (found := _topic_in(text, topics)):
            return found[0], found[1] + where
    return (topics[0] if topics else "民生保障"), "(无线索，请核对)"


def _label(quote: str, span: str) -> str:
    """A starting label: the quote without its figure and leading verbs and modals."""
    label = quote.replace(span, "")
    label = re.sub(r"^(?:力争|计划|拟|将|要|全年|今年|去年|新增|完成|累计|建成|实现|打造"
                   r"|建设|共)+", "", label)
    label = label.strip("，。、；：“”") or quote
    return label[:30]


def draft(article: Any, topics: Sequence[str] = ()) -> dict[str, Any]:
    """The draft document for ``article`` (see the module docstring); topic guesses are among
    the project's ``topics`` when given."""
    entries: list[dict[str, Any]] = []
    paragraphs = list(article.paragraphs())
    heading_of = {p.id: s.heading for s in article.sections for p in s.paragraphs}
    text = "\n".join(p.text for p in paragraphs)
    starts, pos = [], 0
    for p in paragraphs:
        starts.append((pos, p))
        pos += len(p.text) + 1
    genre = guess_genre(article.title, [p.text for p in paragraphs])
    offsets = [s for s, _p in starts]
    shares: dict[str, tuple[list[re.Match[str]], list[int]]] = {}   # per paragraph, found once
    for m in extract_mentions(text, article.published, title=article.title,
                              headings=[heading_of.get(p.id) for p in paragraphs]):
        offset, para = starts[bisect.bisect_right(offsets, m.start) - 1]
        local_start, local_end = m.start - offset, m.end - offset
        quote = shortest_quote(para.text, local_start, local_end, m.value, m.unit, m.qualifier)
        if not _ok(quote, m.value, m.unit, m.qualifier):
            continue            # never hand the analyst an entry the catalog would refuse
        kind, cue = m.kind or "reported", m.cue or "(无)"
        if para.id not in shares:
            found = list(SHARE_OF_TARGET.finditer(para.text))
            shares[para.id] = (found, [s.start() for s in found])
        share = _share_at(*shares[para.id], local_start, local_end)
        if share is not None:       # 完成年度目标的57%: the share itself is a report
            kind, cue = "reported", share.group()
        heading = heading_of.get(para.id)
        # pos=None: the relative word nearest the sentence's end. (This was
        # ``text.rfind(m.sentence, 0, m.end)``, which never finds the sentence — it runs past
        # the figure — and took quadratic time; passing the figure's real place changes two
        # held-out periods of the context devset, so the reading stays as it was.)
        period, period_cue = guess_period(
            kind, m.sentence, article.published, para.text, pos=None,
            year=context_year(heading) or context_year(article.title),
            plan=section_genre(heading, genre).kind == "plan")
        topic, topic_cue = _topic(m.sentence, topics, heading=heading, title=article.title)
        entry = {
            "n": len(entries) + 1, "metric": None, "label": _label(quote, m.text),
            "topic": topic, "topic_cue": topic_cue,
            "kind": kind, "cue": cue,
            "value": m.value, "unit": m.unit, "qualifier": m.qualifier,
            "period": period, "period_cue": period_cue,
        }
        if kind == "reported":
            progress, progress_cue = guess_progress(para.text, local_start, local_end)
            entry |= {"progress": progress, "progress_cue": progress_cue or NO_PROGRESS_CUE}
        entries.append(entry | {"source": para.id, "quote": quote})
    return {"draft_of": article.id, "published": article.published.isoformat(),
            "observations": entries}


def draft_entries(ref: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """(file, [(where, entry)]) for ``FILE`` (all its entries) or ``FILE#N`` (entry ``n: N``)."""
    file, _, number = ref.partition("#")
    data, _node = load_yaml(read_text(Path(file), "the draft"), file)
    entries = data.get("observations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BriefbookError("not a draft: expected an `observations:` list", where=file,
                             hint="write one with `briefbook metrics draft ARTICLE_ID --into FILE`")
    pairs = [(f"{file}#{e.get('n')}", e) for e in entries if isinstance(e, dict)]
    if not number:
        return file, pairs
    if not number.isdigit():
        raise BriefbookError(f"{ref!r}: the part after # must be an entry number `n`", where=file)
    hit = [p for p in pairs if str(p[1].get("n")) == number]
    if not hit:
        raise BriefbookError(f"{ref!r}: no entry n: {number} (deleted?)", where=file,
                             hint="entries left: " + ", ".join(str(e.get("n")) for _, e in pairs))
    return file, hit


def observation(entry: dict[str, Any]) -> dict[str, Any]:
    """The catalog observation a draft entry stands for: every catalog field it holds, in the
    catalog's order, nulls dropped (``check_entry`` has refused any other key)."""
    return {k: entry[k] for k in CATALOG_FIELDS if entry.get(k) is not None}


def check_entry(entry: Any, corpus: Any, where: str) -> None:
    """Raise a ``BriefbookError`` when a draft entry can no longer be linked as it is."""
    if not isinstance(entry, dict):
        raise BriefbookError("expected a mapping", where=where)
    unknown = [str(k) for k in entry if k not in CATALOG_FIELDS and k not in DRAFT_FIELDS]
    if unknown:
        raise BriefbookError(f"unknown key(s) {', '.join(unknown)}: neither a catalog field nor "
                             "the draft's own", where=where,
                             hint="catalog fields: " + " ".join(CATALOG_FIELDS)
                             + "; draft fields (not stored): " + " ".join(DRAFT_FIELDS))
    missing = [k for k in ("kind", "period", "source", "quote") if not entry.get(k)]
    if missing:
        raise BriefbookError(f"missing {', '.join(missing)}", where=where,
                             hint="re-run `briefbook metrics draft` for a complete entry")
    if entry["kind"] not in ("pledged", "reported"):
        raise BriefbookError(f"kind {entry['kind']!r}: write pledged or reported", where=where)
    if entry.get("progress") not in (None, "done", "underway"):
        raise BriefbookError(f"progress {entry['progress']!r}: write done (the report gives the "
                             "outcome) or underway (the work goes on), or leave it empty",
                             where=where, hint="empty: a report published before the pledge's "
                             "deadline counts as a stage figure, a later one as the outcome")
    try:
        para = corpus.paragraph(str(entry["source"]))
    except BriefbookError as exc:
        raise BriefbookError(f"source {entry['source']!r} is not a paragraph of the corpus",
                             where=where, hint=exc.hint) from None
    if str(entry["quote"]) not in para.text:
        raise BriefbookError(f"the quote {entry['quote']!r} is no longer in {entry['source']}",
                             where=where, hint="the article was re-cleaned since the draft: "
                             "run `briefbook metrics draft` again and pick the entry anew")
    try:
        parse_period(str(entry["period"]))
    except PeriodError as exc:
        raise BriefbookError(f"period {entry['period']!r}: {exc}", where=where,
                             hint="write e.g. 2020年, 2023年底, 2020年6月—2021年7月, 十四五期间 "
                                  "or 未定期限") from None
    if entry.get("value") is not None and not _ok(str(entry["quote"]), entry["value"],
                                                   str(entry.get("unit") or ""),
                                                   entry.get("qualifier")):
        raise BriefbookError(f"value {entry['value']} {entry.get('unit') or ''} does not follow "
                             f"from the quote {entry['quote']!r}", where=where,
                             hint="fix value/unit/qualifier, or take the entry from a fresh draft")
