"""How a book's HTML becomes pages: whole, in parallel runs of chapters, or incrementally.

Takes: a writer (``engine.pdf.PdfWriter`` or anything with its ``css_text``, ``layout``,
``strict`` and ``write``), the book's HTML and charts, and a layout cache folder. Gives: PDF
bytes with every footnote on its call's page (``write``), laid out whole or by several
processes (``jobs``) or chapter by chapter (``incremental``), from chapters (``chapters``)
stitched back into one PDF (``stitch``), with what earlier renders learnt kept on disk
(``facts``, in a signed ``diskcache``).
"""
