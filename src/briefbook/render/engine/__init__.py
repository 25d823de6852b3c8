"""WeasyPrint, locked down: HTML in, a laid-out document or PDF bytes out.

Takes: a complete HTML string and the in-memory resources it links to. Gives: WeasyPrint
documents and PDF bytes (``pdf.PdfWriter``) loaded only through ``fetcher``, with every
warning an error; the patches briefbook makes to WeasyPrint (``justify``, ``runs``,
``pagebudget``, ``tags``, ``shortcuts``) installed together behind one version guard
(``pinned``); and the finishing of the run marks they draw (``bridge``). Importing this package
imports WeasyPrint, its C libraries opened by name (``libraries``).
"""

from briefbook.render.engine import libraries

libraries.load()
