"""The corpus as other stages see it: articles, sections, paragraphs, captions, defects.

Takes: nothing (plain data, built by ``briefbook.corpus.store``).
Gives: frozen, typed dataclasses. ``Corpus`` answers look-ups by id
(``article``, ``paragraph``, ``resolve``) and raises ``BriefbookError`` with a
"did you mean" hint for unknown ids.

Ids: ``ARTICLE``, ``ARTICLE/sN`` and ``ARTICLE/sN/pM`` (1-based). They are checked
against ``corpus/ids.lock`` at build time so they cannot silently re-point. What an article id
may be is decided here, once (``is_article_id``, ``ARTICLE_ID_RULE``, ``PARAGRAPH_ID``):
``ingest``, ``sources.yaml`` and the metrics catalog all check against it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefbook.core.errors import BriefbookError
from briefbook.core.suggest import did_you_mean
from briefbook.project.config import Event

#: The one rule for article ids, as told to people (``ingest --id``, sources.yaml).
ARTICLE_ID_RULE = ("lower-case letters a-z and digits, in words joined by single '-', starting "
                   "with a letter, at most 80 characters (e.g. cjrb-2021-07-25 or cs-plan)")
MAX_ARTICLE_ID = 80
_ARTICLE_ID = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
#: A paragraph id (``ARTICLE/sN/pM``); also finds the ids cited inside a sentence.
PARAGRAPH_ID = re.compile(rf"(?<![A-Za-z0-9-]){_ARTICLE_ID}/s\d+/p\d+(?!\d)")


def is_article_id(value: str) -> bool:
    """Whether ``value`` may name an article (``ARTICLE_ID_RULE``)."""
    return len(value) <= MAX_ARTICLE_ID and re.fullmatch(_ARTICLE_ID, value) is not None


def is_paragraph_id(value: str) -> bool:
    """Whether ``value`` has the form of a paragraph id of some article (``ARTICLE/sN/pM``)."""
    return PARAGRAPH_ID.fullmatch(value) is not None \
        and is_article_id(value.split("/", 1)[0])


@dataclass(frozen=True)
class Credit:
    role: str  # 记者 / 通讯员 / 统筹 / 实习生 / 摄影
    name: str


@dataclass(frozen=True)
class Caption:
    """A photo caption, kept out of the body text."""

    text: str  # cleaned caption text without the credit
    credit: str | None  # e.g. "长江日报记者彭年" (the trailing 摄 removed)
    line: int  # raw line (1-based)
    section_id: str  # the section the photo sits in
    before: str | None  # id of the paragraph that follows the photo (None: end of section)


@dataclass(frozen=True)
class Defect:
    """Text lost in the raw copy, found automatically, located in the raw file."""

    article_id: str
    kind: str  # "lost-char-pinyin" | "lost-symbol" | "replacement-char"
    raw: str  # the exact damaged raw text
    line: int  # 1-based raw line
    column: int  # 1-based code-point column in that line
    offset: int  # 0-based code-point offset in the raw text
    readings: tuple[str, ...] = ()  # pinyin left in the damaged run, if any
    repair: str | None = None  # from corrections.yaml; None = unrepaired (shown as 〓)
    reason: str | None = None
    in_body: bool = True  # False when the line is page debris and is dropped anyway

    @property
    def position(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True)
class Paragraph:
    id: str
    article_id: str
    section_id: str
    text: str  # cleaned, simplified, full-width punctuation
    lines: tuple[int, int]  # first and last raw line (1-based)

    @property
    def anchor(self) -> str:
        a, b = self.lines
        return f"L{a}" if a == b else f"L{a}-{b}"


@dataclass(frozen=True)
class Section:
    id: str
    article_id: str
    heading: str | None  # the article's own subheading, if it has one
    speaker: str | None  # name of the person speaking in this section (cjw layout)
    post: str | None  # the speaker's post, e.g. "市审计局党组书记、局长"
    paragraphs: tuple[Paragraph, ...]
    line: int  # raw line where the section starts (speaker/heading/first paragraph)
    topic: str | None = None  # derived from the text's own opening words; never a heading

    @property
    def anchor(self) -> str:
        return f"L{self.line}"


@dataclass(frozen=True)
class PageHeader:
    """The web page's own header, removed from the body but kept as metadata."""

    headline: str | None
    time: str | None  # as printed, e.g. "2021-07-25 22:30" or "05-06 10:20"
    source: str | None  # the outlet as printed after 来源, e.g. "长江日报-长江网"
    date: dt.date | None = None  # the printed date; a short one takes its year from the page
    author: str | None = None  # as printed after 作者


