"""A PDF's pages as a typesetter checks them, read with pypdfium2.

Takes: PDF bytes, and what the book says it holds (its headings, its tables' rows, the page's
design from ``project.stylesheet.BOOK_TYPE``). Gives:

- ``lines(pdf)``: every printed line (``Line``: page, baseline, left and right edge from the
  characters' advances, type size in pt, text, the page's size);
- ``text_block(lines, paper)``: the lines of each page's text block, without the running heads
  and folio (in the page margins) and the footnotes;
- ``stranded(pdf, paper, headings, introducers)``: headings, and lines that introduce what
  follows (a line ending in a colon, a quote's context, a metric's name over its history),
  that are the last line of a page's text block;
- ``lone_rows(pdf, tables)``: tables of several rows that leave a single row on a page;
- ``badges_alone(pdf, items)``: status-list badges printed apart from their labels;
- ``break_faults(pdf, book, html)``: all of these for a rendered book.

WeasyPrint writes text in CSS px under a 0.75 scale, so PDFium's font size is in px: sizes
here are in pt (× 0.75). Edges come from PDFium's loose character boxes, which span each
glyph's advance, so a line of N characters of size s is N × s wide.
"""

from __future__ import annotations

import ctypes
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MM = 72 / 25.4
PX = 0.75
#: a footnote: its number, a full stop and the note, in the notes' small type
FOOTNOTE = re.compile(r"^\d+\.\s*\S")
FOOTNOTE_MAX_PT = 8.0


@dataclass
class Line:
    page: int          # 1-based
    baseline: float    # pt from the page's bottom
    left: float
    right: float
    size: float        # the largest type on the line, pt
    text: str
    width_pt: float    # the page's
    height_pt: float
    origins: list[float]  # each character's origin (x), in order
    sizes: list[float]    # each character's type size (pt)
    chars: str            # the characters the origins belong to (no spaces)

    @property
    def key(self) -> str:
        return norm(self.text)


def norm(text: str) -> str:
    """Text without any space (spacing is layout, not content), U+3000 included."""
    return re.sub(r"[\s\u3000\u2060\u200b]+", "", text)


def lines(pdf: bytes) -> list[Line]:
    """Every printed line, in reading order (characters grouped by baseline)."""
    doc = pdfium.PdfDocument(pdf)
    found: list[Line] = []
    try:
        for number, page in enumerate(doc, start=1):
            width, height = page.get_size()
            text = page.get_textpage()
            current: Line | None = None
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                left, _bottom, right, _top = text.get_charbox(i, loose=True)
                if char in "\r\n" or right <= left:
                    continue
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(text.raw, i, x, y)
                size = pdfium_c.FPDFText_GetFontSize(text.raw, i) * PX
                if char.strip() == "":
                    if current is not None:
                        current.text += char
                    continue
                if current is None or abs(y.value - current.baseline) > min(
                        size, current.size) * 0.5 or left < current.right - size:
                    current = Line(number, y.value, left, right, size, "", width, height,
                                   [], [], "")
                    found.append(current)
                current.text += char
                current.chars += char
                current.origins.append(x.value)
                current.sizes.append(size)
                current.right = max(current.right, right)
                current.size = max(current.size, size)
            text.close()
            page.close()
    finally:
        doc.close()
    return found


def text_block(all_lines: Iterable[Line], top_mm: float, bottom_mm: float) -> list[Line]:
    """The lines inside each page's text block: not in the top or bottom margin (running
    heads, folio), and not a footnote."""
    kept = []
    for line in all_lines:
        if line.baseline > line.height_pt - top_mm * MM or line.baseline < bottom_mm * MM:
            continue
        if line.size <= FOOTNOTE_MAX_PT and FOOTNOTE.match(line.text.strip()):
            continue
        kept.append(line)
    return kept


def page_ends(block: Sequence[Line]) -> dict[int, Line]:
    """The last line of each page's text block (the lowest; reading order breaks ties)."""
    ends: dict[int, Line] = {}
    for line in block:
        last = ends.get(line.page)
        if last is None or line.baseline < last.baseline - 0.5:
            ends[line.page] = line
    return ends


def heading_texts(book_html: str) -> list[str]:
    """The text of every h1–h4 of the book's HTML (tags dropped, spaces removed)."""
    found = re.findall(r"<h[1-4]\b[^>]*>(.*?)</h[1-4]>", book_html, flags=re.S)
    return [norm(html.unescape(re.sub(r"<[^>]+>", "", h))) for h in found]


