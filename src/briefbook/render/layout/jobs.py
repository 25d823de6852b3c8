"""Parallel layout: a book's chapters laid out in several processes, stitched into one PDF.

Takes: a ``Writer`` (``layout.writer``: fonts and stylesheet loaded), the layout cache folder,
the book's HTML and charts, and a job count. Gives: PDF bytes with the pages and text of a
one-process render — not its bytes: each process writes its own font subsets
(``layout.stitch``).

How: the chapters (``layout.chapters``; each starts a page) are cut into ``jobs`` runs of
consecutive chapters, balanced by their expected page counts. Each run is laid out and
written as one WeasyPrint document with the seam CSS that puts it in its place in the book:
this process lays out the first run, forked children the others (they inherit the loaded
fonts and stylesheet, so a child starts in milliseconds; on Linux only — elsewhere, and for
a book whose parts flow across pages, the book is rendered whole).

A seam needs page numbers that only a layout gives: where each run starts, the book's page
total, the page of every contents entry. They come from the layout facts of earlier renders
(each chapter's page count and anchors, kept in the project's cache under a hash of the
chapter, its seam counters, the stylesheet and WeasyPrint's version); a chapter never seen
is guessed from its length. After the layout every run's seam is checked against the true
numbers, and the runs whose seam was wrong are laid out again (in parallel) — so a guess
costs time, never a wrong page. A footnote pushed off its page is handled as the whole
render handles it (``layout.notes.move_quotes_to_next_page``), and the book laid out again.

A child reports an error as text; one that dies (killed, out of memory) ends the render with
a clear error. Children are killed with their parent (PDEATHSIG) and never outlive a render.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefbook.core.collector import shared_with_children
from briefbook.core.errors import BriefbookError
from briefbook.core.proc import signals_held, start_worker
from briefbook.render.layout.chapters import (
    Chapter,
    NotSplittable,
    breaks_chapters,
    join,
    place,
    seam_css,
    split,
)
from briefbook.render.layout.facts import LayoutFacts
from briefbook.render.layout.footnotes import numbers_off_their_page_in
from briefbook.render.layout.stitch import Piece, stitch, write_piece
from briefbook.render.layout.writer import Charts, Writer

MAX_PASSES = 4

if TYPE_CHECKING:
    from weasyprint.document import Document


def can_fork() -> bool:
    return sys.platform.startswith("linux")


@dataclass(frozen=True)
class Run:
    """Consecutive chapters laid out together, by one process."""

    first: int                 # index of its first chapter
    chapters: tuple[Chapter, ...]

    @cached_property
    def joined(self) -> Chapter:
        return join(list(self.chapters))


@dataclass(frozen=True)
class Laid:
    """What laying out a run gives back to the parent."""

    piece: Piece
    starts: tuple[int, ...]          # page offset of each of its chapters
    pages: int
    anchors: tuple[tuple[str, int], ...]   # real anchor → page offset in the run
    moved: tuple[int, ...]           # footnotes pushed off their call's page


@dataclass
class ParallelStats:
    runs: int = 0
    passes: int = 0
    laid_out: int = 0
    guessed: int = 0                 # chapters whose page count was not known from before
    whole: bool = False


def write_once(writer: Writer, cache: Path, html: str, charts: Charts, *, jobs: int,
               where: str, options: Mapping[str, Any] | None = None,
               stats: ParallelStats | None = None) -> tuple[bytes, set[int]]:
    """The book's PDF, laid out by ``jobs`` processes where it can be (a plain PDF of a book
    whose chapters start pages), and the footnotes that print off their call's page. Layout
    facts are kept in ``cache`` (``layout.facts``)."""
    stats = stats if stats is not None else ParallelStats()
    stats.whole = False
    try:
        if jobs < 2 or options or not can_fork() or not breaks_chapters(html):
            raise NotSplittable("one process, a PDF variant, or parts that do not start pages")
        chapters = split(html, writer.css_text)
        if len(chapters) < 2 or not all(c.anchor for c in chapters[1:]):
            raise NotSplittable("fewer than two chapters, or one without an anchor")
        facts = LayoutFacts(cache, writer.css_text)
        laid = _lay_out(writer, chapters, facts, charts, jobs=jobs, where=where, stats=stats)
    except NothingKnown:
        # Nothing to place the chapters by: lay the book out whole (the reference anyway) and
        # keep each chapter's page count and anchors, so the next render runs in parallel.
        stats.whole = True
        return _whole_keeping_facts(writer, html, charts, chapters, facts, where=where)
    except NotSplittable:
        stats.whole = True
        pdf, document = _write_whole(writer, html, charts, where=where, options=options)
        return pdf, numbers_off_their_page_in(document.pages)
    return stitch([r.piece for r in laid]), {n for r in laid for n in r.moved}


class NothingKnown(Exception):
    """No chapter of this book was laid out before: parallel seams would all be guesses."""


def _chapter_keys(facts: LayoutFacts, chapters: list[Chapter]) -> list[str]:
    counters = [s.counters for s in place(chapters, [1] * len(chapters), 0, {})]
    return [facts.chapter_key(c, k) for c, k in zip(chapters, counters, strict=True)]


def _lay_out(writer: Writer, chapters: list[Chapter], facts: LayoutFacts, charts: Charts, *,
             jobs: int, where: str, stats: ParallelStats) -> list[Laid]:
    css_text = writer.css_text
    keys = _chapter_keys(facts, chapters)
    known = [facts.get(k) for k in keys]
    if not any(known):
        raise NothingKnown()
    stats.guessed = sum(1 for f in known if f is None)
    counts = [f["pages"] if f else facts.pages_at(c.anchor) or _guess_pages(c, chapters, known)
              for c, f in zip(chapters, known, strict=True)]
    runs = _runs(chapters, [_cost(c) for c in chapters], jobs)
    stats.runs = len(runs)
    anchor_pages = _anchor_pages(chapters, counts, known)
    total = sum(counts)
    done: dict[tuple[str, str], Laid] = {}
    for attempt in range(MAX_PASSES):
        stats.passes = attempt + 1
        seams = _run_seams(runs, chapters, counts, total, anchor_pages, css_text)
        wanted = [(r.joined.html, css) for r, css in zip(runs, seams, strict=True)]
        todo = [(i, key) for i, key in enumerate(wanted) if key not in done]
        results = _run_all(writer, [(html, css, charts, _targets(runs[i]),
                                       tuple(c.anchor for c in runs[i].chapters))
                                      for i, (html, css) in todo], jobs=jobs, where=where)
        stats.laid_out += len(todo)
        for (_i, key), result in zip(todo, results, strict=True):
            done[key] = result
        laid = [done[key] for key in wanted]
        # The true numbers, from this layout.
        counts = [b - a for result in laid
                  for a, b in pairwise((*result.starts, result.pages))]
        total = sum(counts)
        first = 1
        anchor_pages = {}
        for result in laid:
            for name, offset in result.anchors:
                anchor_pages.setdefault(name, first + offset)
            first += result.pages
        if _run_seams(runs, chapters, counts, total, anchor_pages, css_text) == seams:
            facts.put(keys, counts, anchor_pages, chapters)
            return laid
    raise BriefbookError("the book's page numbers did not settle between processes",
                         hint="render it with one process: briefbook render --jobs 1 "
                              "(and report this, it is a bug)")


def _cost(chapter: Chapter) -> int:
    """How much laying a chapter out costs, roughly: the length of its HTML. (Its text length
    predicts a chapter's own layout time better, but cut the full example less evenly in
    whole-process runs: each run also pays for writing and subsetting its fonts.)"""
    return len(chapter.html)


def _write_whole(writer: Writer, html: str, charts: Charts, *, where: str,
                 options: Mapping[str, Any] | None = None) -> tuple[bytes, Document]:
    """The book laid out whole in this process: its PDF, and its pages to check (as
    ``Writer.write``, with the document kept)."""
    with writer.strict(where, generated=charts or {}):
        document = writer.layout(html)
        return document.write_pdf(**dict(options or {})), document


def _whole_keeping_facts(writer: Writer, html: str, charts: Charts, chapters: list[Chapter],
                         facts: LayoutFacts, *, where: str) -> tuple[bytes, set[int]]:
    pdf, document = _write_whole(writer, html, charts, where=where)
    anchor_pages: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            anchor_pages.setdefault(name, i + 1)
    starts = [1] + [anchor_pages.get(c.anchor or "", 0) for c in chapters[1:]]
    if starts == sorted(set(starts)) and starts[1:] and starts[1] > 1:
        counts = [b - a for a, b in pairwise([*starts, len(document.pages) + 1])]
        facts.put(_chapter_keys(facts, chapters), counts, anchor_pages, chapters)
    return pdf, numbers_off_their_page_in(document.pages)


def _run_seams(runs, chapters, counts, total, anchor_pages, css_text) -> list[str]:
    """Each run's seam CSS, placed by its first chapter."""
    seams = place(chapters, counts, total, anchor_pages)
    out = []
    for run in runs:
        targets = tuple(sorted((href, anchor_pages.get(href, 0)) for _, href in run.joined.targets))
        out.append(seam_css(run.joined, replace(seams[run.first], target_pages=targets), css_text))
    return out


