"""A PDF's text as printed, read with pypdfium2.

Takes: PDF bytes. Gives: each page's text (``page_texts``, or all pages as one string:
``page_text``), the printed lines as characters grouped by baseline (``pdf_lines``), the lines
that hold one lone Han character (``lone_characters``: no 孤字), and whether bytes open as a
PDF of at least one page (``is_pdf``), and every printed character with its origin, size and
font (``placed_chars``).
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Marks that may follow the last character on a line (they are not characters of their own).
TRAILING = set("，。、；：？！）」』”’》〉】〕…—·.,;:!?)%")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as PDFium extracts it within the page."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_bounded() for i in range(len(doc))]
    finally:
        doc.close()


def page_text(pdf: bytes) -> str:
    """Every page's text, joined, as PDFium extracts each page's whole text range."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def is_pdf(pdf: bytes) -> bool:
    """Whether the bytes open as a PDF of at least one page."""
    if not pdf.startswith(b"%PDF-"):
        return False
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc) >= 1
    finally:
        doc.close()


def pdf_lines(pdf: bytes) -> list[tuple[int, str]]:
    """(page number, text) of every printed line, in reading order."""
    doc = pdfium.PdfDocument(pdf)
    lines: list[tuple[int, str]] = []
    try:
        for number, page in enumerate(doc, start=1):
            text = page.get_textpage()
            current, last = "", None
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char in "\r\n":
                    continue
                left, bottom, right, top = text.get_charbox(i)
                if char.strip() == "" or right <= left:
                    current += char
                    continue
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(text.raw, i, x, y)
                size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
                baseline = y.value
                if last is not None and (abs(baseline - last[0]) > min(size, last[1]) * 0.5
                                         or left < last[2] - size):
                    lines.append((number, current))
                    current = ""
                current += char
                last = (baseline, size, right)
            if current:
                lines.append((number, current))
            text.close()
            page.close()
    finally:
        doc.close()
    return lines


def lone_characters(pdf: bytes) -> list[tuple[int, str]]:
    """Lines holding one Han character (and at most trailing punctuation) after a line of text."""
    found = []
    lines = pdf_lines(pdf)
    for (page, text), (_, before) in zip(lines[1:], lines, strict=False):
        core = text.strip().rstrip("".join(TRAILING)).strip()
        if len(core) == 1 and HAN.match(core) and len(before.strip()) > 4:
            found.append((page, f"{before.strip()[-12:]} | {text.strip()}"))
    return found


@dataclass(frozen=True)
class Placed:
    """One printed character: its page (1-based), origin (x, baseline y, pt from the page's
    bottom left), type size (pt), the right edge of its advance and its font's name."""

    page: int
    char: str
    x: float
    y: float
    size: float
    right: float
    font: str


def placed_chars(pdf: bytes) -> list[Placed]:
    """Every printed (non-space) character with where and in what it is set, in page order.
    WeasyPrint writes text in CSS px under a 0.75 scale: sizes are given in pt."""
    doc = pdfium.PdfDocument(pdf)
    found: list[Placed] = []
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    try:
        for number, page in enumerate(doc, start=1):
            text = page.get_textpage()
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if not char.strip():
                    continue
                _left, _bottom, right, _top = text.get_charbox(i, loose=True)
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(text.raw, i, x, y)
                size = pdfium_c.FPDFText_GetFontSize(text.raw, i) * 0.75
                pdfium_c.FPDFText_GetFontInfo(text.raw, i, buffer, len(buffer), flags)
                found.append(Placed(number, char, x.value, y.value, size, right,
                                    buffer.value.decode("latin-1")))
            text.close()
            page.close()
    finally:
        doc.close()
    return found
