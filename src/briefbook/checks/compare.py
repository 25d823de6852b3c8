"""Compare two rasterised documents, page by page. Pure: no files are read or written.

Takes: the OLD (expected) and NEW (actual) pages from ``rasterise`` (same DPI and mode), a
colour threshold and a budget. Gives: a ``Comparison`` — page-count and page-size
differences, and for every page a ``PageResult``: identical / within budget / changed, the
number and percentage of changed pixels, the bounding box of the change in px and mm, and
the boolean change mask (for the diff image; ``report`` writes the files).

Per page:
1. exact fast path — byte-equal arrays are ``identical`` and cost one ``memcmp``;
2. otherwise the YIQ colour distance of every pixel, as pixelmatch computes it
   (Kotsarenko & Ramos 2010): ``δ = 0.5053·ΔY² + 0.299·ΔI² + 0.1957·ΔQ²`` compared against
   ``35215 · threshold²`` (35215 is the largest δ of any two colours; black vs white is
   32857). ``threshold`` 0.1 (the pixelmatch default) ignores grey shifts of up to 26
   levels — the faint anti-aliasing changes at glyph edges — and counts everything stronger;
3. the page passes if the changed pixels are within the budget.

Default budget: 0 pixels. The renderer is pinned and deterministic (an unchanged PDF
re-renders byte-identically, which the tests assert), so any pixel that moves by more than
the threshold means the PDF's content moved. Measured at 75 DPI (A4 = 621×877 = 544,617 px)
on body text (10.5 pt Noto Serif CJK SC): one character replaced by another (万→亿) changes
65 px (0.012 %), a full-width comma turned into a full stop 10 px (0.002 %). A percentage
budget such as BackstopJS' 0.1 % (545 px) would hide exactly the faults this harness is for.
Raise the budget (``Budget.parse("20")`` or ``"0.005%"``) only when comparing across renderer
versions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from briefbook.checks.rasterise import RenderedPage, px_to_mm
from briefbook.core.errors import BriefbookError

DEFAULT_THRESHOLD = 0.1
MAX_YIQ_DELTA = 35215.0


@dataclass(frozen=True)
class Budget:
    """How many changed pixels a page may have and still pass: a count or a percentage."""

    pixels: int = 0
    percent: float | None = None

    @classmethod
    def parse(cls, text: str | int | float | Budget) -> Budget:
        if isinstance(text, Budget):
            return text
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            if text < 0 or int(text) != text:
                raise BriefbookError(f"budget {text!r} must be a whole number of pixels ≥ 0")
            return cls(pixels=int(text))
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|px)?\s*", str(text))
        if not match:
            raise BriefbookError(f"cannot read budget {text!r}", hint='give a pixel count '
                                 '("20" or "20px") or a percentage ("0.01%")')
        number, unit = match.groups()
        if unit == "%":
            value = float(number)
            if value > 100:
                raise BriefbookError(f"budget {text!r} is over 100 %")
            return cls(percent=value)
        if "." in number:
            raise BriefbookError(f"budget {text!r}: a pixel count must be a whole number")
        return cls(pixels=int(number))

    def allows(self, total: int) -> int:
        """The number of changed pixels allowed on a page of ``total`` pixels."""
        if self.percent is not None:
            return int(total * self.percent / 100.0)
        return self.pixels

    def __str__(self) -> str:
        return f"{self.percent:g}%" if self.percent is not None else f"{self.pixels} px"


DEFAULT_BUDGET = Budget()


@dataclass(frozen=True)
class BBox:
    """Half-open pixel box [x0, x1) × [y0, y1) on a page, with the same box in mm."""

    x0: int
    y0: int
    x1: int
    y1: int
    dpi: float

    @property
    def mm(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = (round(px_to_mm(v, self.dpi), 2)
                          for v in (self.x0, self.y0, self.x1, self.y1))
        return x0, y0, x1, y1

    def as_dict(self) -> dict:
        return {"px": [self.x0, self.y0, self.x1, self.y1], "mm": list(self.mm)}

    def __str__(self) -> str:
        x0, y0, x1, y1 = self.mm
        return f"x {x0:.1f}–{x1:.1f} mm, y {y0:.1f}–{y1:.1f} mm"


@dataclass
class PageResult:
    number: int  # 1-based
    status: str  # "identical" | "within-budget" | "changed" | "size-changed" | "added" | "removed"
    changed_pixels: int = 0
    total_pixels: int = 0
    bbox: BBox | None = None
    size_old_pt: tuple[float, float] | None = None
    size_new_pt: tuple[float, float] | None = None
    mask: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def percent(self) -> float:
        return 100.0 * self.changed_pixels / self.total_pixels if self.total_pixels else 0.0

    @property
    def failed(self) -> bool:
        return self.status not in ("identical", "within-budget")

    def as_dict(self) -> dict:
        return {
            "page": self.number, "status": self.status,
            "changed_pixels": self.changed_pixels, "total_pixels": self.total_pixels,
            "percent": round(self.percent, 5),
            "bbox": self.bbox.as_dict() if self.bbox else None,
            "size_old_pt": list(self.size_old_pt) if self.size_old_pt else None,
            "size_new_pt": list(self.size_new_pt) if self.size_new_pt else None,
        }

    def describe(self) -> str:
        if self.status == "identical":
            return f"page {self.number}: identical"
        if self.status == "added":
            return f"page {self.number}: added (not in the expected document)"
        if self.status == "removed":
            return f"page {self.number}: missing (the expected document has it)"
        if self.status == "size-changed":
            return (f"page {self.number}: page size changed from {_size(self.size_old_pt)} "
                    f"to {_size(self.size_new_pt)}")
        verb = "changed" if self.status == "changed" else "within budget"
        return (f"page {self.number}: {verb}, {self.changed_pixels} px "
                f"({self.percent:.4f} %) at {self.bbox}")


def _size(size: tuple[float, float] | None) -> str:
    return f"{size[0]:.1f}×{size[1]:.1f} pt" if size else "?"


@dataclass
class Comparison:
    pages: list[PageResult]
    old_page_count: int
    new_page_count: int
    dpi: float
    threshold: float
    budget: Budget

    @property
    def failed(self) -> bool:
        return self.old_page_count != self.new_page_count or any(p.failed for p in self.pages)

    @property
    def failed_pages(self) -> list[PageResult]:
        return [p for p in self.pages if p.failed]

    def summary(self) -> dict:
        return {
            "result": "changed" if self.failed else "unchanged",
            "dpi": self.dpi, "threshold": self.threshold, "budget": str(self.budget),
            "page_count": {"expected": self.old_page_count, "actual": self.new_page_count},
            "pages": [p.as_dict() for p in self.pages],
        }

    def describe(self) -> str:
        lines = []
        if self.old_page_count != self.new_page_count:
            lines.append(f"page count changed: expected {self.old_page_count}, "
                         f"got {self.new_page_count}")
        lines += [p.describe() for p in self.failed_pages]
        return "\n".join(lines) if lines else "all pages identical or within budget"


def yiq_delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixelmatch's squared YIQ distance per pixel (float32, 0 … 35215). L or RGB arrays."""
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    if a.ndim == 2:  # greyscale: I = Q = 0 and Y = the grey value
        dy = a - b
        return 0.5053 * dy * dy
    d = a - b
    dr, dg, db = d[..., 0], d[..., 1], d[..., 2]
    y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223
    i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189
    q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q


