"""Find every number-with-unit mention in a text and guess whether it pledges or reports.

Takes: plain cleaned text (one paragraph or a whole article, paragraphs on separate lines).
Gives: ``extract_mentions(text) -> list[Mention]``: value, unit, qualifier, the span as
written, its sentence, and ``kind`` — ``pledged`` / ``reported`` / None — with the cue word
that decided it.

What counts as a mention is ``numbers.find_quantities``: a numeral with a unit or measure
word stating a count, amount, size, distance or duration; not dates, years, ordinals, names,
specs or vague amounts (see numbers.py).

Kind guess, from the narrowest context that decides it:
1. a target frame earlier in the sentence makes it a pledge: a deadline (到2025年), 力争,
   a span still to come (三年内, 今后三年), a plan's own voice opening the sentence
   (方案提出，… / 清单明确，… / 要点提出，…), or a year after the publication year;
   a past frame makes it a report: a year before the publication year opening the
   sentence (2022年，…), 过去/近三年来;
2. a modal — 将 拟 计划 要 力争 争取 确保 预计 届时 — earlier in the sentence carries over
   the clause chain and enumeration after it (将新建…，新增…，建设…), and so does the
   frame of a numbered list (一、 1. （一）): the lead paragraph that introduces the items
   (全年计划办理以下事项：) when it is a plan; a weak report verb there (新增, 建成,
   完成 …) is part of the plan; a strong report marker in the number's own clause
   (已, 了, 截至, 累计, 去年, 目前, 现有 …) ends the scope;
3. the nearest cue in the clause holding the number (split at ，；：), before it, else after;
   目前/现有/已有 read as a current state, i.e. reported;
4. earlier clauses of the sentence, later clauses of the sentence, earlier sentences of
   the paragraph;
5. the article's genre (``genre.py``: the title, else the lead paragraph; a section heading
   such as 工作回顾 / 工作安排 over both): in a plan, budget or work-plan article a figure is a
   pledge — 新增, 建成, 开通 … included — unless marked done: a past frame, or a strong report
   marker (已, 完成了, 累计, 截至, 去年, 目前 …) before it in its sentence with no pledge cue
   and no 今年/明年/年内/再 after that marker, or one later in its clause; in a report
   article a figure no cue decides is a report;
6. the document's majority among the mentions decided so far;
7. otherwise None.
Traditional script is converted (OpenCC t2s, character for character) before reading; the
offsets, ``text`` and ``sentence`` of a mention are the given text's own.
Pledge cues: 力争 将 拟 要 打造 目标 实现(not 实现了) 计划 确保 争取 未来 继续 锚定 届时 预计.
Report cues: 完成 新增 已 上线 问世 了 选派 组织(not 党组织) 出台 启动 建立 入围 获评
累计 实施 开工 开展 去年 举行 成立 建成 开通 截至 上半年 同比 增长 下降 目前 现有 共有 过去.
(达到 is neither: it serves targets as often as results.)
Precision/recall against hand-checked gold lists: tests/metrics/test_extract.py (seeds) and
tests/metrics/test_devset.py (sixteen pages of other styles; ``devset/score.py`` prints).

Progress of a reported figure (``guess_progress``; ``metrics draft`` writes it as ``progress``):
``underway`` — the figure is a share of a target below 100% (完成年度目标的57%), or the sentence
counts to an interim day (截至6月底, 截至目前, 上半年, 一季度, 前三季度, 1—6月, 前5个月), or the
nearest progress word says the work goes on (正在, 已开工, 在建, 施工中, 推进中 …);
``done`` — a share of 100% or more, or the nearest progress word closes it (全年, 截至年底,
已完成, 全部建成, 全部完成, 全面完成, 如期完成, 竣工 …). The number's clause decides before the
rest of its sentence; no cue: None (the catalog then reads a report published before the
pledge's deadline as a stage figure).

Work: linear in the text. A number's sentence, clause and paragraph are read at most
``CONTEXT_CHARS`` characters to either side of it (the longest sentence of the corpus and the
development sets has 277 characters, so real text reads as a whole; a 2 MB "sentence" of
100,000 numbers is read as a window around each), and the frame of a numbered list is found
once per line. ``Mention.sentence`` is bounded too (``MAX_SENTENCE_CHARS``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from briefbook.corpus.clean import is_heading, to_simplified
from briefbook.metrics.genre import NO_GENRE, Genre, guess_genre, section_genre
from briefbook.metrics.numbers import find_quantities

__all__ = ["Mention", "extract_mentions", "guess_progress", "PLEDGE_CUES", "PROGRESS_DONE",
           "PROGRESS_UNDERWAY", "REPORT_CUES", "SHARE_OF_TARGET"]

PLEDGE_CUES = ("力争", "将", "拟", "要", "打造", "目标", "实现", "计划", "确保", "争取", "未来",
               "继续", "锚定", "届时", "预计")
REPORT_CUES = ("完成", "新增", "已", "上线", "问世", "选派", "组织", "出台", "启动", "建立",
               "入围", "获评", "累计", "实施", "开工", "开展", "去年", "举行", "成立",
               "建成", "开通", "了", "截至", "上半年", "同比", "增长", "下降", "目前", "现有",
               "共有", "过去")
#: Report markers that end a modal's scope: the figure is a fact, not part of the plan.
STRONG_REPORT = ("已", "了", "截至", "累计", "去年", "目前", "现有", "共有", "过去", "同比")
_SCOPE_MODAL = re.compile(r"将(?!近)|拟|(?<!行动)(?<!工作)(?<!发展)计划(?![，。；、）])"
                          r"|(?<![重主需纲摘概必首只])要(?![求素点闻])|力争|争取|确保|预计|届时")
_NUM = r"[一二两三四五六七八九十\d]+"
_TARGET_FRAME = re.compile(rf"{_NUM}年内|今后{_NUM}个?年|未来{_NUM}年|"
                           r"^[^，。；]{0,14}(?:提出|明确|要求|部署)[，：]")
_PAST_FRAME = re.compile(rf"过去{_NUM}?年|近{_NUM}年来|{_NUM}年来")
_YEAR_OPENING = re.compile(r"^(?:\d{4})年(?![内底末])")
_LIST_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．]\s*"
                        r"|[（(][一二三四五六七八九十\d]{1,3}[）)])")
_LIST_LEAD = re.compile(r"将|拟|计划|要|清单|实事|以下|如下|要点|任务|方案")
# A deadline or 力争 earlier in the sentence makes the figure a target, whatever the verb.
_TARGET = re.compile(r"(?:到|至)\d{4}年(?:底|末)?|力争")
# Cue look-alikes inside longer words: (cue, chars not allowed before, words it may not start).
_NOT_BEFORE = {"要": "重主需纲摘概必首只", "将": "", "组织": "党", "已": "", "了": "为除",
               "实施": "", "计划": ""}
_NOT_STARTING = {"将": ("将近",), "要": ("要求", "要素", "要点", "要闻"), "实现": ("实现了",),
                 "已": ("已脱贫",), "了": ("了解",)}
_CUE_RE = re.compile("|".join(sorted(map(re.escape, PLEDGE_CUES + REPORT_CUES), key=len,
                                      reverse=True)))
_MODAL = re.compile("将|要|力争|争取|计划|确保")
#: Time words that end a done marker's reach (去年新增600个，今年再新增800个).
_FUTURE = re.compile(r"今年|明年|年内|年底前|下半年|再")
#: A target or plan named as something passed, reached or compared with (超过年度目标,
#: 提前完成全年目标, 比计划少1个): the figure beside it is a result, not a pledge.
_MET_TARGET = re.compile(r"(?:超过|超出|超额完成|超额|提前完成|完成|达到|实现|比)[^，。；：]{0,6}$")
#: Words that put what follows in the clause ahead of the writer (年内新建30家 in January is a
#: pledge, whatever verb follows); in a report article they decide nothing (年内建成 = done).
_FORWARD = re.compile(r"年内|年底前|明年|今年内|下半年将|今年将")
_SENTENCE_END = "。！？；\n"
_CLAUSE_END = "，；：。！？\n"
#: How far to either side of a number its sentence, clause and paragraph are read (see the
#: module docstring): a bound on the work per number, far beyond any real sentence.
CONTEXT_CHARS = 600
#: Longest ``Mention.sentence``: a longer sentence is given as the text up to half this many
#: characters to either side of the number (verbatim, not marked as cut).
MAX_SENTENCE_CHARS = 300


@dataclass(frozen=True)
class Mention:
    value: int | float
    unit: str
    qualifier: str | None
    text: str            # as written, e.g. 30.2万人
    start: int
    end: int
    sentence: str
    kind: str | None     # pledged | reported | None
    cue: str | None      # the cue word that decided, or "(document)" for the majority rule

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _cues(text: str, lo: int, hi: int) -> list[tuple[int, str, str]]:
    """(position, cue, kind) for the real cue words in text[lo:hi]."""
    found = []
    for m in _CUE_RE.finditer(text, lo, hi):
        cue, i = m.group(), m.start()
        if i > 0 and text[i - 1] in _NOT_BEFORE.get(cue, ""):
            continue
        if any(text.startswith(w, i) for w in _NOT_STARTING.get(cue, ())):
            continue
        if cue == "实现" and text.startswith("实现了", i):
            continue
        if cue == "了" and not (i > 0 and text[i - 1] in "成解决到出立施增"):
            continue            # only 完成了/解决了/达到了 … read as reports
        kind = "pledged" if cue in PLEDGE_CUES else "reported"
        met = _MET_TARGET.search(text, max(lo, i - 8), i) if cue in ("目标", "计划") else None
        if met:  # 超过年度目标一成, 比计划少1个: measured against a target, so a result
            kind, cue = "reported", text[met.start():i] + cue
        modal = _MODAL.search(text, max(lo, i - 3), i) if kind == "reported" else None
        if modal:
            kind, cue = "pledged", text[modal.start():i] + cue   # 将出台, 要完成: still a pledge
        found.append((i, cue, kind))
    return found


def _bounds(text: str, pos: int, ends: str, reach: int = CONTEXT_CHARS) -> tuple[int, int]:
    """The span around ``pos`` up to the nearest of ``ends`` on each side (the end included),
    at most ``reach`` characters to either side."""
    floor, ceiling = max(0, pos - reach), min(len(text), pos + reach)
    lo = max((text.rfind(ch, floor, pos) for ch in ends), default=-1)
    his = [i for i in (text.find(ch, pos, ceiling) for ch in ends) if i != -1]
    return (lo + 1 if lo != -1 else floor), (min(his) + 1 if his else ceiling)


def _frame(text: str, s_lo: int, start: int, published: dt.date | None) -> tuple[str, str] | None:
    """Rule 1: a target or past frame earlier in the sentence."""
    target = _TARGET.search(text, s_lo, start) or _TARGET_FRAME.search(text[s_lo:start])
    past = _PAST_FRAME.search(text, s_lo, start)
    if past and (not target or past.start() > target.start() - s_lo):
        return "reported", past.group()
    if target:
        return "pledged", target.group()
    opening = _YEAR_OPENING.match(text[s_lo:start])
    if opening and published is not None:
        year = int(opening.group()[:4])
        if year < published.year:
            return "reported", opening.group()
        return "pledged", opening.group()
    return None


def _modal_scope(text: str, s_lo: int, c_lo: int, start: int) -> str | None:
    """Rule 2: a modal earlier in the sentence whose scope reaches the number."""
    modals = []
    opened = closed = 0            # quotation marks between s_lo and the modal, counted once
    counted = s_lo
    for m in _SCOPE_MODAL.finditer(text, s_lo, start):
        opened += text.count("“", counted, m.start())
        closed += text.count("”", counted, m.start())
        counted = m.start()
        if opened > closed:        # inside a quotation
            continue
        if m.group() == "计划" and _MET_TARGET.search(text, max(s_lo, m.start() - 8), m.start()):
            continue
        modals.append(m)
    if not modals:
        return None
    modal = modals[-1]
    between = text[max(modal.end(), c_lo):start]
    if (any(w in between for w in STRONG_REPORT if w != "了")
            or re.search(r"[成解决到出立施增]了", between)):
        return None
    return modal.group()


def _list_frames(lines: Sequence[str]) -> list[str | None]:
    """Rule 2's list frame of each line: for an item of a numbered list (一、 1. （一）), the
    plan word of the lead paragraph that introduces the list (the nearest line above that is
    not an item, when it ends with a colon); None for any other line. One pass."""
    frames: list[str | None] = []
    lead: str | None = None            # the frame the current run of items falls under
    for line in lines:
        if _LIST_ITEM.match(line):
            frames.append(lead)
            continue
        frames.append(None)
        word = _LIST_LEAD.search(line)
        lead = word.group() if word and line.rstrip().endswith(("：", ":")) else None
    return frames


def _sentence_guess(text: str, start: int, end: int, published: dt.date | None = None,
                    list_frame: str | None = None) -> tuple[str | None, str | None]:
    """Rules 1–4 of the module docstring: the sentence and paragraph cues alone
    (``list_frame``: the frame of the number's line, from ``_list_frames``)."""
    s_lo, s_hi = _bounds(text, start, _SENTENCE_END)
    c_lo, c_hi = _bounds(text, start, _CLAUSE_END)
    p_lo, _ = _bounds(text, start, "\n")
    framed = _frame(text, s_lo, start, published)
    if framed:
        return framed
    before = _cues(text, c_lo, start)
    strong = [c for c in before if c[2] == "reported" and c[1] in STRONG_REPORT]
    modal = _modal_scope(text, s_lo, c_lo, start) or list_frame
    if modal and not strong:
        return "pledged", modal
    if before:
        _, cue, kind = before[-1]
        return kind, cue
    # Then, widening: the clause after the number, the sentence before the clause, the
    # sentence after it, the paragraph before the sentence — the cue nearest the number.
    for lo, hi, nearest in ((end, c_hi, 0), (s_lo, c_lo, -1), (c_hi, s_hi, 0), (p_lo, s_lo, -1)):
        found = _cues(text, lo, hi)
        if found:
            _, cue, kind = found[nearest]
            return kind, cue
    return None, None


def _done(text: str, start: int, end: int, published: dt.date | None) -> str | None:
    """The marker that says the figure at ``text[start:end]`` is done, or None: a past frame
    (过去五年, a sentence opening with an earlier year), or a strong report marker (已, 完成了,
    累计, 截至, 去年, 目前 …) before it in its sentence with no pledge cue after that marker,
    or one in the rest of its clause (…1080个，已投用 is not; …1080个已投用 is)."""
    s_lo, _ = _bounds(text, start, _SENTENCE_END)
    _, c_hi = _bounds(text, start, _CLAUSE_END)
    framed = _frame(text, s_lo, start, published)
    if framed:
        return framed[1] if framed[0] == "reported" else None
    before = [c for c in _cues(text, s_lo, start)
              if c[2] == "pledged" or c[1] in STRONG_REPORT]
    if before and before[-1][2] == "reported" and not _FUTURE.search(text, before[-1][0], start):
        return before[-1][1]
    after = [c for c in _cues(text, end, c_hi) if c[1] in STRONG_REPORT]
    return after[0][1] if after else None


def _guess(text: str, start: int, end: int, published: dt.date | None = None,
           genre: Genre = NO_GENRE, list_frame: str | None = None,
           ) -> tuple[str | None, str | None]:
    """The sentence's guess (rules 1–4), then the genre's (see the module docstring)."""
    kind, cue = _sentence_guess(text, start, end, published, list_frame)
    if genre.kind != "report" and kind != "pledged":
        c_lo, _ = _bounds(text, start, _CLAUSE_END)
        forward = _FORWARD.search(text, c_lo, start)
        if forward and not _done(text, start, end, published):
            return "pledged", forward.group()
    if genre.kind == "plan" and kind != "pledged" and not _done(text, start, end, published):
        return "pledged", f"({genre.cue})"
    if genre.kind == "report" and kind is None:
        return "reported", f"({genre.cue})"
    return kind, cue


def _simplified(text: str) -> str:
    """``text`` in simplified script, character for character (offsets stay valid): OpenCC
    t2s on the whole text, or character by character where a phrase changes length."""
    out, _ = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(s := to_simplified(c)[0]) != 1 else s for c in text)


