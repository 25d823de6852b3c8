"""PDF → page images, deterministically.

Takes: PDF bytes or a path, a DPI and a colour mode. Gives: one ``RenderedPage`` per page —
a numpy ``uint8`` array (``H×W`` for mode ``"L"``, ``H×W×3`` for ``"RGB"``) and the page
size in PDF points.

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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from briefbook.errors import BriefbookError

#: 75 DPI catches a single changed CJK character at body size (≈11 px per em at 10.5 pt)
#: while a greyscale A4 baseline page stays ≈20–40 KB as PNG. Measured numbers: see
#: tests/checks/test_checks_dpi.py.
DEFAULT_DPI = 75
DEFAULT_MODE = "L"
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0

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


def _open(pdf: bytes | Path | str) -> pdfium.PdfDocument:
    source = pdf if isinstance(pdf, bytes) else Path(pdf)
    if isinstance(source, Path) and not source.is_file():
        raise BriefbookError("no such PDF file", where=str(source))
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        where = None if isinstance(pdf, bytes) else str(pdf)
        raise BriefbookError(f"not a readable PDF ({exc})", where=where) from exc


def rasterise(pdf: bytes | Path | str, *, dpi: float = DEFAULT_DPI,
              mode: str = DEFAULT_MODE) -> list[RenderedPage]:
    """Render every page of ``pdf`` at ``dpi`` in ``mode`` (``"L"`` or ``"RGB"``)."""
    if mode not in ("L", "RGB"):
        raise ValueError(f"mode must be 'L' or 'RGB', not {mode!r}")
    if not (10 <= dpi <= 1200):
        raise BriefbookError(f"DPI {dpi} is out of range", hint="use a value between 10 and 1200")
    doc = _open(pdf)
    pages: list[RenderedPage] = []
    try:
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
