"""Page images of one PDF from four engines, and how far each is from pdfium's.

Takes: a PDF file (and its user password, for an encrypted copy). Gives: the pages as
greyscale numpy arrays from pdfium (pypdfium2, the suite's own rasteriser), Poppler
(``pdftoppm``), MuPDF (``mutool draw``) and Ghostscript (``gs``), each at the same DPI, drawn
in colour and turned grey by one formula (PIL's ``L``); and ``engine_differences``: for each
engine and page, the share of pixels that differ from pdfium's beyond a blur and a one-pixel
shift, and the count in the worst 16-pixel tile.

Why two tolerances: engines anti-alias and hint glyph edges differently, and pdf.js snaps box
edges to whole pixels where pdfium blends them, so a correct page differs from pdfium's in edge
pixels; a wrong glyph — the CID fault of issue 22, a .notdef box, a blank — changes whole
character cells, which fail both tests. The budgets were measured on the full book, see
tests/engines/test_engine_matrix.py.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ENGINES = ("pdfium", "poppler", "mupdf", "ghostscript")
#: A pixel differs only when it differs both ways below. Blurred (5×5 box, ≈2.5 mm at 50 DPI)
#: grey levels apart by more than 48 of 255: absorbs anti-aliasing and hinting of glyph edges …
BLUR_RADIUS = 2
BLUR_THRESHOLD = 48
#: … and unblurred grey more than 64 outside the other image's range within one pixel around:
#: absorbs a box edge that one engine snaps to the pixel grid (pdf.js) and the other blends.
NEIGHBOURHOOD = 1
NEIGHBOURHOOD_THRESHOLD = 64
#: A page fails when more than this share of its pixels differs …
PAGE_BUDGET = 0.0001
#: … or when more than this many pixels differ in any 16×16 tile (one wrong character: 14).
TILE = 16
TILE_BUDGET = 4
TIMEOUT = 120  # seconds per engine and PDF

TOOLS = {"poppler": "pdftoppm", "mupdf": "mutool", "ghostscript": "gs"}


def missing_tools() -> list[str]:
    """The command-line engines this machine lacks (``make`` installs them; tests fail, never
    skip, when one is missing)."""
    return [tool for tool in TOOLS.values() if shutil.which(tool) is None]


def versions() -> dict[str, str]:
    """Each engine's version, for the test report and the closing note."""
    def out(*cmd: str) -> str:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (done.stdout + done.stderr).strip().splitlines()[0]
    return {"pdfium": f"pypdfium2 {pdfium.PYPDFIUM_INFO} (PDFium {pdfium.PDFIUM_INFO})",
            "poppler": out("pdftoppm", "-v"),
            "mupdf": out("mutool", "-v"),
            "ghostscript": "Ghostscript " + out("gs", "--version")}


def _grey(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.uint8)


def _pdfium(pdf: Path, dpi: float, password: str | None) -> list[np.ndarray]:
    document = pdfium.PdfDocument(str(pdf), password=password)
    try:
        pages = []
        for page in document:
            bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255),
                                 draw_annots=False, may_draw_forms=False, rev_byteorder=True)
            pages.append(np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8))
        return pages
    finally:
        document.close()


def _command(engine: str, pdf: Path, dpi: float, password: str | None, out: Path) -> list[str]:
    if engine == "poppler":
        return ["pdftoppm", "-r", str(dpi), "-png", *(["-upw", password] if password
                                                                 else []), str(pdf), str(out / "p")]
    if engine == "mupdf":
        return ["mutool", "draw", "-q", "-F", "png", "-c", "rgb", "-r", str(dpi),
                *(["-p", password] if password else []), "-o", str(out / "p-%04d.png"), str(pdf)]
    if engine == "ghostscript":
        return ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m",
                "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-r{dpi}",
                *([f"-sPDFPassword={password}"] if password else []),
                f"-sOutputFile={out / 'p-%04d.png'}", str(pdf)]
    raise ValueError(engine)


def pages(engine: str, pdf: Path, *, dpi: float = 50, password: str | None = None
          ) -> list[np.ndarray]:
    """Every page of ``pdf`` drawn by ``engine``, greyscale, white paper."""
    if engine == "pdfium":
        return _pdfium(pdf, dpi, password)
    with tempfile.TemporaryDirectory(prefix=f"briefbook-{engine}-") as tmp:
        out = Path(tmp)
        done = subprocess.run(_command(engine, pdf, dpi, password, out), capture_output=True,
                              text=True, timeout=TIMEOUT)
        files = sorted(out.glob("p*.png"))
        if done.returncode != 0 or not files:
            raise RuntimeError(f"{engine} could not draw {pdf.name}: exit {done.returncode}: "
                               f"{done.stderr.strip()[-500:]}")
        return [_grey(path) for path in files]


