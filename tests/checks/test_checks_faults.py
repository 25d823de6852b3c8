"""The harness catches real, planted faults on the right page and in the right region."""

from __future__ import annotations

import pytest

from plugins import sample_doc
from briefbook.checks.compare import compare_documents
from briefbook.checks.rasterise import DEFAULT_DPI, rasterise

SLACK_MM = 1.5  # anti-aliasing and rounding around an element's box


def test_sample_document_has_two_a4_pages(docs, pages):
    base = pages["base"]
    assert len(base) == 2
    assert base[0].size_pt == pytest.approx((595.276, 841.89), abs=0.01)
    assert base[0].image.shape == (877, 621)  # A4 at 75 DPI, greyscale
    boxes = docs["base"].boxes
    assert boxes["tbl"].page == 1 and boxes["p-swap"].page == 1
    assert boxes["p-char"].page == 2 and boxes["chart"].page == 2


def test_unchanged_rerender_is_identical_on_the_exact_path(docs, pages):
    again = sample_doc.build("base")
    assert again.pdf == docs["base"].pdf  # WeasyPrint output is byte-reproducible
    result = compare_documents(pages["base"], rasterise(again.pdf, dpi=DEFAULT_DPI))
    assert not result.failed
    assert [p.status for p in result.pages] == ["identical", "identical"]
    assert all(p.mask is None for p in result.pages)  # exact path: no pixel maths done


def _contained(bbox_mm, box, slack=SLACK_MM):
    x0, y0, x1, y1 = bbox_mm
    return (x0 >= box.x0 - slack and y0 >= box.y0 - slack
            and x1 <= box.x1 + slack and y1 <= box.y1 + slack)


@pytest.mark.parametrize("variant, element, max_size_mm", [
    ("char", "p-char", (6, 6)),      # one character: a box about one em wide
    ("punct", "p-char", (4, 4)),     # one comma → full stop
    ("font", "p-swap", (None, None)),
    ("margin", "tbl", (None, None)),
    ("nochart", "chart", (None, None)),
])
def test_planted_fault_is_found_on_its_page_and_region(docs, pages, variant, element, max_size_mm):
    result = compare_documents(pages["base"], pages[variant])
    assert result.failed
    box = docs["base"].boxes[element]
    changed = result.failed_pages
    assert [p.number for p in changed] == [box.page], result.describe()
    page = changed[0]
    assert page.status == "changed"
    assert box.overlaps(page.bbox.mm), (page.bbox, box)
    if variant == "nochart":
        # the closing note moves up into the chart's place: changes span chart + note
        note = docs["base"].boxes["note"]
        assert page.bbox.mm[1] >= box.y0 - SLACK_MM and page.bbox.mm[3] <= note.y1 + SLACK_MM
    else:
        assert _contained(page.bbox.mm, box), (page.bbox.mm, box)
    width_mm = page.bbox.mm[2] - page.bbox.mm[0]
    height_mm = page.bbox.mm[3] - page.bbox.mm[1]
    if max_size_mm[0] is not None:
        assert width_mm <= max_size_mm[0] and height_mm <= max_size_mm[1], page.bbox
    # every other page is untouched, on the exact path
    assert all(p.status == "identical" for p in result.pages if p.number != box.page)


def test_one_changed_character_is_located_at_that_character(docs, pages):
    """The change box sits where 万 is: the 17th character cell of p-char's only line."""
    result = compare_documents(pages["base"], pages["char"])
    page = result.failed_pages[0]
    box = docs["base"].boxes["p-char"]
    em_mm = 10.5 * 25.4 / 72
    index = sample_doc.PARA_CHAR.index(sample_doc.CHAR_FROM)
    x_expected = box.x0 + (2 + index) * em_mm  # text-indent: 2em, full-width glyphs
    assert page.bbox.mm[0] == pytest.approx(x_expected, abs=1.0)
    assert page.bbox.mm[2] == pytest.approx(x_expected + em_mm, abs=1.0)


def test_page_margin_shift_changes_every_page(docs, pages):
    result = compare_documents(pages["base"], pages["page-margin"])
    assert [p.status for p in result.pages] == ["changed", "changed"]
    for page in result.pages:
        assert page.bbox.mm[0] == pytest.approx(22.1, abs=1.0)  # text starts at the margin


def test_a_dropped_page_is_reported(docs, pages):
    result = compare_documents(pages["base"], pages["base"][:1])
    assert result.failed
    assert result.new_page_count == 1
    assert [p.status for p in result.pages] == ["identical", "removed"]
    assert "page count changed: expected 2, got 1" in result.describe()
