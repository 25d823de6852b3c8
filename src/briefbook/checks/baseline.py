"""Compare a PDF against a folder of baseline page images, or (re)record that folder.

Takes: PDF bytes, a baseline folder, and whether updating is allowed. Gives: a
``BaselineResult`` — "recorded" (only with ``update=True``), "unchanged", or
"changed" with the ``Comparison`` and, if an ``out_dir`` was given, the expected / actual /
diff PNGs and ``summary.json`` written there.

Baseline folder layout: ``page-001.png`` … (lossless 8-bit greyscale PNG at the recorded
DPI) and ``baseline.json`` (DPI, colour mode, page sizes in points, pypdfium2 version).
A baseline recorded at another DPI or mode is not compared: that is an error telling the
user to re-record with ``--update`` after looking at the change.

A baseline folder is input like any other: ``baseline.json`` is read with ``read_bounded``,
at most ``MAX_PDF_PAGES`` page files are read, and each page PNG goes through
``rasterise.open_image`` (its header's size is checked against the one-page pixel budget
before it is decoded, all pages together against the document budget), so a forged page
PNG cannot cost more memory than a real page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from briefbook.checks.compare import (
    DEFAULT_BUDGET,
    DEFAULT_THRESHOLD,
    Budget,
    Comparison,
    compare_documents,
)
from briefbook.checks.rasterise import (
    DEFAULT_DPI,
    DEFAULT_MODE,
    MAX_DOCUMENT_PIXELS,
    MAX_PAGE_PIXELS,
    MAX_PDF_PAGES,
    RenderedPage,
    open_image,
    rasterise,
)
from briefbook.checks.report import clear_report, png_bytes, write_report
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded

META_NAME = "baseline.json"
#: ``baseline.json`` lists a DPI, a mode, a renderer and one size per page: a few KB.
MAX_META_BYTES = 1_000_000
_PAGE_FILE = re.compile(r"page-(\d{3,})\.png")


@dataclass
class BaselineResult:
    status: str  # "recorded" | "unchanged" | "changed"
    baseline_dir: Path
    comparison: Comparison | None = None
    out_dir: Path | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "changed"

    def describe(self) -> str:
        if self.status == "recorded":
            return f"baseline recorded: {len(self.written)} file(s) in {self.baseline_dir}"
        if self.status == "unchanged":
            return f"matches baseline {self.baseline_dir}"
        details = self.comparison.describe() if self.comparison is not None else ""
        text = f"differs from baseline {self.baseline_dir}:\n{details}"
        if self.out_dir is not None:
            text += f"\nexpected/actual/diff images: {self.out_dir}"
        return text


def _page_files(baseline_dir: Path) -> list[Path]:
    found = []
    for path in baseline_dir.iterdir():
        match = _PAGE_FILE.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise BriefbookError(f"baseline pages are not numbered 1…{len(numbers)}: {numbers}",
                             where=str(baseline_dir), hint="re-record it with --update")
    return [p for _, p in found]


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def record_baseline(pages: list[RenderedPage], baseline_dir: Path) -> list[Path]:
    """Write ``pages`` as the baseline, replacing any previous one as a whole.

    The new page PNGs and ``baseline.json`` are written into a hidden sibling folder, which
    then takes the old folder's place (other files in the old folder are carried over). An
    error or interrupt at any point leaves the previous baseline as it was — never new images
    with old metadata, nor page files of two recordings.
    """
    baseline_dir = Path(baseline_dir)
    parent = baseline_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{baseline_dir.name}.", suffix=".new",
                                        dir=parent))
    except OSError as exc:
        raise BriefbookError(f"cannot write the baseline ({exc.strerror})",
                             where=str(baseline_dir)) from exc
    retired = None
    try:
        names = []
        for page in pages:
            name = f"page-{page.number:03d}.png"
            _write_synced(staging / name, png_bytes(page.image))
            names.append(name)
        meta = {
            "dpi": pages[0].dpi if pages else DEFAULT_DPI,
            "mode": "L" if not pages or pages[0].image.ndim == 2 else "RGB",
            "page_sizes_pt": [list(p.size_pt) for p in pages],
            "renderer": (f"pypdfium2 {pdfium.version.PYPDFIUM_INFO} / "
                         f"pdfium {pdfium.version.PDFIUM_INFO}"),
        }
        _write_synced(staging / META_NAME, (json.dumps(meta, indent=2) + "\n").encode())
        names.append(META_NAME)
        if baseline_dir.exists():
            for other in baseline_dir.iterdir():  # notes etc. kept; old pages and meta not
                if other.name != META_NAME and not _PAGE_FILE.fullmatch(other.name):
                    copy = shutil.copytree if other.is_dir() else shutil.copy2
                    copy(other, staging / other.name)
            retired = Path(tempfile.mkdtemp(prefix=f".{baseline_dir.name}.", suffix=".old",
                                            dir=parent))
            os.replace(baseline_dir, retired)
        os.replace(staging, baseline_dir)
    except BaseException as exc:
        if retired is not None and not baseline_dir.exists():
            os.replace(retired, baseline_dir)  # put the previous baseline back
            retired = None
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BriefbookError(f"could not record the baseline ({exc.strerror or exc}); the "
                                 "previous one is unchanged", where=str(baseline_dir)) from exc
        raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    return [baseline_dir / name for name in names]


def load_baseline(baseline_dir: Path) -> tuple[dict, list[RenderedPage]]:
    """Read ``baseline.json`` and the page PNGs back into ``RenderedPage`` objects."""
    baseline_dir = Path(baseline_dir)
    meta_path = baseline_dir / META_NAME
    if not meta_path.exists() and not meta_path.is_symlink():
        raise BriefbookError("baseline folder has no baseline.json", where=str(baseline_dir),
                             hint="record it with --update")
    raw = read_bounded(meta_path, MAX_META_BYTES, "a baseline's baseline.json",
                       hint="re-record the baseline with --update")
    try:
        meta = json.loads(raw.decode("utf-8"))
        dpi, mode = float(meta["dpi"]), meta["mode"]
        sizes = [(float(w), float(h)) for w, h in meta["page_sizes_pt"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise BriefbookError(f"baseline.json is unreadable ({exc})", where=str(meta_path),
                             hint="re-record the baseline with --update") from None
    if len(sizes) > MAX_PDF_PAGES:
        raise BriefbookError(f"baseline.json lists {len(sizes):,} pages; the limit is "
                             f"{MAX_PDF_PAGES:,}", where=str(meta_path),
                             hint="re-record the baseline with --update")
    files = _page_files(baseline_dir)
    if len(files) != len(sizes):
        raise BriefbookError(f"baseline.json lists {len(sizes)} pages but there are "
                             f"{len(files)} page PNGs", where=str(baseline_dir),
                             hint="re-record the baseline with --update")
    pages = []
    total = 0
    for i, (path, size) in enumerate(zip(files, sizes, strict=True)):  # same length: above
        im = open_image(path, what="a baseline page image", max_pixels=MAX_PAGE_PIXELS,
                        max_side=1 << 16, formats=("PNG",))
        with im:
            total += im.width * im.height
            if total > MAX_DOCUMENT_PIXELS:
                raise BriefbookError(f"the baseline's page images are over "
                                     f"{MAX_DOCUMENT_PIXELS / 1e6:,.0f} Mpx together",
                                     where=str(baseline_dir),
                                     hint="re-record the baseline with --update")
            if im.mode != mode:
                raise BriefbookError(f"image mode {im.mode}, baseline.json says {mode}",
                                     where=str(path), hint="re-record the baseline with --update")
            array = np.asarray(im, dtype=np.uint8).copy()
        pages.append(RenderedPage(i, array, size, dpi))
    return meta, pages


def check_against_baseline(pdf_bytes: bytes, baseline_dir: Path, *, update: bool = False,
                           dpi: float | None = None, out_dir: Path | None = None,
                           threshold: float = DEFAULT_THRESHOLD,
                           budget: Budget | str | int = DEFAULT_BUDGET) -> BaselineResult:
    """Record the baseline (only with ``update``) or compare ``pdf_bytes`` against it.

    A missing baseline is an error, never recorded silently: a check that records what it
    should be checking passes whatever the render looks like.

    ``dpi=None`` means: the baseline's own DPI when comparing, ``DEFAULT_DPI`` when recording.
    On a change, if ``out_dir`` is given, expected/actual/diff PNGs and summary.json go there;
    on success any old report in ``out_dir`` is cleared.
    """
    baseline_dir = Path(baseline_dir)
    if update:
        pages = rasterise(pdf_bytes, dpi=dpi or DEFAULT_DPI, mode=DEFAULT_MODE)
        written = record_baseline(pages, baseline_dir)
        return BaselineResult("recorded", baseline_dir, written=written)
    if not baseline_dir.exists():
        raise BriefbookError("no baseline recorded here yet; nothing was compared",
                             where=str(baseline_dir),
                             hint="look at the rendered pages, then record them with --update")
    meta, expected = load_baseline(baseline_dir)
    if dpi is not None and float(dpi) != float(meta["dpi"]):
        raise BriefbookError(f"baseline was recorded at {meta['dpi']:g} DPI, not {dpi:g}",
                             where=str(baseline_dir),
                             hint="compare at the recorded DPI, or re-record with --update")
    actual = rasterise(pdf_bytes, dpi=float(meta["dpi"]), mode=meta["mode"])
    comparison = compare_documents(expected, actual, threshold=threshold, budget=budget)
    if not comparison.failed:
        if out_dir is not None:
            clear_report(Path(out_dir))
        return BaselineResult("unchanged", baseline_dir, comparison)
    written = []
    if out_dir is not None:
        written = write_report(comparison, expected, actual, Path(out_dir),
                               extra={"baseline": str(baseline_dir)})
    return BaselineResult("changed", baseline_dir, comparison, out_dir, written)
