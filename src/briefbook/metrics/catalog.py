"""The metrics catalog: what was pledged, what was later reported, each tied to a quote.

Takes: the corpus (``briefbook.corpus.load_corpus(dir)``), its folder's catalog files:
``dir/metrics.yaml`` plus every ``dir/metrics/*.yaml`` (in name order; one id space), or the
files given; and the project's topics (``briefbook.yaml``).
Gives: a ``Catalog`` of ``Metric`` objects, each with its ``Observation`` s (pledged or
reported: value, qualifier, period, source paragraph id, verbatim quote), the latest
pledge and the latest report published on or after it (an earlier report is not its
outcome), a ``status`` from the rubric in ``status.py``, a one-line ``status_reason``
citing paragraph ids, and ``ratio`` (reported / pledged) when comparable.

Verification on load — every problem in the file is collected and raised together as one
``BriefbookErrors``, each naming ``metrics.yaml:LINE``, the metric id and the observation:
- the topic is one of the project's topics;
- the source id is a paragraph of the corpus and the quote occurs in its cleaned text verbatim;
- a numeric value follows from the quote: parsing the quote with ``numbers.py`` yields a
  quantity equal to the value in the metric's unit, with the same qualifier (a quote that
  says 近30份 cannot be catalogued as a plain 30);
- curated statuses only where the rubric cannot decide, and their reason cites a paragraph id;
- every period can be read as dates (``periods.parse_period``), so deadlines are known.

Time: ``Catalog.as_of(day)`` keeps only what articles published by ``day`` say (a metric with
nothing yet is left out, and naming it is an error that says so); each metric's status is
then taken on that day — a pledge whose period has ended without a report is 逾期未见报道,
with only an under-way report or a stage figure short of it 逾期未见达成 (``status.py``).
``Metric.history`` is computed, never typed: the status on each day an article about it was
published (or its deadline passed), one ``Step`` per change, citing what changed it.

Linking draft entries into a catalog file (``metrics link``) is ``metrics/link.py``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.models import Loc, Locator
from briefbook.core.safeyaml import load_yaml, read_text
from briefbook.core.suggest import LOOSE, did_you_mean
from briefbook.corpus.model import PARAGRAPH_ID, is_paragraph_id, known_on
from briefbook.metrics.numbers import QUALIFIERS, Quantity, find_quantities, format_quantity
from briefbook.metrics.periods import PeriodError, parse_period
from briefbook.metrics.status import DEADLINE_PASSED, PeriodRelation, Status, assess

__all__ = ["CATALOG_FILE", "Catalog", "Metric", "Observation", "Step", "catalog_files",
           "default_catalog_path", "load_catalog"]

CATALOG_FILE = "metrics.yaml"
#: Limits on ``metrics.yaml`` (reported as errors naming the file, never a hang).
MAX_CATALOG_BYTES = 10_000_000
MAX_METRICS = 5_000


class Observation(BaseModel):
    """One pledged or reported figure (or qualitative statement) with its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pledged", "reported"]
    value: int | float | None = None
    qualifier: str | None = None
    period: str = Field(min_length=1)
    source: str
    quote: str = Field(min_length=2)
    #: done: the report gives the outcome; underway: the work goes on; None (not said): a
    #: result when published after the pledge's deadline, else a stage figure (status.is_result)
    progress: Literal["done", "underway"] | None = None
    summary: str | None = None       # short wording shown for a qualitative observation
    unit: str = ""                    # filled from the metric unless the YAML overrides it
    # Filled at load time, not written in the YAML:
    published: dt.date | None = None
    magnitude: str | None = None      # 万/亿 as the quote writes it, for display
    line: int | None = None
    file: str | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, v: int | float | None) -> int | float | None:
        if isinstance(v, float) and not math.isfinite(v):  # .inf, .nan, 1e999: no figure
            raise ValueError("value must be a finite number (got .inf or .nan, or a number "
                             "too large for one)")
        return v

    @field_validator("qualifier")
    @classmethod
    def _known_qualifier(cls, v: str | None) -> str | None:
        if v is not None and v not in QUALIFIERS:
            raise ValueError(f"qualifier must be one of {' '.join(QUALIFIERS)}")
        return v

    @field_validator("source")
    @classmethod
    def _paragraph_id(cls, v: str) -> str:
        if not is_paragraph_id(v):   # the corpus model's id rule, as ingest checks it
            raise ValueError("source must be a paragraph id like cjrb-2021-07-25/s3/p2")
        return v

    @property
    def article_id(self) -> str:
        return self.source.split("/", 1)[0]

    @property
    def figure(self) -> str:
        """The figure as printed: ``30.2万人``, ``力争25万人``, ``近30份``; the summary (or the
        quote) when qualitative."""
        if self.value is None:
            return self.summary or self.quote
        return format_quantity(self.value, self.unit, self.qualifier, magnitude=self.magnitude)

    @property
    def display(self) -> str:
        """``figure``, marked ``（推进中）`` when the report says the work is under way."""
        return f"{self.figure}（推进中）" if self.progress == "underway" else self.figure


