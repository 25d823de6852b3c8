"""The status rubric: how a pledge and a later report turn into one status word.

Takes: the latest pledged and the latest reported observation of a metric (anything with
``value``, ``qualifier``, ``period``, ``source``, ``progress``, ``published``, ``figure``), how
their periods relate, and — for qualitative pledges only — a curated status and reason.
Gives: ``(Status, reason)``; the reason is one line that cites the evidence (paragraph ids).

A report is a *result* when it says so (``progress: done``) or, saying nothing
(no ``progress``), was published after the pledge's deadline (or the pledge has none). A report
with no ``progress`` published on or before the deadline is a *stage figure*: the count so
far, not the outcome. ``progress: underway`` says the work is still going on.

Rubric (printed in the book's methodology note from ``RUBRIC``), applied in this order:

1. 仅有报道 — the corpus reports the figure but holds no pledge for it.
2. 未见报道 — a pledge with no later report in the corpus; 逾期未见报道 once the pledge's
   period has ended (its deadline, ``periods.parse_period``) before the "as of" date and
   still no report is in the corpus.
3. 推进中 — the report says the work is under way (建设、启动、推进; ``progress: underway``)
   or reports progress without the target figure. 逾期未见达成 instead once the deadline
   has passed before the "as of" date: the latest report still says under way (or gives no
   target figure) and no report of the target reached is in the corpus.
4. 无法比较 — units differ, or the periods are not the same (nor the report inside the
   pledge's period); or (curated, see 6) the pledge and the report are about different things.
5. Same period, a result: 超额完成 when the report exceeds the pledge, 已完成 when it
   equals it, 未达目标 when it falls short. A stage figure (same period), or a report inside
   a longer pledge period: 已完成 when the pledge is already reached, otherwise 推进中 —
   and 逾期未见达成 once the deadline has passed before the "as of" date.
   Qualifiers count: 余/多/超/逾/以上 on the report mean "more than" (so equal figures
   exceed); 近 means "just under" (so equal figures fall short); 约 reads as equal;
   a pledge's 力争 ("strive for") does not change the comparison.
   Two reports published on the same day that give different figures are 无法比较 (the
   reason names both); the rubric never picks one silently.
6. Qualitative pledges (no figure) and qualitative reports of them are not decided by
   code: the catalog gives a curated status and a one-line reason citing its evidence.
   Only the calendar overrules it: a curated 推进中 is 逾期未见达成 once the deadline has
   passed before the "as of" date (as in 3).

Also gives the status table, ``STATUSES``: one ``StatusRow`` per status with its CSS class,
colours and meaning. Everything that shows a status reads it: ``RUBRIC`` (the meanings the
book prints), the book model's classes (``status_slug``), the charts' colours
(``charts.STATUS_COLOURS``) and the status rules of both stylesheets, which
templates/partials/status.css.j2 writes from it for the PDF and the HTML edition
(tests/metrics/test_status_table.py).

Contrast (WCAG 2, AA): each status has one colour, in print and on screen, and it reads at
4.5:1 or more against its badge's white ink — the level for normal-size text, which the
7.5 pt bold badge is. White ink makes that the same number as the colour against the white
page, so the charts' bars (graphics need 3:1) and their status words set in the colour (text,
4.5:1) pass too. Colour is never the only sign: badges and charts print the status word. In
grey, the three statuses a book shows most — 超额完成, 推进中 and 未见报道 — stand at least 20
levels apart (of 255, BT.601 luma) as well.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

__all__ = ["DEADLINE_PASSED", "OTHER_SLUG", "RUBRIC", "STATUSES", "PeriodRelation", "Status",
           "StatusRow", "assess", "is_result", "month_label", "status_row", "status_slug"]


class Status(StrEnum):
    EXCEEDED = "超额完成"
    DONE = "已完成"
    IN_PROGRESS = "推进中"
    SHORT = "未达目标"
    OVERDUE_UNMET = "逾期未见达成"
    NO_REPORT = "未见报道"
    OVERDUE = "逾期未见报道"
    INCOMPARABLE = "无法比较"
    REPORT_ONLY = "仅有报道"


_SLUG = re.compile(r"[a-z]+(?:-[a-z]+)*")
_HEX = re.compile(r"#[0-9a-f]{6}")
WHITE = "#ffffff"
#: The class of a status word outside the table (the stylesheets' plain grey badge).
OTHER_SLUG = "other"


@dataclass(frozen=True)
class StatusRow:
    """One status of the rubric and everything that shows it: its word, its CSS class, its
    colours and the sentence the book prints for it. ``slug`` and the colours go into CSS
    unescaped, so they are checked here: a slug is lower-case ASCII words joined by ``-``, a
    colour is ``#rrggbb``."""

    status: Status
    slug: str     # CSS class: .badge.<slug>, .key-figure.<slug>
    colour: str   # chart bars and words, badges (PDF and HTML edition), cards' left edge
    ink: str      # the badge's text colour
    meaning: str  # the rubric's sentence (the book's methodology note)

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.slug):
            raise ValueError(f"status slug {self.slug!r} is not a CSS class name")
        for name in ("colour", "ink"):
            if not _HEX.fullmatch(getattr(self, name)):
                raise ValueError(f"{self.status}: {name} {getattr(self, name)!r} is not #rrggbb")


