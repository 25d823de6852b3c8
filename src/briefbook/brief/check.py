"""Cross-checking a brief against what exists: the corpus ids and the metric catalog.

Takes: a brief path and the sets of known corpus ids and metric ids.
Gives: the validated ``Brief``, or one ``BriefbookErrors`` with every problem — schema errors
and dangling references alike — each at ``file:line:column`` with a did-you-mean.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection
from pathlib import Path

from briefbook.brief.load import Loc, Locator, load_brief
from briefbook.brief.schema import Brief
from briefbook.errors import BriefbookError, BriefbookErrors


def json_schema() -> str:
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefbook brief"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def check_brief(path: Path, *, corpus_ids: Collection[str], metric_ids: Collection[str]) -> Brief:
    brief, locator = load_brief(path)
    errors = list(_dangling(brief, locator, corpus_ids, metric_ids))
    if errors:
        raise BriefbookErrors(errors)
    return brief


def _dangling(brief: Brief, locator: Locator, corpus_ids: Collection[str],
              metric_ids: Collection[str]):
    for loc, value in _metric_refs(brief):
        if value not in metric_ids:
            yield _unknown(locator, loc, "metric", value, metric_ids, "briefbook metrics")
    for i, section in enumerate(brief.sections):
        for j, ref in enumerate(section.quotes):
            if ref not in corpus_ids:
                yield _unknown(locator, ("sections", i, "quotes", j), "corpus id", ref,
                               corpus_ids, "briefbook sections")


def _metric_refs(brief: Brief):
    if brief.summary:
        for j, ref in enumerate(brief.summary.metrics):
            yield ("summary", "metrics", j), ref
    if brief.table and brief.table.metrics != "all":
        for j, ref in enumerate(brief.table.metrics):
            yield ("table", "metrics", j), ref
    for c, chart in enumerate(brief.charts):
        for j, ref in enumerate(chart.metrics or ()):
            yield ("charts", c, "metrics", j), ref
    for i, section in enumerate(brief.sections):
        for j, ref in enumerate(section.metrics):
            yield ("sections", i, "metrics", j), ref
        for c, chart in enumerate(section.charts):
            for j, ref in enumerate(chart.metrics or ()):
                yield ("sections", i, "charts", c, "metrics", j), ref


def _unknown(locator: Locator, loc: Loc, what: str, value: str, known: Collection[str],
             listing: str) -> BriefbookError:
    guesses = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{guesses[0]}'?" if guesses else f"`{listing}` lists them"
    return locator.error(loc, f"unknown {what} '{value}'", hint)
