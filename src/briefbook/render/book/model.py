"""Brief + corpus + metric catalog → the book, as plain view data for the templates.

Takes: a validated ``Brief``, the ``Corpus``, the metric ``Catalog`` and the project's events.
Gives: a ``Book`` (what every page shows, already worded in Chinese) and the ``ChartJob``s
to draw. Pure: no files, no matplotlib, no WeasyPrint — so it is cheap to test and to cache.

As of a day: a book holds only what is known on its ``as_of`` day (else its ``date``), by
one rule, ``corpus.model.known_on``: the catalog is taken on that day (observations, statuses,
history), the timeline plots only the events held and the articles published by then, the
sources appendix names only those events, and citing a later article is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefbook.brief.schema import Brief, Chart, ChartKind
from briefbook.charts import RatioRow, StatusCount, TimelinePoint
from briefbook.charts.describe import describe
from briefbook.core.errors import BriefbookError
from briefbook.corpus.model import Article, Paragraph, known_on
from briefbook.metrics.status import STATUSES, month_label, status_slug
from briefbook.render.book.typeset import cn_date, cn_ordinal

if TYPE_CHECKING:  # typing only: the book model never imports the heavy stages
    import datetime as dt

    from briefbook.corpus.model import Cleaning, Corpus, Section
    from briefbook.metrics.catalog import Catalog
    from briefbook.project.config import Event

CHART_TITLES = {
    ChartKind.PLEDGED_VS_REPORTED: "承诺与报道对照",
    ChartKind.STATUS_BREAKDOWN: "各项承诺进展状态",
    ChartKind.TIMELINE: "时间线：何时承诺，何时报道",
}
#: A timeline whose points are all events of one kind is titled by them: 三次全会：…
TIMELINE_TITLE_OF_KIND = "{count}次{kind}：何时承诺，何时报道"


@dataclass(frozen=True)
class Citation:
    outlet: str
    date: str  # 2021年7月25日
    ref: str  # paragraph id

    @property
    def text(self) -> str:
        return f"{self.outlet}，{self.date}，{self.ref}"

    @property
    def short(self) -> str:
        return f"{self.outlet}，{self.date}"


@dataclass(frozen=True)
class Figure:
    """One observation as printed: 力争25万人, with its source."""

    display: str
    period: str | None
    quote: str
    citation: Citation


@dataclass(frozen=True)
class HistoryStep:
    """One change of a metric's status: 2021年7月 超额完成, and what changed it."""

    when: str        # 2021年7月 (the day, when two changes share a month)
    day: str         # 2021年7月25日
    status: str
    status_slug: str
    because: str     # 报道30.2万人（cjrb-2021-07-25/s3/p3）, or 承诺期限已过

    @property
    def text(self) -> str:
        return f"{self.when} {self.status}"


@dataclass(frozen=True)
class MetricRow:
    id: str
    label: str
    topic: str
    pledged: Figure | None
    reported: Figure | None
    status: str
    status_slug: str
    status_reason: str
    ratio: str | None  # 121%
    history: tuple[HistoryStep, ...] = ()   # shown when the status changed over time

    @property
    def history_line(self) -> str:
        """``2021年7月 推进中 → 2024年1月 超额完成``."""
        return " → ".join(step.text for step in self.history)


@dataclass(frozen=True)
class Quote:
    text: str
    heading: str | None  # section heading or speaker, for context
    citation: Citation


@dataclass(frozen=True)
class ChartJob:
    """A chart to draw: ``kind`` and its rows; ``name`` is its address in the document."""

    name: str
    kind: ChartKind
    title: str
    rows: tuple
    alt: str = ""  # text alternative worded from ``rows`` (charts.describe)
    width_in: float = 6.3  # drawn for the book's paper (CHART_WIDTH_IN)
    note: str | None = None  # printed instead of the chart when it would show nothing


