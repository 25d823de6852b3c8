"""Checks: visual regression and PDF quality checks for rendered briefing books.

Takes: PDF bytes (from the render stage or a file). Gives: page images, page-by-page
comparisons with diff images, baseline snapshots, and a lint report on fonts, text and
metadata. One module per concern:

- ``rasterise``  PDF → page images (pinned pypdfium2, fixed render flags) + page sizes.
- ``compare``    two rasterised documents → per-page verdicts (pure, no I/O).
- ``report``     a comparison → expected/actual/diff PNGs and ``summary.json`` on disk.
- ``baseline``   PDF vs a folder of baseline PNGs (record / compare / update).
- ``lint``       PDF → ``LintReport`` (fonts embedded+subset+allowed+ToUnicode, .notdef,
                 glyph coverage, expected text, metadata, page count).
- ``render_log`` ``capture_weasyprint_warnings()`` — turns WeasyPrint's ``.notdef`` log
                 warning into an error for the render stage.
"""
