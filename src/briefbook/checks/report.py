"""Write a comparison to disk for a human to look at.

Takes: a ``Comparison`` and the OLD/NEW pages it was made from, and an output folder.
Gives: for every failed page ``page-NNN-expected.png``, ``page-NNN-actual.png`` and
``page-NNN-diff.png`` (changed pixels in red over a faded grey copy of the expected page,
with a thin magenta frame around the change's bounding box), plus ``summary.json`` with the
per-page verdicts. Every file is written atomically. Stale ``page-*.png`` files from an
earlier run in the same folder are removed first, so the folder always shows one run.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from briefbook.checks.compare import BBox, Comparison
from briefbook.checks.rasterise import RenderedPage
from briefbook.core.fileio import write_atomic

RED = np.array([230, 0, 0], dtype=np.uint8)
FRAME = np.array([200, 0, 200], dtype=np.uint8)
FADE = 0.25  # how much of the original's contrast the faded copy keeps
_OWN_FILE = re.compile(r"page-\d{3,}-(expected|actual|diff)\.png")


def png_bytes(image: np.ndarray | Image.Image) -> bytes:
    """Lossless PNG (greyscale stays 8-bit greyscale), optimised for size."""
    im = image if isinstance(image, Image.Image) else Image.fromarray(image)
    buffer = io.BytesIO()
    im.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _to_grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image.astype(np.float32)
    return (image[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32))


def diff_image(expected: np.ndarray | None, actual: np.ndarray | None, mask: np.ndarray | None,
               bbox: BBox | None = None) -> np.ndarray:
    """RGB diff: faded grey expected page (or actual if there is none), changes in red."""
    base = expected if expected is not None else actual
    height = max(x.shape[0] for x in (expected, actual, mask) if x is not None)
    width = max(x.shape[1] for x in (expected, actual, mask) if x is not None)
    canvas = np.full((height, width), 255.0, dtype=np.float32)
    if base is not None:
        grey = _to_grey(base)
        canvas[:grey.shape[0], :grey.shape[1]] = 255.0 - (255.0 - grey) * FADE
    out = np.repeat(canvas.astype(np.uint8)[..., None], 3, axis=2)
    if mask is not None:
        out[:mask.shape[0], :mask.shape[1]][mask] = RED
    if bbox is not None:
        x0, y0 = max(bbox.x0 - 2, 0), max(bbox.y0 - 2, 0)
        x1, y1 = min(bbox.x1 + 1, width - 1), min(bbox.y1 + 1, height - 1)
        out[y0, x0:x1 + 1] = FRAME
        out[y1, x0:x1 + 1] = FRAME
        out[y0:y1 + 1, x0] = FRAME
        out[y0:y1 + 1, x1] = FRAME
        if mask is not None:  # the change itself stays red where the frame crosses it
            out[:mask.shape[0], :mask.shape[1]][mask] = RED
    return out


def clear_report(out_dir: Path) -> None:
    """Remove files an earlier report wrote (only names this module writes)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return
    for path in out_dir.iterdir():
        if _OWN_FILE.fullmatch(path.name) or path.name == "summary.json":
            path.unlink(missing_ok=True)


def write_report(comparison: Comparison, old: Sequence[RenderedPage],
                 new: Sequence[RenderedPage], out_dir: Path, *,
                 extra: dict | None = None) -> list[Path]:
    """Write expected/actual/diff PNGs for failed pages and ``summary.json``; return paths."""
    out_dir = Path(out_dir)
    clear_report(out_dir)
    written: list[Path] = []
    for result in comparison.failed_pages:
        i = result.number - 1
        expected = old[i].image if i < len(old) else None
        actual = new[i].image if i < len(new) else None
        stem = out_dir / f"page-{result.number:03d}"
        for suffix, image in (("expected", expected), ("actual", actual)):
            if image is not None:
                path = stem.with_name(f"{stem.name}-{suffix}.png")
                write_atomic(path, png_bytes(image))
                written.append(path)
        mask = result.mask
        if mask is None:  # a page only one side has: all of it is the change
            only = expected if expected is not None else actual
            if only is None:  # on neither side: no page to draw (a comparison never lists one)
                continue
            mask = np.ones(only.shape[:2], dtype=bool)
        path = stem.with_name(f"{stem.name}-diff.png")
        write_atomic(path, png_bytes(diff_image(expected, actual, mask, result.bbox)))
        written.append(path)
    summary = comparison.summary()
    names = {p.name for p in written}
    for entry in summary["pages"]:
        files = {kind: f"page-{entry['page']:03d}-{kind}.png"
                 for kind in ("expected", "actual", "diff")}
        files = {kind: name for kind, name in files.items() if name in names}
        if files:
            entry["files"] = files
    if extra:
        summary.update(extra)
    path = out_dir / "summary.json"
    write_atomic(path, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    written.append(path)
    return written
