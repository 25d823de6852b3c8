"""Cross-checking a brief against what exists: the corpus ids and the metric catalog.

Takes: a brief path, the sets of known corpus ids and metric ids (optionally when each
was first published, so that a brief's ``as_of`` can refuse evidence from after it), and the
project's defaults for front matter (a brief's own fields win).
Gives: the validated ``Brief``, or one ``BriefbookErrors`` with every problem — schema errors,
dangling references and characters no bundled face can print alike — each at
``file:line:column`` (with a did-you-mean for ids); past ``MAX_LISTED_ERRORS``, one line
counts the rest. The work is linear in the expanded size: each YAML node is read once, however
often aliases repeat it, and the fonts' coverage is built once per process.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefbook.brief.load import BRIEF, read_brief
from briefbook.brief.schema import Brief, Section
from briefbook.core import coverage
from briefbook.core.chars import BIDI_CONTROLS
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.models import Loc, Locator, fields_at, format_loc, validate
from briefbook.core.suggest import LOOSE, MAX_COMPARISONS, Budget, did_you_mean


def json_schema() -> str:
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefbook brief"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


#: Work budgets for one book, counted after YAML aliases are expanded (a 16 KB brief can
#: name a whole article in each of 99 sections, or repeat an id list by alias). Each breach
#: is a brief error at the entry that crossed the line. The reasons are in README "Limits".
MAX_BOOK_QUOTED_PARAGRAPHS = 500     # the whole example corpus is 81 paragraphs
MAX_BOOK_TEXT_CHARS = 60_000         # ≈ 50 A4 pages; the worst case renders in about a minute
MAX_BOOK_METRIC_ROWS = 500           # table + summary + section rows (the catalog has 31)
MAX_BOOK_CHARTS = 30                 # each is a matplotlib drawing (~0.2 s) and a figure


@dataclass(frozen=True)
class Sizes:
    """What the budget needs to know about ids: (paragraphs, characters) a corpus id quotes,
    characters a metric row prints, and how many metrics ``table: {metrics: all}`` means."""

    quote: Callable[[str], tuple[int, int]]
    metric: Callable[[str], int]
    all_metrics: int


def check_brief(path: Path, *, corpus_ids: Collection[str], metric_ids: Collection[str],
                published: Mapping[str, dt.date] | None = None,
                defaults: Mapping[str, object] | None = None,
                metric_topics: Mapping[str, str] | None = None,
                sizes: Sizes | None = None) -> Brief:
    """Schema and references checked together, so one run reports every mistake.

    ``published`` maps an article id or a metric id to the day it (first) appeared: a
    reference to something published after the brief's ``as_of`` is an error.
    ``metric_topics`` (metric id → topic, from the catalog) also checks ``table.topics``.
    With ``sizes``, the book's work budget is checked too (``check`` and ``render`` both pass
    it).
    """
    data, locator = read_brief(path)
    brief, errors = validate({**(defaults or {}), **data}, locator, Brief, BRIEF.examples)
    errors += _dangling(data, locator, corpus_ids, metric_ids)
    errors += _empty_sections(data, locator)
    if metric_topics is not None:
        errors += _topics(data, locator, metric_topics)
    unprintable, unlisted = _unprintable(locator)
    errors += unprintable
    errors += keys_in_block_text(locator)
    if sizes is not None:
        errors += _over_budget(data, locator, corpus_ids, metric_ids, sizes)
    if brief is not None:
        errors += _after_as_of(brief, data, locator, published or {})
        errors += _charts_without_metrics(brief, locator)
    if errors:
        raise BriefbookErrors(_bounded(sorted(errors, key=lambda e: _line_col(e.where)),
                                       unlisted))
    assert brief is not None                # no errors: the schema was met
    return brief


#: At most this many problems are listed by one check (then how many more there are), as
#: the catalog does: a brief of 100,000 mistakes gets a readable answer, in bounded time.
MAX_LISTED_ERRORS = 50


def _bounded(errors: list[BriefbookError], unlisted: int = 0, limit: int = MAX_LISTED_ERRORS,
             ) -> list[BriefbookError]:
    """The first ``limit`` of ``errors``, then one line saying how many more were found
    (``unlisted``: problems counted but not written out, see ``_unprintable``)."""
    more = max(0, len(errors) - limit) + unlisted
    if not more:
        return errors
    return errors[:limit] + [BriefbookError(
        f"… and {more:,} more problem{'s' if more != 1 else ''} "
        f"({len(errors) + unlisted:,} in all)", hint="fix these and run again to see the rest")]


def _line_col(where: str | None) -> tuple[int, int]:
    parts = (where or "").rsplit(":", 2)
    try:
        return int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return (0, 0)


def _dangling(data: dict, locator: Locator, corpus_ids: Collection[str],
              metric_ids: Collection[str]) -> list[BriefbookError]:
    """Unknown ids, read from the raw mapping so they are found even when the schema fails."""
    errors: list[BriefbookError] = []
    budget = Budget(MAX_GUESS_COMPARISONS)

    def guessing() -> Budget | None:
        """The budget for the next unknown id's did-you-mean; None past the errors listed."""
        return budget if len(errors) < MAX_LISTED_ERRORS else None

    for loc, value in _refs(data, _METRIC_LISTS):
        if value not in metric_ids:
            errors.append(_unknown(locator, loc, "metric", value, metric_ids, "briefbook metrics",
                                   budget=guessing()))
    for loc, value in _refs(data, CORPUS_LISTS):
        if value not in corpus_ids:
            errors.append(_unknown(locator, loc, "corpus id", value, corpus_ids,
                                   "briefbook sections", budget=guessing()))
    return errors