class Metric(BaseModel):
    """A thing that was pledged and/or reported, with its observations in YAML order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = Field(min_length=1)
    unit: str = ""                    # "" only for metrics with no figure at all
    topic: str = Field(min_length=1)
    observations: tuple[Observation, ...] = Field(min_length=1)
    periods: PeriodRelation | None = None   # how the report's period relates to the pledge's
    curated_status: Status | None = Field(default=None, alias="status")
    curated_reason: str | None = Field(default=None, alias="status_reason")
    note: str | None = None
    line: int | None = None
    file: str | None = None           # the catalog file it came from (filled by the loader)
    as_of: dt.date | None = None      # the day its status is taken on (``Catalog.as_of``)

    def _latest(self, kind: str, since: dt.date | None = None) -> Observation | None:
        found = [(o.published or dt.date.min, i, o) for i, o in enumerate(self.observations)
                 if o.kind == kind and (since is None or (o.published or dt.date.min) >= since)]
        return max(found, key=lambda t: (t[0], t[1]))[2] if found else None

    @property
    def pledged(self) -> Observation | None:
        """The latest pledge (by publication date of its article), or None."""
        return self._latest("pledged")

    @property
    def reported(self) -> Observation | None:
        """The latest report published on or after the latest pledge (any report when there
        is no pledge), or None: a report that predates the pledge is not its outcome."""
        p = self.pledged
        return self._latest("reported", since=(p.published or dt.date.min) if p else None)

    @property
    def rival(self) -> Observation | None:
        """Another report published the same day as ``reported``, when there is one."""
        r = self.reported
        if r is None:
            return None
        return next((o for o in reversed(self.observations) if o.kind == "reported"
                     and o is not r and o.published == r.published), None)

    @property
    def deadline(self) -> dt.date | None:
        """The last day of the latest pledge's period (None: open-ended or no pledge)."""
        p = self.pledged
        if p is None:
            return None
        try:
            return parse_period(p.period).end
        except PeriodError:
            return None                 # the loader has reported it

    @cached_property
    def assessment(self) -> tuple[Status, str]:
        """(status, reason) from the rubric, worked out once per metric (it is frozen)."""
        p, r = self.pledged, self.reported
        curated = None
        if self.curated_status is not None and p is not None and r is not None:
            curated = (self.curated_status, self.curated_reason or "")   # see rubric rule 6
        return assess(p, r, unit_pledged=p.unit if p else None, unit_reported=r.unit if r else None,
                      periods=self.periods, curated=curated, deadline=self.deadline,
                      as_of=self.as_of, rival=self.rival)

    def at(self, day: dt.date) -> Metric | None:
        """This metric as known on ``day``: only observations published by then, the status
        taken on that day; None when nothing about it was published yet."""
        kept = tuple(o for o in self.observations if known_on(o, day))
        if not kept:
            return None
        return self.model_copy(update={"observations": kept, "as_of": day})

    @cached_property
    def history(self) -> tuple[Step, ...]:
        """The status on each day it could change — an article about it published, or a
        pledge's deadline passed — keeping only the days it did change; up to ``as_of``."""
        days = {o.published for o in self.observations if o.published is not None}
        for o in self.observations:
            if o.kind == "pledged":
                try:
                    end = parse_period(o.period).end
                except PeriodError:
                    end = None
                if end is not None:
                    days.add(end + dt.timedelta(days=1))
        if self.as_of is not None:
            days = {d for d in days if d <= self.as_of}
        steps: list[Step] = []
        for day in sorted(days):
            then = self.at(day)
            if then is None or (steps and steps[-1].status == then.status):
                continue
            new = [o for o in then.observations if o.published == day]
            steps.append(Step(day, then.status, then.status_reason,
                              new[-1] if new else None))
        return tuple(steps)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Metric:
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("assessment", None)   # the copy may differ: assess it afresh
        copied.__dict__.pop("history", None)
        return copied

    @property
    def status(self) -> Status:
        return self.assessment[0]

    @property
    def status_reason(self) -> str:
        return self.assessment[1]

    @property
    def ratio(self) -> float | None:
        """reported / pledged when both are figures in one unit over comparable periods."""
        p, r = self.pledged, self.reported
        if p is None or r is None or p.value is None or r.value is None or not p.value:
            return None
        if p.unit != r.unit or r.progress == "underway":
            return None
        relation = self.periods or ("same" if p.period == r.period else "different")
        if relation == "different":
            return None
        return r.value / p.value