@dataclass(frozen=True)
class SectionView:
    anchor: str
    number: str  # 一、二、…
    heading: str
    commentary: str | None  # Markdown subset, rendered by render/book/markdown.py
    quotes: tuple[Quote, ...]
    rows: tuple[MetricRow, ...]
    charts: tuple[ChartJob, ...]

    @property
    def title(self) -> str:
        """一、就业与人才: the heading as printed, and in the contents."""
        return f"{self.number}、{self.heading}"

    @property
    def running(self) -> str:
        """The title in the running head: a long one up to its first stop or pause
        (一、澄江区推进政务服务改革：“一网通办”… → 一、澄江区推进政务服务改革)."""
        title = self.title
        if len(title) <= RUNNING_MAX:
            return title
        cut = next((i for i, char in enumerate(title) if char in RUNNING_CUTS
                    and len(self.number) + 3 <= i <= RUNNING_MAX), None)
        return title if cut is None else title[:cut]

    @property
    def parts(self) -> tuple[Entry, ...]:
        """Its subheadings, as section.html.j2 prints them (the contents' second level)."""
        return tuple(Entry(f"{self.anchor}-{key}", title) for key, title, shown in (
            ("rows", "承诺与进展", bool(self.rows)),
            ("history", "进展经过", any(row.history for row in self.rows)),
            ("quotes", "原文摘录", bool(self.quotes))) if shown)


#: A running head holds a title of this many characters; a longer one is cut at a stop or
#: pause (RUNNING_CUTS) when it has one within that length, else printed whole.
RUNNING_MAX = 16
RUNNING_CUTS = set("：:，,；;（(—")


@dataclass(frozen=True)
class Entry:
    """A line of the contents: where it points, its title, and the entries under it."""

    anchor: str
    title: str
    parts: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class SourceView:
    id: str
    outlet: str
    title: str
    date: str
    date_note: str | None
    events: str | None  # 市委十三届九次全会（2020年6月28日）、…
    paragraphs: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusTally:
    status: str
    slug: str
    count: int
    labels: tuple[str, ...] = ()  # the metrics at this status, in book order


@dataclass(frozen=True)
class Book:
    title: str
    subtitle: str | None
    issuer: str
    edition: str | None
    date: str
    date_iso: str
    classification: str | None
    subject: str
    keywords: tuple[str, ...]
    paper: str
    breaks: str  # chapters | sections | none (Brief.page_breaks)
    question: str
    cited: tuple[str, ...]  # 长江日报（2021年7月25日）… for the cover
    cover: bool
    contents: bool
    summary_text: tuple[str, ...]
    key_figures: tuple[MetricRow, ...]
    tallies: tuple[StatusTally, ...]
    metric_count: int
    table: tuple[MetricRow, ...] | None
    charts: tuple[ChartJob, ...]
    sections: tuple[SectionView, ...]
    sources: tuple[SourceView, ...]
    rubric: tuple[tuple[str, str], ...]
    has_summary: bool = field(default=True)
    as_of: str = ""  # 2021年8月9日: the day the statuses are taken on
    as_of_iso: str = ""  # 2021-08-09

    @property
    def charts_chapter(self) -> bool:
        """Charts get a chapter of their own in a book; a sheet shows them in its summary."""
        return bool(self.charts) and (self.cover or self.contents or not self.has_summary)


    @property
    def status_list(self) -> bool:
        """The summary's list of metrics by status: a book has it; a flowing note does not,
        since its table (right below) shows each status already."""
        return self.table is not None and bool(self.tallies) and self.breaks != "none"

    @property
    def summary_parts(self) -> tuple[Entry, ...]:
        """The summary's subheadings, as summary.html.j2 prints them."""
        return tuple(Entry(anchor, title) for anchor, title, shown in (
            ("key-figures", "关键数字", bool(self.key_figures)),
            ("status-list", "各项指标状态一览", self.status_list)) if shown)

    @property
    def outline(self) -> tuple[Entry, ...]:
        """The contents, two levels deep: the chapters and the subheadings in each (the PDF's
        bookmarks have the same two levels)."""
        appendix = ("附录一", "附录二")
        entries = [
            *([Entry("summary", "摘要", self.summary_parts)] if self.has_summary else []),
            *([Entry("charts", "图表概览")] if self.charts_chapter else []),
            *([Entry("table", "承诺与报道对照表")] if self.table is not None else []),
            *(Entry(s.anchor, s.title, s.parts) for s in self.sections),
            *([Entry("sources", f"{appendix[0]}　资料来源")] if self.sources else []),
            *([Entry("methodology", f"{appendix[bool(self.sources)]}　方法说明")]
              if self.rubric else []),
        ]
        return tuple(entries)

    @property
    def paper_class(self) -> str:
        """The body class book.css sizes pages, cover and cards by: paper-a4, paper-a5,
        paper-16k …"""
        return f"paper-{self.paper.lower()}"

    @property
    def two_sided(self) -> bool:
        """Whether the book is printed on both sides and bound: a book with a cover is (book.css
        mirrors its margins about a binding gutter, and its running heads and folios); a sheet
        or a note, which opens with its masthead, is printed on one side."""
        return self.cover


