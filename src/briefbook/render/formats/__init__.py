"""The book's output formats besides a plain PDF.

Takes: the ``Book``, its drawn charts and the PDF WeasyPrint wrote. Gives: archival PDF/A-3b
with its provenance inside (``archival``), tagged PDF/UA-1 finished where WeasyPrint falls
short (``tagging``), and the self-contained HTML edition (``html_edition``).
"""
