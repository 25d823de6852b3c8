"""The metrics stage: figures pledged and reported, each traced to a verbatim quote.

Takes: the corpus (``briefbook.corpus``) and ``corpus/metrics.yaml``.
Gives: ``load_catalog(corpus) -> Catalog`` (catalog.py), the status rubric (status.py),
Chinese number parsing (numbers.py) and number-mention extraction (extract.py).
"""

from briefbook.metrics.catalog import Catalog, Metric, Observation, load_catalog
from briefbook.metrics.status import RUBRIC, Status

__all__ = ["RUBRIC", "Catalog", "Metric", "Observation", "Status", "load_catalog"]