#: Chart width (inches) per paper: a little under the measure book.css gives each paper
#: (A4 and letter 163 mm, 16K 141 mm, B5 134 mm, A5 113 mm), so charts print at 100 % and
#: their 8–9 pt type stays 8–9 pt on paper instead of being scaled down to fit.
CHART_WIDTH_IN = {"A4": 6.3, "letter": 6.3, "16K": 5.5, "B5": 5.25, "A5": 4.4}


def paragraphs_of(text: str | None) -> tuple[str, ...]:
    """Split commentary on blank lines (YAML block scalars keep them)."""
    if not text:
        return ()
    return tuple(p.strip().replace("\n", "") for p in text.split("\n\n") if p.strip())


def assemble(brief: Brief, corpus: Corpus, catalog: Catalog,
             rubric: Sequence[tuple[str, str]] = (),
             events: Mapping[str, Event] | None = None) -> Book:
    day = brief.as_of or brief.date
    catalog = _catalog_on(catalog, day)
    events = {i: e for i, e in (events or {}).items() if known_on(e, day)}

    def citation(pid: str) -> Citation:
        para = corpus.paragraph(pid)
        article = corpus.article(para.article_id)
        if not known_on(article, day):
            raise BriefbookError(
                f"{pid!r} was published {article.published}, after as_of {day}: a book as of "
                f"{day} cannot cite it", hint="drop it, or set a later `as_of:`")
        return Citation(article.outlet, cn_date(article.published), pid)

    def figure(obs) -> Figure | None:
        if obs is None:
            return None
        return Figure(obs.display, obs.period, obs.quote, citation(obs.source))

    def history(m) -> tuple[HistoryStep, ...]:
        months = Counter(month_label(s.day) for s in m.history)
        steps = tuple(HistoryStep(month_label(s.day) if months[month_label(s.day)] == 1
                                  else cn_date(s.day),   # two changes in a month: their days
                                  cn_date(s.day), str(s.status),
                                  status_slug(s.status), s.because)
                      for s in m.history)
        return steps if len(steps) > 1 else ()

    def row(metric_id: str) -> MetricRow:
        m = catalog.get(metric_id)
        status = str(m.status)
        return MetricRow(
            id=m.id, label=m.label, topic=m.topic,
            pledged=figure(m.pledged), reported=figure(m.reported),
            status=status, status_slug=status_slug(status),
            status_reason=m.status_reason,
            ratio=f"{m.ratio:.0%}" if m.ratio is not None else None,
            history=history(m),
        )

    table_ids = _table_ids(brief, catalog)
    book_ids = _book_ids(brief, table_ids)
    counter = 0
    #: paragraph ids in reading order: the sources appendix lists their articles by first use
    cited: list[str] = []

    def cite_row(metric_id: str) -> MetricRow:
        m = catalog.get(metric_id)
        cited.extend(o.source for o in (m.pledged, m.reported) if o is not None)
        return row(metric_id)

    def chart_job(chart: Chart, default_ids: list[str]) -> ChartJob:
        nonlocal counter
        counter += 1
        ids = chart.metrics or default_ids or book_ids
        metrics = [catalog.get(i) for i in ids]
        rows = _chart_rows(chart.kind, metrics, corpus, events, day)
        for m in metrics:
            shown = m.observations if chart.kind is ChartKind.TIMELINE else (m.pledged, m.reported)
            cited.extend(o.source for o in shown if o is not None)
        title = chart.title or _chart_title(chart.kind, rows)
        return ChartJob(f"chart-{counter}.svg", chart.kind, title, rows,
                        alt=describe(chart.kind.value, title, rows),
                        width_in=CHART_WIDTH_IN[str(brief.paper)],
                        note=_nothing_to_plot(chart.kind, rows, metrics))

    key_figures = tuple(cite_row(i) for i in (brief.summary.metrics if brief.summary else ()))
    table = tuple(cite_row(i) for i in table_ids) if brief.table else None
    top_charts = tuple(chart_job(c, book_ids) for c in brief.charts)

    tallies = Counter(str(catalog.get(i).status) for i in book_ids)
    labels_by_status: dict[str, list[str]] = {}
    for metric_id in book_ids:
        metric = catalog.get(metric_id)
        labels_by_status.setdefault(str(metric.status), []).append(metric.label)
    sections = []
    for n, spec in enumerate(brief.sections, start=1):
        quotes = []
        for ref in spec.quotes:
            found = _paragraphs(corpus.resolve(ref))
            if not found:
                raise BriefbookError(f"sections[{n - 1}].quotes: {ref!r} has no paragraphs "
                                     "to quote",
                                     hint="quote one of its neighbours (`briefbook sections`)")
            for para in found:
                section = corpus.article(para.article_id).section(para.section_id)
                context = (f"{section.post}{section.speaker}：{section.heading}" if section.speaker
                           else section.heading)
                quotes.append(Quote(para.text, context, citation(para.id)))
                cited.append(para.id)
        sections.append(SectionView(
            anchor=f"section-{n}", number=cn_ordinal(n), heading=spec.heading,
            commentary=spec.commentary, quotes=tuple(quotes),
            rows=tuple(cite_row(i) for i in spec.metrics),
            charts=tuple(chart_job(c, list(spec.metrics)) for c in spec.charts),
        ))
    cited_articles = _first_cited(corpus, cited)

    return Book(
        title=brief.title, subtitle=brief.subtitle, issuer=brief.issuer,
        edition=brief.edition, date=cn_date(brief.date), date_iso=brief.date.isoformat(),
        classification=brief.classification,
        subject=brief.subject or brief.subtitle or brief.title,
        keywords=tuple(brief.keywords), paper=str(brief.paper),
        breaks=str(brief.page_breaks),
        question=brief.question,
        cited=tuple(f"{a.outlet}（{cn_date(a.published)}）"
                    for a in sorted(cited_articles, key=lambda a: a.published)),
        cover=brief.cover, contents=brief.contents,
        summary_text=paragraphs_of(brief.summary.text if brief.summary else None),
        key_figures=key_figures,
        tallies=tuple(StatusTally(s, status_slug(s), tallies[s],
                                  tuple(labels_by_status.get(s, ())))
                      for s in _status_order(rubric, tallies) if tallies[s]),
        metric_count=len(book_ids),
        table=table,
        charts=top_charts,
        sections=tuple(sections),
        sources=tuple(_source(a, events) for a in cited_articles) if brief.appendix.sources else (),
        rubric=tuple(rubric) if brief.appendix.methodology else (),
        has_summary=brief.summary is not None,
        as_of=cn_date(day),
        as_of_iso=day.isoformat(),
    )


