"""The draft file ``briefbook metrics draft`` writes: candidate observations as YAML to edit.

Takes: a project and an article id (``draft.draft`` finds the candidates), and where to
write (``into``; none: only the text is made) with ``force`` to replace a file there.
Gives: ``draft_yaml(doc)`` — the draft document as YAML under ``DRAFT_HEADER`` (what to do
with it); ``write_draft(...)`` — a ``DraftFile``: the text, where it was written (atomically;
an existing file only with ``force``: it may hold the analyst's edits) and how many
candidates it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.corpus import load_project_corpus
from briefbook.metrics.draft import draft
from briefbook.project import Project

DRAFT_HEADER = """\
# Draft observations — written by `briefbook metrics draft`; edit, then link.
# Each entry is a figure the extractor found, already valid for the catalog: the quote is
# the shortest clause carrying the number, verbatim in paragraph `source`.
# Delete the entries you do not want. For each one you keep, either set `metric:` to a
# metric id and run `briefbook metrics link METRIC_ID THIS_FILE`, or name it directly:
# `briefbook metrics link METRIC_ID THIS_FILE#N …` (add --new for a metric not yet in the
# catalog: its label and topic are taken from the first entry; check the guesses).
# `progress` (reports): done — the outcome; underway — the work goes on; null — no cue:
# a report published before the pledge's deadline then counts as a stage figure, a later one
# as the outcome. Set it when the text says more than the guess.
# `cue`, `period_cue`, `progress_cue` and `topic_cue` say what decided each guess; they are
# not stored. Every other key is a catalog field and is linked as it stands.
"""


def draft_yaml(doc: dict[str, Any]) -> str:
    """The draft document as the YAML text of a draft file."""
    return DRAFT_HEADER + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class DraftFile:
    """A draft: its YAML text, the file it was written to (None: not written) and the
    number of candidate observations in it."""

    text: str
    path: Path | None
    candidates: int


def write_draft(project: Project, article_id: str, into: Path | None = None, *,
                force: bool = False) -> DraftFile:
    """The draft of article ``article_id`` of the project's corpus, written to ``into`` when
    given — refused when a file is there already, unless ``force``."""
    article = load_project_corpus(project).article(article_id)
    text = draft_yaml(draft(article, project.topics))
    candidates = text.count("\n- n: ")
    if into is None:
        return DraftFile(text, None, candidates)
    if into.exists() and not force:
        raise BriefbookError("the draft file exists (it may hold your edits)", where=str(into),
                             hint="choose another --into, or add --force to replace it")
    write_atomic(into, text.encode("utf-8"))
    return DraftFile(text, into, candidates)


__all__ = ["DRAFT_HEADER", "DraftFile", "draft_yaml", "write_draft"]