def change_mask(expected: np.ndarray, actual: np.ndarray,
                threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """Boolean mask of pixels whose YIQ distance exceeds ``threshold`` (0 … 1)."""
    if not 0.0 <= threshold <= 1.0:
        raise BriefbookError(f"threshold {threshold} must be between 0 and 1")
    if expected.shape != actual.shape:
        raise ValueError(f"shapes differ: {expected.shape} vs {actual.shape}")
    return yiq_delta(expected, actual) > MAX_YIQ_DELTA * threshold * threshold


def bounding_box(mask: np.ndarray, dpi: float) -> BBox | None:
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return BBox(int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1, dpi)


def compare_page(number: int, expected: np.ndarray, actual: np.ndarray, *, dpi: float,
                 threshold: float = DEFAULT_THRESHOLD,
                 budget: Budget = DEFAULT_BUDGET) -> PageResult:
    """Compare one page's pixels (same shape, same mode)."""
    total = int(expected.shape[0] * expected.shape[1])
    if expected.shape == actual.shape and np.array_equal(expected, actual):
        return PageResult(number, "identical", 0, total)
    if expected.shape != actual.shape:
        # Differently sized bitmaps: compare the common area, count the rest as changed.
        h = max(expected.shape[0], actual.shape[0])
        w = max(expected.shape[1], actual.shape[1])
        mask = np.ones((h, w), dtype=bool)
        ch, cw = min(expected.shape[0], actual.shape[0]), min(expected.shape[1], actual.shape[1])
        mask[:ch, :cw] = change_mask(expected[:ch, :cw], actual[:ch, :cw], threshold)
        total = h * w
        return PageResult(number, "size-changed", int(mask.sum()), total,
                          bounding_box(mask, dpi), mask=mask)
    mask = change_mask(expected, actual, threshold)
    changed = int(np.count_nonzero(mask))
    if changed == 0:
        return PageResult(number, "within-budget", 0, total)
    status = "within-budget" if changed <= budget.allows(total) else "changed"
    return PageResult(number, status, changed, total, bounding_box(mask, dpi), mask=mask)


def compare_documents(old: Sequence[RenderedPage], new: Sequence[RenderedPage], *,
                      threshold: float = DEFAULT_THRESHOLD,
                      budget: Budget | str | int = DEFAULT_BUDGET) -> Comparison:
    """Compare OLD (expected) and NEW (actual) pages: count, sizes, then pixels."""
    budget = Budget.parse(budget)
    dpis = {p.dpi for p in (*old, *new)}
    if len(dpis) > 1:
        raise BriefbookError(f"pages were rendered at different DPIs: {sorted(dpis)}")
    dpi = dpis.pop() if dpis else 0.0
    results: list[PageResult] = []
    for i in range(max(len(old), len(new))):
        if i >= len(new):
            results.append(PageResult(i + 1, "removed", size_old_pt=old[i].size_pt))
            continue
        if i >= len(old):
            results.append(PageResult(i + 1, "added", size_new_pt=new[i].size_pt))
            continue
        result = compare_page(i + 1, old[i].image, new[i].image, dpi=dpi,
                              threshold=threshold, budget=budget)
        result.size_old_pt, result.size_new_pt = old[i].size_pt, new[i].size_pt
        if old[i].size_pt != new[i].size_pt:
            result.status = "size-changed"
        results.append(result)
    return Comparison(results, len(old), len(new), dpi, threshold, budget)