@dataclass(frozen=True)
class Step:
    """One change in a metric's history: from ``day`` on, ``status`` (because of ``cause``,
    the observation published that day; None when only the deadline passed)."""

    day: dt.date
    status: Status
    reason: str
    cause: Observation | None

    @property
    def because(self) -> str:
        """What changed the status, in the reader's words."""
        if self.cause is None:
            return DEADLINE_PASSED
        kind = "承诺" if self.cause.kind == "pledged" else "报道"
        return f"{kind}{self.cause.display}（{self.cause.source}）"


@dataclass(frozen=True)
class Catalog:
    metrics: list[Metric]
    path: Path
    files: tuple[Path, ...] = ()
    as_of_day: dt.date | None = None
    #: metrics with nothing published by ``as_of_day``: id → first publication day
    later: dict[str, dt.date] | None = None
    #: the project's topics, in the order books print them
    topic_order: tuple[str, ...] = ()

    def as_of(self, day: dt.date) -> Catalog:
        """The catalog as known on ``day`` (see the module docstring)."""
        kept, later = [], {}
        for m in self.metrics:
            then = m.at(day)
            if then is None:
                later[m.id] = min(o.published for o in m.observations if o.published)
            else:
                kept.append(then)
        return Catalog(kept, self.path, self.files, day, later, self.topic_order)

    def get(self, metric_id: str) -> Metric:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        if self.later and metric_id in self.later and self.as_of_day is not None:
            raise BriefbookError(
                f"metric {metric_id!r} has no observation published by {self.as_of_day} "
                f"(the first is of {self.later[metric_id]})", where=str(self.path),
                hint="drop it from the brief, or set a later `as_of:`")
        close = did_you_mean(metric_id, [m.id for m in self.metrics], n=3)
        hint = ("did you mean " + ", ".join(close) + "?") if close else \
            "run `briefbook metrics` to list the ids"
        raise BriefbookError(f"unknown metric id {metric_id!r}", where=str(self.path), hint=hint)

    def topics(self) -> list[str]:
        used = list(dict.fromkeys(m.topic for m in self.metrics))
        order = {t: i for i, t in enumerate(self.topic_order)}
        return sorted(used, key=lambda t: order.get(t, len(order)))


# --------------------------------------------------------------------------- loading

@dataclass(frozen=True)
class _Item:
    """One entry of a catalog file's ``metrics:`` or ``observations:`` list, and where it is."""

    file: Path
    raw: Any
    locator: Locator
    loc: Loc                                # ("metrics", i) or ("observations", i)

    def line(self, *below: str | int) -> int | None:
        """The 1-based line of this entry (or of the value ``below`` it) in its file."""
        return self.locator.line((*self.loc, *below))


