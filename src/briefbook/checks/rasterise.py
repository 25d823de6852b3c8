"""PDF → page images, deterministically.

Takes: PDF bytes or a path, a DPI and a colour mode. Gives: one ``RenderedPage`` per page —
a numpy ``uint8`` array (``H×W`` for mode ``"L"``, ``H×W×3`` for ``"RGB"``) and the page
size in PDF points — or a ``BriefbookError`` before anything is rendered when the PDF is over
its budgets (below).

Budgets, checked before any page is loaded or decoded (``check_pdf_budget``: it reads only the
page count and each page's size from the page tree, which costs microseconds per page), and
shared with ``trace`` (distribute/trace.py) and the preview. The largest book a brief makes
is about 70 A4 pages (``brief.check.MAX_BOOK_TEXT_CHARS`` ≈ 50 pages of text, plus charts and
tables); ``compare``, ``lint`` and snapshots work at 75 DPI, the preview at 96, ``trace`` at
150:

- ``MAX_PDF_PAGES`` = 300 pages: four times the largest book. (Before this cap a 3,001-page
  PDF took 95 s in ``trace`` and 347 s in ``lint``, which costs about 0.1 s a page.)
- ``MAX_PAGE_PIXELS`` = 40 Mpx for one rendered page: an A4 page at 600 DPI is 34.8 Mpx, at
  the default 75 DPI 0.54 Mpx. (One 14,400×14,400 pt page — PDF's largest — is 225 Mpx at
  75 DPI and 900 Mpx at 150; it was rendered until memory ran out.)
- ``MAX_DOCUMENT_PIXELS`` = 300 Mpx for all the pages of one document a command holds at
  once (1 byte a pixel in grey, 3 in RGB; ``compare`` holds two documents, 600 MB at most):
  300 A4 pages fit at the preview's 96 DPI (268 Mpx), and the largest book up to 200 DPI
  (271 Mpx).

Page images (``open_image``: a baseline's page PNGs, a page image given to ``trace``) are read
through ``fileio.read_bounded`` (at most ``MAX_IMAGE_BYTES``), and their header's size is
checked before they are decoded: at most ``MAX_IMAGE_PIXELS`` = 50 Mpx (a 48-Mpx phone photo,
an A4 scan at 600 DPI is 34.8 Mpx) and ``MAX_IMAGE_SIDE`` = 20,000 px a side (A3 at 1,200 DPI
is 19,843 px tall; a PNG declaring 1×59,000,000 px is not a page). Pillow's own decompression
bomb warning and error are turned into a ``BriefbookError``; Pillow's global limit is never
changed.

Pixels come from the pinned pypdfium2 wheel (PDFium with its own FreeType/AGG), so they
depend on the wheel's version, not on the host's fonts or libraries. Every render flag that
changes pixels is fixed here rather than left to defaults (see ``RENDER_FLAGS``):

- opaque white background (``fill_color``), so pages never carry alpha;
- ``optimize_mode=None``: no LCD sub-pixel text (which would make colour fringes and
  depend on the screen orientation) and no "print" mode shortcuts;
- anti-aliasing of text, paths and images stays ON (``no_smooth*=False``): edges are then
  stable grey ramps, which the comparison's colour threshold absorbs, and the images are
  readable for the human who looks at a diff;
- ``draw_annots=False`` and ``may_draw_forms=False``: link annotations and form widgets
  are not page content;
- ``grayscale`` is PDFium's own greyscale path for mode ``"L"`` (not a conversion
  afterwards), ``rev_byteorder=True`` for RGB so arrays are RGB, never BGR.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError
from PIL.Image import Image as PILImage

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded

#: 75 DPI catches a single changed CJK character at body size (≈11 px per em at 10.5 pt)
#: while a greyscale A4 baseline page stays ≈20–40 KB as PNG. Measured numbers: see
#: tests/checks/test_checks_dpi.py.
DEFAULT_DPI = 75
DEFAULT_MODE = "L"
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0

#: Budgets (see the module docstring for why these numbers).
MAX_PDF_PAGES = 300
MAX_PAGE_PIXELS = 40_000_000
MAX_DOCUMENT_PIXELS = 300_000_000
MAX_PAGE_SIDE = 1 << 16  # PDFium's own bitmap limit is near here; no real page comes close
MAX_IMAGE_PIXELS = 50_000_000
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_BYTES = 100_000_000

RENDER_FLAGS = dict(
    rotation=0,
    may_draw_forms=False,
    draw_annots=False,
    optimize_mode=None,
    no_smoothtext=False,
    no_smoothimage=False,
    no_smoothpath=False,
    force_halftone=False,
    fill_color=(255, 255, 255, 255),
    prefer_bgrx=False,
    maybe_alpha=False,
)


@dataclass(frozen=True)
class RenderedPage:
    """One page as pixels. ``index`` is 0-based; ``size_pt`` is (width, height) in points."""

    index: int
    image: np.ndarray
    size_pt: tuple[float, float]
    dpi: float

    @property
    def number(self) -> int:
        return self.index + 1


def _open(pdf: bytes | Path | str, where: str | None = None) -> pdfium.PdfDocument:
    source = pdf if isinstance(pdf, bytes) else Path(pdf)
    if isinstance(source, Path) and not source.is_file():
        raise BriefbookError("no such PDF file", where=str(source))
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        where = where or (None if isinstance(pdf, bytes) else str(pdf))
        raise BriefbookError(f"not a readable PDF ({exc})", where=where) from exc


def _mpx(pixels: float) -> str:
    return f"{pixels / 1e6:,.1f} Mpx" if pixels >= 100_000 else f"{pixels:,.0f} px"


def check_pdf_budget(doc: pdfium.PdfDocument, dpi: float, *, where: str | None = None,
                     max_pages: int = MAX_PDF_PAGES, max_page_pixels: int = MAX_PAGE_PIXELS,
                     max_total_pixels: int | None = MAX_DOCUMENT_PIXELS
                     ) -> list[tuple[int, int]]:
    """Each page's rendered size ``(width_px, height_px)`` at ``dpi`` — or a ``BriefbookError``
    if ``doc`` has more than ``max_pages`` pages, a page would be over ``max_page_pixels`` (or
    ``MAX_PAGE_SIDE`` a side, or under 1 px), or all pages together over ``max_total_pixels``
    (``None``: no total, for a caller that renders one page at a time). Nothing is loaded or
    rendered: only the page count and the page tree's sizes are read."""
    count = len(doc)
    if count > max_pages:
        raise BriefbookError(f"the PDF has {count:,} pages; the limit is {max_pages:,}",
                             where=where, hint="a briefing book has well under a hundred "
                             "pages; split the PDF (e.g. `qpdf --pages`) and check the parts")
    scale = dpi / PT_PER_INCH
    sizes: list[tuple[int, int]] = []
    total = 0
    for index in range(count):
        try:
            width_pt, height_pt = doc.get_page_size(index)
        except pdfium.PdfiumError as exc:
            raise BriefbookError(f"page {index + 1} cannot be read ({exc})", where=where) from None
        if not (math.isfinite(width_pt) and math.isfinite(height_pt)):
            raise BriefbookError(f"page {index + 1} has no usable size "
                                 f"({width_pt}×{height_pt} pt)", where=where)
        width, height = math.ceil(width_pt * scale), math.ceil(height_pt * scale)
        pixels = width * height
        if width < 1 or height < 1:
            raise BriefbookError(f"page {index + 1} is {width_pt:g}×{height_pt:g} pt: smaller "
                                 f"than one pixel at {dpi:g} DPI", where=where,
                                 hint="this is not a page of a book; check the PDF")
        if pixels > max_page_pixels or max(width, height) > MAX_PAGE_SIDE:
            raise BriefbookError(
                f"page {index + 1} is {width_pt:,.0f}×{height_pt:,.0f} pt, {width:,}×{height:,} "
                f"px at {dpi:g} DPI ({_mpx(pixels)}); the limit for one page is "
                f"{_mpx(max_page_pixels)}", where=where,
                hint=f"a book page (A4 is 595×842 pt) is far smaller; if the page is real, use a "
                     f"lower DPI (at most {_fitting_dpi(width_pt, height_pt, max_page_pixels)})")
        total += pixels
        sizes.append((width, height))
    if max_total_pixels is not None and total > max_total_pixels:
        raise BriefbookError(f"the PDF's {count:,} pages are {_mpx(total)} at {dpi:g} DPI; the "
                             f"limit is {_mpx(max_total_pixels)}", where=where,
                             hint="use a lower DPI, or check fewer pages at a time")
    return sizes


