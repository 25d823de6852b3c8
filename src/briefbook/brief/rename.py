"""Renaming an article's ids in the project's briefs, and proving each renamed brief still
passes its check.

Takes: brief files, the article's id and the new one; for the proof, what ``check_brief`` is
given after the rename and before it (corpus ids, metric ids, days published, defaults).
Gives: ``brief_renames(paths, old, new)`` — a ``core.filegroup.Rewrite`` for each brief that
quotes the article, its ids renamed in each section's ``quotes:`` (``check.CORPUS_LISTS``: the
only corpus ids a brief holds, ``schema.Section.quotes``) in the file's own text
(``core.roundtrip``: comments and layout stay; commentary or a title that mentions the id is
text, left as written); and ``check_renamed_brief(...)`` — the new text checked as a brief
before anything is written (a copy in a temporary folder; problems named at the brief's own
path): None when it passes, a note when it fails but failed before the rename too, an error
when only the renamed brief fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from briefbook.brief.check import CORPUS_LISTS, check_brief
from briefbook.brief.load import MAX_BRIEF_BYTES, refuse_link_out
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.filegroup import Rewrite
from briefbook.core.safeyaml import read_text
from briefbook.corpus.rename import id_change, rename_values


def brief_renames(paths: Sequence[Path], old: str, new: str) -> list[Rewrite]:
    """Each brief of ``paths`` that quotes ``old`` or its ids, with them renamed ``new``."""
    fields = [((*pattern, "*"), id_change(old, new)) for pattern in CORPUS_LISTS]
    rewrites = []
    for path in paths:
        refuse_link_out(path, "the brief")
        text = read_text(path, "the brief", MAX_BRIEF_BYTES)
        new_text, n = rename_values(text, str(path), "the brief", fields)
        if n:
            rewrites.append(Rewrite(path, text, new_text, n, "quotes"))
    return rewrites


def check_renamed_brief(rewrite: Rewrite, *, after: Mapping[str, Any],
                        before: Callable[[], Mapping[str, Any]]) -> str | None:
    """Check the brief's new text (``check_brief`` with ``after``); see the module docstring.
    ``before`` gives what ``check_brief`` is given for the brief as it is now (asked only when
    the new text fails)."""
    with tempfile.TemporaryDirectory(prefix="briefbook-rename-") as folder:
        copy = Path(folder) / rewrite.path.name
        copy.write_text(rewrite.new, encoding="utf-8")
        try:
            check_brief(copy, **after)
            return None
        except BriefbookError as exc:
            problems = [_at(e, copy, rewrite.path) for e in
                        (exc.errors if isinstance(exc, BriefbookErrors) else [exc])]
    try:
        check_brief(rewrite.path, **before())
    except BriefbookError:
        return (f"{rewrite.path.name} did not pass its check before the rename either; its "
                "quotes were renamed (run `briefbook check` on it)")
    raise BriefbookErrors([BriefbookError(
        f"after the rename {rewrite.path.name} would not pass its check; nothing was changed",
        where=str(rewrite.path), hint="this is a fault of `corpus rename`: please report it")]
        + problems[:10])


def _at(error: BriefbookError, copy: Path, path: Path) -> BriefbookError:
    """``error`` about the temporary copy, named at the brief itself."""
    where = error.where.replace(str(copy), str(path)) if error.where else str(path)
    return BriefbookError(error.message.replace(str(copy), str(path)), where=where,
                          hint=error.hint)