@dataclass(frozen=True)
class Cleaning:
    """What cleaning did to the article's own lines (page debris not counted), recomputed
    from the raw copy at every build: the facts a book's notes on the source rest on."""

    simplified: int = 0  # characters converted from traditional to simplified script
    pinyin: int = 0  # pinyin annotations removed, e.g. 網(wǎng) → 網


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str
    published: dt.date
    published_inferred: bool
    title: str
    title_supplied: bool  # True: the title is the editor's — the page has no headline, or
    # another one (then ``page.headline`` is the page's own)
    events: tuple[str, ...]  # ids of the project's events the article reports on
    script: str  # script of the raw text: "simplified" | "traditional"
    layout: str  # "headings" | "speakers" | "themes" (how sections were found)
    reporters: tuple[str, ...]
    credits: tuple[Credit, ...]
    dateline: str | None
    page: PageHeader | None
    sections: tuple[Section, ...]
    captions: tuple[Caption, ...]
    defects: tuple[Defect, ...]
    notes: str | None = None
    raw_file: str = ""
    cleaning: Cleaning = field(default_factory=Cleaning)

    def paragraphs(self) -> Iterator[Paragraph]:
        for section in self.sections:
            yield from section.paragraphs

    def section(self, sid: str) -> Section:
        for section in self.sections:
            if section.id == sid:
                return section
        raise unknown_id(sid, [s.id for s in self.sections], "section")

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs())


def unknown_id(wanted: str, known: list[str], kind: str) -> BriefbookError:
    """The error for an id of ``kind`` not in ``known``, with up to three close ones."""
    close = did_you_mean(wanted, known, n=3)
    hint = ("did you mean " + ", ".join(close) + "?") if close else \
        "run `briefbook sections` to list the ids"
    return BriefbookError(f"unknown {kind} id {wanted!r}", where="corpus", hint=hint)


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]  # sorted by publication date, then id
    #: The folder the corpus was built from (its ``metrics.yaml`` is the default catalog);
    #: not part of the corpus's content, so left out of comparisons and ``corpus_json``.
    root: Path | None = field(default=None, repr=False, compare=False, metadata={"plain": False})
    _index: dict[str, Article | Section | Paragraph] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Article | Section | Paragraph] = {}
        for article in self.articles:
            index[article.id] = article
            for section in article.sections:
                index[section.id] = section
                for para in section.paragraphs:
                    index[para.id] = para
        object.__setattr__(self, "_index", index)

    def article(self, aid: str) -> Article:
        found = self._index.get(aid)
        if isinstance(found, Article):
            return found
        raise unknown_id(aid, [a.id for a in self.articles], "article")

    def paragraph(self, pid: str) -> Paragraph:
        found = self._index.get(pid)
        if isinstance(found, Paragraph):
            return found
        raise unknown_id(pid, [p.id for p in self.paragraphs()], "paragraph")

    def resolve(self, any_id: str) -> Article | Section | Paragraph:
        found = self._index.get(any_id.strip().rstrip("/"))
        if found is not None:
            return found
        raise unknown_id(any_id, list(self._index), "corpus")

    def paragraphs(self) -> Iterator[Paragraph]:
        for article in self.articles:
            yield from article.paragraphs()

    def ids(self) -> list[str]:
        return list(self._index)


def known_on(thing: Event | Article | Any, day: dt.date) -> bool:
    """Whether ``thing`` is known on ``day``, the one rule a book as of ``day`` keeps by
    (render/book/model.py; the metrics catalog's ``as_of``): an event held, or an article or a
    catalog observation published, on or before ``day``. An observation without a day of its
    own (``published`` None until the catalog fills it from its article) counts as known."""
    when = thing.date if isinstance(thing, Event) else thing.published
    return when is None or when <= day
