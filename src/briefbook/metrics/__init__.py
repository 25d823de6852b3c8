"""The metrics stage: figures pledged and reported, each traced to a verbatim quote.

Takes: the corpus (``briefbook.corpus``) and its catalog files (``metrics.yaml`` and
``metrics/*.yaml`` in the corpus folder).
Gives: ``load_catalog(corpus) -> Catalog`` (``load_project_catalog(project, corpus)`` for a
project's) (catalog.py; ``Catalog.as_of(day)``, each
metric's computed ``history``), the status rubric (status.py), period wording → deadlines
(periods.py), Chinese number parsing (numbers.py), number-mention extraction (extract.py;
of a text file or corpus text with paragraph ids: mentions.py), drafting observations from an
article (draft.py; the draft file `metrics draft` writes: draftfile.py) and linking kept
draft entries into a catalog file (link.py).
"""

from briefbook.corpus.model import Corpus
from briefbook.metrics.catalog import Catalog, Metric, Observation, load_catalog
from briefbook.metrics.status import RUBRIC, Status
from briefbook.project import Project

__all__ = ["RUBRIC", "Catalog", "Metric", "Observation", "Status", "load_catalog",
           "load_project_catalog"]


def load_project_catalog(project: Project, corpus: Corpus) -> Catalog:
    """The project's catalog: ``metrics.yaml`` and ``metrics/*.yaml`` of its corpus, its
    metrics' topics checked against the project's."""
    return load_catalog(corpus, None, topics=project.topics)