def stranded(pdf: bytes, *, top_mm: float, bottom_mm: float, headings: Iterable[str],
             heading_pt: float, introducers: Iterable[str] = ()) -> list[tuple[int, str]]:
    """(page, text) of each line that ends a page's text block but belongs with what follows:
    a line of a heading (type of ``heading_pt`` or more, its text part of a heading), a line
    that ends with a colon, or one of ``introducers`` (a quote's context, a metric's name
    over its history). The book's last page may end with anything."""
    heads = [norm(h) for h in headings if norm(h)]
    intro = {norm(t) for t in introducers if norm(t)}
    block = text_block(lines(pdf), top_mm, bottom_mm)
    if not block:
        return []
    last_page = max(line.page for line in block)
    found = []
    for page, line in sorted(page_ends(block).items()):
        if page == last_page:
            continue
        key = line.key
        is_heading = line.size >= heading_pt - 0.1 and len(key) >= 2 and any(
            key in h for h in heads)
        if is_heading or key in intro or key.endswith(("：", ":")):
            found.append((page, line.text.strip()))
    return found


def lone_rows(pdf: bytes, tables: Sequence[tuple[str, Sequence[str]]]) -> list[tuple[int, str]]:
    """Tables of two or more rows that leave one row alone on a page.

    ``tables``: each table in book order, as its header line's text and the text each of its
    rows starts with (a metric's name, a status word). Rows are found in the line stream in
    order, each table from its first header on; a row's page is where its first line is."""
    stream = lines(pdf)
    found = []
    at = 0
    for header, rows in tables:
        head = norm(header)
        while at < len(stream) and stream[at].key != head:
            at += 1
        pages = []
        for row in rows:
            start = norm(row)
            while at < len(stream) and not stream[at].key.startswith(start):
                at += 1
            if at == len(stream):
                raise AssertionError(f"row {row!r} of the table under {header!r} not found")
            pages.append(stream[at].page)
        if len(rows) >= 2:
            for page in sorted(set(pages)):
                if pages.count(page) == 1:
                    found.append((page, rows[pages.index(page)]))
    return found


def badges_alone(pdf: bytes, items: Iterable[tuple[str, str]]) -> list[tuple[int, str]]:
    """Status-list items whose badge (status word and count) is not on the line of its labels.

    ``items``: (badge text, first label) of each item. An item is at fault when no printed
    line holds its badge followed by the start of its labels."""
    stream = lines(pdf)
    found = []
    for badge, label in items:
        head = norm(badge)
        on_a_line = [line for line in stream if line.key.startswith(head)]
        if on_a_line and not any(line.key.startswith(head + norm(label)[:2])
                                 for line in on_a_line):
            found.append((on_a_line[0].page, badge))
    return found


def break_faults(pdf: bytes, book, book_html: str) -> list[str]:
    """Every page-break fault of a rendered book (``book``: its ``render.book.model.Book``):
    a heading or a line that introduces what follows ending a page, a table row alone on a
    page, a status badge without its list."""
    from briefbook.project.stylesheet import BOOK_TYPE

    design = BOOK_TYPE[book.paper]
    introducers = [q.heading for s in book.sections for q in s.quotes if q.heading]
    introducers += [row.label for s in book.sections for row in s.rows if row.history]
    faults = [f"page {page}: ends with {text!r}, which belongs with what follows"
              for page, text in stranded(pdf, top_mm=design.top_mm,
                                         bottom_mm=design.bottom_mm,
                                         headings=heading_texts(book_html),
                                         heading_pt=design.h2_pt, introducers=introducers)]
    header = "承诺报道状态"
    tables = [(header, [row.label for row in rows])
              for rows in [book.table or (), *(s.rows for s in book.sections)] if rows]
    if book.rubric:
        tables.append(("状态含义", [status for status, _ in book.rubric]))
    faults += [f"page {page}: the row {row!r} is alone on it"
               for page, row in lone_rows(pdf, tables)]
    if book.status_list:
        items = [(f"{t.status}{t.count}", t.labels[0]) for t in book.tallies if t.labels]
        faults += [f"page {page}: the badge {text!r} is not on the line of its labels"
                   for page, text in badges_alone(pdf, items)]
    return faults


def on_paper(text: str, paper: str) -> str:
    """A brief's text with its ``paper:`` set to ``paper``."""
    text = re.sub(r"(?m)^paper: .*\n", "", text)
    return re.sub(r"(?m)^(date: .*)$", rf"\1\npaper: {paper}", text, count=1)
