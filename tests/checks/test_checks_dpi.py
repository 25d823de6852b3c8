"""Why 75 DPI: the smallest planted faults are seen, and baselines stay small.

Measured on the sample document (A4, 10.5 pt body), greyscale PNG, optimize=True:
  DPI   page px    PNG bytes p1 / p2    万→亿 px   ，→。 px
   60   497×702     18,641 / 11,060        41          9
   75   621×877     25,325 / 15,636        65         10
  100   827×1170    37,900 / 23,300        99         17
1-bit PNGs would be 3–5 KB but are lossy (they drop the anti-aliasing ramps), so baselines
could no longer be compared exactly; RGB PNGs are ≈ 2.8× the greyscale size.
"""

from __future__ import annotations

import pytest

from briefbook.checks.compare import compare_documents
from briefbook.checks.rasterise import DEFAULT_DPI, rasterise
from briefbook.checks.report import png_bytes


def test_default_dpi_is_75():
    assert DEFAULT_DPI == 75


@pytest.mark.parametrize("dpi, max_png, min_char_px, min_punct_px", [
    (60, 20_000, 30, 5), (75, 28_000, 50, 8), (100, 42_000, 80, 12)])
def test_faults_seen_and_png_size_per_dpi(docs, dpi, max_png, min_char_px, min_punct_px):
    base = rasterise(docs["base"].pdf, dpi=dpi)
    assert max(len(png_bytes(p.image)) for p in base) <= max_png
    for variant, minimum in (("char", min_char_px), ("punct", min_punct_px)):
        result = compare_documents(base, rasterise(docs[variant].pdf, dpi=dpi))
        assert [p.number for p in result.failed_pages] == [2]
        assert result.failed_pages[0].changed_pixels >= minimum