def _line_genres(lines: list[str], title: str | None,
                 headings: Sequence[str | None] | None) -> list[Genre]:
    """The genre each line of the text stands in: its section heading's, else the article's.
    Without ``headings`` (a plain text file), a line that reads as a heading starts a section
    and the first such line is the title when none is given."""
    if headings is None:
        marks = [is_heading(line.strip()) for line in lines]
        if title is None and lines and marks[0]:
            title = lines[0].strip()
        current: str | None = None
        headings = []
        for line, mark in zip(lines, marks, strict=True):
            current = line.strip() if mark else current
            headings.append(current)
    body = [line for line in lines if line.strip()]
    article = guess_genre(title, body[1:] if title and body and body[0].strip() == title else body)
    return [section_genre(h if h != title else None, article) for h in headings]


def extract_mentions(text: str, published: dt.date | None = None, *, title: str | None = None,
                     headings: Sequence[str | None] | None = None) -> list[Mention]:
    """Every number-with-unit mention in ``text``, in order, with a pledged/reported guess
    (``published``, the article's date, lets a year that opens a sentence frame it; ``title``
    and ``headings`` — the section heading of each line — give the article's genre).
    Traditional script is read as simplified; offsets, ``text`` and ``sentence`` are the
    given text's own."""
    work = _simplified(text)
    lines = work.split("\n")
    genres = _line_genres(lines, title and _simplified(title),
                          None if headings is None else [h and _simplified(h) for h in headings])
    frames = _list_frames(lines)
    line_starts = [0] + [i + 1 for i, ch in enumerate(work) if ch == "\n"]
    mentions: list[Mention] = []
    for q in find_quantities(work):
        line = bisect.bisect_right(line_starts, q.start) - 1
        kind, cue = _guess(work, q.start, q.end, published, genres[line], frames[line])
        s_lo, s_hi = _bounds(work, q.start, _SENTENCE_END)
        if s_hi - s_lo > MAX_SENTENCE_CHARS:     # shown: the part around the number
            s_lo = max(s_lo, q.start - MAX_SENTENCE_CHARS // 2)
            s_hi = min(s_hi, q.end + MAX_SENTENCE_CHARS // 2)
        sentence = text[s_lo:s_hi].strip()
        qualifier = q.qualifier
        if qualifier is None and "力争" in work[_bounds(work, q.start, _CLAUSE_END)[0]:q.start]:
            qualifier = "力争"
        mentions.append(Mention(q.plain, q.unit, qualifier, text[q.start:q.end], q.start, q.end,
                                sentence, kind, cue))
    decided = Counter(m.kind for m in mentions if m.kind)
    if decided and len(decided) >= 1:
        majority, _ = decided.most_common(1)[0]
        mentions = [m if m.kind else Mention(**{**asdict(m), "kind": majority, "cue": "(document)"})
                    for m in mentions]
    return mentions


# --------------------------------------------------------------------------- progress

#: Words saying the work still goes on / is finished (the nearest to the figure decides).
PROGRESS_UNDERWAY = ("正在", "已开工", "开工建设", "在建", "施工中", "推进中", "进行中", "加快推进",
                     "有序推进", "稳步推进", "启动建设", "尚未完成", "仍在")
PROGRESS_DONE = ("全年", "已完成", "全部建成", "全部完成", "全面完成", "如期完成", "提前完成",
                 "超额完成", "建成投用", "全部交付", "竣工")
#: A figure given as a share of a target: 完成年度目标的57%, 完成全年任务的六成 is not read.
SHARE_OF_TARGET = re.compile(r"(?:完成|达到|占|为)了?[^，。；：]{0,8}?(?:目标|任务|计划)"
                             r"(?:任务)?的?\s*(\d+(?:\.\d+)?)\s*[%％]")
#: Counting to a day before the period's end: 截至6月底, 截至目前, 上半年, 1—6月, 前5个月.
_INTERIM = re.compile(r"截至(?:目前|当前|现在|今天|日前|\d{4}年)?"
                      r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末|\d{1,2}日)?)?"
                      r"|上半年|[一二三]季度|前[一二三]季度|"
                      r"(?:1|一)(?:—|-|－|~|～|至)(?:\d{1,2}|[一二三四五六七八九十]{1,2})月|"
                      r"前(?:\d{1,2}|[一二三四五六七八九十]{1,2})个月")