def _catalog_on(catalog: Catalog, day: dt.date) -> Catalog:
    """The catalog as known on ``day`` (as given when it was taken on that day already)."""
    return catalog if catalog.as_of_day == day else catalog.as_of(day)


def _known_events(article: Article, events: Mapping[str, Event]) -> list[Event]:
    """The article's events among ``events`` (those known on the book's day), in its order."""
    return [events[e] for e in article.events if e in events]


def chart_jobs(book: Book) -> list[ChartJob]:
    """The charts to draw (those printed as a sentence instead are not drawn)."""
    return [c for c in list(book.charts) + [c for s in book.sections for c in s.charts]
            if c.note is None]


def _nothing_to_plot(kind: ChartKind, rows: tuple, metrics) -> str | None:
    """The sentence that replaces a pledged-vs-reported chart with no comparable numbers."""
    if kind is not ChartKind.PLEDGED_VS_REPORTED or any(r.ratio is not None for r in rows):
        return None
    counts = Counter(str(m.status) for m in metrics)
    by_status = "、".join(f"{s}{counts[s]}项" for s in _status_order((), counts) if counts[s])
    return (f"所列{len(metrics)}项指标均无可与承诺值相比的报道数字（{by_status}），故不作图，"
            "各项情况见表。")


def _table_ids(brief: Brief, catalog) -> list[str]:
    if not brief.table:
        return []
    ids = ([m.id for m in catalog.metrics] if brief.table.metrics == "all"
           else list(brief.table.metrics))
    if brief.table.topics:
        ids = [i for i in ids if catalog.get(i).topic in brief.table.topics]
    return ids