#: Did-you-mean guesses compare an unknown id with each known one: a check spends at most this
#: many comparisons on them (``core.suggest``: about 2 s), then names the listing.
MAX_GUESS_COMPARISONS = MAX_COMPARISONS


def _unprintable(locator: Locator, limit: int = MAX_LISTED_ERRORS,
                 ) -> tuple[list[BriefbookError], int]:
    """Characters of the brief's values that no bundled face has (the render's preflight):
    one error for each character of each value (an alias's value once, at its anchor), the
    first ``limit`` in file order, and how many more there are. Each value is read once, so
    the work is linear in the file, and the errors written out are bounded."""
    errors = []
    found = 0
    for node in _scalars(locator.root):
        for m in coverage.missing_characters(node.value).values():
            found += 1
            if found > limit:
                continue
            bidi = m.char in BIDI_CONTROLS
            what = ("a bidirectional control character would reorder the printed text: "
                    if bidi else "a character the bundled fonts cannot print: ")
            errors.append(BriefbookError(what + coverage.describe(m),
                                         where=f"{locator.path}:{_position(node, m.char)}",
                                         hint=coverage.BIDI_HINT if bidi else coverage.HINT))
    return errors, max(0, found - limit)


def keys_in_block_text(locator: Locator) -> list[BriefbookError]:
    """Lines inside a block scalar (``commentary: |``) that read as one of the brief's keys.

    Takes: the brief's locator (its node tree). Gives: one error per such line, at its
    ``file:line:column``. A key indented too far under ``commentary: |`` silently becomes
    commentary text; the keys looked for are those of the scalar's own mapping, of every
    mapping around it and of a section.
    """
    errors = []
    for loc, key, node in _block_scalars(locator.root, ()):
        known = _known_keys(loc)
        homes: dict[str, str] = {}          # the hint for each key word, looked up once
        for line, column, word in key_lines(node):
            if word not in known:
                continue
            if word not in homes:
                homes[word] = _key_home(locator, loc, word)
            errors.append(BriefbookError(
                f"{format_loc(loc)}: `{word}:` is inside the `{loc[-1]}:` text (a block scalar): "
                f"it is indented more than `{loc[-1]}:` on line {key.start_mark.line + 1}",
                where=f"{locator.path}:{line}:{column}", hint=homes[word]))
    return errors


