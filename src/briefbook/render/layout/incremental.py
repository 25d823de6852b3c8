"""Incremental layout: lay out only the chapters an edit changed, reuse the others' pages.

Takes: a ``Source`` — what it needs of ``render.Renderer``: its ``writer`` (``layout.writer``:
fonts and stylesheet loaded once) and ``prepare`` (a brief path → the book, its HTML and drawn
charts) — and a brief path. Gives: PDF bytes whose pages are those of a full render (tests/render/
test_incremental.py compares them pixel by pixel with ``checks.compare``).

How: the book's HTML is cut into chapters (``layout.chapters``); each is laid out as its own
WeasyPrint document with a seam stylesheet giving it its place in the book (first page
number, page total, footnote and figure numbers, running strings, the contents' page numbers).
A chapter's layout is kept under the key (its HTML, its seam CSS) and reused as long as both
are unchanged, with the PDF of its pages (written once, when it is laid out); the book's PDF
is those PDFs stitched together (``layout.stitch``), so an edit writes one chapter again,
not the book.

Page totals and the contents' numbers depend on later chapters, so a pass uses the values of
the previous render and passes repeat (reusing every layout whose key still matches) until
nothing moved. A render with nothing to go on — the first — lays the book out whole, which
is the reference anyway, and cuts its pages into the chapters' cache entries, so the first
render costs about what a full render costs (plus writing each chapter's PDF) and the second
costs one chapter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from briefbook.core.errors import BriefbookError
from briefbook.render.engine.bridge import finish_runs
from briefbook.render.layout.chapters import (
    Chapter,
    NotSplittable,
    breaks_chapters,
    join,
    place,
    seam_css,
    split,
)
from briefbook.render.layout.footnotes import numbers_off_their_page_in
from briefbook.render.layout.notes import move_quotes_to_next_page
from briefbook.render.layout.stitch import Piece, stitch, write_piece
from briefbook.render.layout.writer import Charts, Writer

if TYPE_CHECKING:
    from weasyprint.document import Document, Page

    from briefbook.render.book.model import Book

T = TypeVar("T")

MAX_PASSES = 4


class Source(Protocol):
    """What incremental layout needs of ``render.Renderer``."""

    @property
    def writer(self) -> Writer: ...

    def prepare(self, brief_path: Path) -> tuple[Book, str, dict[str, tuple[bytes, str]]]:
        """The checked book, its HTML and its drawn charts (glyph coverage checked)."""
        ...


@dataclass
class Layout:
    pages: list[Page]      # weasyprint Page objects
    document: Document     # the Document they came from (kept for metadata and fonts)
    targets: tuple[str, ...] = ()     # link targets its pages print (the contents')
    piece: Piece | None = None        # its pages written, once (layout.stitch)
    moved: tuple[int, ...] = ()       # footnotes those pages print off their call's page


@dataclass
class RenderStats:
    chapters: int = 0
    laid_out: int = 0       # chapter layouts made this render
    reused: int = 0
    passes: int = 0
    whole: bool = False     # laid out as one document (first render, or not splittable)
    seconds: float = 0.0


@dataclass
class IncrementalRenderer:
    renderer: Source
    _cache: dict[tuple[str, str], Layout] = field(default_factory=dict)
    _known: dict[str, int] = field(default_factory=dict)  # chapter html → pages, last render
    # chapter's first anchor → pages
    _known_at: dict[str | None, int] = field(default_factory=dict)
    _anchor_pages: dict[str, int] = field(default_factory=dict)
    # (chapter html, first footnote) → move rounds
    _moves: dict[tuple[str, int], tuple[tuple[int, ...], ...]] = field(default_factory=dict)
    _total: int | None = None
    last: RenderStats = field(default_factory=RenderStats)

    # The pieces of a render, as ``Renderer.render`` does them.
    def render(self, brief_path: Path) -> bytes:
        """The whole book's PDF."""
        return self.write(self.layouts(brief_path), where=str(brief_path))

    def layouts(self, brief_path: Path) -> list[Layout]:
        """The book's chapters laid out (reused where unchanged), without writing a PDF."""
        _book, html, charts = self.renderer.prepare(brief_path)
        return self.layout_html(html, charts, where=str(brief_path))

    def render_html(self, html: str, charts: Charts, *, where: str = "render") -> bytes:
        return self.write(self.layout_html(html, charts, where=where), where=where)

    def write(self, layouts: list[Layout], *, where: str = "render", finish: bool = True) -> bytes:
        """One PDF of all the layouts' pages: each layout's own PDF (written once, when it
        was laid out) stitched to the others' (layout.stitch). ``finish=False`` leaves the
        runs of text unfinished (engine.bridge): the same pixels, for a preview's page images."""
        pdf = stitch([self._piece(layout, where) for layout in layouts])
        return finish_runs(pdf) if finish else pdf

    def write_one(self, layout: Layout, *, where: str = "render") -> bytes:
        """A PDF of one chapter's pages, e.g. to show only what changed. Its links to other
        chapters (the contents) point at placeholders; the whole-book PDF resolves them."""
        return self._piece(layout, where).pdf

    def _piece(self, layout: Layout, where: str) -> Piece:
        if layout.piece is None:
            layout.piece = self._strict(
                lambda: write_piece(layout.document, layout.pages, layout.targets), where)
            layout.moved = tuple(sorted(numbers_off_their_page_in(layout.pages)))
        return layout.piece

    def layout_html(self, html: str, charts: Charts, *, where: str = "render") -> list[Layout]:
        """The book's pages as layouts. Like a full render (``Renderer.write_keeping_footnotes``)
        a quote whose footnote WeasyPrint pushed to a later page is moved to start the next
        page, and the book laid out again: here that means the chapter holding it (each
        chapter's PDF is checked once, when it is written), the others are reused. The moves
        a chapter needed are remembered and made at once when it comes back unchanged."""
        start = time.perf_counter()
        writer = self.renderer.writer
        writer.fetcher.generated = dict(charts or {})
        stats = RenderStats()
        chapters = self._strict(lambda: self._chapters(html, writer), where)
        if chapters is None:  # a flowing book: laid out whole, moves made on the whole HTML
            stats.whole = True
            for _attempt in range(4):
                document = self._strict(partial(writer.layout, html), where)
                layouts = [Layout(document.pages, document)]
                moved = set(self._moved(layouts, where))
                if not moved:
                    break
                html = move_quotes_to_next_page(html, moved)
        else:
            layouts = self._chapters_laid_out(chapters, writer, stats, where)
        stats.seconds = time.perf_counter() - start
        self.last = stats
        return layouts

    def _chapters(self, html: str, writer: Writer) -> list[Chapter] | None:
        try:
            # Only a book whose chapters each start a page (Brief.breaks "chapters", a body
            # class) can be laid out chapter by chapter; others flow, and go whole.
            if not breaks_chapters(html):
                raise NotSplittable("the book's parts do not start new pages")
            chapters = split(html, writer.css_text)
        except NotSplittable:
            return None
        return chapters if len(chapters) > 1 else None

    def _moved(self, layouts: list[Layout], where: str) -> list[int]:
        for layout in layouts:
            self._piece(layout, where)
        return sorted({n for layout in layouts for n in layout.moved})

    def _chapters_laid_out(self, chapters: list[Chapter], writer: Writer, stats: RenderStats,
                           where: str) -> list[Layout]:
        stats.chapters = len(chapters)
        bases = [dict(seam.counters).get("footnote", 0)
                 for seam in place(chapters, [1] * len(chapters), 0, {})]
        keys = [(c.html, base) for c, base in zip(chapters, bases, strict=True)]
        moves: dict[int, list[Sequence[int]]] = {
            i: list(self._moves.get(key, ())) for i, key in enumerate(keys)}
        chapters = [_with_moves(c, moves[i]) for i, c in enumerate(chapters)]
        kept: dict = {}
        for _attempt in range(4):
            if not self._known and all(c.anchor for c in chapters[1:]):
                self._seed_chapters(chapters, writer, stats)
            layouts = self._strict(lambda: self._passes(chapters, writer.css_text, writer, stats),
                                   where)
            kept.update(self._cache)
            moved = self._moved(layouts, where)
            if not moved:
                break
            for i, chapter in enumerate(chapters):
                local = {n - bases[i] for n in moved
                         if bases[i] < n <= bases[i] + chapter.counts.get("footnote", 0)}
                if local:
                    moves[i].append(sorted(local))
                    chapters[i] = _with_moves(chapter, [sorted(local)])
        # Keep what every round used (a later edit elsewhere meets these chapters again), and
        # the moves each chapter needed, for the chapters of this render.
        self._cache = kept
        self._moves = {keys[i]: tuple(tuple(r) for r in rounds)
                       for i, rounds in moves.items() if rounds}
        return layouts

    def _seed_chapters(self, chapters: list[Chapter], writer: Writer,
                       stats: RenderStats) -> None:
        html = join(chapters).html
        self._seed(html, chapters, writer.css_text, writer, stats)

    def _strict(self, action: Callable[[], T], where: str) -> T:
        """Run ``action`` with WeasyPrint's warnings turned into one clear error."""
        with self.renderer.writer.strict(where):
            return action()

    # ---- internals -------------------------------------------------------------------------

    def _seed(self, html: str, chapters: list[Chapter], css_text: str, writer: Writer,
              stats: RenderStats) -> None:
        """Lay the book out whole and file its pages under each chapter's key."""
        document = writer.layout(html)
        stats.whole = True
        starts = [0]
        page_of: dict[str, int] = {}
        for i, page in enumerate(document.pages):
            for name in page.anchors:
                page_of.setdefault(name, i)
        for chapter in chapters[1:]:
            if chapter.anchor not in page_of:
                return  # cannot tell where it starts: fall back to passes
            starts.append(page_of[chapter.anchor])
        starts.append(len(document.pages))
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            return
        counts = [b - a for a, b in pairwise(starts)]
        anchor_pages = {name: i + 1 for name, i in page_of.items()}
        seams = place(chapters, counts, len(document.pages), anchor_pages)
        for chapter, seam, (a, b) in zip(chapters, seams, pairwise(starts), strict=True):
            key = (chapter.html, seam_css(chapter, seam, css_text))
            self._cache[key] = Layout(document.pages[a:b], document,
                                      tuple(href for _, href in chapter.targets))
            self._known[chapter.html] = b - a
        self._anchor_pages = anchor_pages
        self._total = len(document.pages)

    def _passes(self, chapters: list[Chapter], css_text: str, writer: Writer,
                stats: RenderStats) -> list[Layout]:
        # A chapter not seen before: the page count of the one that started at its anchor.
        counts = [self._known.get(c.html) or self._known_at.get(c.anchor) or 1 for c in chapters]
        total = self._total or sum(counts)
        anchor_pages = dict(self._anchor_pages)
        used: dict = {}
        for attempt in range(MAX_PASSES):
            stats.passes = attempt + 1
            layouts = []
            first = 1
            new_counts: list[int] = []
            new_anchor_pages: dict[str, int] = {}
            for i, chapter in enumerate(chapters):
                # Earlier chapters of this pass are laid out: their page counts are exact.
                seam = place(chapters, new_counts + counts[i:], total, anchor_pages)[i]
                key = (chapter.html, seam_css(chapter, seam, css_text))
                layout = self._cache.get(key) or used.get(key)
                if layout is None:
                    layout = Layout(*self._chapter_pages(chapter.html, key[1], writer),
                                    tuple(href for _, href in chapter.targets))
                    stats.laid_out += 1
                else:
                    stats.reused += 1
                used[key] = layout
                layouts.append(layout)
                for offset, page in enumerate(layout.pages):
                    for name in page.anchors:
                        new_anchor_pages.setdefault(name, first + offset)
                new_counts.append(len(layout.pages))
                first += len(layout.pages)
            new_total = sum(new_counts)
            wanted = {href: new_anchor_pages.get(href, 0)
                      for c in chapters for _, href in c.targets}
            settled = (new_total == total and new_counts == counts and
                       all(anchor_pages.get(h) == p for h, p in wanted.items()))
            counts, total, anchor_pages = new_counts, new_total, new_anchor_pages
            if settled:
                break
        else:
            raise BriefbookError("the book's page numbers did not settle between chapters",
                                 hint="render it whole: briefbook render (this is a bug)")
        # Keep only what this render used: memory stays one book's worth of layouts.
        self._cache = used
        self._known = {c.html: n for c, n in zip(chapters, counts, strict=True)}
        self._known_at = {c.anchor: n for c, n in zip(chapters, counts, strict=True) if c.anchor}
        self._anchor_pages = anchor_pages
        self._total = total
        return layouts

    def _chapter_pages(self, html: str, seam: str,
                       writer: Writer) -> tuple[list[Page], Document]:
        document = writer.layout(html, seam)
        return document.pages, document


def _with_moves(chapter: Chapter, rounds: Sequence[Sequence[int]]) -> Chapter:
    """``chapter`` with the quotes carrying these footnotes (numbered within the chapter, one
    list per round) moved to start a page, as ``move_quotes_to_next_page`` does in a book."""
    html = chapter.html
    for numbers in rounds:
        html = move_quotes_to_next_page(html, set(numbers))
    return chapter if html == chapter.html else replace(chapter, html=html)