_YEAR_END = re.compile(r"截至(?:\d{4}年|去年|上年|今年)?"
                       r"(?:底|末|年底|年末|12月(?:底|末|31日)?|十二月(?:底|末)?)")
_PROGRESS_RE = re.compile("|".join(sorted(map(re.escape, PROGRESS_UNDERWAY + PROGRESS_DONE),
                                          key=len, reverse=True)))
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "十一": 11, "十二": 12}


def _interim(frame: str) -> bool:
    """Whether an interim-looking frame really stops before the year's end."""
    m = re.search(r"(\d{1,2}|[一二三四五六七八九十]{1,2})(?:个)?月", frame)
    if m:
        month = int(m.group(1)) if m.group(1).isdigit() else _CN_MONTH.get(m.group(1), 0)
        return 0 < month < 12
    if frame.startswith("截至"):      # 截至 naming no month: only 截至目前 and the like
        return any(w in frame for w in ("目前", "当前", "现在", "今天", "日前"))
    return True


def guess_progress(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(``underway`` | ``done`` | None, the words that decided) for the reported figure at
    ``text[start:end]`` (see the module docstring)."""
    s_lo, s_hi = _bounds(text, start, "。！？\n")
    c_lo, c_hi = _bounds(text, start, _CLAUSE_END)
    next_hi = _bounds(text, c_hi, _CLAUSE_END)[1] if c_hi < s_hi else c_hi
    for share in SHARE_OF_TARGET.finditer(text, c_lo, next_hi):   # its clause or the next
        return ("underway" if float(share.group(1)) < 100 else "done"), share.group()
    for frame in _INTERIM.finditer(text, s_lo, end):
        if _YEAR_END.match(text, frame.start()):
            continue
        if _interim(frame.group()):
            return "underway", frame.group()
    for lo, hi in ((c_lo, c_hi), (s_lo, s_hi)):
        found = [(abs(m.start() - start) if m.start() >= end else start - m.end(), m.group())
                 for m in _PROGRESS_RE.finditer(text, lo, hi)]
        found += [(start - m.end(), m.group()) for m in _YEAR_END.finditer(text, lo, start)]
        if found:
            _, cue = min(found)
            return ("underway" if cue in PROGRESS_UNDERWAY else "done"), cue
    return None, None
