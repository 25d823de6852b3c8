"""The render stage: a brief file in, PDF bytes out.

Takes: a brief path (plus the corpus and metric catalog it refers to).
Gives: PDF bytes, or a ``BriefbookError`` that says what is wrong. ``Renderer`` is long-lived:
corpus, catalog, fonts, stylesheet and drawn charts are loaded once and reused, so a second
render in the same process costs only layout.

Flow: check brief → assemble ``Book`` → draw charts (SVG, cached by content) → HTML (Jinja2,
autoescaped) → preflight glyph coverage → WeasyPrint (locked fetcher, warnings are errors).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefbook.errors import BriefbookError
from briefbook.fileio import write_atomic
from briefbook.render.book import Book, ChartJob, assemble, chart_jobs
from briefbook.render.fetcher import GENERATED_SCHEME


class Renderer:
    def __init__(self, corpus_dir: Path | None = None, catalog_path: Path | None = None):
        self.corpus_dir = corpus_dir
        self.catalog_path = catalog_path
        self._corpus = None
        self._catalog = None
        self._writer = None
        self._charts: dict[str, bytes] = {}

    @property
    def corpus(self):
        if self._corpus is None:
            from briefbook.corpus import load_corpus

            self._corpus = load_corpus(self.corpus_dir)
        return self._corpus

    @property
    def catalog(self):
        if self._catalog is None:
            from briefbook.metrics import load_catalog

            self._catalog = load_catalog(self.corpus, self.catalog_path)
        return self._catalog

    @property
    def writer(self):
        if self._writer is None:
            from briefbook.render.pdf import PdfWriter

            self._writer = PdfWriter()
        return self._writer

    def check(self, brief_path: Path):
        from briefbook.brief import check_brief

        return check_brief(Path(brief_path), corpus_ids=set(self.corpus.ids()),
                           metric_ids={m.id for m in self.catalog.metrics})

    def book(self, brief_path: Path) -> Book:
        from briefbook.metrics.status import RUBRIC

        return assemble(self.check(brief_path), self.corpus, self.catalog, RUBRIC)

    def html(self, book: Book) -> str:
        from briefbook.render.html import book_html

        return book_html(book)

    def charts(self, book: Book) -> dict[str, tuple[bytes, str]]:
        return {job.name: (self.chart_svg(job), "image/svg+xml") for job in chart_jobs(book)}

    def chart_svg(self, job: ChartJob) -> bytes:
        """Draw a chart, or reuse the drawing of identical data from earlier in this process."""
        key = hashlib.sha256(repr((job.kind, job.rows)).encode()).hexdigest()
        if key not in self._charts:
            from briefbook import charts

            draw = {"pledged-vs-reported": charts.pledged_vs_reported,
                    "status-breakdown": charts.status_breakdown,
                    "timeline": charts.timeline}[job.kind.value]
            self._charts[key] = draw(list(job.rows))
        return self._charts[key]

    def render(self, brief_path: Path) -> bytes:
        from briefbook.render.preflight import check_coverage

        book = self.book(brief_path)
        html = self.html(book)
        check_coverage(html, where=str(brief_path))
        return self.writer.write(html, self.charts(book), where=str(brief_path))


_default: Renderer | None = None


def default_renderer() -> Renderer:
    global _default
    if _default is None:
        _default = Renderer()
    return _default


def render_pdf_bytes(brief_path: Path) -> bytes:
    """Render a brief with the project's corpus and catalog; PDF bytes."""
    return default_renderer().render(Path(brief_path))


def render_to_file(brief_path: Path, out: Path, renderer: Renderer | None = None) -> bytes:
    """Render and write atomically: ``out`` is either the complete new PDF or untouched."""
    pdf = (renderer or default_renderer()).render(Path(brief_path))
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-64:]:
        raise BriefbookError("renderer produced an incomplete PDF; nothing written", where=str(out))
    write_atomic(Path(out), pdf)
    return pdf


__all__ = ["GENERATED_SCHEME", "Renderer", "render_pdf_bytes", "render_to_file"]