def _read(path: Path, text: str | None = None) -> tuple[list[_Item], list[_Item]]:
    """(metric entries, linked observations) of one catalog file — read from disk, or ``text``
    as the file would hold it (errors name ``path`` either way)."""
    if text is None:
        text = read_text(path, "the metrics catalog", MAX_CATALOG_BYTES)
    data, node = load_yaml(text, str(path))
    if not isinstance(data, dict) or not isinstance(data.get("metrics", []), list) or \
            not isinstance(data.get("observations", []), list) or \
            not ({"metrics", "observations"} & set(data)):
        raise BriefbookError("expected a mapping with a `metrics:` list (and/or an "
                             "`observations:` list of reports linked to metrics)", where=str(path),
                             hint="`briefbook metrics schema` prints the format")
    unknown = set(data) - {"metrics", "observations"}
    if unknown:
        raise BriefbookError(f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}",
                             where=str(path), hint="only `metrics:` and `observations:`")
    metrics, linked = data.get("metrics") or [], data.get("observations") or []
    if len(metrics) + len(linked) > MAX_METRICS:
        raise BriefbookError(f"{len(metrics) + len(linked):,} metrics"
                             f"{' and linked observations' if linked else ''}; the limit is "
                             f"{MAX_METRICS:,}", where=str(path))
    locator = Locator(path, node)
    return ([_Item(path, raw, locator, ("metrics", i)) for i, raw in enumerate(metrics)],
            [_Item(path, raw, locator, ("observations", i)) for i, raw in enumerate(linked)])


def _place(file: Path | str, line: int | None) -> str:
    """``file:line``, or the file alone when the line is not known."""
    return f"{file}:{line}" if line else str(file)


def _obs_where(obs: Any) -> str | None:
    """``file:line`` of an observation (its fields or the model), the file alone without a line."""
    if isinstance(obs, dict):
        file, line = obs.get("file"), obs.get("line")
    else:
        file, line = obs.file, obs.line
    return f"{file}:{line}" if file and line else (file or None)


def _nearest(quote: str, text: str) -> str:
    m = difflib.SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
        0, len(text), 0, len(quote))
    lo = max(0, m.a - m.b)
    return text[lo:lo + len(quote) + 4]


def _check_value(obs: Observation, found: list[Quantity]) -> str | None:
    """Why ``obs.value`` does not follow from its quote, or None when it does."""
    same = [q for q in found if q.unit == obs.unit and q.plain == obs.value]
    if not same:
        shown = "、".join(f"{q.display}" for q in found) or "no quantity"
        return (f"value {obs.value} {obs.unit} does not follow from the quote "
                f"(the quote gives: {shown})")
    if obs.qualifier == "力争":
        return None if "力争" in obs.quote else "qualifier 力争 is not in the quote"
    if any((q.qualifier or None) == obs.qualifier for q in same):
        return None
    said = "、".join(q.display for q in same)
    return f"qualifier {obs.qualifier or '(none)'} does not match the quote ({said})"


def default_catalog_path(corpus: Any) -> Path:
    """The catalog that goes with ``corpus``: ``metrics.yaml`` in the folder it was built
    from."""
    root = getattr(corpus, "root", None)
    if root is None:
        raise BriefbookError("this corpus does not know its folder; name the catalog file")
    return Path(root) / CATALOG_FILE


def catalog_files(corpus_dir: Path) -> list[Path]:
    """The catalog files of a corpus folder: ``metrics.yaml`` (when present) then
    ``metrics/*.yaml`` in name order."""
    corpus_dir = Path(corpus_dir)
    files = [corpus_dir / CATALOG_FILE] if (corpus_dir / CATALOG_FILE).is_file() else []
    extra = corpus_dir / "metrics"
    if extra.is_dir():
        files += sorted(f for f in extra.glob("*.yaml") if f.is_file())
    return files


def _default_files(corpus: Any) -> list[Path]:
    root = getattr(corpus, "root", None)
    if root is None:
        raise BriefbookError("this corpus does not know its folder; name the catalog file")
    return catalog_files(Path(root)) or [Path(root) / CATALOG_FILE]


#: At most this many problems are listed by one catalog load (then how many more there are).
MAX_LISTED_ERRORS = 50


def bounded(errors: list[BriefbookError], limit: int = MAX_LISTED_ERRORS) -> list[BriefbookError]:
    """The first ``limit`` of ``errors``, then one line saying how many more were found."""
    if len(errors) <= limit:
        return errors
    more = len(errors) - limit
    return errors[:limit] + [BriefbookError(
        f"… and {more:,} more problem{'s' if more != 1 else ''} ({len(errors):,} in all)",
        hint="fix these and run again to see the rest")]