def _targets(run: Run) -> list[str]:
    return [href for _, href in run.joined.targets]


def _runs(chapters: list[Chapter], counts: list[int], jobs: int) -> list[Run]:
    """``jobs`` runs of consecutive chapters with page counts as even as the cuts allow."""
    jobs = min(jobs, len(chapters))
    total = sum(counts)
    runs: list[Run] = []
    start = 0
    done = 0
    for part in range(1, jobs):
        goal = total * part / jobs
        end = start + 1
        # Cut where the pages so far come closest to this part's share (each run ≥ 1 chapter).
        while end < len(chapters) - (jobs - part) and (
                abs(done + sum(counts[start:end + 1]) - goal)
                <= abs(done + sum(counts[start:end]) - goal)):
            end += 1
        runs.append(Run(start, tuple(chapters[start:end])))
        done += sum(counts[start:end])
        start = end
    runs.append(Run(start, tuple(chapters[start:])))
    return runs


def _guess_pages(chapter: Chapter, chapters: list[Chapter], known: list) -> int:
    """A page count for a chapter never laid out: its text length at the known chapters'
    characters per page (one page if nothing is known)."""
    sizes = [(len(c.html), f["pages"]) for c, f in zip(chapters, known, strict=True) if f]
    if not sizes:
        return 1
    per_page = sum(s for s, _ in sizes) / max(1, sum(p for _, p in sizes))
    return max(1, round(len(chapter.html) / per_page))


