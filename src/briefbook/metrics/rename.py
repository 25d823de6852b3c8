"""Renaming an article's ids in the metrics catalog files, and proving the catalog still loads.

Takes: the catalog files (``catalog.catalog_files``), the article's id and the new one; for the
proof, the corpus before and after the rename and the project's topics.
Gives: ``catalog_renames(files, old, new)`` — a ``core.filegroup.Rewrite`` for each file that
cites the article, its ids renamed where the catalog holds ids (``CATALOG_IDS``,
``CATALOG_CITES``), in the file's own text (``core.roundtrip``: comments and layout stay);
and ``check_renamed_catalog(...)`` — the catalog loaded with the new texts against the renamed
corpus, before anything is written: an error if it does not load (unless it did not load before
the rename either: then a note saying so).

Where the catalog holds ids, from its models (``catalog.Observation``, ``catalog.Metric``): an
observation's ``source`` (a paragraph id), in a metric's ``observations:`` and in a file's
top-level ``observations:`` (reports linked to a metric of another file); and the paragraph
ids a metric's ``status_reason`` cites (the loader checks each). A ``quote``, ``note``,
``summary`` or ``label`` that mentions the id is text: it is left as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.filegroup import Rewrite
from briefbook.core.roundtrip import Loc
from briefbook.core.safeyaml import read_text
from briefbook.corpus.model import Corpus
from briefbook.corpus.rename import citing_change, id_change, rename_values
from briefbook.metrics.catalog import MAX_CATALOG_BYTES, Catalog, load_catalog

#: Values that are paragraph ids (``Observation.source``).
CATALOG_IDS: tuple[Loc, ...] = (("metrics", "*", "observations", "*", "source"),
                                ("observations", "*", "source"))
#: Texts that cite paragraph ids (``Metric.curated_reason``, written ``status_reason``).
CATALOG_CITES: tuple[Loc, ...] = (("metrics", "*", "status_reason"),)


def catalog_renames(files: Sequence[Path], old: str, new: str) -> list[Rewrite]:
    """Each catalog file that cites ``old`` or its ids, with them renamed ``new``."""
    fields = [(p, id_change(old, new)) for p in CATALOG_IDS] + \
        [(p, citing_change(old, new)) for p in CATALOG_CITES]
    rewrites = []
    for path in files:
        text = read_text(path, "the metrics catalog", MAX_CATALOG_BYTES)
        new_text, n = rename_values(text, str(path), "the metrics catalog", fields)
        if n:
            rewrites.append(Rewrite(path, text, new_text, n, "ids"))
    return rewrites


def check_renamed_catalog(before: Corpus, after: Corpus, files: Sequence[Path],
                          rewrites: Sequence[Rewrite], topics: Sequence[str],
                          ) -> tuple[Catalog | None, str | None]:
    """The catalog as it will load after the rename (``files`` with the new texts, against
    ``after``), and None; or, when it does not load and did not load before either (``files``
    as they are, against ``before``), None and a note saying so. Raises when only the renamed
    catalog fails: the rename would break it."""
    if not files:
        return None, None
    try:
        return load_catalog(after, list(files), topics=topics,
                            texts={r.path: r.new for r in rewrites}), None
    except BriefbookError as exc:
        problems = exc
    try:
        load_catalog(before, list(files), topics=topics)
    except BriefbookError:
        return None, ("the metrics catalog did not load before the rename either; its ids "
                      "were renamed, but it was not verified (run `briefbook metrics`)")
    listed = problems.errors if isinstance(problems, BriefbookErrors) else [problems]
    raise BriefbookErrors([BriefbookError(
        "after the rename the metrics catalog would not load; nothing was changed",
        hint="this is a fault of `corpus rename`: please report it")] + listed[:10])