def check_pdf_file_budget(pdf: bytes | Path | str, dpi: float, *, where: str | None = None,
                          **limits) -> list[tuple[int, int]]:
    """``check_pdf_budget`` on a PDF given as bytes or a path: opens it, checks, closes it.
    For a command that must know two PDFs are within budget before rendering either."""
    doc = _open(pdf, where)
    try:
        return check_pdf_budget(doc, dpi, where=where or (None if isinstance(pdf, bytes)
                                                          else str(pdf)), **limits)
    finally:
        doc.close()


def _fitting_dpi(width_pt: float, height_pt: float, max_pixels: int) -> int:
    """The largest whole DPI at which a page of this size stays within ``max_pixels``."""
    area_in2 = (width_pt / PT_PER_INCH) * (height_pt / PT_PER_INCH)
    return max(int(math.sqrt(max_pixels / area_in2)) - 1, 0) if area_in2 > 0 else 0


def open_image(source: Path | str | bytes, *, where: str | None = None,
               what: str = "a page image", max_pixels: int = MAX_IMAGE_PIXELS,
               max_side: int = MAX_IMAGE_SIDE, max_bytes: int = MAX_IMAGE_BYTES,
               formats: tuple[str, ...] = ("PNG", "JPEG")) -> PILImage:
    """A decoded Pillow image from a file (read with ``fileio.read_bounded``: at most
    ``max_bytes``, never a FIFO or device) or bytes — or a ``BriefbookError``. The format and
    the header's size are checked before any pixel is decoded; Pillow's decompression-bomb
    warning and error become a ``BriefbookError`` too. Pillow's global limit is not changed."""
    if isinstance(source, bytes):
        data = source
    else:
        where = where or str(source)
        data = read_bounded(Path(source), max_bytes, what)
    if len(data) > max_bytes:
        raise BriefbookError(f"{what} is {len(data):,} bytes; the limit is {max_bytes:,}",
                             where=where)
    accepted = " or ".join(formats)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(formats))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb(exc, what, where, max_pixels) from None
        except UnidentifiedImageError:
            raise BriefbookError(f"not a {accepted} image; {what} must be one",
                                 where=where) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise BriefbookError(f"{what} cannot be read ({exc})", where=where) from None
        width, height = image.size
        if width * height > max_pixels or max(width, height) > max_side:
            image.close()
            raise BriefbookError(
                f"{what} is {width:,}×{height:,} px ({_mpx(width * height)}); the limit is "
                f"{_mpx(max_pixels)} and {max_side:,} px a side; nothing was decoded",
                where=where,
                hint="a whole page at 150–300 dpi is 2–9 Mpx; scale the image down")
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            image.close()
            raise _bomb(exc, what, where, max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            image.close()
            raise BriefbookError(f"{what} cannot be decoded ({exc})", where=where) from None
    return image


def _bomb(exc: Exception, what: str, where: str | None, max_pixels: int) -> BriefbookError:
    """Pillow's decompression-bomb warning or error (its size check against its own global
    limit, made while opening) as a ``BriefbookError``."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    size = f" ({_mpx(int(found.group(1)))})" if found else ""
    return BriefbookError(f"{what} is too large to decode{size}; the limit is "
                          f"{_mpx(min(max_pixels, _pillow_limit()))}; nothing was decoded",
                          where=where, hint="a whole page at 150–300 dpi is 2–9 Mpx; scale the "
                          "image down")


def _pillow_limit() -> float:
    return Image.MAX_IMAGE_PIXELS or float("inf")


def rasterise(pdf: bytes | Path | str, *, dpi: float = DEFAULT_DPI,
              mode: str = DEFAULT_MODE, max_pages: int = MAX_PDF_PAGES,
              max_page_pixels: int = MAX_PAGE_PIXELS,
              max_total_pixels: int | None = MAX_DOCUMENT_PIXELS,
              where: str | None = None) -> list[RenderedPage]:
    """Render every page of ``pdf`` at ``dpi`` in ``mode`` (``"L"`` or ``"RGB"``), after
    ``check_pdf_budget`` has passed. ``where`` names the PDF in errors (default: its path)."""
    if mode not in ("L", "RGB"):
        raise ValueError(f"mode must be 'L' or 'RGB', not {mode!r}")
    if not (10 <= dpi <= 1200):
        raise BriefbookError(f"DPI {dpi} is out of range", hint="use a value between 10 and 1200")
    doc = _open(pdf, where)
    pages: list[RenderedPage] = []
    try:
        check_pdf_budget(doc, dpi, where=where or (None if isinstance(pdf, bytes) else str(pdf)),
                         max_pages=max_pages, max_page_pixels=max_page_pixels,
                         max_total_pixels=max_total_pixels)
        for i in range(len(doc)):
            page = doc[i]
            try:
                size = (round(page.get_width(), 3), round(page.get_height(), 3))
                bitmap = page.render(scale=dpi / PT_PER_INCH, grayscale=(mode == "L"),
                                     rev_byteorder=(mode == "RGB"), **RENDER_FLAGS)
                # Copy: the bitmap's buffer belongs to PDFium and dies with ``bitmap``.
                array = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
                bitmap.close()
            finally:
                page.close()
            if mode == "L" and array.ndim == 3:
                array = array[..., 0]
            pages.append(RenderedPage(i, np.ascontiguousarray(array), size, float(dpi)))
    finally:
        doc.close()
    return pages


def px_to_mm(px: float, dpi: float) -> float:
    return px * MM_PER_INCH / dpi