def load_catalog(corpus: Any, path: Path | list[Path] | tuple[Path, ...] | None = None, *,
                 topics: Sequence[str] | None = None,
                 texts: dict[Path, str] | None = None) -> Catalog:
    """Load and verify the catalog — ``path`` (one file or a list), by default the corpus
    folder's files (``catalog_files``) — against ``corpus`` and, when given, the project's
    ``topics`` (a metric's topic must be one). ``texts`` gives the text of some of the files
    as they would be (``metrics link`` checks its result before writing it): errors still
    name the file.

    Raises one ``BriefbookErrors`` listing every problem of every file (the first
    ``MAX_LISTED_ERRORS``, then how many more), each at ``file:line``.
    """
    files = _catalog_paths(corpus, path)
    errors: list[BriefbookError] = []
    entries, linked = _read_all(files, texts or {}, errors)
    unread = bool(errors)                   # a metric may be defined in a file not read
    attached = _attach(entries, linked, unread, errors)
    metrics: list[Metric] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        metric = _metric(entry, i, attached.get(i, []), errors)
        if metric is None:
            continue
        errors += _id_and_topic(metric, entry, seen, topics, several=len(files) > 1)
        metric = _checked_observations(metric, corpus, errors)
        errors += _curation(metric, corpus)
        metrics.append(metric)
    if errors:
        raise BriefbookErrors(bounded(errors))
    return Catalog(metrics=metrics, path=files[0], files=tuple(files),
                   topic_order=tuple(topics or ()))


def _catalog_paths(corpus: Any, path: Path | list[Path] | tuple[Path, ...] | None) -> list[Path]:
    """The catalog files to load: ``path`` (one or a list), else the corpus folder's."""
    if path is None:
        return _default_files(corpus)
    if isinstance(path, (list, tuple)):
        return [Path(f) for f in path]
    return [Path(path)]


def _read_all(files: list[Path], texts: dict[Path, str], errors: list[BriefbookError],
              ) -> tuple[list[_Item], list[_Item]]:
    """Every file's metric entries and linked observations; a file that cannot be read adds
    its problems to ``errors`` and the others are read all the same."""
    entries: list[_Item] = []
    linked: list[_Item] = []
    for f in files:
        try:
            own, links = _read(f, texts.get(f))
        except BriefbookErrors as exc:
            errors += exc.errors
            continue
        except BriefbookError as exc:       # this file is unreadable: go on with the others
            errors.append(exc)
            continue
        entries += own
        linked += links
    if len(entries) > MAX_METRICS:
        raise BriefbookError(f"{len(entries):,} metrics; the limit is {MAX_METRICS:,}",
                             where=str(files[0]))
    return entries, linked


#: A linked observation: (its file, its fields without ``metric:``, its line).
_Linked = tuple[Path, dict[str, Any], int | None]


def _attach(entries: list[_Item], linked: list[_Item], unread: bool,
            errors: list[BriefbookError]) -> dict[int, list[_Linked]]:
    """Reports linked to a metric defined elsewhere (``observations:`` lists, ``metrics
    link``), by the index of the metric's entry; one naming no metric of the catalog is an
    error — unless ``unread`` (a file failed) and it may be defined there."""
    by_id = {e.raw["id"]: i for i, e in enumerate(entries)   # a list id: not hashable
             if isinstance(e.raw, dict) and isinstance(e.raw.get("id"), str)}
    attached: dict[int, list[_Linked]] = {}
    for item in linked:
        mid = item.raw.get("metric") if isinstance(item.raw, dict) else None
        if isinstance(mid, str) and mid in by_id:
            attached.setdefault(by_id[mid], []).append(
                (item.file, {k: v for k, v in item.raw.items() if k != "metric"}, item.line()))
        elif not (unread and isinstance(mid, str)):   # else perhaps in the file that failed
            close = did_you_mean(str(mid), list(by_id), n=3)
            errors.append(BriefbookError(
                f"linked observation: metric {mid!r} is not in the catalog",
                where=_place(item.file, item.line()),
                hint=("did you mean " + ", ".join(close) + "?") if close else
                "define the metric first (`briefbook metrics link ID … --new`)"))
    return attached


