"""Brief + corpus + metric catalog → the book, as plain view data for the templates.

Takes: a validated ``Brief``, the ``Corpus`` and the metric ``Catalog``.
Gives: a ``Book`` (what every page shows, already worded in Chinese) and the ``ChartJob``s
to draw. Pure: no files, no matplotlib, no WeasyPrint — so it is cheap to test and to cache.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefbook.brief.schema import Brief, Chart, ChartKind
from briefbook.charts import MeetingPoint, RatioRow, StatusCount
from briefbook.errors import BriefbookError
from briefbook.render.typeset import cn_date, cn_ordinal

if TYPE_CHECKING:  # typing only: the book model never imports the heavy stages
    from briefbook.corpus.model import Article, Corpus, Paragraph, Section
    from briefbook.metrics.catalog import Catalog

#: Stable ASCII class names for the statuses (CSS colours live in book.css).
STATUS_SLUGS = {
    "超额完成": "exceeded",
    "已完成": "done",
    "推进中": "progress",
    "未达目标": "short",
    "未见报道": "unreported",
    "无法比较": "incomparable",
    "仅有报道": "reported-only",
}
CHART_TITLES = {
    ChartKind.PLEDGED_VS_REPORTED: "承诺与报道对照",
    ChartKind.STATUS_BREAKDOWN: "各项承诺进展状态",
    ChartKind.TIMELINE: "三次全会：何时承诺，何时报道",
}


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


@dataclass(frozen=True)
class SectionView:
    anchor: str
    number: str  # 一、二、…
    heading: str
    commentary: tuple[str, ...]
    quotes: tuple[Quote, ...]
    rows: tuple[MetricRow, ...]
    charts: tuple[ChartJob, ...]


@dataclass(frozen=True)
class SourceView:
    id: str
    outlet: str
    title: str
    date: str
    date_note: str | None
    meeting: str
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
    cover_height_mm: float
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

    @property
    def charts_chapter(self) -> bool:
        """Charts get a chapter of their own in a book; a sheet shows them in its summary."""
        return bool(self.charts) and (self.cover or self.contents or not self.has_summary)


#: Page heights (mm) for the cover block, which fills the text area of its page.
PAGE_HEIGHT_MM = {"A4": 297.0, "A5": 210.0, "B5": 250.0, "letter": 279.4}
VERTICAL_MARGINS_MM = 24 + 22  # book.css @page margin, top + bottom


def paragraphs_of(text: str | None) -> tuple[str, ...]:
    """Split commentary on blank lines (YAML block scalars keep them)."""
    if not text:
        return ()
    return tuple(p.strip().replace("\n", "") for p in text.split("\n\n") if p.strip())


def assemble(brief: Brief, corpus: Corpus, catalog: Catalog,
             rubric: Sequence[tuple[str, str]] = ()) -> Book:
    def citation(pid: str) -> Citation:
        para = corpus.paragraph(pid)
        article = corpus.article(para.article_id)
        return Citation(article.outlet, cn_date(article.published), pid)

    def figure(obs) -> Figure | None:
        if obs is None:
            return None
        return Figure(obs.display, obs.period, obs.quote, citation(obs.source))

    def row(metric_id: str) -> MetricRow:
        m = catalog.get(metric_id)
        status = str(m.status)
        return MetricRow(
            id=m.id, label=m.label, topic=m.topic,
            pledged=figure(m.pledged), reported=figure(m.reported),
            status=status, status_slug=STATUS_SLUGS.get(status, "other"),
            status_reason=m.status_reason,
            ratio=f"{m.ratio:.0%}" if m.ratio is not None else None,
        )

    all_ids = [m.id for m in catalog.metrics]
    table_ids = _table_ids(brief, catalog)
    book_ids = _book_ids(brief, table_ids)
    counter = 0

    def chart_job(chart: Chart, default_ids: list[str]) -> ChartJob:
        nonlocal counter
        counter += 1
        ids = chart.metrics or default_ids or all_ids
        rows = _chart_rows(chart.kind, [catalog.get(i) for i in ids], corpus)
        return ChartJob(f"chart-{counter}.svg", chart.kind,
                        chart.title or CHART_TITLES[chart.kind], rows)

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
                raise BriefbookError(f"sections[{n - 1}].quotes: {ref!r} has no paragraphs to quote",
                                     hint="quote one of its neighbours (`briefbook sections`)")
            for para in found:
                section = corpus.article(para.article_id).section(para.section_id)
                context = (f"{section.post}{section.speaker}：{section.heading}" if section.speaker
                           else section.heading)
                quotes.append(Quote(para.text, context, citation(para.id)))
        sections.append(SectionView(
            anchor=f"section-{n}", number=cn_ordinal(n), heading=spec.heading,
            commentary=paragraphs_of(spec.commentary), quotes=tuple(quotes),
            rows=tuple(row(i) for i in spec.metrics),
            charts=tuple(chart_job(c, list(spec.metrics)) for c in spec.charts),
        ))
    top_charts = tuple(chart_job(c, book_ids) for c in brief.charts)

    return Book(
        title=brief.title, subtitle=brief.subtitle, issuer=brief.issuer,
        edition=brief.edition, date=cn_date(brief.date), date_iso=brief.date.isoformat(),
        classification=brief.classification,
        subject=brief.subject or brief.subtitle or brief.title,
        keywords=tuple(brief.keywords), paper=str(brief.paper),
        cover_height_mm=PAGE_HEIGHT_MM[str(brief.paper)] - VERTICAL_MARGINS_MM - 5,
        question=brief.question,
        cited=_cited(corpus, [q.citation.ref for s in sections for q in s.quotes] + [
            o.source for i in book_ids for o in catalog.get(i).observations]),
        cover=brief.cover, contents=brief.contents,
        summary_text=paragraphs_of(brief.summary.text if brief.summary else None),
        key_figures=tuple(row(i) for i in (brief.summary.metrics if brief.summary else ())),
        tallies=tuple(StatusTally(s, STATUS_SLUGS.get(s, "other"), tallies[s],
                                  tuple(labels_by_status.get(s, ())))
                      for s in _status_order(rubric, tallies) if tallies[s]),
        metric_count=len(book_ids),
        table=tuple(row(i) for i in table_ids) if brief.table else None,
        charts=top_charts,
        sections=tuple(sections),
        sources=tuple(_source(a) for a in corpus.articles) if brief.appendix.sources else (),
        rubric=tuple(rubric) if brief.appendix.methodology else (),
        has_summary=brief.summary is not None,
    )


def chart_jobs(book: Book) -> list[ChartJob]:
    return list(book.charts) + [c for s in book.sections for c in s.charts]


def _table_ids(brief: Brief, catalog) -> list[str]:
    if not brief.table:
        return []
    ids = [m.id for m in catalog.metrics] if brief.table.metrics == "all" else list(brief.table.metrics)
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
    order = [status for status, _meaning in rubric] or list(STATUS_SLUGS)
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
    from briefbook.corpus.model import Article, Paragraph

    if isinstance(node, Paragraph):
        return [node]
    if isinstance(node, Article):
        return list(node.paragraphs())
    return list(node.paragraphs)


def _chart_rows(kind: ChartKind, metrics, corpus) -> tuple:
    if kind is ChartKind.PLEDGED_VS_REPORTED:
        return tuple(
            RatioRow(m.label, m.ratio, m.pledged.display,
                     m.reported.display if m.reported else None, str(m.status))
            for m in metrics if m.pledged is not None)
    if kind is ChartKind.STATUS_BREAKDOWN:
        counts = Counter(str(m.status) for m in metrics)
        return tuple(StatusCount(s, counts[s]) for s in _status_order((), counts) if counts[s])
    meetings = {}
    for article in corpus.articles:
        meetings.setdefault(article.meeting.id, article.meeting)
    pledged, reported = Counter(), Counter()
    for m in metrics:
        for obs in m.observations:
            meeting = corpus.article(corpus.paragraph(obs.source).article_id).meeting.id
            (pledged if obs.kind == "pledged" else reported)[meeting] += 1
    return tuple(
        MeetingPoint(_short_meeting(meeting.name), meeting.date, pledged[mid], reported[mid])
        for mid, meeting in sorted(meetings.items(), key=lambda kv: kv[1].date))


def _short_meeting(name: str) -> str:
    return name.removeprefix("市委").removeprefix("中共武汉市委")


def _cited(corpus, paragraph_ids: list[str]) -> tuple[str, ...]:
    """The articles a book quotes or counts from, by date: 长江日报（2021年7月25日）."""
    articles = {corpus.paragraph(pid).article_id for pid in paragraph_ids}
    return tuple(f"{a.outlet}（{cn_date(a.published)}）" for a in corpus.articles
                 if a.id in articles)


def _source_notes(article) -> tuple[str, ...]:
    """What a reader should know about the copy we quote from."""
    notes = []
    if article.title_supplied:
        notes.append("原文无标题，标题为编者所拟")
    if article.script == "traditional":
        notes.append("所据网页为繁体并夹注拼音，已转为简体、删去注音")
    repaired = [d for d in article.defects if d.in_body and d.repair]
    missing = [d for d in article.defects if d.in_body and not d.repair]
    if repaired:
        notes.append(f"原文缺字{len(repaired)}处，已据校订记录修复")
    if missing:
        notes.append(f"原文缺字{len(missing)}处未能修复，以“〓”标出")
    return tuple(notes)


def _source(article) -> SourceView:
    return SourceView(
        id=article.id, outlet=article.outlet, title=article.title,
        date=cn_date(article.published),
        date_note="见报日期据报道推定" if article.published_inferred else None,
        meeting=f"{article.meeting.name}（{cn_date(article.meeting.date)}）",
        paragraphs=sum(1 for _ in article.paragraphs()),
        notes=_source_notes(article),
    )
