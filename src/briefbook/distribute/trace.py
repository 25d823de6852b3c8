"""Traceable copies: a faint dot code in the side margins of every page, and ``trace``.

Takes (marking): a run key and a copy number. Gives: the copy's 24-bit *trace code* (a keyed
permutation of the copy number, so codes are unique within a run and unrelated between runs)
and the PDF content operators that draw it (``dot_content``), which ``editions`` puts in each
page's content *before* the page's own drawing — not in the visible stamp's form XObject, so
removing the visible mark (or the metadata, or re-saving the file) leaves the code in place.

Takes (tracing): a PDF or a page image (PNG/JPEG) and an editions folder. Gives: the copy's
manifest entry (reader, copy number, file) found by the code read from the pixels
(``trace_file``). PDFs are rasterised with pypdfium2, so the PDF path decodes exactly what is
printed; nothing relies on metadata or object structure.

The code: 24 bits + CRC-16/CCITT = 40 bits, spread over 4 columns of cells, two in each side
margin (at 9 and 12 mm of 210 from the page edge, scaled with the page), from 40 mm to
256 mm of 297. Each bit is a pair of vertically adjacent cells, exactly one of which holds a
0.6 mm light-grey dot (Manchester code: the decoder compares the two cells, so it needs no
threshold and does not care about paper tone or JPEG's level shifts). The 216 pairs carry the
40 bits 5–6 times each; the decoder adds the pairs' contrasts per bit (soft majority), then
checks the CRC. Positions are fractions of the page, so any resolution ≥ ~100 dpi of a whole
page decodes; a small search over offsets absorbs rounding in rasterisers.
"""

from __future__ import annotations

import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path

from briefbook.errors import BriefbookError

CODE_BITS = 24
CRC_BITS = 16
WORD_BITS = CODE_BITS + CRC_BITS

# Geometry, in mm on an A4 page (210 × 297); other page sizes scale it.
REF_W_MM, REF_H_MM = 210.0, 297.0
COLUMNS_MM = (9.0, 12.0, REF_W_MM - 12.0, REF_W_MM - 9.0)
TOP_MM, PITCH_MM, ROWS = 40.0, 2.0, 108  # 108 rows: 40 → 254 mm, inside the footer's margin
DOT_MM = 0.6
DOT_GREY = 0.82  # PDF grey level of a dot (1 = white): faint beside 0.07 body text

MIN_CONTRAST = 6.0  # mean grey-level difference per pair below which there is no code at all


def dot_boxes_mm(width_mm: float, height_mm: float) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) in mm from the page's top-left of each dot column; nothing
    of the code is drawn outside these boxes."""
    sx, sy = width_mm / REF_W_MM, height_mm / REF_H_MM
    top, bottom = (TOP_MM - DOT_MM) * sy, (TOP_MM + ROWS * PITCH_MM + DOT_MM) * sy
    return [((x - DOT_MM) * sx, top, (x + DOT_MM) * sx, bottom) for x in COLUMNS_MM]


def copy_code(key: bytes, copy: int) -> int:
    """The trace code of ``copy`` for a run keyed by ``key``: a 4-round Feistel permutation of
    24 bits, so distinct copy numbers always get distinct codes."""
    if not 0 <= copy < 1 << CODE_BITS:
        raise ValueError(copy)
    left, right = copy >> 12, copy & 0xFFF
    for round_ in range(4):
        digest = hashlib.sha256(key + bytes([round_]) + right.to_bytes(2, "big")).digest()
        left, right = right, left ^ (int.from_bytes(digest[:2], "big") & 0xFFF)
    return (left << 12) | right


def code_text(code: int) -> str:
    return f"{code:06x}"


def _word(code: int) -> list[int]:
    crc = binascii.crc_hqx(code.to_bytes(3, "big"), 0xFFFF)
    value = (code << CRC_BITS) | crc
    return [(value >> (WORD_BITS - 1 - i)) & 1 for i in range(WORD_BITS)]


def _cells() -> list[tuple[int, int, int]]:
    """(bit index, column, first row) of each Manchester pair, bits spread over the page."""
    pairs = [(column, row) for row in range(0, ROWS, 2) for column in range(len(COLUMNS_MM))]
    return [(i % WORD_BITS, column, row) for i, (column, row) in enumerate(pairs)]


def dot_content(code: int, width_pt: float, height_pt: float) -> bytes:
    """PDF content operators (self-contained ``q … Q``) drawing ``code``'s dots on a page."""
    sx, sy = width_pt / REF_W_MM, height_pt / REF_H_MM
    dot = DOT_MM * 72 / 25.4
    word = _word(code)
    ops = [f"q {DOT_GREY} g"]
    for bit, column, row in _cells():
        dotted_row = row if word[bit] else row + 1
        cx = COLUMNS_MM[column] * sx
        cy = height_pt - (TOP_MM + dotted_row * PITCH_MM) * sy  # PDF y grows upwards
        ops.append(f"{cx - dot / 2:.2f} {cy - dot / 2:.2f} {dot:.2f} {dot:.2f} re")
    ops.append("f Q\n")
    return "\n".join(ops).encode("ascii")


# --- reading ---------------------------------------------------------------------------------


def read_code(grey) -> int | None:
    """The trace code in a page image (2-D array of grey levels 0–255), or None."""
    return decode(grey)[0]


