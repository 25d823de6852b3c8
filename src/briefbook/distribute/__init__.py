"""Distribution: many briefs built in parallel, and per-reader editions of one book.

Takes: brief files (and, for editions, a readers CSV).
Gives, one module each (imported by name; this package imports none of them, so a command
that needs one pays for no other):
``build`` — PDFs in an output folder, skipped when their inputs did not change, with
``manifest.json``; ``editions`` — one PDF per reader, each the base render with the reader's
name and copy number stamped on every page, with ``editions.json``; ``finish``, ``trace`` and
``signing`` — a copy's trace dots (and reading them back), signature and encryption;
``manifest`` — the manifests both write; ``outputs`` — where a rendered book goes and in what
form; ``executor`` and ``dask_run`` — where the work runs (local processes or Dask).

WeasyPrint (with the render stage) and Dask are imported only where work is done, and so is
pypdf in ``build``: a build with nothing to do stays near-instant.
"""