def _key_home(locator: Locator, loc: Loc, word: str) -> str:
    """Where ``word:`` belongs, as a hint: the innermost level around the block scalar at
    ``loc`` that knows that key, and the key of that level to line it up with."""
    for n in range(len(loc) - 1, -1, -1):
        if isinstance(loc[n], str) and word in fields_at(Brief, loc[:n]):
            like = locator.key_node(loc[:n + 1])
            spaces = like.start_mark.column if like is not None else 0
            owner = _owner_word(loc[:n + 1])
            return (f"if it is a key of the {owner}, indent it like `{loc[n]}:` ({spaces} "
                    f"space{'' if spaces == 1 else 's'}); if it is text, reword the line so it "
                    f"does not start with `{word}:`")
    return (f"if it is a key of a section, move it under `sections:` with the section's other "
            f"keys; if it is text, reword the line so it does not start with `{word}:`")


_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:\s|$)")


def key_lines(node: yaml.ScalarNode) -> list[tuple[int, int, str]]:
    """(line, column, key) — 1-based — of each line of a block scalar's text that starts like
    ``key:``, read from the file's own text (the node's marks); [] without it."""
    start, end = node.start_mark, node.end_mark
    source = start.buffer if isinstance(start.buffer, str) else None
    if source is None or node.style not in ("|", ">"):
        return []
    lines = source[start.index:end.index].split("\n")
    found = []
    for offset, text in enumerate(lines[1:], start=1):   # lines[0] is the `|` header
        match = _KEY_LINE.match(text.strip())
        if match:
            column = len(text) - len(text.lstrip(" ")) + 1
            found.append((start.line + 1 + offset, column, match.group(1)))
    return found