def _book_ids(brief: Brief, table_ids: list[str]) -> list[str]:
    """Every metric the book shows, in first-mention order (for tallies and charts)."""
    ids = list(table_ids)
    if brief.summary:
        ids += brief.summary.metrics
    for section in brief.sections:
        ids += section.metrics
    return list(dict.fromkeys(ids))


def _status_order(rubric, tallies: Counter) -> list[str]:
    order = [status for status, _meaning in rubric] or [str(row.status) for row in STATUSES]
    return order + sorted(s for s in tallies if s not in order)


def quote_size(corpus: Corpus, ref: str) -> tuple[int, int]:
    """(paragraphs, characters) that quoting corpus id ``ref`` prints."""
    found = _paragraphs(corpus.resolve(ref))
    return len(found), sum(len(p.text) for p in found)


def metric_size(catalog: Catalog, metric_id: str) -> int:
    """Characters one row of metric ``metric_id`` prints (label and quotes)."""
    m = catalog.get(metric_id)
    return len(m.label) + sum(len(o.quote) for o in (m.pledged, m.reported) if o is not None)


def _paragraphs(node: Article | Section | Paragraph) -> list[Paragraph]:
    """The paragraphs a corpus id stands for: itself, its section's, or its article's."""
    if isinstance(node, Paragraph):
        return [node]
    if isinstance(node, Article):
        return list(node.paragraphs())
    return list(node.paragraphs)


def _chart_rows(kind: ChartKind, metrics, corpus, events: Mapping[str, Event],
                day: dt.date) -> tuple:
    if kind is ChartKind.PLEDGED_VS_REPORTED:
        return tuple(
            RatioRow(m.label, m.ratio, m.pledged.display,
                     m.reported.display if m.reported else None, str(m.status))
            for m in metrics if m.pledged is not None)
    if kind is ChartKind.STATUS_BREAKDOWN:
        counts = Counter(str(m.status) for m in metrics)
        return tuple(StatusCount(s, counts[s]) for s in _status_order((), counts) if counts[s])
    return _timeline_rows(metrics, corpus, events, day)


