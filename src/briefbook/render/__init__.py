"""The render stage: a brief file in, PDF bytes out.

Takes: a ``Project`` (its corpus, metric catalog, events, topics, brief defaults and
stylesheet) and a brief path.
Gives: PDF bytes, or a ``BriefbookError`` that says what is wrong. ``Renderer`` is long-lived:
corpus, catalog, fonts, stylesheet and drawn charts are loaded once and reused, so a second
render in the same process costs only layout.

Flow: check brief → assemble ``Book`` → draw charts (SVG, cached by content) → HTML (Jinja2,
autoescaped) → preflight glyph coverage → WeasyPrint (locked fetcher, warnings are errors).

Charts are cached in memory and on disk (the project's ``.cache/briefbook/charts/``, or
``$BRIEFBOOK_CACHE/charts``),
keyed by a hash of the chart's data and of everything that styles it (the charts module's
source, the sans fonts, matplotlib's version): a new process whose charts are all cached never
imports matplotlib, which is most of a cold start. A cached chart is used only if its
signature verifies (``render.diskcache``: the cache can only cost time, a planted or damaged
entry is redrawn) and it holds only matplotlib's vocabulary (``charts.svgcheck``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefbook.charts.svgcheck import MAX_BYTES as MAX_SVG_BYTES
from briefbook.charts.svgcheck import plain_svg
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.corpus import load_project_corpus
from briefbook.metrics import load_project_catalog
from briefbook.render.book.model import Book, ChartJob, assemble, chart_jobs
from briefbook.render.layout.diskcache import DiskCache

if TYPE_CHECKING:
    from briefbook.project import Project


def cache_dir(project: Project) -> Path:
    """Where drawn charts and layout facts are kept between processes."""
    return Path(os.environ.get("BRIEFBOOK_CACHE") or project.cache_dir)


def chart_store(folder: Path) -> DiskCache:
    """The drawn charts in ``folder``: signed SVG entries of at most ``svgcheck.MAX_BYTES``."""
    return DiskCache(folder, "charts", suffix=".svg", limit=MAX_SVG_BYTES)


@cache
def chart_style_key() -> str:
    """A hash of what decides a chart's look besides its data: bump it, every chart redraws."""
    from importlib.metadata import PackageNotFoundError, version

    from briefbook import charts

    digest = hashlib.sha256(Path(charts.__file__).read_bytes())
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

    def __init__(self, project: Project, *, chart_cache: Path | None | bool = True):
        self.project = project
        #: folder for drawn charts shared between processes; ``False`` turns it off
        self.chart_cache = None if chart_cache is False else (
            cache_dir(project) / "charts" if chart_cache is True else Path(chart_cache))
        self._corpus = None
        self._catalog = None
        self._writer = None
        self._charts: dict[str, bytes] = {}
        #: how the last PDF was laid out (``render.jobs.ParallelStats``)
        self.last_layout = None

    @property
    def corpus(self):
        if self._corpus is None:
            self._corpus = load_project_corpus(self.project)
        return self._corpus

    @property
    def catalog(self):
        if self._catalog is None:
            self._catalog = load_project_catalog(self.project, self.corpus)
        return self._catalog

    @property
    def writer(self):
        if self._writer is None:
            from briefbook.render.engine.pdf import PdfWriter

            self._writer = PdfWriter(project_stylesheet=self.project.stylesheet,
                                     project_root=self.project.root)
        return self._writer

    def check(self, brief_path: Path):
        from briefbook.brief import check_brief

        published = {a.id: a.published for a in self.corpus.articles}
        published.update({m.id: min(o.published for o in m.observations)
                          for m in self.catalog.metrics})
        return check_brief(Path(brief_path), corpus_ids=set(self.corpus.ids()),
                           metric_ids={m.id for m in self.catalog.metrics}, published=published,
                           defaults=self.project.brief_defaults(),
                           metric_topics={m.id: m.topic for m in self.catalog.metrics},
                           sizes=self.sizes())

    def sizes(self):
        """What each id costs a book (for the brief's work budget), memoised per id."""
        from briefbook.brief.check import Sizes
        from briefbook.render.book.model import quote_size, metric_size

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
        from briefbook.metrics.status import RUBRIC

        brief = self.check(brief_path)
        return assemble(brief, self.corpus, self.catalog.as_of(brief.as_of or brief.date), RUBRIC,
                        events=self.project.events_by_id)

    def html(self, book: Book) -> str:
        from briefbook.render.book.html import book_html

        return book_html(book)

    def charts(self, book: Book) -> dict[str, tuple[bytes, str]]:
        return {job.name: (self.chart_svg(job), "image/svg+xml") for job in chart_jobs(book)}

    def chart_svg(self, job: ChartJob) -> bytes:
        """Draw a chart, or reuse the drawing of identical data (this process, then disk)."""
        key = hashlib.sha256(repr((job.kind.value, job.rows, job.width_in, chart_style_key())).encode()).hexdigest()
        if key in self._charts:
            return self._charts[key]
        stored = chart_store(self.chart_cache) if self.chart_cache else None
        svg = stored.get(key, check=plain_svg) if stored is not None else None
        if svg is None:
            from briefbook import charts

            draw = {"pledged-vs-reported": charts.pledged_vs_reported,
                    "status-breakdown": charts.status_breakdown,
                    "timeline": charts.timeline}[job.kind.value]
            svg = draw(list(job.rows), width=job.width_in)
            if stored is not None:
                stored.put(key, svg)  # a read-only cache only costs time, never a render
        self._charts[key] = svg
        return svg

    def render(self, brief_path: Path, *, variant: str | None = None, jobs: int = 1) -> bytes:
        """PDF bytes; ``variant`` is None (plain) or one of ``render.archival.VARIANTS``;
        ``jobs`` > 1 lays a plain PDF's chapters out in that many processes (same pages and
        text, not the same bytes: ``render.jobs``)."""
        from briefbook.render import archival
        from briefbook.render.engine.bridge import finish_runs
        from briefbook.core.coverage import check_coverage

        archival.check_variant(variant)
        book = self.book(brief_path)
        html = self.html(book)
        charts = self.charts(book)
        # Chart labels are SVG text set by WeasyPrint too: check them with the page text.
        check_coverage(html + "".join(svg.decode("utf-8") for svg, _ in charts.values()),
                       where=str(brief_path))
        options: dict = {}
        if variant is not None:
            catalog = self.catalog.as_of(dt.date.fromisoformat(book.as_of_iso))
            files = archival.provenance_files(brief_path, book, catalog, self.corpus,
                                              self.project.events_by_id)
            options = archival.write_options(variant, files, book)
        pdf = self.write_keeping_footnotes(html, charts, where=str(brief_path), options=options,
                                           jobs=jobs)
        pdf = finish_runs(pdf, bridge=variant in archival.BRIDGED_VARIANTS)
        return pdf if variant is None else archival.finish(variant, pdf)

    def write_keeping_footnotes(self, html: str, charts: dict, *, where: str,
                                options: dict | None = None, jobs: int = 1) -> bytes:
        """Write the PDF; if WeasyPrint pushed a footnote to a later page than its call, the
        quote that carries it starts the next page, with its footnote (at most three tries).
        The moves an earlier render of the same HTML found are made at once (render.facts).
        ``jobs`` > 1 lays the chapters out in that many processes (render.jobs)."""
        from briefbook.render.layout.facts import FootnoteMoves
        from briefbook.render.layout.jobs import ParallelStats, write_once

        self.last_layout = stats = ParallelStats()
        moves = FootnoteMoves(self, self.writer.css_text)
        rounds = moves.get(html)
        original = html
        for numbers in rounds:
            html = move_quotes_to_next_page(html, set(numbers))
        pdf, moved = write_once(self, html, charts, jobs=jobs, where=where, options=options,
                                stats=stats)
        for _attempt in range(3):
            if not moved:
                break
            rounds.append(sorted(moved))
            html = move_quotes_to_next_page(html, moved)
            pdf, moved = write_once(self, html, charts, jobs=jobs, where=where, options=options,
                                    stats=stats)
        if rounds:
            moves.put(original, rounds)
        return pdf


#: Each quote is one ``<blockquote>`` holding one citation footnote, in document order,
#: so footnote N is the N-th blockquote (templates/partials/section.html.j2).
MOVED_QUOTE_TAG = '<blockquote class="with-its-note">'


def move_quotes_to_next_page(html: str, footnotes: set[int]) -> str:
    """Mark the quotes carrying these footnote numbers to start a page (book.css)."""
    parts = html.split("<blockquote")
    out = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        before = out[-1]
        if number in footnotes and part.startswith(">") and before.rstrip().endswith("</h2>"):
            # the first quote under 原文摘录: its heading goes with it (never alone at a foot)
            at = before.rindex("<h2")
            out[-1] = before[:at] + '<h2 class="with-its-note"' + before[at + 3:]
            out.append(part)
        elif number in footnotes and part.startswith(">"):
            out.append(MOVED_QUOTE_TAG[len("<blockquote"):] + part[1:])
        else:
            out.append(part)
    return "<blockquote".join(out)


def render_pdf_bytes(brief_path: Path, project_dir: Path | None = None) -> bytes:
    """Render a brief with its project's corpus and catalog (the project in ``project_dir``,
    else the one found from the brief's folder); PDF bytes."""
    from briefbook.project import find_project

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