def _block_scalars(node: yaml.Node | None, loc: Loc, seen: set[int] | None = None,
                   ) -> Iterator[tuple[Loc, yaml.ScalarNode, yaml.ScalarNode]]:
    """(location, key node, value node) of every ``key: |`` or ``key: >`` value.

    Each node is walked once, at its first use: a list or text that aliases (``*name``)
    repeat is the same node, with the same lines in the file, so its lines are read once
    — linear in the file, however many times an alias repeats it.
    """
    seen = set() if seen is None else seen
    if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if isinstance(value, yaml.ScalarNode) and value.style in ("|", ">"):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield loc + (key.value,), key, value
            else:
                yield from _block_scalars(value, loc + (key.value,), seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _block_scalars(item, loc + (i,), seen)


def _known_keys(loc: Loc) -> set[str]:
    """The brief's field names at ``loc``'s own level, every level around it and a section's."""
    known = set(Section.model_fields)
    for n in range(len(loc)):
        known.update(fields_at(Brief, loc[:n]))
    return known


def _owner_word(loc: Loc) -> str:
    """What the mapping holding ``loc`` is, in words: section, summary, chart …, or brief."""
    words = {"sections": "section", "summary": "summary", "table": "table", "charts": "chart",
             "appendix": "appendix"}
    named = [p for p in loc[:-1] if isinstance(p, str)]
    return words.get(named[-1], named[-1]) if named else "brief"


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """Every text value under ``node``, each node once (in file order): an alias stands for
    a node met before, with the same characters at the same place in the file, so it is
    neither read nor reported again — linear in the file, not in the expanded size."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.ScalarNode):
            if isinstance(item.value, str):
                yield item
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(reversed(item.value))
        elif isinstance(item, yaml.MappingNode):
            stack.extend(value for _key, value in reversed(item.value))


def _position(node: yaml.ScalarNode, char: str) -> str:
    """``line:column`` of ``char`` in the file: found in the node's source text, else the
    node's start (the character was written as an escape such as ``\\U00030000``)."""
    start, end = node.start_mark, node.end_mark
    source = start.buffer or ""
    at = source.find(char, start.index, end.index) if source else -1
    if at < 0:
        return f"{start.line + 1}:{start.column + 1}"
    # counted from the node's start (its mark knows its line and column): work bounded by
    # the value, not the file
    line = start.line + source.count("\n", start.index, at) + 1
    newline = source.rfind("\n", start.index, at)
    column = at - newline if newline >= 0 else start.column + (at - start.index) + 1
    return f"{line}:{column}"


def _after_as_of(brief: Brief, data: dict, locator: Locator,
                 published: Mapping[str, dt.date]) -> list[BriefbookError]:
    """References to evidence published after the day the brief's statuses are taken on."""
    as_of = brief.as_of or brief.date
    errors = []
    if brief.as_of is not None and brief.as_of > brief.date:
        errors.append(locator.error(("as_of",), f"as_of {brief.as_of} is after the brief's date "
                                    f"{brief.date}", "set as_of on or before `date:`"))
    for loc, value in _refs(data, _METRIC_LISTS) + _refs(data, CORPUS_LISTS):
        day = published.get(value) or published.get(value.split("/", 1)[0])
        if day is not None and day > as_of:
            errors.append(locator.error(
                loc, f"'{value}' was first published {day}, after as_of {as_of}: it cannot "
                     "count yet", "drop it, or set a later `as_of:` (default: the brief's date)"))
    return errors


# Where ids live in a brief; "*" walks every item of a list.
_METRIC_LISTS = [("summary", "metrics"), ("table", "metrics"), ("charts", "*", "metrics"),
                 ("sections", "*", "metrics"), ("sections", "*", "charts", "*", "metrics")]
#: The lists of corpus ids in a brief (``Section.quotes``); ``corpus rename`` renames these.
CORPUS_LISTS = [("sections", "*", "quotes")]


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


def _empty_sections(data: dict, locator: Locator) -> list[BriefbookError]:
    """A section with a heading and nothing under it would print as a bare heading."""
    errors = []
    sections = data.get("sections")
    for i, section in enumerate(sections if isinstance(sections, list) else []):
        if isinstance(section, dict) and "heading" in section and not any(
                section.get(k) for k in ("commentary", "quotes", "metrics", "charts")):
            errors.append(locator.error(
                ("sections", i, "heading"), "section has a heading and nothing else",
                "give it commentary, quotes, metrics or charts, or delete the section"))
    return errors


def _topics(data: dict, locator: Locator, metric_topics: Mapping[str, str]) -> list[BriefbookError]:
    """``table.topics`` must name topics of the catalog, and not exclude listed metrics."""
    table = data.get("table")
    if not isinstance(table, dict) or not isinstance(table.get("topics"), list):
        return []
    known = sorted(set(metric_topics.values()))
    topics = [t.strip() for t in table["topics"] if isinstance(t, str)]
    errors = []
    for i, topic in enumerate(table["topics"]):
        if isinstance(topic, str) and topic.strip() not in known:
            guesses = did_you_mean(topic.strip(), known, near=LOOSE)
            hint = (f"did you mean '{guesses[0]}'?" if guesses else "") + \
                f" topics: {'、'.join(known)}"
            errors.append(locator.error(("table", "topics", i), f"unknown topic '{topic}'",
                                        hint.strip()))
    metrics = table.get("metrics")
    for i, metric in enumerate(metrics if isinstance(metrics, list) else []):
        topic = metric_topics.get(metric.strip()) if isinstance(metric, str) else None
        if topic is not None and topic not in topics:
            guess = did_you_mean(topic, topics, near=LOOSE)
            hint = (f"did you mean topic '{topic}' instead of '{guess[0]}'? " if guess else "") + \
                f"add '{topic}' to table.topics, or take '{metric}' out of table.metrics"
            errors.append(locator.error(
                ("table", "metrics", i),
                f"metric '{metric}' is of topic '{topic}', which table.topics leaves out",
                hint))
    return errors


def _charts_without_metrics(brief: Brief, locator: Locator) -> list[BriefbookError]:
    """A chart with no metrics of its own, of its section or of the book would be empty."""
    book = bool(brief.summary and brief.summary.metrics) or brief.table is not None or any(
        s.metrics for s in brief.sections)
    errors = []
    places = [(("charts", i), c, False) for i, c in enumerate(brief.charts)] + [
        (("sections", n, "charts", i), c, bool(s.metrics))
        for n, s in enumerate(brief.sections) for i, c in enumerate(s.charts)]
    for loc, chart, section_has in places:
        if not (chart.metrics or section_has or book):
            errors.append(locator.error(
                loc, f"{chart.kind} chart has no metrics to plot: the brief lists none",
                "list them in the chart (metrics: [...]), its section, the summary or a table"))
    return errors


def _over_budget(data: dict, locator: Locator, corpus_ids: Collection[str],
                 metric_ids: Collection[str], sizes: Sizes) -> list[BriefbookError]:
    """The first entry past each budget (one error per budget), read from the raw mapping."""
    errors: list[BriefbookError] = []
    hint = ("a book this big would take minutes and gigabytes to render; quote sections or "
            "paragraphs instead of whole articles, or split it into several briefs")

    def over(loc: Loc, what: str, limit: int) -> None:
        errors.append(locator.error(loc, f"the book would have more than {limit:,} {what} "
                                         f"(after aliases are expanded)", hint))

    chars = sum(len(v) for v in _texts(data))
    paragraphs = 0
    text_reported = False

    def add_text(loc: Loc, size: int) -> None:
        nonlocal chars, text_reported
        chars += size
        if chars > MAX_BOOK_TEXT_CHARS and not text_reported:
            over(loc, "characters of text", MAX_BOOK_TEXT_CHARS)
            text_reported = True

    for loc, value in _refs(data, CORPUS_LISTS):
        if value not in corpus_ids:
            continue
        count, size = sizes.quote(value)
        paragraphs += count
        if paragraphs > MAX_BOOK_QUOTED_PARAGRAPHS:
            over(loc, "quoted paragraphs", MAX_BOOK_QUOTED_PARAGRAPHS)
            break
        add_text(loc, size)
    rows = 0
    table = data.get("table")
    if isinstance(table, dict) and table.get("metrics", "all") == "all":
        rows = sizes.all_metrics
    for loc, value in _refs(data, _ROW_LISTS):
        if value not in metric_ids:
            continue
        rows += 1
        if rows > MAX_BOOK_METRIC_ROWS:
            over(loc, "metric rows", MAX_BOOK_METRIC_ROWS)
            break
        add_text(loc, sizes.metric(value))
    charts = 0
    for loc, _item in _items(data, _CHART_LISTS):
        charts += 1
        if charts > MAX_BOOK_CHARTS:
            over(loc, "charts", MAX_BOOK_CHARTS)
            break
    return errors


_ROW_LISTS = [("summary", "metrics"), ("table", "metrics"), ("sections", "*", "metrics")]
_CHART_LISTS = [("charts",), ("sections", "*", "charts")]


def _texts(node: object):
    """Every string in the brief (an upper bound of the brief's own printed text)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _items(data: object, patterns) -> list[tuple[Loc, object]]:
    """Each item of the lists at ``patterns`` (any type), with its location."""
    found: list[tuple[Loc, object]] = []
    for pattern in patterns:
        nodes: list[tuple[Loc, object]] = [((), data)]
        for head in pattern:
            nxt: list[tuple[Loc, object]] = []
            for loc, node in nodes:
                if head == "*" and isinstance(node, list):
                    nxt += [(loc + (i,), v) for i, v in enumerate(node)]
                elif isinstance(node, dict) and head in node:
                    nxt.append((loc + (head,), node[head]))
            nodes = nxt
        for loc, node in nodes:
            if isinstance(node, list):
                found += [(loc + (i,), v) for i, v in enumerate(node)]
    return found


def _unknown(locator: Locator, loc: Loc, what: str, value: str, known: Collection[str],
             listing: str, *, budget: Budget | None) -> BriefbookError:
    """An unknown id, with a did-you-mean while ``budget`` lasts (see
    ``MAX_GUESS_COMPARISONS``; None: no guess), else the command that lists the known ones."""
    guesses = did_you_mean(value, known, budget=budget) if budget is not None else []
    hint = f"did you mean '{guesses[0]}'?" if guesses else f"`{listing}` lists them"
    return locator.error(loc, f"unknown {what} '{value}'", hint)
