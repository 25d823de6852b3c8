"""Where footnotes land: each footnote's page against the page of its call.

Takes: PDF bytes, or a laid-out document's pages. Gives: footnote number → page of its call
and → page of the footnote.

- From a PDF (``footnote_pages``, ``footnotes_off_their_page``: the PDF lint, any PDF), read
  from pypdfium2's text boxes. A call is a run of digits set smaller than, and raised above,
  the character before it; a footnote is a line starting "N. " set no more than a quarter
  larger than the calls (numbered lists and table cells are larger still).
- From the pages WeasyPrint laid out (``footnote_pages_in``, ``numbers_off_their_page_in``:
  the renderer, after every layout, see ``layout.write``): a call is a ``::footnote-call``
  box, its number the text it shows, and its footnote is the box of the same element in a
  page's footnote area. The same answer without writing or reading a PDF: the renders check
  their own pages this way, and never load pypdfium2 (tests/render/test_layout.py compares
  the two on the full book, written in one pass with footnotes off their pages and rendered).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def footnote_pages(pdf_bytes: bytes) -> tuple[dict[int, int], dict[int, int]]:
    """Footnote number → page of its call, and → page where the footnote is printed."""
    # imported here: only a PDF read back needs pdfium; a render checks its own boxes
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    calls: dict[int, int] = {}
    call_sizes: list[float] = []
    candidates: list[tuple[int, int, float]] = []  # "N. " at a line start: number, page, size
    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        for page_number, page in enumerate(doc, start=1):
            textpage = page.get_textpage()
            count = textpage.count_chars()
            # One entry per pdfium character index (UTF-16 code units: a character outside the
            # BMP, such as 𠮷, is two), so positions line up with the per-index font sizes. The
            # page's text in one call where it has no such character; sizes only where asked.
            text = textpage.get_text_range()
            if len(text) != count or any(ord(c) > 0xFFFF for c in text):
                text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
                               for i in range(count))
            sizes = _Sizes(textpage.raw)
            i = 0
            while i < count:
                if not text[i].isdigit():
                    i += 1
                    continue
                j = i
                while j < count and text[j].isdigit():
                    j += 1
                line_start = i == 0 or text[i - 1] in "\r\n"
                if line_start and text[j:j + 2] == ". ":
                    candidates.append((int(text[i:j]), page_number, sizes[i]))
                elif not line_start and not text[i - 1].isspace() and not text[i - 1].isdigit():
                    before = textpage.get_charbox(i - 1)
                    box = textpage.get_charbox(i)
                    if sizes[i] < sizes[i - 1] * 0.8 and box[1] > before[1] + 1:
                        calls.setdefault(int(text[i:j]), page_number)
                        call_sizes.append(sizes[i])
                i = j
            textpage.close()
            page.close()
    finally:
        doc.close()
    # Footnotes are set a little larger than their calls; numbered lists and tables larger still.
    limit = min(call_sizes, default=0) * 1.25
    notes: dict[int, int] = {}
    for number, page_number, size in candidates:
        if size <= limit:
            notes.setdefault(number, page_number)
    return calls, notes


class _Sizes(dict):
    """Font size by pdfium character index, read when first asked for."""

    def __init__(self, raw) -> None:
        super().__init__()
        self.raw = raw

    def __missing__(self, index: int) -> float:
        import pypdfium2.raw as pdfium_c  # imported with pypdfium2 in footnote_pages

        size = self[index] = pdfium_c.FPDFText_GetFontSize(self.raw, index)
        return size


#: what ends the tag of a footnote call's box (WeasyPrint 70: ``<tag>::footnote-call``)
CALL_TAG = "::footnote-call"


def footnote_pages_in(pages: Iterable[Any]) -> tuple[dict[int, int], dict[int, int]]:
    """Footnote number → page of its call, and → page where the footnote is printed, from the
    pages of a laid-out WeasyPrint document (``Document.pages``), counted from 1."""
    calls: dict[int, int] = {}
    call_of: dict[Any, int] = {}  # the footnote's element → its number
    printed: dict[Any, int] = {}  # an element in a footnote area → the first page it is on
    for page_number, page in enumerate(pages, start=1):
        for area in page._page_box.children:
            if type(area).__name__ == "FootnoteAreaBox":
                for box in area.descendants():
                    printed.setdefault(box.element, page_number)
            else:
                for box in area.descendants():
                    if (box.element_tag or "").endswith(CALL_TAG):
                        text = "".join(getattr(b, "text", "") for b in box.descendants())
                        digits = "".join(c for c in text if c.isdigit())
                        if digits:
                            calls.setdefault(int(digits), page_number)
                            call_of.setdefault(box.element, int(digits))
    notes = {number: printed[element] for element, number in call_of.items()
             if element in printed}
    return calls, notes


def numbers_off_their_page_in(pages: Iterable[Any]) -> set[int]:
    """The numbers of the footnotes a laid-out document prints off their call's page."""
    return {number for number, _call, _note in _off_their_page(*footnote_pages_in(pages))}


def footnotes_off_their_page(pdf_bytes: bytes) -> list[tuple[int, int, int]]:
    """(number, page of the call, page of the footnote) for each footnote not on its page."""
    return _off_their_page(*footnote_pages(pdf_bytes))


def _off_their_page(calls: dict[int, int], notes: dict[int, int]) -> list[tuple[int, int, int]]:
    return [(n, calls[n], notes[n]) for n in sorted(calls) if n in notes and notes[n] != calls[n]]
