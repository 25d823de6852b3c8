"""The render stage: a brief file in, PDF bytes out.

Takes: a ``Project`` (its corpus, metric catalog, events, topics, brief defaults and
stylesheet) and a brief path.
Gives: PDF bytes, or a ``BriefbookError`` that says what is wrong. ``Renderer`` is long-lived:
corpus, catalog, fonts, stylesheet and drawn charts are loaded once and reused, so a second
render in the same process costs only layout.

Flow: check brief → assemble ``Book`` → draw charts (SVG, cached by content) → HTML (Jinja2,
autoescaped) → preflight glyph coverage → WeasyPrint (locked fetcher, warnings are errors).

Inside, by job (each imports only the ones after it; pyproject.toml's second import contract):
``formats`` (PDF/A, PDF/UA, the HTML edition) and ``layout`` (whole, parallel, incremental;
they take a writer and a layout cache folder, never the ``Renderer``) → ``engine`` (WeasyPrint,
its pinned patches) → ``book`` (the book model and its HTML). This façade wires them together.

Charts are cached in memory and on disk (the project's ``.cache/briefbook/charts/``, or
``$BRIEFBOOK_CACHE/charts``), keyed by a hash of the chart's data and of everything that
styles it (the charts package's sources, the status colours, the sans fonts, matplotlib's
version): a new process whose charts are all cached never imports matplotlib, which is most
of a cold start. A cached chart is used only if its
signature verifies (``layout.diskcache``: the cache can only cost time, a planted or damaged
entry is redrawn) and it holds only matplotlib's vocabulary (``charts.svgcheck``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefbook import charts
from briefbook.brief import check_brief
from briefbook.brief.check import Sizes
from briefbook.brief.schema import Brief
from briefbook.charts.svgcheck import MAX_BYTES as MAX_SVG_BYTES
from briefbook.charts.svgcheck import plain_svg
from briefbook.core.coverage import check_coverage
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.corpus import load_project_corpus
from briefbook.corpus.model import Corpus
from briefbook.metrics import load_project_catalog
from briefbook.metrics.catalog import Catalog
from briefbook.metrics.status import RUBRIC
from briefbook.project import Project, find_project
from briefbook.render.book.html import book_html
from briefbook.render.book.model import (
    Book,
    ChartJob,
    assemble,
    chart_jobs,
    metric_size,
    quote_size,
)
from briefbook.render.layout.diskcache import DiskCache

if TYPE_CHECKING:
    from briefbook.render.engine.pdf import PdfWriter
    from briefbook.render.layout.jobs import ParallelStats

#: a book's drawn charts: name → (SVG bytes, MIME type)
Charts = dict[str, tuple[bytes, str]]


def cache_dir(project: Project) -> Path:
    """Where drawn charts and layout facts are kept between processes."""
    return Path(os.environ.get("BRIEFBOOK_CACHE") or project.cache_dir)


def chart_store(folder: Path) -> DiskCache:
    """The drawn charts in ``folder``: signed SVG entries of at most ``svgcheck.MAX_BYTES``."""
    return DiskCache(folder, "charts", suffix=".svg", limit=MAX_SVG_BYTES)


@cache
def chart_style_key() -> str:
    """A hash of what decides a chart's look besides its data: change it, every chart redraws.
    Every module of the charts package counts (the drawing, its labels' wrapping and spacing,
    the timeline's placement), so an edit to any of them redraws cached charts."""
    digest = hashlib.sha256()
    for module in sorted(Path(charts.__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    digest.update(repr(sorted(charts.STATUS_COLOURS.items())).encode())  # the status table's
    for face in (charts.SANS, charts.SANS_BOLD):
        digest.update(f"{face.name}:{face.stat().st_size}".encode())
    try:
        digest.update(version("matplotlib").encode())
    except PackageNotFoundError:  # pragma: no cover - matplotlib is a dependency
        pass
    return digest.hexdigest()


class Renderer:
    """Renders the briefs of one project."""

    def __init__(self, project: Project, *, chart_cache: Path | bool = True):
        self.project = project
        #: folder for drawn charts shared between processes; ``False`` turns it off
        self.chart_cache = None if chart_cache is False else (
            cache_dir(project) / "charts" if chart_cache is True else Path(chart_cache))
        self._corpus: Corpus | None = None
        self._catalog: Catalog | None = None
        self._writer: PdfWriter | None = None
        self._charts: dict[str, bytes] = {}
        #: how the last PDF was laid out (``layout.jobs.ParallelStats``)
        self.last_layout: ParallelStats | None = None

    @property
    def layout_cache(self) -> Path:
        """The folder for what layouts learnt (``layout.facts``), shared between processes."""
        return cache_dir(self.project) / "layout"

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = load_project_corpus(self.project)
        return self._corpus

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_project_catalog(self.project, self.corpus)
        return self._catalog

    @property
    def writer(self) -> PdfWriter:
        if self._writer is None:
            # imported here: WeasyPrint costs ~1.1 s at start-up, and a brief that fails its
            # check never reaches layout
            from briefbook.render.engine.pdf import PdfWriter

            self._writer = PdfWriter(project_stylesheet=self.project.stylesheet,
                                     project_root=self.project.root)
        return self._writer

    def check(self, brief_path: Path) -> Brief:
        published = {a.id: a.published for a in self.corpus.articles}
        # a metric's first observation (every observation of the catalog has its day)
        published.update({m.id: min(o.published or dt.date.min for o in m.observations)
                          for m in self.catalog.metrics})
        return check_brief(Path(brief_path), corpus_ids=set(self.corpus.ids()),
                           metric_ids={m.id for m in self.catalog.metrics}, published=published,
                           defaults=self.project.brief_defaults(),
                           metric_topics={m.id: m.topic for m in self.catalog.metrics},
                           sizes=self.sizes())

    def sizes(self) -> Sizes:
        """What each id costs a book (for the brief's work budget), memoised per id."""
        quotes: dict[str, tuple[int, int]] = {}
        metrics: dict[str, int] = {}

        def quote(ref: str) -> tuple[int, int]:
            if ref not in quotes:
                quotes[ref] = quote_size(self.corpus, ref)
            return quotes[ref]

        def metric(metric_id: str) -> int:
            if metric_id not in metrics:
                metrics[metric_id] = metric_size(self.catalog, metric_id)
            return metrics[metric_id]

        return Sizes(quote=quote, metric=metric, all_metrics=len(self.catalog.metrics))

    def book(self, brief_path: Path) -> Book:
        brief = self.check(brief_path)
        return assemble(brief, self.corpus, self.catalog.as_of(brief.as_of or brief.date), RUBRIC,
                        events=self.project.events_by_id)

    def html(self, book: Book) -> str:
        return book_html(book)

    def charts(self, book: Book) -> Charts:
        return {job.name: (self.chart_svg(job), "image/svg+xml") for job in chart_jobs(book)}

    def chart_svg(self, job: ChartJob) -> bytes:
        """Draw a chart, or reuse the drawing of identical data (this process, then disk)."""
        data = repr((job.kind.value, job.rows, job.width_in, chart_style_key()))
        key = hashlib.sha256(data.encode()).hexdigest()
        if key in self._charts:
            return self._charts[key]
        stored = chart_store(self.chart_cache) if self.chart_cache else None
        svg = stored.get(key, check=plain_svg) if stored is not None else None
        if svg is None:
            drawers: dict[str, Callable[..., bytes]] = {
                "pledged-vs-reported": charts.pledged_vs_reported,
                "status-breakdown": charts.status_breakdown,
                "timeline": charts.timeline}
            draw = drawers[job.kind.value]
            svg = draw(list(job.rows), width=job.width_in)
            if stored is not None:
                stored.put(key, svg)  # a read-only cache only costs time, never a render
        self._charts[key] = svg
        return svg

    def prepare(self, brief_path: Path) -> tuple[Book, str, Charts]:
        """The checked book, its HTML and its drawn charts, every glyph of them in the fonts."""
        book = self.book(brief_path)
        html = self.html(book)
        charts = self.charts(book)
        # Chart labels are SVG text set by WeasyPrint too: check them with the page text.
        check_coverage(html + "".join(svg.decode("utf-8") for svg, _ in charts.values()),
                       where=str(brief_path))
        return book, html, charts

    def render(self, brief_path: Path, *, variant: str | None = None, jobs: int = 1) -> bytes:
        """PDF bytes; ``variant`` is None (plain) or one of ``formats.archival.VARIANTS``;
        ``jobs`` > 1 lays a plain PDF's chapters out in that many processes (same pages and
        text, not the same bytes: ``layout.jobs``)."""
        # imported here: WeasyPrint (~1.1 s) and pikepdf, which these import, wait until a
        # brief has passed its check
        from briefbook.render.engine.bridge import finish_runs
        from briefbook.render.formats import archival

        archival.check_variant(variant)
        book, html, charts = self.prepare(brief_path)
        options: dict[str, Any] = {}
        if variant is not None:
            catalog = self.catalog.as_of(dt.date.fromisoformat(book.as_of_iso))
            files = archival.provenance_files(brief_path, book, catalog, self.corpus,
                                              self.project.events_by_id)
            options = archival.write_options(variant, files, book)
        pdf = self.write_keeping_footnotes(html, charts, where=str(brief_path), options=options,
                                           jobs=jobs)
        pdf = finish_runs(pdf, bridge=variant in archival.BRIDGED_VARIANTS)
        return pdf if variant is None else archival.finish(variant, pdf)

    def write_keeping_footnotes(self, html: str, charts: Charts, *, where: str,
                                options: Mapping[str, Any] | None = None,
                                jobs: int = 1) -> bytes:
        """Write the PDF, each footnote on its call's page (``layout.write``); ``jobs`` > 1
        lays the chapters out in that many processes (``layout.jobs``)."""
        # imported here: the layouts import WeasyPrint (~1.1 s at start-up)
        from briefbook.render.layout.jobs import ParallelStats
        from briefbook.render.layout.write import write_keeping_footnotes

        self.last_layout = stats = ParallelStats()
        return write_keeping_footnotes(self.writer, self.layout_cache, html, charts, where=where,
                                       options=options, jobs=jobs, stats=stats)


def render_pdf_bytes(brief_path: Path, project_dir: Path | None = None) -> bytes:
    """Render a brief with its project's corpus and catalog (the project in ``project_dir``,
    else the one found from the brief's folder); PDF bytes."""
    return Renderer(find_project(Path(brief_path), project_dir)).render(Path(brief_path))


def render_to_file(brief_path: Path, out: Path, renderer: Renderer,
                   *, variant: str | None = None, jobs: int = 1) -> bytes:
    """Render and write atomically: ``out`` is either the complete new PDF or untouched."""
    pdf = renderer.render(Path(brief_path), variant=variant, jobs=jobs)
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-64:]:
        raise BriefbookError("renderer produced an incomplete PDF; nothing written", where=str(out))
    write_atomic(Path(out), pdf)
    return pdf


__all__ = ["Renderer", "render_pdf_bytes", "render_to_file"]