def _timeline_rows(metrics, corpus, events: Mapping[str, Event],
                   day: dt.date) -> tuple[TimelinePoint, ...]:
    """One point per event the corpus reports on (its first event, for an article with
    several) and one per article that reports on no event, each counting the observations
    from its articles; by date. Only the articles published and the events held by ``day``
    (``events`` holds only those already)."""
    points: dict[str, tuple[str, dt.date, str | None]] = {}   # key -> (label, date, kind)
    for article in corpus.articles:
        if known_on(article, day):
            points.setdefault(*_timeline_point(article, events))
    pledged: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    for m in metrics:
        for obs in m.observations:
            article = corpus.article(corpus.paragraph(obs.source).article_id)
            key, _ = _timeline_point(article, events)
            (pledged if obs.kind == "pledged" else reported)[key] += 1
    return tuple(
        TimelinePoint(label, day, pledged[key], reported[key], kind)
        for key, (label, day, kind) in sorted(points.items(), key=lambda kv: kv[1][1]))


def _timeline_point(article: Article,
                    events: Mapping[str, Event]) -> tuple[str, tuple[str, dt.date, str | None]]:
    known = _known_events(article, events)
    if known:
        event = known[0]
        return f"event:{event.id}", (event.label, event.date, event.kind)
    return f"article:{article.id}", (article.outlet, article.published, None)


def cn_count(n: int) -> str:
    """A count before a measure word: 两次 (not 二次), 三次, 十二次."""
    return "两" if n == 2 else cn_ordinal(n)


def _chart_title(kind: ChartKind, rows: tuple) -> str:
    """The default caption, worded from the data: 三次全会 only when there are three."""
    if kind is ChartKind.TIMELINE and rows:
        kinds = {p.kind for p in rows}
        if len(kinds) == 1 and None not in kinds and len(rows) < 1000:
            return TIMELINE_TITLE_OF_KIND.format(count=cn_count(len(rows)), kind=kinds.pop())
    return CHART_TITLES[kind]


def _first_cited(corpus: Corpus, paragraph_ids: list[str]) -> list[Article]:
    """The articles behind ``paragraph_ids``, in order of first citation."""
    order = dict.fromkeys(corpus.paragraph(pid).article_id for pid in paragraph_ids)
    return [corpus.article(aid) for aid in order]


def _source_notes(article) -> tuple[str, ...]:
    """What a reader should know about the copy we quote from — each note only where what
    ingest and cleaning recorded for the article bears it out (``title_supplied`` and the
    page's headline, ``Article.cleaning``, the defects and their repairs)."""
    notes = [note for note in (_title_note(article), _script_note(article.cleaning)) if note]
    repaired = [d for d in article.defects if d.in_body and d.repair]
    missing = [d for d in article.defects if d.in_body and not d.repair]
    if repaired:
        notes.append(f"原文缺字{len(repaired)}处，已据校订记录修复")
    if missing:
        notes.append(f"原文缺字{len(missing)}处未能修复，以“〓”标出")
    return tuple(notes)


def _title_note(article: Article) -> str | None:
    """The editor's title: for a page without a headline, or instead of the page's own (a
    title equal to the page's headline is the page's: no note)."""
    headline = article.page.headline if article.page else None
    if not article.title_supplied or headline == article.title:
        return None
    return f"标题为编者所拟，原文标题为《{headline}》" if headline else "原文无标题，标题为编者所拟"


def _script_note(cleaning: Cleaning) -> str | None:
    """Conversion to simplified and removed pinyin, as cleaning counted them."""
    if cleaning.simplified and cleaning.pinyin:
        return "所据网页为繁体并夹注拼音，已转为简体、删去注音"
    if cleaning.simplified:
        return "所据网页为繁体，已转为简体"
    if cleaning.pinyin:
        return "所据网页夹注拼音，已删去注音"
    return None


def _source(article, events: Mapping[str, Event]) -> SourceView:
    return SourceView(
        id=article.id, outlet=article.outlet, title=article.title,
        date=cn_date(article.published),
        date_note="见报日期据报道推定" if article.published_inferred else None,
        events="、".join(f"{e.name}（{cn_date(e.date)}）"
                        for e in _known_events(article, events)) or None,
        paragraphs=sum(1 for _ in article.paragraphs()),
        notes=_source_notes(article),
    )
