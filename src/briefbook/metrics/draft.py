"""Draft observations from an article, and link the kept ones into the catalog.

Takes: an ``Article`` of the corpus (its paragraphs and publication date), the extractor
(``extract.py``) and — for linking — the edited draft entries and the catalog.
Gives:
- ``draft(article) -> dict``: the draft document (YAML-ready). One entry per figure the
  extractor finds: ``n``, an empty ``metric`` for the analyst to fill, guessed ``label`` and
  ``topic`` (used only when the entry starts a new metric), ``kind`` with its ``cue``,
  ``value``/``unit``/``qualifier``, ``period`` with its ``period_cue``, ``source`` (the
  paragraph id) and ``quote`` — the shortest clause that carries the number, already checked
  to satisfy the catalog's verification rules (verbatim in the paragraph; the value, unit
  and qualifier follow from it).
- ``observation(entry)``: a draft entry as a catalog observation (the catalog fields only).
- ``check_entry(entry, corpus)``: why a draft entry can no longer be linked (its quote is
  gone from the paragraph after a cleaning change, its period cannot be read …), or None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from briefbook.errors import BriefbookError
from briefbook.metrics.extract import extract_mentions
from briefbook.metrics.numbers import find_quantities
from briefbook.metrics.periods import PeriodError, parse_period

__all__ = ["CATALOG_FIELDS", "check_entry", "draft", "guess_period", "observation", "shortest_quote"]

#: The keys of a draft entry that become the catalog observation.
CATALOG_FIELDS = ("kind", "value", "qualifier", "period", "source", "quote", "unit")
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
    clause by clause (to the left first, where 力争 and 约 stand) until it does."""
    def bound_left(i: int) -> int:
        return max((text.rfind(ch, 0, i) for ch in _CLAUSE), default=-1) + 1

    def bound_right(i: int) -> int:
        his = [j for j in (text.find(ch, i) for ch in _CLAUSE) if j != -1]
        return min(his) if his else len(text)

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
    return text.strip()


def guess_period(kind: str | None, sentence: str, published: dt.date,
                 paragraph: str = "") -> tuple[str, str]:
    """(period, the words that decided it) for a figure in ``sentence`` (of ``paragraph``):
    an explicit year in the sentence, else in the paragraph, else relative words."""
    y = published.year
    m = re.search(r"(?:到|至|在)?(\d{4})年(?!\d{1,2}月\d)(?:底|末|前)?", sentence)
    if m is None and not re.search(r"去年|上年|明年|年内", sentence):
        m = re.search(r"(?:到|至|在)?(\d{4})年(?!\d{1,2}月\d)(?:底|末|前)?", paragraph)
    if m:
        year = int(m.group(1))
        if kind == "pledged" and year >= y:
            return (f"{year}年" if year == y else f"{y}—{year}年"), m.group()
        if kind != "pledged":
            return f"{year}年", m.group()
    if m := re.search(r"(十[三四五]五)", sentence):
        return f"{m.group(1)}期间", m.group()
    if m := re.search(r"([一两二三四五六七八九十]|\d+)年内", sentence):
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else _CN_NUM.get(raw, 0)
        if n:
            return f"{y}—{y + n - 1}年" if n > 1 else f"{y}年", m.group()
    for cue, period in (("去年", f"{y - 1}年"), ("上年", f"{y - 1}年"), ("今年上半年", f"{y}年1月—{y}年6月"),
                        ("上半年", f"{y}年1月—{y}年6月"), ("今年", f"{y}年"), ("全年", f"{y}年"),
                        ("明年", f"{y + 1}年")):
        if cue in sentence:
            return period, cue
    if kind == "pledged":
        return "未定期限", "(无期限字样)"
    return f"{y}年", "(发表年份)"


def _topic(quote: str, topics: Sequence[str] = ()) -> tuple[str, str]:
    """(topic, the cue that decided it). With the project's ``topics``, only those are guessed:
    a topic named in the sentence first, then the word table; else the first topic, flagged."""
    for topic in topics:
        if topic in quote:
            return topic, topic
    for topic, words in TOPIC_WORDS:
        if topics and topic not in topics:
            continue
        for w in words:
            if w in quote:
                return topic, w
    return (topics[0] if topics else "民生保障"), "(无线索，请核对)"


def _label(quote: str, span: str) -> str:
    """A starting label: the quote without its figure and leading verbs and modals."""
    label = quote.replace(span, "")
    label = re.sub(r"^(?:力争|计划|拟|将|要|全年|今年|去年|新增|完成|累计|建成|实现|打造|建设|共)+", "", label)
    label = label.strip("，。、；：“”") or quote
    return label[:30]


def draft(article: Any, topics: Sequence[str] = ()) -> dict[str, Any]:
    """The draft document for ``article`` (see the module docstring); topic guesses are among
    the project's ``topics`` when given."""
    entries: list[dict[str, Any]] = []
    paragraphs = list(article.paragraphs())
    text = "\n".join(p.text for p in paragraphs)
    starts, pos = [], 0
    for p in paragraphs:
        starts.append((pos, p))
        pos += len(p.text) + 1
    for m in extract_mentions(text, article.published):
        offset, para = next((s, p) for s, p in reversed(starts) if s <= m.start)
        local_start, local_end = m.start - offset, m.end - offset
        quote = shortest_quote(para.text, local_start, local_end, m.value, m.unit, m.qualifier)
        if not _ok(quote, m.value, m.unit, m.qualifier):
            continue            # never hand the analyst an entry the catalog would refuse
        kind = m.kind or "reported"
        period, period_cue = guess_period(kind, m.sentence, article.published, para.text)
        topic, topic_cue = _topic(m.sentence, topics)
        entries.append({
            "n": len(entries) + 1, "metric": None, "label": _label(quote, m.text),
            "topic": topic, "topic_cue": topic_cue,
            "kind": kind, "cue": m.cue or "(无)",
            "value": m.value, "unit": m.unit, "qualifier": m.qualifier,
            "period": period, "period_cue": period_cue,
            "source": para.id, "quote": quote,
        })
    return {"draft_of": article.id, "published": article.published.isoformat(),
            "observations": entries}


def observation(entry: dict[str, Any]) -> dict[str, Any]:
    """The catalog observation a draft entry stands for (nulls dropped)."""
    return {k: entry[k] for k in CATALOG_FIELDS if entry.get(k) is not None}


def check_entry(entry: Any, corpus: Any, where: str) -> None:
    """Raise a ``BriefbookError`` when a draft entry can no longer be linked as it is."""
    if not isinstance(entry, dict):
        raise BriefbookError("expected a mapping", where=where)
    missing = [k for k in ("kind", "period", "source", "quote") if not entry.get(k)]
    if missing:
        raise BriefbookError(f"missing {', '.join(missing)}", where=where,
                             hint="re-run `briefbook metrics draft` for a complete entry")
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
                                                   str(entry.get("unit") or ""), entry.get("qualifier")):
        raise BriefbookError(f"value {entry['value']} {entry.get('unit') or ''} does not follow "
                             f"from the quote {entry['quote']!r}", where=where,
                             hint="fix value/unit/qualifier, or take the entry from a fresh draft")