def _anchor_pages(chapters, counts, known) -> dict[str, int]:
    pages: dict[str, int] = {}
    first = 1
    for chapter, count, fact in zip(chapters, counts, known, strict=True):
        if chapter.anchor:
            pages.setdefault(chapter.anchor, first)
        for name, offset in (fact or {}).get("anchors", {}).items():
            pages.setdefault(name, first + offset)
        first += count
    return pages


# ---- laying out a run (in this process or a child) -------------------------------------------

def _lay_out_run(writer: Writer, html: str, seam: str, charts: Charts, targets: list[str],
                 chapter_anchors: tuple[str | None, ...], *, where: str) -> Laid:
    with writer.strict(where, generated=charts or {}):
        document = writer.layout(html, seam)
        piece = write_piece(document, document.pages, targets)
    page_of: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            page_of.setdefault(name, i)
    starts = [0] + [page_of.get(a, -1) if a else -1 for a in chapter_anchors[1:]]
    if starts != sorted(starts) or len(set(starts)) != len(starts) or min(starts) < 0:
        raise NotSplittable("a chapter's first element is not at the start of its pages")
    return Laid(piece, tuple(starts), len(document.pages), tuple(page_of.items()),
                tuple(sorted(numbers_off_their_page_in(document.pages))))


def _run_all(writer: Writer, tasks: Sequence[tuple[Any, ...]], *, jobs: int,
             where: str) -> list[Laid]:
    """Lay out each task's run: the first in this process, the others in forked children."""
    def work(task: tuple[Any, ...]) -> Laid:
        return _lay_out_run(writer, *task, where=where)

    if not tasks:
        return []
    # What exists now is shared with the children page by page: keep the collector from
    # touching it (which would copy every page in both processes).
    with shared_with_children() if len(tasks) > 1 else contextlib.nullcontext():
        return _gather(work, tasks, where=where)


def _gather(work: Callable[[tuple[Any, ...]], Laid], tasks: Sequence[tuple[Any, ...]], *,
            where: str) -> list[Laid]:
    """The first task laid out in this process, the others in forked children."""
    context = multiprocessing.get_context("fork")
    children: list[tuple[Any, Connection]] = []
    try:
        with signals_held():
            for task in tasks[1:]:
                receive, send = context.Pipe(duplex=False)
                child = context.Process(target=_child, args=(send, work, task, os.getpid()),
                                        daemon=True, name="briefbook-layout")
                child.start()
                send.close()
                children.append((child, receive))
        results = [work(tasks[0])]
        for child, receive in children:
            try:
                status, value = receive.recv()
            except EOFError:
                child.join()
                raise BriefbookError(
                    f"a layout process stopped before it finished (exit code {child.exitcode})",
                    where=where, hint="render it again, or with one process: --jobs 1") from None
            if status == "error":
                message, err_where, hint = value
                raise BriefbookError(message, where=err_where, hint=hint)
            results.append(value)
        return results
    finally:
        for child, receive in children:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join()


def _child(send: Connection, work: Callable[[tuple[Any, ...]], Laid], task: tuple[Any, ...],
           parent_pid: int) -> None:
    """A forked child: lay out one run and send the result (or the error, as text) home."""
    start_worker(parent_pid)
    try:
        send.send(("ok", work(task)))
    except BriefbookError as error:
        send.send(("error", (error.message, error.where, error.hint)))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises it
        send.send(("error", (f"layout failed: {type(error).__name__}: {error}", None, None)))
    finally:
        send.close()
