"""The metrics stage: figures pledged and reported, each traced to a verbatim quote.

Takes: the corpus (``briefbook.corpus``) and its catalog files (``metrics.yaml`` and
``metrics/*.yaml`` in the corpus folder).
Gives: ``load_catalog(corpus) -> Catalog`` (catalog.py; ``Catalog.as_of(day)``, each
metric's computed ``history``), the status rubric (status.py), period wording → deadlines
(periods.py), Chinese number parsing (numbers.py), number-mention extraction (extract.py)
and drafting observations from an article (draft.py).
"""

from briefbook.metrics.catalog import Catalog, Metric, Observation, load_catalog
from briefbook.metrics.status import RUBRIC, Status

__all__ = ["RUBRIC", "Catalog", "Metric", "Observation", "Status", "load_catalog"]