def _metric(entry: _Item, index: int, attached: list[_Linked],
            errors: list[BriefbookError]) -> Metric | None:
    """The typed metric of one entry — its own observations, then those linked to it, each
    with its file and line — or None, its problems added to ``errors``."""
    raw, mline = entry.raw, entry.line()
    here = _place(entry.file, mline)
    mid = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
    if not isinstance(raw, dict):
        errors.append(BriefbookError(f"metric {mid}: expected a mapping", where=here))
        return None
    filled = {"line", "file", "as_of"} & set(raw)
    if filled:
        errors.append(BriefbookError(f"metric {mid}: {', '.join(sorted(filled))} is filled in by "
                                     "the loader; remove it", where=here))
        raw = {k: v for k, v in raw.items() if k not in filled}
    raw_obs = raw.get("observations") or []
    own: list[_Linked] = [(entry.file, o, entry.line("observations", j) or mline)
                          for j, o in enumerate(raw_obs if isinstance(raw_obs, list) else [])]
    observations = _observations(own + attached, mid, raw.get("unit", ""), errors)
    try:
        return Metric.model_validate({**raw, "observations": observations, "line": mline,
                                      "file": str(entry.file)})
    except ValidationError as exc:
        for e in exc.errors():
            loc = ".".join(str(x) for x in e["loc"])
            where = here
            if len(e["loc"]) >= 2 and e["loc"][0] == "observations" \
                    and isinstance(e["loc"][1], int) and e["loc"][1] < len(observations):
                where = _obs_where(observations[e["loc"][1]]) or here
            errors.append(BriefbookError(f"metric {mid}: {loc}: {e['msg']}", where=where))
        return None


def _observations(items: list[_Linked], mid: object, unit: object,
                  errors: list[BriefbookError]) -> list[dict[str, Any]]:
    """The observations' fields as the model reads them: the metric's ``unit`` unless one
    says its own, and its file and line (fields only the loader fills are refused)."""
    out: list[dict[str, Any]] = []
    for j, (ofile, o, oline) in enumerate(items):
        where = _place(ofile, oline)
        if not isinstance(o, dict):
            errors.append(BriefbookError(f"metric {mid}, observation {j + 1}: expected a mapping",
                                         where=where))
            continue
        extra = {"published", "magnitude", "line", "file"} & set(o)
        if extra:
            errors.append(BriefbookError(f"metric {mid}, observation {j + 1}: "
                                         f"{', '.join(sorted(extra))} is filled in by the loader; "
                                         "remove it", where=where))
        o = {k: v for k, v in o.items() if k not in extra}
        o.setdefault("unit", unit)
        o["line"], o["file"] = oline, str(ofile)
        out.append(o)
    return out


def _id_and_topic(metric: Metric, entry: _Item, seen: dict[str, str],
                  topics: Sequence[str] | None, *, several: bool) -> list[BriefbookError]:
    """A metric id given twice, a topic not of the project's; ``seen`` (id → where it was
    first) learns this one."""
    errors = []
    if metric.id in seen:
        errors.append(BriefbookError(f"metric {metric.id}: duplicate id (first at "
                                     f"{seen[metric.id]})", where=_place(entry.file, metric.line)))
    if topics is not None and metric.topic not in topics:
        close = did_you_mean(metric.topic, topics, near=LOOSE)
        errors.append(BriefbookError(
            f"metric {metric.id}: unknown topic {metric.topic!r}",
            where=_place(entry.file, entry.line("topic") or metric.line),
            hint=(f"did you mean {close[0]!r}? " if close else "")
            + "topics are listed under `topics:` in briefbook.yaml: " + "、".join(topics)))
    seen.setdefault(metric.id, f"{entry.file}:{metric.line}" if several else f"line {metric.line}")
    return errors