def decode(grey) -> tuple[int | None, float]:
    """(code or None, mean dot contrast of the best alignment, in grey levels)."""
    import numpy as np

    img = np.asarray(grey, dtype=np.float32)
    height, width = img.shape
    sx, sy = width / REF_W_MM, height / REF_H_MM
    radius = max(1, int(round(DOT_MM * sx / 2)))
    cells = _cells()
    bits = np.array([c[0] for c in cells])
    xs = np.array([COLUMNS_MM[c[1]] * sx for c in cells])
    ys = np.array([(TOP_MM + c[2] * PITCH_MM) * sy for c in cells])
    step_y = PITCH_MM * sy
    # Box sums via an integral image: darkness of a (2r+1)² window at any point.
    integral = np.pad((255.0 - img).cumsum(0).cumsum(1), ((1, 0), (1, 0)))

    def darkness(x, y):
        x0 = np.clip(np.rint(x).astype(int) - radius, 0, width - 1)
        y0 = np.clip(np.rint(y).astype(int) - radius, 0, height - 1)
        x1 = np.clip(x0 + 2 * radius + 1, 0, width)
        y1 = np.clip(y0 + 2 * radius + 1, 0, height)
        area = np.maximum((x1 - x0) * (y1 - y0), 1)
        return (integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]) / area

    best = None
    span = max(2, int(round(0.7 * sx)))  # ±0.7 mm of offset
    for dy in range(-span, span + 1):
        for dx in range(-span, span + 1):
            soft = darkness(xs + dx, ys + dy) - darkness(xs + dx, ys + dy + step_y)
            score = float(np.abs(soft).mean())
            if best is None or score > best[0]:
                best = (score, soft)
    score, soft = best
    if score < MIN_CONTRAST:
        return None, score
    sums = np.bincount(bits, weights=soft, minlength=WORD_BITS)
    value = 0
    for s in sums:
        value = (value << 1) | int(s > 0)
    code, crc = value >> CRC_BITS, value & 0xFFFF
    if binascii.crc_hqx(code.to_bytes(3, "big"), 0xFFFF) != crc:
        return None, score
    return code, score


TRACE_DPI = 150


def pdf_page_images(path: Path, dpi: int = TRACE_DPI):
    """Each page of the PDF at ``path`` rasterised in grey (pypdfium2)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise BriefbookError(f"cannot open the PDF ({exc}); if it is encrypted, decrypt it "
                             "first with its reader password", where=str(path)) from exc
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            yield bitmap.to_pil().convert("L")
    finally:
        document.close()


@dataclass(frozen=True)
class PageResult:
    page: int  # 1-based; 1 for an image
    code: int | None


def read_file_codes(path: Path) -> list[PageResult]:
    """The code found on each page of a PDF, or in one image."""
    import numpy as np

    path = Path(path)
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        raise BriefbookError(f"cannot read the file ({exc.strerror})", where=str(path)) from exc
    if head.startswith(b"%PDF-"):
        return [PageResult(i + 1, read_code(np.asarray(img)))
                for i, img in enumerate(pdf_page_images(path))]
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 60_000_000  # a page at 600 dpi is 35 Mpx; refuse bombs
    try:
        with Image.open(path) as img:
            grey = np.asarray(img.convert("L"))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise BriefbookError("not a PDF or a page image (PNG, JPEG)", where=str(path)) from exc
    return [PageResult(1, read_code(grey))]


def load_codes(editions_dir: Path) -> dict[str, dict]:
    """Manifest entries of an editions folder by trace code."""
    import json

    from briefbook.distribute.editions import EDITIONS_MANIFEST

    manifest = Path(editions_dir) / EDITIONS_MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BriefbookError(f"no {EDITIONS_MANIFEST} in this folder; trace needs the manifest "
                             "the editions run wrote", where=str(editions_dir),
                             hint="pass the folder the copies were made in with --editions DIR"
                             ) from exc
    except (OSError, ValueError) as exc:
        raise BriefbookError(f"cannot read {EDITIONS_MANIFEST} ({exc})", where=str(manifest)
                             ) from exc
    outputs = data.get("outputs") if isinstance(data, dict) else None
    codes = {e["trace"]: e for e in outputs or [] if isinstance(e, dict) and "trace" in e}
    if not codes:
        raise BriefbookError(f"{EDITIONS_MANIFEST} lists no traceable copies (made before "
                             "copies carried trace codes?)", where=str(manifest))
    return codes


@dataclass(frozen=True)
class TraceResult:
    entry: dict
    pages: list[int]  # pages on which its code was read
    total_pages: int


def trace_file(path: Path, editions_dir: Path) -> TraceResult:
    """Whose copy is ``path``? A ``BriefbookError`` when no known code is on it."""
    codes = load_codes(editions_dir)
    results = read_file_codes(path)
    found = [r for r in results if r.code is not None]
    if not found:
        raise BriefbookError(f"no edition mark found on {'any page' if len(results) > 1 else 'it'}",
                             where=str(path),
                             hint="trace needs a whole page, at 100 dpi or more, of a copy "
                                  "made by `briefbook editions`")
    by_code: dict[str, list[int]] = {}
    for r in found:
        by_code.setdefault(code_text(r.code), []).append(r.page)
    known = {c: pages for c, pages in by_code.items() if c in codes}
    if not known:
        raise BriefbookError(f"it carries trace code {', '.join(by_code)}, which no copy in "
                             f"{editions_dir} has", where=str(path),
                             hint="it comes from another editions run; trace it against that "
                                  "run's folder")
    if len(by_code) > 1:
        detail = "; ".join(f"{c} on page(s) {', '.join(map(str, p))}" for c, p in by_code.items())
        raise BriefbookError(f"pages carry different trace codes ({detail}): pages of several "
                             "copies were combined", where=str(path))
    code, pages = next(iter(known.items()))
    return TraceResult(codes[code], pages, len(results))


__all__ = ["TraceResult", "code_text", "copy_code", "dot_boxes_mm", "dot_content", "read_code", "trace_file"]
