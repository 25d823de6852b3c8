"""Cross-checking a brief against what exists: the corpus ids and the metric catalog.

Takes: a brief path, the sets of known corpus ids and metric ids (optionally when each
was first published, so that a brief's ``as_of`` can refuse evidence from after it), and the
project's defaults for front matter (a brief's own fields win).
Gives: the validated ``Brief``, or one ``BriefbookErrors`` with every problem — schema errors
and dangling references alike — each at ``file:line:column`` with a did-you-mean.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Collection, Mapping
from pathlib import Path

from briefbook.brief.load import Loc, Locator, read_brief, validate
from briefbook.brief.schema import Brief
from briefbook.errors import BriefbookError, BriefbookErrors


def json_schema() -> str:
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefbook brief"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def check_brief(path: Path, *, corpus_ids: Collection[str], metric_ids: Collection[str],
                published: Mapping[str, dt.date] | None = None,
                defaults: Mapping[str, object] | None = None) -> Brief:
    """Schema and references checked together, so one run reports every mistake.

    ``published`` maps an article id or a metric id to the day it (first) appeared: a
    reference to something published after the brief's ``as_of`` is an error.
    """
    data, locator = read_brief(path)
    brief, errors = validate({**(defaults or {}), **data}, locator)
    errors += _dangling(data, locator, corpus_ids, metric_ids)
    if brief is not None:
        errors += _after_as_of(brief, data, locator, published or {})
    if errors:
        raise BriefbookErrors(sorted(errors, key=lambda e: _line_col(e.where)))
    return brief


def _line_col(where: str | None) -> tuple[int, int]:
    parts = (where or "").rsplit(":", 2)
    try:
        return int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return (0, 0)


def _dangling(data: dict, locator: Locator, corpus_ids: Collection[str],
              metric_ids: Collection[str]) -> list[BriefbookError]:
    """Unknown ids, read from the raw mapping so they are found even when the schema fails."""
    errors = []
    for loc, value in _refs(data, _METRIC_LISTS):
        if value not in metric_ids:
            errors.append(_unknown(locator, loc, "metric", value, metric_ids, "briefbook metrics"))
    for loc, value in _refs(data, _CORPUS_LISTS):
        if value not in corpus_ids:
            errors.append(_unknown(locator, loc, "corpus id", value, corpus_ids,
                                   "briefbook sections"))
    return errors


def _after_as_of(brief: Brief, data: dict, locator: Locator,
                 published: Mapping[str, dt.date]) -> list[BriefbookError]:
    """References to evidence published after the day the brief's statuses are taken on."""
    as_of = brief.as_of or brief.date
    errors = []
    if brief.as_of is not None and brief.as_of > brief.date:
        errors.append(locator.error(("as_of",), f"as_of {brief.as_of} is after the brief's date "
                                    f"{brief.date}", "set as_of on or before `date:`"))
    for loc, value in _refs(data, _METRIC_LISTS) + _refs(data, _CORPUS_LISTS):
        day = published.get(value) or published.get(value.split("/", 1)[0])
        if day is not None and day > as_of:
            errors.append(locator.error(
                loc, f"'{value}' was first published {day}, after as_of {as_of}: it cannot "
                     "count yet", "drop it, or set a later `as_of:` (default: the brief's date)"))
    return errors


# Where ids live in a brief; "*" walks every item of a list.
_METRIC_LISTS = [("summary", "metrics"), ("table", "metrics"), ("charts", "*", "metrics"),
                 ("sections", "*", "metrics"), ("sections", "*", "charts", "*", "metrics")]
_CORPUS_LISTS = [("sections", "*", "quotes")]


def _refs(data: object, patterns) -> list[tuple[Loc, str]]:
    found = []
    for pattern in patterns:
        found += _walk(data, pattern, ())
    return found


def _walk(node: object, pattern: tuple, loc: Loc) -> list[tuple[Loc, str]]:
    if not pattern:
        if isinstance(node, list):
            return [(loc + (i,), v.strip()) for i, v in enumerate(node) if isinstance(v, str)]
        return []
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if not isinstance(node, list):
            return []
        return [hit for i, item in enumerate(node) for hit in _walk(item, rest, loc + (i,))]
    if isinstance(node, dict) and head in node:
        return _walk(node[head], rest, loc + (head,))
    return []


def _unknown(locator: Locator, loc: Loc, what: str, value: str, known: Collection[str],
             listing: str) -> BriefbookError:
    guesses = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{guesses[0]}'?" if guesses else f"`{listing}` lists them"
    return locator.error(loc, f"unknown {what} '{value}'", hint)
