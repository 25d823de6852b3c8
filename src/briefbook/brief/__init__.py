"""The brief stage: read, validate and cross-check a YAML brief.

``load_brief(path)`` → (``Brief``, ``Locator``); ``check_brief(path, corpus, catalog)`` adds
cross-references (unknown metric or corpus ids, with did-you-mean) and returns the ``Brief``.
"""

from briefbook.brief.check import check_brief, json_schema
from briefbook.brief.load import load_brief
from briefbook.brief.schema import Brief, ChartKind
from briefbook.project.config import Paper

__all__ = ["Brief", "ChartKind", "Paper", "check_brief", "json_schema", "load_brief"]
