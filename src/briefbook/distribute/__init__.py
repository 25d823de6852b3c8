"""Distribution: many briefs built in parallel, and per-reader editions of one book.

Takes: brief files (and, for editions, a readers CSV).
Gives: ``build(...)`` — PDFs in an output folder, skipped when their inputs did not change,
with ``manifest.json`` (build.py); ``make_editions(...)`` — one PDF per reader, each the base
render with the reader's name and copy number stamped on every page, with ``editions.json``
(editions.py).

Heavy libraries (WeasyPrint, pypdf) are imported only where work is done, so a build with
nothing to do stays near-instant.
"""

from briefbook.distribute.build import BuildResult, build, input_hash
from briefbook.distribute.editions import Reader, make_editions, read_readers

__all__ = ["BuildResult", "Reader", "build", "input_hash", "make_editions", "read_readers"]
