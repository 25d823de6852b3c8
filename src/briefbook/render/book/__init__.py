"""The book: a checked brief, the corpus and the metric catalog made into view data and HTML.

Takes: a ``Brief``, the ``Corpus``, the ``Catalog`` and the project's events. Gives: a ``Book``
and the ``ChartJob``s to draw (``model``), Chinese typesetting as markup (``typeset``), the
commentary's Markdown subset (``markdown``) and the book's HTML (``html``). Pure: no
WeasyPrint, no matplotlib, no files but the templates.
"""