#: The status table, in the rubric's order: the one place a status's class, colours and
#: meaning are written (tests/metrics/test_status_table.py).
STATUSES: tuple[StatusRow, ...] = (
    StatusRow(Status.EXCEEDED, "exceeded", "#1b7837", WHITE,
              "报道的结果数字高于承诺数字，单位与时期相同；结果指报道注明已完成，"
              "或发表于承诺期限之后"),
    StatusRow(Status.DONE, "done", "#3f7f45", WHITE,
              "报道数字达到承诺数字（期限前的阶段数字已达到的亦同）；或承诺的事项（无数字）"
              "已报道完成"),
    StatusRow(Status.IN_PROGRESS, "progress", "#173f78", WHITE,
              "承诺期限未过（或未定期限），报道称该事项正在建设、推进或已启动，或只给出"
              "尚未达到承诺的阶段数字，或报道中没有可与承诺对比的数字；发表于承诺期限之前、未注明"
              "已完成的报道，其数字视为阶段数字"),
    StatusRow(Status.SHORT, "short", "#a85a00", WHITE,
              "报道的结果数字低于承诺数字，单位与时期相同"),
    StatusRow(Status.OVERDUE_UNMET, "overdue-unmet", "#8c2d04", WHITE,
              "承诺的期限已过（截至本册的“截至日期”），最近的报道仍称在推进，或只给出"
              "尚未达到承诺的阶段数字，或报道中没有可与承诺对比的数字；语料中未见达到承诺的报道"),
    StatusRow(Status.NO_REPORT, "unreported", "#d04242", WHITE,
              "有承诺，语料中尚无后续报道"),
    StatusRow(Status.OVERDUE, "overdue", "#67001f", WHITE,
              "承诺的期限已过（截至本册的“截至日期”），语料中仍无后续报道"),
    StatusRow(Status.INCOMPARABLE, "incomparable", "#6b6b6b", WHITE,
              "承诺与报道的单位、时期或所指事项不同，或同日两则报道数字不一，"
              "不能直接比较"),
    StatusRow(Status.REPORT_ONLY, "reported-only", "#1d6f8a", WHITE,
              "语料中只有报道的数字，没有对应的承诺"),
)
_BY_WORD = {str(row.status): row for row in STATUSES}

#: Each status's meaning, as the book prints it (read from the table).
RUBRIC: tuple[tuple[Status, str], ...] = tuple((row.status, row.meaning) for row in STATUSES)


def status_row(status: str) -> StatusRow | None:
    """The table's row for a status word (None: a word the rubric does not give)."""
    return _BY_WORD.get(str(status))


def status_slug(status: str) -> str:
    """The CSS class of a status word; ``OTHER_SLUG`` for a word outside the table."""
    row = status_row(status)
    return row.slug if row is not None else OTHER_SLUG


PeriodRelation = Literal["same", "within", "different"]

#: What a history step cites when no new article, only the calendar, changed the status.
DEADLINE_PASSED = "承诺期限已过"

_MORE = {"余", "多", "超", "逾", "以上"}
_LESS = {"近"}


