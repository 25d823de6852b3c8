"""What kind of article a figure stands in: a plan (its figures are pledges) or a report
(its figures are results) — and, for each section, whether its heading says otherwise.

Takes: the article's title, its paragraphs and its sections' headings (plain cleaned text).
Gives:
- ``guess_genre(title, paragraphs) -> Genre``: ``plan`` | ``report`` | None with the cue
  word that decided. The title decides first (a report cue over a plan cue: 上半年进展 of a
  plan's projects is a report), then the lead paragraph (first one), else None;
- ``section_genre(heading, article)``: a heading's own cue (工作回顾 → report, 工作安排 →
  plan), else the article's genre;
- ``context_year(text)``: the year a title or heading is about (2024年民生答卷 → 2024).

The cue words live here (``PLAN_TITLE``, ``REPORT_TITLE``, ``PLAN_LEAD``, ``REPORT_LEAD``,
``PLAN_HEADING``, ``REPORT_HEADING``); ``extract`` combines the genre with the sentence's own
cues (see its docstring). 政府工作报告 is neither: its 回顾 and 安排 headings decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NO_GENRE", "Genre", "PLAN_TITLE", "REPORT_TITLE", "context_year", "guess_genre",
           "section_genre"]

#: Title words of an article that sets out what is to be done.
PLAN_TITLE = ("工作要点", "要点", "计划", "预算", "方案", "安排", "任务", "清单", "实事项目",
              "公布", "印发", "目标", "部署", "力争", "年内", "将", "今年", "再建", "启动")
#: Title words of an article that tells what was done (they win over plan words).
REPORT_TITLE = ("盘点", "答卷", "成绩单", "回眸", "回顾", "年终", "总结", "进展", "完成",
                "交出", "交账", "通报", "亮点", "成效", "进度", "上半年", "前三季度", "截至", "已",
                "全部", "收官")
#: Lead-paragraph words (the title said nothing): a plan is issued, a report counts up.
PLAN_LEAD = ("印发", "工作要点", "预算草案", "行动计划", "实施方案", "清单明确")
REPORT_LEAD = ("截至", "一年来", "过去一年", "已全部完成", "完成情况")
#: Section headings: 工作安排 / 主要任务 / 目标 vs 工作回顾 / 主要成绩 / 进展.
PLAN_HEADING = ("安排", "任务", "计划", "目标", "打算", "重点工作", "工作重点")
REPORT_HEADING = ("回顾", "成绩", "成效", "进展", "完成情况", "过去")
_NOT_PLAN = re.compile(r"将近|政府工作报告")
_YEAR = re.compile(r"((?:19|20)\d{2})(?:年|\s*[—–\-~～至到])")


@dataclass(frozen=True)
class Genre:
    kind: str | None     # plan | report | None
    cue: str | None      # the word that decided, e.g. 工作要点


#: No genre decided (neither title, lead nor section said).
NO_GENRE = Genre(None, None)


def _first(text: str, words: Sequence[str]) -> str | None:
    """The first of ``words`` found in ``text`` (in the list's order)."""
    clean = _NOT_PLAN.sub("", text)
    return next((w for w in words if w in clean), None)


def guess_genre(title: str | None, paragraphs: Sequence[str] = ()) -> Genre:
    """The article's genre from its title, else its lead paragraph — only when it leads
    others: one paragraph alone says nothing of the article (see the module docstring)."""
    lead = paragraphs[0] if len(paragraphs) > 1 else ""
    for text, report_words, plan_words in ((title or "", REPORT_TITLE, PLAN_TITLE),
                                           (lead, REPORT_LEAD, PLAN_LEAD)):
        if cue := _first(text, report_words):
            return Genre("report", cue)
        if cue := _first(text, plan_words):
            return Genre("plan", cue)
    return NO_GENRE


def section_genre(heading: str | None, article: Genre) -> Genre:
    """A section's genre: its heading's own cue, else the article's."""
    if heading:
        if cue := _first(heading, REPORT_HEADING):
            return Genre("report", cue)
        if cue := _first(heading, PLAN_HEADING):
            return Genre("plan", cue)
    return article


def context_year(text: str | None) -> int | None:
    """The one year a title or heading names (2024年民生答卷 → 2024); None for none or two."""
    years = {int(y) for y in _YEAR.findall(text or "")}
    return years.pop() if len(years) == 1 else None
