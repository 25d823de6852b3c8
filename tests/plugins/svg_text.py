"""A chart's text and marks as drawn, read back from its SVG, and the glyph boxes of a PDF page.

Takes: SVG bytes as ``briefbook.charts`` writes them (one ``<text>`` per line, placed by ``x``/
``y`` or a ``translate``, anchored by ``text-anchor``; bars and lines as ``<path>``), or PDF
bytes. Gives:
- ``svg_texts(svg)``: each line of text with its box in SVG points (y down): its width is the
  sum of the bundled sans's advances (a character the face lacks counts 1 em), its height the
  em box, 0.88 em above the baseline to 0.12 em below, where Han glyphs sit;
- ``svg_paths(svg)``: each path's fill or stroke colour and its bounding box;
- ``overlapping(boxes, gap)``: the pairs of boxes closer than ``gap`` (negative: overlapping);
- ``glyph_boxes(pdf, page)``: every printed character's box on a page, as PDFium reports it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache

import pypdfium2 as pdfium
from fontTools.ttLib import TTFont

from briefbook.charts import SANS

SVG = "{http://www.w3.org/2000/svg}"
ASCENT, DESCENT = 0.88, 0.12
_NUMBER = r"-?[\d.]+(?:e-?\d+)?"


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float
    text: str = ""

    def gap_to(self, other: Box) -> float:
        """How far apart two boxes are: the larger of the horizontal and vertical gaps
        (negative when they overlap in both directions)."""
        return max(other.left - self.right, self.left - other.right,
                   other.top - self.bottom, self.top - other.bottom)


@dataclass(frozen=True)
class SvgText:
    text: str
    x: float
    baseline: float
    size: float
    anchor: str
    fill: str
    box: Box


@cache
def _advances() -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(str(SANS), lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def text_width(text: str, size: float) -> float:
    cmap, metrics, units = _advances()
    total = 0
    for char in text:
        glyph = cmap.get(ord(char))
        total += metrics[glyph][0] if glyph is not None else units
    return total * size / units


def _style(element: ET.Element) -> dict[str, str]:
    parts = [part.split(":", 1) for part in (element.get("style") or "").split(";") if ":" in part]
    return {k.strip(): v.strip() for k, v in parts}


def svg_texts(svg: bytes) -> list[SvgText]:
    out = []
    for element in ET.fromstring(svg).iter(SVG + "text"):
        style = _style(element)
        size = float(style["font-size"].removesuffix("px"))
        if element.get("x") is not None:
            x, y = float(element.get("x")), float(element.get("y"))
        else:
            x, y = map(float, re.findall(_NUMBER, element.get("transform", ""))[:2])
        text = "".join(element.itertext())
        width = text_width(text, size)
        anchor = style.get("text-anchor", "start")
        left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        out.append(SvgText(text, x, y, size, anchor, style.get("fill", "#000000"),
                           Box(left, y - ASCENT * size, left + width, y + DESCENT * size, text)))
    return out


@dataclass(frozen=True)
class SvgPath:
    colour: str
    box: Box
    stroked: bool


def svg_paths(svg: bytes) -> list[SvgPath]:
    """Every drawn path (filled or stroked), with the box of its points."""
    out = []
    for element in ET.fromstring(svg).iter(SVG + "path"):
        style = _style(element)
        numbers = [float(n) for n in re.findall(_NUMBER, element.get("d", ""))]
        if len(numbers) < 4:
            continue
        xs, ys = numbers[0::2], numbers[1::2]
        fill, stroke = style.get("fill"), style.get("stroke")
        stroked = fill in (None, "none") and stroke is not None
        out.append(SvgPath(stroke if stroked else (fill or "#000000"),
                           Box(min(xs), min(ys), max(xs), max(ys)), stroked))
    return out


def overlapping(boxes: list[Box], gap: float = 0.0) -> list[tuple[Box, Box]]:
    """The pairs of ``boxes`` less than ``gap`` apart (``gap`` 0: those that overlap)."""
    found = []
    ordered = sorted(boxes, key=lambda b: b.left)
    for i, one in enumerate(ordered):
        for other in ordered[i + 1:]:
            if other.left - one.right >= gap:
                break
            if one.gap_to(other) < gap:
                found.append((one, other))
    return found


def glyph_boxes(pdf: bytes, page_index: int) -> list[Box]:
    """The box of every printed (non-space) character on a page, in PDF points, y up turned
    to y down so ``Box`` reads the same as in an SVG."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[page_index]
        height = page.get_height()
        text = page.get_textpage()
        out = []
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if not char.strip():
                continue
            left, bottom, right, top = text.get_charbox(i)
            if right > left and top > bottom:
                out.append(Box(left, height - top, right, height - bottom, char))
        return out
    finally:
        doc.close()