class Evidence(Protocol):
    """What the rubric reads of an observation (read-only: a catalog's are frozen)."""

    @property
    def value(self) -> float | int | None: ...

    @property
    def qualifier(self) -> str | None: ...

    @property
    def period(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def progress(self) -> str | None: ...         # done | underway | None (not said)

    @property
    def published(self) -> dt.date | None: ...    # the article's day (None: unknown: a result)

    @property
    def figure(self) -> str: ...


def month_label(day: dt.date) -> str:
    """How a history step is dated in the book: ``2021年7月``."""
    return f"{day.year}年{day.month}月"


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cite(e: Evidence) -> str:
    return f"{e.figure}（{e.period}，{e.source}）"


def _compare(reported: Evidence, pledged: Evidence) -> int:
    """-1, 0 or 1: the report below, at or above the pledge, qualifiers included."""
    r, p = reported.value, pledged.value
    assert r is not None and p is not None
    if r != p:
        return 1 if r > p else -1
    if reported.qualifier in _MORE:
        return 1
    if reported.qualifier in _LESS:
        return -1
    return 0


def is_result(reported: Evidence, deadline: dt.date | None) -> bool:
    """Whether a report gives the outcome rather than a stage figure: it says so
    (``progress: done``), or says nothing and was published after the pledge's ``deadline``
    (or the pledge has none, or the day is unknown). ``progress: underway`` is never one."""
    progress = getattr(reported, "progress", None)
    if progress is not None:
        return progress == "done"
    published = getattr(reported, "published", None)
    return deadline is None or published is None or published > deadline


def assess(pledged: Evidence | None, reported: Evidence | None, *,
           unit_pledged: str | None = None, unit_reported: str | None = None,
           periods: PeriodRelation | None = None,
           curated: tuple[Status, str] | None = None,
           deadline: dt.date | None = None, as_of: dt.date | None = None,
           rival: Evidence | None = None) -> tuple[Status, str]:
    """Apply the rubric. ``periods`` defaults to "same" when the period strings match.

    ``deadline`` is the last day of the pledge's period (None: open-ended) and ``as_of`` the
    day the status is taken on: past the deadline without a report, a pledge is overdue
    (逾期未见报道); past it with only an under-way report or a stage figure short of the
    pledge, it is 逾期未见达成. A report without ``progress`` published on or before the
    deadline is a stage figure, not the outcome (``is_result``).
    ``rival`` is a second report published the same day as ``reported``; when its figure
    differs the two are 无法比较, never one chosen silently.

    ``curated`` is used only where the rubric cannot decide (a qualitative pledge, or a
    qualitative report of a numeric pledge); it raises ``ValueError`` anywhere else, so a
    curated word can never overrule the figures. A curated 推进中 past the deadline is
    逾期未见达成 (the calendar, not the curator, decides that).
    """
    if pledged is None and reported is None:
        raise ValueError("a metric needs at least one observation")
    qualitative = (pledged is not None and pledged.value is None) or (
        reported is not None and reported.value is None)
    decidable_without_curation = pledged is None or reported is None or not qualitative
    overdue = deadline is not None and as_of is not None and as_of > deadline

    def late(evidence: str) -> tuple[Status, str]:
        assert deadline is not None and as_of is not None
        return Status.OVERDUE_UNMET, (f"{evidence}；期限{_day(deadline)}已过，截至{_day(as_of)}"
                                      "语料中未见达到承诺的报道")

    if curated is not None:
        if decidable_without_curation:
            raise ValueError("a curated status is only allowed for a qualitative pledge or "
                             "report that has both a pledge and a report; the rubric decides here")
        if curated[0] is Status.IN_PROGRESS and overdue:
            return late(curated[1].rstrip("。；"))
        return curated
    if rival is not None and reported is not None and (
            rival.value, rival.qualifier, is_result(rival, deadline),
            rival.progress == "underway") != (
            reported.value, reported.qualifier, is_result(reported, deadline),
            reported.progress == "underway"):
        return Status.INCOMPARABLE, (f"同日两则报道不一：{_cite(reported)}与{_cite(rival)}，"
                                     "无从取舍")
    if pledged is None:
        assert reported is not None
        return Status.REPORT_ONLY, f"仅见报道：{_cite(reported)}；语料中无对应承诺"
    if reported is None:
        if overdue:
            assert deadline is not None and as_of is not None
            return Status.OVERDUE, (f"承诺{_cite(pledged)}；期限{_day(deadline)}已过，"
                                    f"截至{_day(as_of)}语料中未见报道")
        return Status.NO_REPORT, f"承诺{_cite(pledged)}；之后的报道中未见下文"
    if reported.progress == "underway":
        said = f"承诺{_cite(pledged)}；报道称正在建设或推进：{_cite(reported)}"
        return late(said) if overdue else (Status.IN_PROGRESS, said)
    if reported.value is None and pledged.value is not None:
        said = f"承诺{_cite(pledged)}；报道{_cite(reported)}未给出达到目标的数字"
        return late(said) if overdue else (Status.IN_PROGRESS, said)
    if pledged.value is None:
        raise ValueError("a qualitative pledge with a report needs a curated status and reason")
    if unit_pledged != unit_reported:
        return Status.INCOMPARABLE, (f"单位不同（{unit_pledged}／{unit_reported}）：承诺"
                                     f"{_cite(pledged)}，报道{_cite(reported)}")
    relation = periods or ("same" if pledged.period == reported.period else "different")
    if relation == "different":
        return Status.INCOMPARABLE, (f"时期不同：承诺{_cite(pledged)}，报道{_cite(reported)}")
    cmp = _compare(reported, pledged)
    both = f"报道{_cite(reported)}，承诺{_cite(pledged)}"
    if relation == "within":
        if cmp >= 0:
            return Status.DONE, f"期限未到已达到承诺：{both}"
        if overdue:
            return late(f"报道只涉及承诺期内的一段、尚未达到：{both}")
        return Status.IN_PROGRESS, f"期限未到、尚未达到：{both}"
    if not is_result(reported, deadline):
        assert deadline is not None
        stage = f"报道发表于期限{_day(deadline)}之前、未注明已完成，按阶段数字计：{both}"
        if cmp >= 0:
            return Status.DONE, f"{stage}，期限前已达到承诺"
        if overdue:
            return late(f"{stage}，尚未达到")
        return Status.IN_PROGRESS, f"{stage}，尚未达到"
    if cmp > 0:
        return Status.EXCEEDED, f"{both}，报道高于承诺"
    if cmp == 0:
        return Status.DONE, f"{both}，报道与承诺相同"
    return Status.SHORT, f"{both}，报道低于承诺"
