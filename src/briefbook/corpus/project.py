"""A project's corpus: the cleaned corpus of ``project/corpus/``, checked against the project.

Takes: a ``Project``. Gives: its ``Corpus``, every article's events being the project's, or one
``BriefbookErrors`` naming each unknown event at its line of ``sources.yaml``.
"""

from __future__ import annotations

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.corpus.model import Corpus
from briefbook.corpus.sources import SOURCES_FILE, article_lines
from briefbook.corpus.store import load_corpus
from briefbook.project import Project


def load_project_corpus(project: Project) -> Corpus:
    """The cleaned corpus; every article's events must be the project's."""
    corpus = load_corpus(project.corpus_dir)
    check_article_events(project, corpus)
    return corpus


def check_article_events(project: Project, corpus: Corpus) -> None:
    known = project.events_by_id
    bad = [(a.id, e) for a in corpus.articles for e in a.events if e not in known]
    if not bad:
        return
    lines = article_lines(project.corpus_dir)
    where = project.corpus_dir / SOURCES_FILE
    hint = ("the project's events: " + ", ".join(known) if known else
            f"the project has no events: add them under `events:` in {project.config_path}")
    raise BriefbookErrors([
        BriefbookError(f"article {aid}: unknown event {eid!r}",
                       where=f"{where}:{lines.get(aid, 1)}", hint=hint)
        for aid, eid in bad])
