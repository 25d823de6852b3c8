"""Layout stops at the page budget (render/engine/pagebudget.py): a book that runs past it is a clear
error at once, not minutes of pages. The budget is lowered for the test so that a real layout of
a real example book crosses it; the product's budget is the one lint and compare accept."""

import pytest

from briefbook.checks.rasterise import MAX_PDF_PAGES
from briefbook.core.errors import BriefbookError
from briefbook.render import Renderer
from briefbook.render.engine import pagebudget
from plugins.example import BRIEFS_DIR, example_project


def test_the_layout_budget_is_the_budget_lint_and_compare_accept():
    assert pagebudget.MAX_LAYOUT_PAGES == MAX_PDF_PAGES == 300


def test_a_book_past_the_page_budget_stops_with_a_clear_error(monkeypatch):
    renderer = Renderer(example_project(), chart_cache=False)
    pages = renderer.render(BRIEFS_DIR / "note-grassroots.yaml")
    import pypdfium2 as pdfium

    count = len(pdfium.PdfDocument(pages))
    assert count >= 2  # the note is longer than the budget set below
    monkeypatch.setattr(pagebudget, "MAX_LAYOUT_PAGES", count - 1)
    with pytest.raises(BriefbookError, match=f"runs past {count - 1} pages"):
        renderer.render(BRIEFS_DIR / "note-grassroots.yaml")
    monkeypatch.setattr(pagebudget, "MAX_LAYOUT_PAGES", count)
    assert len(pdfium.PdfDocument(renderer.render(BRIEFS_DIR / "note-grassroots.yaml"))) == count
