"""How loose a PDF's lines are set: the stretch between Han characters, line by line.

Takes: PDF bytes. Gives: for every printed line that has two Han characters side by side, the
extra space between two of them (``line_stretches``), in em of their type size: the distance
from one character's origin to the next, less the one em a Han character advances, the median
over the line's pairs (justification spaces every pair alike; a space between two words, which
pdfium does not always report as a character, would otherwise count as a stretch).
A line set solid measures 0; a justified line the letter-spacing it was given (plus, where a
bound unit moved to the next line, whatever that left to spread). ``worst`` sorts them.

Measured in the PDF with pypdfium2 (each character's origin and type size), so it holds for
whatever set the line: the stretch comes from justification, never from a quarter-em (that
sits between Han and Latin, not between two Han characters).
"""

from __future__ import annotations

import ctypes
import re
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass(frozen=True)
class LineStretch:
    """One printed line: its page (1-based), its text and its stretch (em) between two Han
    characters side by side on it."""

    page: int
    text: str
    stretch: float


def _lines(page) -> list[list[tuple[str, float, float, float]]]:
    """The page's characters as lines: (char, origin x, baseline y, em in pt), left to right.
    The em is the font size times the text matrix's scale (WeasyPrint draws page text in CSS
    px inside a 0.75 pt-per-px matrix, chart text at 1)."""
    text = page.get_textpage()
    rows: dict[float, list[tuple[str, float, float, float]]] = {}
    try:
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char in "\r\n":
                continue  # a space stays: two characters with a space between are not adjacent
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(text.raw, i, x, y)
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(text.raw, i, matrix)
            size = pdfium_c.FPDFText_GetFontSize(text.raw, i) * abs(matrix.a)  # em in pt
            key = next((k for k in rows if abs(k - y.value) < 0.5), round(y.value, 1))
            rows.setdefault(key, []).append((char, x.value, y.value, size))
    finally:
        text.close()
    return [sorted(chars, key=lambda c: c[1]) for _, chars in sorted(rows.items(), reverse=True)]


def line_stretches(pdf: bytes) -> list[LineStretch]:
    """Every line with two adjacent Han characters, with its stretch between them.
    Characters further apart than two em are taken to be in different columns."""
    doc = pdfium.PdfDocument(pdf)
    found: list[LineStretch] = []
    try:
        for number, page in enumerate(doc, start=1):
            for chars in _lines(page):
                stretches = []
                for (a, xa, _ya, size_a), (b, xb, _yb, size_b) in zip(chars, chars[1:],
                                                                       strict=False):
                    if not (HAN.match(a) and HAN.match(b)) or abs(size_a - size_b) > 0.01:
                        continue
                    step = (xb - xa) / size_a
                    if 0.9 < step < 2.0:
                        stretches.append(step - 1)
                if stretches:
                    found.append(LineStretch(number, "".join(c[0] for c in chars),
                                             round(statistics.median(stretches), 3)))
            page.close()
    finally:
        doc.close()
    return found


def worst(stretches: list[LineStretch], count: int = 10) -> list[LineStretch]:
    """The ``count`` loosest lines, loosest first."""
    return sorted(stretches, key=lambda s: -s.stretch)[:count]
