"""A quote whose footnote WeasyPrint pushed off its call's page, moved to start the next page.

Takes: a book's (or a chapter's) HTML and footnote numbers. Gives: the same HTML with the
quotes carrying those footnotes marked to start a page (``book.css``), the heading above the
first quote of a section going with it. Every layout strategy moves quotes this one way
(``layout.write``, ``layout.jobs``, ``layout.incremental``).
"""

from __future__ import annotations

from collections.abc import Collection

#: Each quote is one ``<blockquote>`` holding one citation footnote, in document order,
#: so footnote N is the N-th blockquote (templates/partials/section.html.j2).
MOVED_QUOTE_TAG = '<blockquote class="with-its-note">'


def move_quotes_to_next_page(html: str, footnotes: Collection[int]) -> str:
    """Mark the quotes carrying these footnote numbers to start a page (book.css)."""
    parts = html.split("<blockquote")
    out = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        before = out[-1]
        if number in footnotes and part.startswith(">") and before.rstrip().endswith("</h2>"):
            # the first quote under 原文摘录: its heading goes with it (never alone at a foot)
            at = before.rindex("<h2")
            out[-1] = before[:at] + '<h2 class="with-its-note"' + before[at + 3:]
            out.append(part)
        elif number in footnotes and part.startswith(">"):
            out.append(MOVED_QUOTE_TAG[len("<blockquote"):] + part[1:])
        else:
            out.append(part)
    return "<blockquote".join(out)
