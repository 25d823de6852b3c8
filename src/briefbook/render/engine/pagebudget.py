"""A page budget inside WeasyPrint's layout: a book that runs past it stops, with a clear error.

Takes: nothing (``patch()`` wraps WeasyPrint's page maker; ``engine.pinned.install`` calls it
once per process, on the pinned version only). Gives: layout that raises ``BriefbookError`` as
soon as one layout pass makes more than ``MAX_LAYOUT_PAGES`` pages, instead of laying out all
of them.

Why here and not in the stylesheet check: sizes that are each within the stylesheet's bounds
can still multiply the page count (``* { font-size: 72pt }`` made the 20-page example book
392 pages in 5 min 15 s; ``* { break-before: page }`` 357 pages). Whether a book explodes
depends on the book, so the count is taken where the pages are made. The budget is the one
``checks.rasterise`` applies to a PDF to lint or compare (300 pages: four times the largest
book the text budget allows on A4), so every book briefbook writes can also be checked.
"""

from __future__ import annotations

from weasyprint import layout

from briefbook.core.errors import BriefbookError

#: Pages one layout pass may make (the whole book, or one chapter with ``--jobs``); equal to
#: ``checks.rasterise.MAX_PDF_PAGES`` (a test keeps them equal; render does not import checks).
MAX_LAYOUT_PAGES = 300


class TooManyPages(BriefbookError):
    """A layout pass ran past ``MAX_LAYOUT_PAGES``."""


def patch() -> None:
    """Wrap ``weasyprint.layout.make_all_pages`` (the generator ``layout_document`` lists; only
    through ``engine.pinned.install``)."""
    make_all_pages = layout.make_all_pages

    def make_pages_within_budget(*args, **kwargs):
        for count, page in enumerate(make_all_pages(*args, **kwargs), start=1):
            if count > MAX_LAYOUT_PAGES:
                raise TooManyPages(
                    f"the book runs past {MAX_LAYOUT_PAGES} pages, so its layout was stopped "
                    "there; if the project stylesheet sets large type, big margins or page "
                    "breaks, check those rules, or split the brief into shorter books")
            yield page

    layout.make_all_pages = make_pages_within_budget
