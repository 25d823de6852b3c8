"""The brief: what an editor writes in YAML, as typed models.

Takes: a plain mapping (from ``brief.load``). Gives: a validated ``Brief``. Field docs become
the JSON Schema that ``briefbook schema`` exports, so editors' tools can complete briefs.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from briefbook.core.models import Id, Text
from briefbook.project.config import Paper

#: Limits on a brief (besides ``brief.load.MAX_BRIEF_BYTES`` and the YAML limits in
#: ``core.safeyaml``); each is a schema error at the field's file:line:column.
MAX_LONG_TEXT = 20_000    # summary text, commentary (characters)
MAX_SECTIONS = 99         # sections are numbered 一 … 九十九
MAX_CHARTS = 50           # charts in one list (the book's, or a section's)
MAX_KEYWORDS = 50
MAX_IDS = 1_000           # metric or quote ids in one list

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=MAX_LONG_TEXT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Breaks(StrEnum):
    """Where pages break: every part on a new page, only sections and appendix, or nowhere."""

    CHAPTERS = "chapters"
    SECTIONS = "sections"
    NONE = "none"


class ChartKind(StrEnum):
    PLEDGED_VS_REPORTED = "pledged-vs-reported"
    STATUS_BREAKDOWN = "status-breakdown"
    TIMELINE = "timeline"


class Chart(Strict):
    kind: ChartKind = Field(description="pledged-vs-reported | status-breakdown | timeline")
    title: Text | None = Field(None, description="caption printed under the chart")
    metrics: list[Id] | None = Field(None, max_length=MAX_IDS,
                                     description="metric ids; default: those of the book")


class Section(Strict):
    heading: Text = Field(description="section heading, e.g. 就业与人才")
    commentary: LongText | None = Field(
        None, description="the analyst's own text: paragraphs, - bullet and 1. numbered "
        "lists, *emphasis*, **strong**, [links](https://…) (printed with their address); "
        "HTML is printed as text")
    quotes: list[Id] = Field(default_factory=list, max_length=MAX_IDS,
                             description="corpus ids to quote: article/section/paragraph")
    metrics: list[Id] = Field(default_factory=list, max_length=MAX_IDS,
                              description="metric ids to tabulate here")
    charts: list[Chart] = Field(default_factory=list, max_length=MAX_CHARTS)


class Summary(Strict):
    text: LongText | None = Field(None, description="the summary paragraph")
    metrics: list[Id] = Field(default_factory=list, max_length=MAX_IDS,
                              description="key figures to show")


class Table(Strict):
    metrics: list[Id] | Literal["all"] = Field("all", description="metric ids, or all")
    topics: list[Text] | None = Field(None, max_length=MAX_IDS,
                                      description="only metrics of these topics")


class Appendix(Strict):
    sources: bool = Field(default=True, description="list the articles cited")
    methodology: bool = Field(default=True, description="explain the status rubric")


class Brief(Strict):
    """A briefing book: its front matter and what goes inside, in order."""

    title: Text
    subtitle: Text | None = None
    issuer: Text = Field(description="who issues the book; PDF author")
    edition: Text | None = Field(None, description="e.g. 第3期")
    date: dt.date = Field(description="issue date; also the PDF creation date")
    as_of: dt.date | None = Field(None, description="statuses as of this day: only articles "
                                  "published by then count; default: the brief's date")
    classification: Text | None = Field(None, description="e.g. 内部资料")
    subject: Text | None = Field(None, description="PDF subject line")
    question: Text = Field("本册回答一个问题：承诺了什么，后来报道了什么？",
                           description="the question the book answers, printed on the cover")
    keywords: list[Text] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    paper: Paper = Field(Paper.A4, description="A4 | A5 | B5 (ISO, 176 × 250 mm) | 16K (正16开, "
                         "185 × 260 mm) | letter; each paper has its own type and margins")
    cover: bool = Field(True, description="print a cover page")
    breaks: Breaks | None = Field(
        None, description="where pages break: chapters (summary, table, each section and the "
        "appendix start a page) | sections (only sections and the appendix do) | none (the "
        "book flows); default: chapters with a cover, sections with more than three "
        "sections, none otherwise")
    contents: bool = Field(True, description="print a table of contents")
    summary: Summary | None = None
    table: Table | None = Field(None, description="the pledged-vs-reported table")
    charts: list[Chart] = Field(default_factory=list, max_length=MAX_CHARTS,
                                description="charts after the summary")
    sections: list[Section] = Field(default_factory=list, max_length=MAX_SECTIONS)
    appendix: Appendix = Field(default_factory=Appendix)

    @property
    def page_breaks(self) -> Breaks:
        """``breaks`` as written, or the default for the brief's length."""
        if self.breaks is not None:
            return self.breaks
        if self.cover:
            return Breaks.CHAPTERS
        return Breaks.SECTIONS if len(self.sections) > 3 else Breaks.NONE