def _blur(image: np.ndarray, radius: int = BLUR_RADIUS) -> np.ndarray:
    """Box blur of ``radius`` pixels, edges padded by repetition. Summed along rows, then
    along columns: the sums are whole numbers far below 2**24, so float32 holds them exactly
    and the result is the same as summing the (2r+1)² shifted images one by one."""
    padded = np.pad(image, radius, mode="edge")
    h, w = image.shape
    k = 2 * radius + 1
    rows = padded[:, :w].copy()
    for dx in range(1, k):
        rows += padded[:, dx:dx + w]
    total = rows[:h].copy()
    for dy in range(1, k):
        total += rows[dy:dy + h]
    return total / (k * k)


def _outside(image: np.ndarray, other: np.ndarray, radius: int = NEIGHBOURHOOD) -> np.ndarray:
    """How far each pixel of ``image`` lies outside the range of ``other`` within ``radius``.
    The window's minimum and maximum are taken along rows, then along columns (the same values
    as over the whole square, about 15 times faster than a strided view's reductions)."""
    padded = np.pad(other, radius, mode="edge")
    h, w = image.shape
    k = 2 * radius + 1
    row_low, row_high = padded[:, :w].copy(), padded[:, :w].copy()
    for dx in range(1, k):
        np.minimum(row_low, padded[:, dx:dx + w], out=row_low)
        np.maximum(row_high, padded[:, dx:dx + w], out=row_high)
    low, high = row_low[:h].copy(), row_high[:h].copy()
    for dy in range(1, k):
        np.minimum(low, row_low[dy:dy + h], out=low)
        np.maximum(high, row_high[dy:dy + h], out=high)
    return np.maximum(low - image, image - high)


def differing(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Boolean mask of the pixels that differ (see the thresholds above); both images cropped to
    their common size, since engines round the page size by a pixel."""
    if any(abs(a - b) > 2 for a, b in zip(reference.shape, other.shape, strict=False)):
        return np.ones(reference.shape, dtype=bool)
    h = min(reference.shape[0], other.shape[0])
    w = min(reference.shape[1], other.shape[1])
    a = reference[:h, :w].astype(np.float32)
    b = other[:h, :w].astype(np.float32)
    blurred = np.abs(_blur(a) - _blur(b)) > BLUR_THRESHOLD
    shifted = np.maximum(_outside(a, b), _outside(b, a)) > NEIGHBOURHOOD_THRESHOLD
    return blurred & shifted


@dataclass(frozen=True)
class PageDifference:
    engine: str
    page: int  # 1-based
    share: float  # of the page's pixels
    worst_tile: int  # differing pixels in the worst 16×16 tile
    where: tuple[int, int]  # that tile's top-left corner, in pixels (x, y)

    @classmethod
    def of(cls, engine: str, page: int, mask: np.ndarray) -> PageDifference:
        h, w = (mask.shape[0] // TILE) * TILE, (mask.shape[1] // TILE) * TILE
        tiles = mask[:h, :w].reshape(h // TILE, TILE, w // TILE, TILE).sum(axis=(1, 3))
        row, col = np.unravel_index(int(tiles.argmax()), tiles.shape)
        return cls(engine, page, float(mask.mean()), int(tiles.max()),
                   (int(col) * TILE, int(row) * TILE))

    @property
    def failed(self) -> bool:
        return self.share > PAGE_BUDGET or self.worst_tile > TILE_BUDGET

    def __str__(self) -> str:
        return (f"{self.engine} page {self.page}: {self.share:.3%} of pixels differ from pdfium "
                f"(budget {PAGE_BUDGET:.2%}), {self.worst_tile} in the worst 16-px tile at "
                f"x={self.where[0]} y={self.where[1]} px (budget {TILE_BUDGET})")


def engine_differences(pdf: Path, *, engines=ENGINES[1:], dpi: float = 50,
                       password: str | None = None, more: dict | None = None
                       ) -> tuple[list[str], list[PageDifference]]:
    """(problems, per-page differences) of each engine against pdfium. A problem is a page
    count that differs or an engine that cannot draw the file; differences list every page.
    ``more`` adds engines: name → ``draw(pdf, dpi=, password=)`` giving greyscale arrays."""
    reference = pages("pdfium", pdf, dpi=dpi, password=password)
    problems: list[str] = []
    rows: list[PageDifference] = []
    drawers = {engine: functools.partial(pages, engine) for engine in engines} | (more or {})
    for engine, draw in drawers.items():
        try:
            drawn = draw(pdf, dpi=dpi, password=password)
        except Exception as error:  # noqa: BLE001 — any engine failure is a finding
            problems.append(f"{engine}: {error}")
            continue
        if len(drawn) != len(reference):
            problems.append(f"{engine}: {len(drawn)} pages, pdfium {len(reference)}")
        rows += [PageDifference.of(engine, number, differing(want, got))
                 for number, (want, got) in enumerate(zip(reference, drawn, strict=False), 1)]
    return problems, rows