def _checked_observations(metric: Metric, corpus: Any, errors: list[BriefbookError]) -> Metric:
    """``metric`` with each observation checked against the corpus (its source is a paragraph,
    its quote is in it verbatim, its period reads as dates, its value follows from the quote)
    and given its publication day and the quote's magnitude; problems go to ``errors``."""
    checked: list[Observation] = []
    for j, obs in enumerate(metric.observations):
        label = f"metric {metric.id}, {obs.kind} observation {j + 1}"
        where = _obs_where(obs) or str(metric.file)
        try:
            para = corpus.paragraph(obs.source)
        except BriefbookError as exc:
            errors.append(BriefbookError(f"{label}: source {obs.source!r} is not a paragraph of "
                                         "the corpus", where=where, hint=exc.hint))
            checked.append(obs)
            continue
        update: dict[str, Any] = {"published": corpus.article(obs.article_id).published}
        try:
            parse_period(obs.period)
        except PeriodError as exc:
            errors.append(BriefbookError(
                f"{label}: period {obs.period!r}: {exc}", where=where,
                hint="write e.g. 2020年, 2023年底, 2020年6月—2021年7月, 十四五期间 or 未定期限"))
        if obs.quote not in para.text:
            errors.append(BriefbookError(
                f"{label}: quote {obs.quote!r} does not occur verbatim in {obs.source}",
                where=where, hint=f"the paragraph's closest text is "
                                  f"{_nearest(obs.quote, para.text)!r}"))
        if obs.value is not None:
            found = find_quantities(obs.quote)
            problem = _check_value(obs, found)
            if problem:
                errors.append(BriefbookError(f"{label}: {problem}; quote {obs.quote!r}",
                                             where=where))
            else:
                match = next(q for q in found if q.unit == obs.unit and q.plain == obs.value)
                update["magnitude"] = match.magnitude
        elif obs.qualifier is not None:
            errors.append(BriefbookError(f"{label}: a qualifier needs a value", where=where))
        checked.append(obs.model_copy(update=update))
    return metric.model_copy(update={"observations": tuple(checked)})


def _curation(metric: Metric, corpus: Any) -> list[BriefbookError]:
    """A curated status needs a reason citing paragraphs of the corpus, a reason needs a
    status, and the rubric must allow the curation."""
    here = _place(metric.file or "", metric.line)
    errors = []
    if metric.curated_status is not None:
        cited = PARAGRAPH_ID.findall(metric.curated_reason or "")
        if not cited:
            errors.append(BriefbookError(f"metric {metric.id}: status_reason must cite a "
                                         "paragraph id", where=here))
        for pid in cited:
            try:
                corpus.paragraph(pid)
            except BriefbookError as exc:
                errors.append(BriefbookError(f"metric {metric.id}: status_reason cites unknown "
                                             f"{pid!r}", where=here, hint=exc.hint))
    elif metric.curated_reason:
        errors.append(BriefbookError(f"metric {metric.id}: status_reason without status",
                                     where=here))
    try:
        metric.assessment  # noqa: B018 - raises ValueError when the rubric forbids the curation
    except ValueError as exc:
        errors.append(BriefbookError(f"metric {metric.id}: {exc}", where=here))
    return errors


#: Fields the loader fills in; never written in a catalog file.
_LOADER_FIELDS = {"line", "file", "as_of", "published", "magnitude"}


def catalog_json_schema(topics: Sequence[str] | None = None) -> dict[str, Any]:
    """The catalog file format as JSON Schema (draft 2020-12), from the typed models."""
    schema = Metric.model_json_schema(by_alias=True, mode="validation")
    defs = schema.pop("$defs", {})
    for model in [schema, *defs.values()]:
        props = model.get("properties", {})
        for name in _LOADER_FIELDS & set(props):
            del props[name]
        if "required" in model:
            model["required"] = [r for r in model["required"] if r not in _LOADER_FIELDS]
    if topics:
        schema["properties"]["topic"]["enum"] = list(topics)
    obs = defs["Observation"]
    obs["properties"]["unit"]["description"] = "only to override the metric's unit"
    obs["properties"]["period"]["description"] = (
        "e.g. 2020年, 2023年底, 2020年6月—2021年7月, 2021—2025年, 十四五期间, 未定期限, 尽快")
    linked = {**obs, "title": "LinkedObservation",
              "properties": {"metric": {"type": "string", "description": "id of a metric defined "
                                        "in any catalog file"}, **obs["properties"]},
              "required": ["metric", *obs.get("required", [])]}
    defs["LinkedObservation"] = linked
    defs["Metric"] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "briefbook metrics catalog file (corpus/metrics.yaml, corpus/metrics/*.yaml)",
        "type": "object", "additionalProperties": False,
        "properties": {
            "metrics": {"type": "array", "items": {"$ref": "#/$defs/Metric"}},
            "observations": {"type": "array", "items": {"$ref": "#/$defs/LinkedObservation"},
                             "description": "reports linked to metrics defined elsewhere"},
        },
        "anyOf": [{"required": ["metrics"]}, {"required": ["observations"]}],
        "$defs": defs,
    }

