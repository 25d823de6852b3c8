"""Trace benchmark: how often ``trace`` names the right copy from a damaged page image.

Run: ``.venv/bin/python benchmarks/trace_bench.py [--pages N] [--dpi 150 300]``.
Prints Markdown tables of trace rates (the source of the trace numbers in the docs).

What it does: renders ``briefs/full-book.yaml`` and ``briefs/note-grassroots-a5.yaml`` once,
makes 3 editions copies of each, and takes N pages spread over the copies (the same pages for
every cell). Each page is rasterised with pypdfium2 at each DPI (RGB, as a scanner delivers
it), then attacked as a phone photo or a careless scan would: cropped (in mm of the page,
left/top/right/bottom), then turned (Pillow, bicubic, white corners), optionally blurred,
then saved as PNG or JPEG at a quality. Each image goes through ``trace_file`` against its
editions folder, as the CLI does; a cell is *traced / pages*. Every attack is also made on
unmarked pages (the plain render): a code read on one of those is counted as a false trace.

Crops (mm of an A4 page; the A5 note scales them by its width): a side "margin cut" removes
the whole side margin up to the text (22 mm on A4). "both side margins cut" takes away every
column of dots, so nothing can be traced: it shows the mark is in the side margins only. The
"limits" table goes past what was asked (low DPI, JPEG q10, blur, turns near and past the
reader's 7°) to show where reading stops.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: name → (left, top, right, bottom) cut in mm of an A4 page.
CROPS = {
    "whole page": (0, 0, 0, 0),
    "left margin cut": (22, 0, 0, 0),
    "right margin cut": (0, 0, 22, 0),
    "top + bottom cut (30 mm)": (0, 30, 0, 30),
    "top + bottom cut (60 mm)": (0, 60, 0, 60),
    "left + top + bottom cut": (22, 30, 0, 30),
    "right + top + bottom cut": (0, 30, 22, 30),
    "both side margins cut": (22, 0, 22, 0),
}
FORMATS = {"PNG": None, "JPEG q95": 95, "JPEG q75": 75, "JPEG q50": 50, "JPEG q30": 30}
ROTATIONS = (0.5, 1.0, 2.0, -2.0, 90.0, 180.0)
ROTATION_CROPS = ("whole page", "left margin cut", "right margin cut",
                  "left + top + bottom cut")
ROTATION_QUALITY = 75
#: Beyond what was asked, to show where reading stops: name → (dpi, angle, quality, blur px).
LIMITS = {"100 dpi": (100, 0.0, 75, 0), "72 dpi": (72, 0.0, 75, 0), "JPEG q15": (150, 0.0, 15, 0),
          "JPEG q10": (150, 0.0, 10, 0), "blur 1 px": (150, 0.0, 75, 1),
          "5°": (150, 5.0, 75, 0), "-6.5°": (150, -6.5, 75, 0), "8°": (150, 8.0, 75, 0)}
LIMIT_CROPS = ("whole page", "left margin cut", "right + top + bottom cut")


def attack(image, crop, angle: float, quality: int | None, blur: float = 0) -> bytes:
    """``image`` cropped by ``crop`` (mm of A4, scaled to the page), turned, blurred,
    encoded."""
    from PIL import Image, ImageFilter

    px = image.width / 210.0  # pixels per A4-mm of this page (the page's width is 210)
    left, top, right, bottom = (round(v * px) for v in crop)
    image = image.crop((left, top, image.width - right, image.height - bottom))
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor="white")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    buffer = io.BytesIO()
    if quality is None:
        image.save(buffer, "PNG", compress_level=1)
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def cells(dpis: list[int]):
    """(dpi, table, row, column, crop, angle, quality, blur) of every cell of every table."""
    for dpi in dpis:
        for crop in CROPS:
            for fmt, quality in FORMATS.items():
                yield dpi, f"{dpi} dpi, upright: crop × format", crop, fmt, crop, 0.0, quality, 0
        for crop in ROTATION_CROPS:
            for angle in ROTATIONS:
                yield (dpi, f"{dpi} dpi, JPEG q{ROTATION_QUALITY}: crop × rotation", crop,
                       f"{angle:g}°", crop, angle, ROTATION_QUALITY, 0)
    for crop in LIMIT_CROPS:
        for name, (dpi, angle, quality, blur) in LIMITS.items():
            yield (dpi, "limits (JPEG q75 unless said; 150 dpi unless said)", crop, name, crop,
                   angle, quality, blur)


def make_pages(pages: int, folder: Path):
    """[(editions folder, copy, PDF, page index)] of marked pages, and of unmarked ones."""
    from briefbook.distribute.editions import Reader, make_editions
    from briefbook.project import load_project
    from briefbook.render import Renderer

    renderer = Renderer(load_project(ROOT))
    marked, plain = [], []
    for brief in (ROOT / "briefs" / "full-book.yaml", ROOT / "briefs" / "note-grassroots-a5.yaml"):
        base = renderer.render(brief)
        out = folder / brief.stem
        entries = make_editions(brief, [Reader(f"读者{i}", i) for i in (1, 2, 3)], out, base=base)
        for entry in entries:
            for page in range(entry["pages"]):
                marked.append((out, entry["copy"], out / entry["file"], page))
        plain += [(None, None, base, page) for page in range(entries[0]["pages"])]
    step = max(1, len(marked) // pages)
    return marked[::step][:pages], plain[::max(1, len(plain) // max(1, pages // 3))][:pages // 3]


def rasterise(source, page: int, dpi: int):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(source)
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def run(pages: int, dpis: list[int]) -> list[str]:
    from briefbook.distribute.trace import trace_file
    from briefbook.core.errors import BriefbookError

    every = list(cells(dpis))
    with tempfile.TemporaryDirectory(prefix="trace-bench-") as tmp:
        folder = Path(tmp)
        marked, plain = make_pages(pages, folder)
        traced: dict[tuple, int] = {}
        timings: list[float] = []
        false_traces = [0, 0]
        for index, (out, copy, source, page) in enumerate(marked + plain):
            images = {}  # one rasterisation per page and dpi
            for dpi, table, row, column, crop, angle, quality, blur in every:
                if dpi not in images:
                    images[dpi] = rasterise(source, page, dpi)
                target = folder / ("page.png" if quality is None else "page.jpg")
                target.write_bytes(attack(images[dpi], CROPS[crop], angle, quality, blur))
                if out is None:  # an unmarked page: nothing may be read on it
                    false_traces[1] += 1
                    try:
                        trace_file(target, marked[0][0])
                        false_traces[0] += 1
                    except BriefbookError as exc:
                        false_traces[0] += "no copy in" in str(exc)  # a code read, none there
                    continue
                started = time.perf_counter()
                try:
                    ok = trace_file(target, out).entry["copy"] == copy
                except BriefbookError:
                    ok = False
                timings.append(time.perf_counter() - started)
                traced[(table, row, column)] = traced.get((table, row, column), 0) + ok
            print(f"page {index + 1} of {len(marked) + len(plain)} done", file=sys.stderr,
                  flush=True)

    n = len(marked)
    report = [f"## Trace rates: {n} marked pages (3 copies each of full-book, A4, and "
              f"note-grassroots-a5, A5), {len(plain)} unmarked", ""]
    tables: dict[str, tuple[list[str], list[str]]] = {}
    for _dpi, table, row, column, *_ in every:
        rows, columns = tables.setdefault(table, ([], []))
        rows.append(row) if row not in rows else None
        columns.append(column) if column not in columns else None
    for table, (rows, columns) in tables.items():
        report += [f"### {table}", "", "| crop | " + " | ".join(columns) + " |",
                   "|---|" + "---|" * len(columns)]
        report += [f"| {row} | " + " | ".join(f"{traced.get((table, row, c), 0)}/{n}"
                                              for c in columns) + " |" for row in rows]
        report.append("")
    timings.sort()
    report += [f"Unmarked pages given a code: {false_traces[0]} of {false_traces[1]} attacked "
               "images.",
               f"trace_file per image: median {timings[len(timings) // 2]:.2f} s, "
               f"max {timings[-1]:.2f} s ({len(timings)} images).", ""]
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=12, help="marked pages per cell")
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    args = parser.parse_args()
    print("\n".join(run(args.pages, args.dpi)))


if __name__ == "__main__":
    main()
