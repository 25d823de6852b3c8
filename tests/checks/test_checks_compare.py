"""Unit tests of the pixel comparison on synthetic images."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefbook.checks.compare import (Budget, bounding_box, change_mask, compare_documents,
                                      compare_page, yiq_delta)
from briefbook.checks.rasterise import RenderedPage
from briefbook.core.errors import BriefbookError

DPI = 75


def white(h=100, w=80, rgb=False):
    return np.full((h, w, 3) if rgb else (h, w), 255, dtype=np.uint8)


def test_identical_arrays_take_the_exact_path():
    result = compare_page(1, white(), white(), dpi=DPI)
    assert result.status == "identical" and result.mask is None and not result.failed


def test_faint_shading_is_below_threshold_strong_change_is_not():
    a, b = white(), white()
    b[10:20, 10:20] = 255 - 20  # 20 grey levels: anti-aliasing-sized
    assert compare_page(1, a, b, dpi=DPI).status == "within-budget"
    b[10:20, 10:20] = 255 - 40
    result = compare_page(1, a, b, dpi=DPI)
    assert result.status == "changed" and result.changed_pixels == 100


def test_threshold_matches_pixelmatch_scale():
    # black vs white: ΔY = 255, ΔI = ΔQ = 0 → 0.5053·255² (pixelmatch's 35215 is the
    # largest δ of any colour pair); greyscale and RGB agree
    bw = 0.5053 * 255 ** 2
    assert yiq_delta(np.zeros((1, 1, 3), np.uint8), white(1, 1, True))[0, 0] == pytest.approx(bw, rel=1e-4)
    assert yiq_delta(np.zeros((1, 1), np.uint8), white(1, 1))[0, 0] == pytest.approx(bw, rel=1e-4)
    assert bw < 35215


def test_rgb_hue_change_of_equal_brightness_is_seen():
    a, b = white(rgb=True), white(rgb=True)
    a[5:10, 5:10] = (200, 60, 60)
    b[5:10, 5:10] = (60, 120, 100)
    assert compare_page(1, a, b, dpi=DPI).changed_pixels == 25


def test_bounding_box_in_px_and_mm():
    a, b = white(200, 200), white(200, 200)
    b[30:60, 75:150] = 0
    result = compare_page(1, a, b, dpi=DPI)
    assert (result.bbox.x0, result.bbox.y0, result.bbox.x1, result.bbox.y1) == (75, 30, 150, 60)
    assert result.bbox.mm == pytest.approx((25.4, 10.16, 50.8, 20.32), abs=0.01)
    assert result.percent == pytest.approx(100 * 30 * 75 / 40000)


@given(st.integers(0, 49), st.integers(0, 49), st.integers(1, 20), st.integers(1, 20))
@settings(max_examples=60, deadline=None)
def test_bounding_box_is_tight(x, y, w, h):
    mask = np.zeros((70, 70), dtype=bool)
    mask[y:y + h, x:x + w] = True
    box = bounding_box(mask, DPI)
    assert (box.x0, box.y0, box.x1, box.y1) == (x, y, x + w, y + h)


def test_budget_counts_and_percentages():
    a, b = white(), white()  # 8000 px
    b[0, :10] = 0
    assert compare_page(1, a, b, dpi=DPI, budget=Budget.parse("10")).status == "within-budget"
    assert compare_page(1, a, b, dpi=DPI, budget=Budget.parse("9px")).status == "changed"
    assert compare_page(1, a, b, dpi=DPI, budget=Budget.parse("0.125%")).status == "within-budget"
    assert compare_page(1, a, b, dpi=DPI, budget=Budget.parse("0.1%")).status == "changed"
    assert compare_page(1, a, b, dpi=DPI).status == "changed"  # default budget: 0 px


@pytest.mark.parametrize("bad", ["", "ten", "-1", "1.5", "101%", "1e3"])
def test_bad_budgets_are_clear_errors(bad):
    with pytest.raises(BriefbookError):
        Budget.parse(bad)


def test_bad_threshold_is_an_error():
    with pytest.raises(BriefbookError):
        change_mask(white(), white(), threshold=1.5)


def _page(i, image, size=(595.276, 841.89)):
    return RenderedPage(i, image, size, DPI)


def test_page_size_change_is_reported_even_with_equal_pixels():
    result = compare_documents([_page(0, white())], [_page(0, white(), size=(595.0, 842.0))])
    assert result.failed and result.pages[0].status == "size-changed"
    assert "page size changed" in result.pages[0].describe()


def test_different_bitmap_sizes_count_the_extra_area():
    result = compare_documents([_page(0, white(100, 80))], [_page(0, white(110, 80), (1, 2))])
    page = result.pages[0]
    assert page.status == "size-changed" and page.changed_pixels == 10 * 80
    assert page.bbox.y0 == 100


def test_added_page_and_mixed_dpi():
    result = compare_documents([_page(0, white())], [_page(0, white()), _page(1, white())])
    assert [p.status for p in result.pages] == ["identical", "added"] and result.failed
    with pytest.raises(BriefbookError):
        compare_documents([_page(0, white())], [RenderedPage(0, white(), (1, 1), 100)])


def test_summary_is_json_ready():
    import json
    a, b = white(), white()
    b[1, 1] = 0
    result = compare_documents([_page(0, a)], [_page(0, b)])
    summary = json.loads(json.dumps(result.summary()))
    assert summary["result"] == "changed"
    assert summary["pages"][0]["bbox"]["px"] == [1, 1, 2, 2]
    assert summary["budget"] == "0 px" and summary["threshold"] == 0.1
