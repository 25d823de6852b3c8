"""PDF bytes → what the preview page shows: one PNG and the extracted text per page.

Takes: PDF bytes. Gives: ``PageView`` values. Pixels come from the project's pinned
rasteriser (``checks.rasterise``, PDFium), text from PDFium's text layer of the same PDF, so
the browser shows exactly the pages ``render`` would write, and what a reader (or a test)
can search is the PDF's own text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from briefbook.checks.rasterise import rasterise

#: Screen resolution for the preview (A4 ≈ 794 px wide): sharp enough to read body text.
PREVIEW_DPI = 96


@dataclass(frozen=True)
class PageView:
    png: bytes
    text: str
    width: int
    height: int


def page_views(pdf: bytes, *, dpi: float = PREVIEW_DPI) -> list[PageView]:
    """One ``PageView`` per page of ``pdf``: its PNG at ``dpi`` and its text."""
    images = rasterise(pdf, dpi=dpi, mode="RGB")
    doc = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_bounded())
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    views = []
    for image, text in zip(images, texts, strict=True):
        buffer = io.BytesIO()
        Image.fromarray(image.image).save(buffer, format="PNG", optimize=False, compress_level=1)
        height, width = image.image.shape[:2]
        views.append(PageView(buffer.getvalue(), text, width, height))
    return views
