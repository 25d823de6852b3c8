"""The corpus stage: raw articles → cleaned, segmented, id-stable text.

Takes: ``corpus/`` (raw/*.txt verbatim, sources.yaml, corrections.yaml, ids.lock).
Gives: ``load_corpus(dir) -> Corpus`` (or ``load_project_corpus(project)``, which also checks
every article's events against the project's) with articles, sections and paragraphs addressed by
stable ids (``cjrb-2021-07-25/s3/p2``); see ``model`` for the types.

Modules: ``model`` (the types, and the one rule for ids), ``sources`` (catalogue, safe
reading), ``clean`` (line rules), ``header`` (the page's headline and date/来源/作者 lines),
``defects`` (lost characters and reviewed repairs), ``segment`` (sections/paragraphs),
``store`` (the build, the id lock, caching; what cleaning did, per article), ``ingest``
(adding an article, its metadata from the page), ``diff`` (review view).
"""

from briefbook.corpus.model import (
    Article,
    Caption,
    Corpus,
    Credit,
    Defect,
    PageHeader,
    Paragraph,
    Section,
)
from briefbook.corpus.project import check_article_events, load_project_corpus
from briefbook.corpus.store import build_corpus, corpus_json, load_corpus

__all__ = ["Article", "Caption", "Corpus", "Credit", "Defect", "PageHeader", "Paragraph",
           "Section", "build_corpus", "check_article_events", "corpus_json", "load_corpus",
           "load_project_corpus"]
