"""Structure names WeasyPrint 70.0's tagger lacks, for the tagged PDF/UA-1 variant.

Takes: nothing (``patch()`` wraps ``weasyprint.pdf.tags._get_pdf_tag``; installed with the
other patches by ``engine.pinned.install``). Gives: the footnote call and marker
pseudo-elements tagged ``Reference`` and ``Lbl`` (instead of ``NonStruct``), and inline elements
such as ``strong`` tagged ``Span`` — the names ``formats.tagging`` needs to link each footnote
call to its note. WeasyPrint asks for these names only when it writes tags (``pdf_tags``,
variant ``pdf/ua-1``), so a plain or PDF/A book is not affected.
"""

from __future__ import annotations

from weasyprint.pdf import tags

#: HTML element (or pseudo-element) → structure type, where WeasyPrint's choice falls short
TAG_NAMES = {
    "span::footnote-call": "Reference",
    "span::footnote-marker": "Lbl",
    "strong": "Span",
    "em": "Span",
    "figure": "Div",
    "nav": "TOC",
    "header": "Div",
}


def patch() -> None:
    """Teach WeasyPrint's tagger the names above (only through ``engine.pinned.install``)."""
    original = tags._get_pdf_tag

    def pdf_tag(tag):
        return TAG_NAMES.get(tag) or original(tag)

    tags._get_pdf_tag = pdf_tag
