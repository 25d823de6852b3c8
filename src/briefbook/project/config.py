"""The project's own settings: ``briefbook.yaml`` at the project root, as typed models.

Takes: a plain mapping (from the project file, read with the safe YAML loader).
Gives: a validated ``ProjectConfig`` — the project's title, defaults for its briefs (issuer,
classification, paper), its **events** (plenums, government work reports, NPC sessions …:
id, Chinese name, kind, date), its ordered **topics**, and an optional stylesheet that
extends ``book.css``. Field docs become the JSON Schema ``briefbook schema --project`` prints.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from briefbook.core.models import MAX_TEXT, Text

MAX_EVENTS = 500
MAX_TOPICS = 200
EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"

EventId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=EVENT_ID)]


class Paper(StrEnum):
    """The paper sizes a book is laid out for (a brief's ``paper:`` or the project's default).

    Each has its own design in book.css (body size, a measure of whole characters, margins):
    A4 (210 × 297 mm), A5 (148 × 210 mm), B5 — the ISO size, 176 × 250 mm, not JIS B5
    (182 × 257 mm) —, 16K (正16开, 185 × 260 mm, the common Chinese book size) and letter
    (8.5 × 11 in)."""

    A4 = "A4"
    A5 = "A5"
    B5 = "B5"
    K16 = "16K"
    LETTER = "letter"


@dataclass(frozen=True)
class Event:
    """Something articles report on (a plenum, a work report …), from the project's config."""

    id: str  # e.g. "13-9": 13th Wuhan party committee, 9th plenary session
    name: str  # e.g. "市委十三届九次全会"
    date: dt.date
    short: str | None = None  # e.g. "十三届九次全会", for chart labels
    kind: str | None = None  # e.g. "全会"; chart titles count events of one kind

    @property
    def label(self) -> str:
        return self.short or self.name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventSpec(_Strict):
    """Something articles report on: a plenum, a government work report, a congress …"""

    id: EventId = Field(description="short id used by articles, e.g. 13-9 or gwr-2023")
    name: Text = Field(description="Chinese name as printed, e.g. 市委十三届九次全会")
    short: Text | None = Field(None, description="short label for charts, e.g. 十三届九次全会")
    kind: Text | None = Field(None, description="what kind of event, e.g. 全会 or 政府工作报告; "
                                                "chart titles count events of one kind")
    date: dt.date = Field(description="when it took place (YYYY-MM-DD)")


class BriefDefaults(_Strict):
    """Front matter a brief of this project gets unless it says otherwise."""

    issuer: Text | None = Field(default=None, description="who issues the books; PDF author")
    classification: Text | None = Field(default=None, description="e.g. 内部资料")
    paper: Paper | None = Field(default=None, description="A4 | A5 | B5 (ISO, 176 × 250 mm) | "
                                "16K (正16开, 185 × 260 mm) | letter")


class DistributeSettings(_Strict):
    """Where ``build`` and ``editions`` run; the command line's options win."""

    executor: Literal["local", "dask"] = Field(default="local", description="local processes, "
                                               "or a Dask distributed cluster")
    scheduler: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=MAX_TEXT)] | None = Field(
        default=None, description="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a "
                          "cluster on this machine for the length of the command)")


class ProjectConfig(_Strict):
    """A briefing project: one folder with this file, ``corpus/`` and ``briefs/``."""

    title: Text = Field(description="the project's name, e.g. 武汉超大城市治理")
    defaults: BriefDefaults = Field(default_factory=BriefDefaults)
    events: list[EventSpec] = Field(default_factory=list, max_length=MAX_EVENTS,
                                    description="events the articles report on, any number")
    topics: list[Text] = Field(min_length=1, max_length=MAX_TOPICS,
                               description="metric topics, in the order books print them")
    stylesheet: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                 max_length=MAX_TEXT)] | None = Field(
        None, description="a CSS file in the project folder that extends book.css")
    distribute: DistributeSettings = Field(default_factory=DistributeSettings)

    @field_validator("events")
    @classmethod
    def _unique_events(cls, events: list[EventSpec]) -> list[EventSpec]:
        ids = [e.id for e in events]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"event ids must be unique; repeated: {', '.join(dupes)}")
        return events

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, topics: list[str]) -> list[str]:
        dupes = sorted({t for t in topics if topics.count(t) > 1})
        if dupes:
            raise ValueError(f"topics must be unique; repeated: {'、'.join(dupes)}")
        return topics


def project_json_schema() -> str:
    schema = ProjectConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefbook project (briefbook.yaml)"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
