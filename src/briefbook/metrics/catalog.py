"""The metrics catalog: what was pledged, what was later reported, each tied to a quote.

Takes: the corpus (``briefbook.corpus.load_corpus(dir)``) and its folder's ``metrics.yaml``
(``dir/metrics.yaml``; the project's ``corpus/metrics.yaml`` for the default corpus).
Gives: a ``Catalog`` of ``Metric`` objects, each with its ``Observation`` s (pledged or
reported: value, qualifier, period, source paragraph id, verbatim quote), the latest
pledge and the latest report published on or after it (an earlier report is not its
outcome), a ``status`` from the rubric in ``status.py``, a one-line ``status_reason``
citing paragraph ids, and ``ratio`` (reported / pledged) when comparable.

Verification on load — every problem in the file is collected and raised together as one
``BriefbookErrors``, each naming ``metrics.yaml:LINE``, the metric id and the observation:
- the source id is a paragraph of the corpus and the quote occurs in its cleaned text verbatim;
- a numeric value follows from the quote: parsing the quote with ``numbers.py`` yields a
  quantity equal to the value in the metric's unit, with the same qualifier (a quote that
  says 近30份 cannot be catalogued as a plain 30);
- curated statuses only where the rubric cannot decide, and their reason cites a paragraph id.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from briefbook.errors import BriefbookError, BriefbookErrors
from briefbook.metrics.numbers import QUALIFIERS, Quantity, find_quantities, format_quantity
from briefbook.metrics.status import PeriodRelation, Status, assess
from briefbook.paths import CORPUS_DIR

__all__ = ["CATALOG_PATH", "TOPICS", "Catalog", "Metric", "Observation", "default_catalog_path",
           "load_catalog"]

CATALOG_PATH = CORPUS_DIR / "metrics.yaml"
TOPICS = ("就业与人才", "公共卫生", "城市建设", "生态环境", "营商环境", "政务服务", "基层治理",
          "科技创新", "文化旅游", "民生保障", "体制机制", "审计监督")
#: Limits on ``metrics.yaml`` (reported as errors naming the file, never a hang).
MAX_CATALOG_BYTES = 10_000_000
MAX_METRICS = 5_000
PARAGRAPH_ID = re.compile(r"[a-z]+-\d{4}-\d{2}-\d{2}/s\d+/p\d+")


class Observation(BaseModel):
    """One pledged or reported figure (or qualitative statement) with its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pledged", "reported"]
    value: int | float | None = None
    qualifier: str | None = None
    period: str = Field(min_length=1)
    source: str
    quote: str = Field(min_length=2)
    progress: Literal["done", "underway"] = "done"
    summary: str | None = None       # short wording shown for a qualitative observation
    unit: str = ""                    # filled from the metric unless the YAML overrides it
    # Filled at load time, not written in the YAML:
    published: dt.date | None = None
    magnitude: str | None = None      # 万/亿 as the quote writes it, for display
    line: int | None = None

    @field_validator("qualifier")
    @classmethod
    def _known_qualifier(cls, v: str | None) -> str | None:
        if v is not None and v not in QUALIFIERS:
            raise ValueError(f"qualifier must be one of {' '.join(QUALIFIERS)}")
        return v

    @field_validator("source")
    @classmethod
    def _paragraph_id(cls, v: str) -> str:
        if not PARAGRAPH_ID.fullmatch(v):
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
    topic: str
    observations: tuple[Observation, ...] = Field(min_length=1)
    periods: PeriodRelation | None = None   # how the report's period relates to the pledge's
    curated_status: Status | None = Field(default=None, alias="status")
    curated_reason: str | None = Field(default=None, alias="status_reason")
    note: str | None = None
    line: int | None = None

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, v: str) -> str:
        if v not in TOPICS:
            raise ValueError(f"topic must be one of {'、'.join(TOPICS)}")
        return v

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

    @cached_property
    def assessment(self) -> tuple[Status, str]:
        """(status, reason) from the rubric, worked out once per metric (it is frozen)."""
        p, r = self.pledged, self.reported
        curated = None
        if self.curated_status is not None:
            curated = (self.curated_status, self.curated_reason or "")
        return assess(p, r, unit_pledged=p.unit if p else None, unit_reported=r.unit if r else None,
                      periods=self.periods, curated=curated)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Metric:
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("assessment", None)   # the copy may differ: assess it afresh
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
        if p.unit != r.unit or r.progress != "done":
            return None
        relation = self.periods or ("same" if p.period == r.period else "different")
        if relation == "different":
            return None
        return r.value / p.value


@dataclass(frozen=True)
class Catalog:
    metrics: list[Metric]
    path: Path

    def get(self, metric_id: str) -> Metric:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        close = difflib.get_close_matches(metric_id, [m.id for m in self.metrics], n=3, cutoff=0.5)
        hint = ("did you mean " + ", ".join(close) + "?") if close else \
            "run `briefbook metrics` to list the ids"
        raise BriefbookError(f"unknown metric id {metric_id!r}", where=str(self.path), hint=hint)

    def topics(self) -> list[str]:
        return [t for t in TOPICS if any(m.topic == t for m in self.metrics)]


# --------------------------------------------------------------------------- loading

def _lines(node: yaml.Node) -> Any:
    """Mirror a composed YAML node as nested dict/list of 1-based start lines."""
    if isinstance(node, yaml.MappingNode):
        return {"__line__": node.start_mark.line + 1,
                **{k.value: _lines(v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}}
    if isinstance(node, yaml.SequenceNode):
        return [_lines(v) for v in node.value]
    return node.start_mark.line + 1


def _read(path: Path) -> tuple[list[dict[str, Any]], list[Any]]:
    from briefbook.brief.safeyaml import load_yaml, read_text

    data, node = load_yaml(read_text(path, "the metrics catalog", MAX_CATALOG_BYTES), str(path))
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), list):
        raise BriefbookError("expected a mapping with a `metrics:` list", where=str(path))
    if len(data["metrics"]) > MAX_METRICS:
        raise BriefbookError(f"{len(data['metrics']):,} metrics; the limit is {MAX_METRICS:,}",
                             where=str(path))
    lines = _lines(node)["metrics"]
    return data["metrics"], lines


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
    from (``CATALOG_PATH`` for a corpus that does not know its folder)."""
    root = getattr(corpus, "root", None)
    return Path(root) / "metrics.yaml" if root is not None else CATALOG_PATH


def load_catalog(corpus: Any, path: Path | None = None) -> Catalog:
    """Load and verify ``path`` (default: the corpus folder's ``metrics.yaml``) against
    ``corpus``.

    Raises one ``BriefbookErrors`` listing every problem found.
    """
    path = Path(path) if path is not None else default_catalog_path(corpus)
    entries, lines = _read(path)
    errors: list[BriefbookError] = []
    metrics: list[Metric] = []
    seen: dict[str, int] = {}

    def err(line: int | None, message: str, hint: str | None = None) -> None:
        errors.append(BriefbookError(message, where=f"{path}:{line}" if line else str(path), hint=hint))

    for i, raw in enumerate(entries):
        lmap = lines[i] if i < len(lines) and isinstance(lines[i], dict) else {}
        mline = lmap.get("__line__")
        mid = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        if not isinstance(raw, dict):
            err(mline, f"metric {mid}: expected a mapping")
            continue
        raw_obs = raw.get("observations") or []
        obs_lines = lmap.get("observations") or []
        observations: list[dict[str, Any]] = []
        for j, o in enumerate(raw_obs if isinstance(raw_obs, list) else []):
            oline = obs_lines[j].get("__line__") if j < len(obs_lines) and isinstance(obs_lines[j], dict) else mline
            if not isinstance(o, dict):
                err(oline, f"metric {mid}, observation {j + 1}: expected a mapping")
                continue
            extra = {"published", "magnitude", "line"} & set(o)
            if extra:
                err(oline, f"metric {mid}, observation {j + 1}: {', '.join(sorted(extra))} "
                           "is filled in by the loader; remove it")
            o = {k: v for k, v in o.items() if k not in extra}
            o.setdefault("unit", raw.get("unit", ""))
            o["line"] = oline
            observations.append(o)
        try:
            metric = Metric.model_validate({**raw, "observations": observations, "line": mline})
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(x) for x in e["loc"])
                line = mline
                if len(e["loc"]) >= 2 and e["loc"][0] == "observations" and isinstance(e["loc"][1], int):
                    line = observations[e["loc"][1]].get("line", mline) if e["loc"][1] < len(observations) else mline
                err(line, f"metric {mid}: {loc}: {e['msg']}")
            continue
        if metric.id in seen:
            err(mline, f"metric {metric.id}: duplicate id (first at line {seen[metric.id]})")
        seen.setdefault(metric.id, mline or 0)

        checked: list[Observation] = []
        for j, obs in enumerate(metric.observations):
            label = f"metric {metric.id}, {obs.kind} observation {j + 1}"
            try:
                para = corpus.paragraph(obs.source)
            except BriefbookError as exc:
                err(obs.line, f"{label}: source {obs.source!r} is not a paragraph of the corpus",
                    hint=exc.hint)
                checked.append(obs)
                continue
            update: dict[str, Any] = {"published": corpus.article(obs.article_id).published}
            if obs.quote not in para.text:
                err(obs.line, f"{label}: quote {obs.quote!r} does not occur verbatim in {obs.source}",
                    hint=f"the paragraph's closest text is {_nearest(obs.quote, para.text)!r}")
            if obs.value is not None:
                found = find_quantities(obs.quote)
                problem = _check_value(obs, found)
                if problem:
                    err(obs.line, f"{label}: {problem}; quote {obs.quote!r}")
                else:
                    match = next(q for q in found if q.unit == obs.unit and q.plain == obs.value)
                    update["magnitude"] = match.magnitude
            elif obs.qualifier is not None:
                err(obs.line, f"{label}: a qualifier needs a value")
            checked.append(obs.model_copy(update=update))
        metric = metric.model_copy(update={"observations": tuple(checked)})

        if metric.curated_status is not None:
            reason = metric.curated_reason or ""
            cited = PARAGRAPH_ID.findall(reason)
            if not cited:
                err(mline, f"metric {metric.id}: status_reason must cite a paragraph id")
            for pid in cited:
                try:
                    corpus.paragraph(pid)
                except BriefbookError as exc:
                    err(mline, f"metric {metric.id}: status_reason cites unknown {pid!r}", hint=exc.hint)
        elif metric.curated_reason:
            err(mline, f"metric {metric.id}: status_reason without status")
        try:
            metric.assessment  # noqa: B018 - raises ValueError when the rubric forbids the curation
        except ValueError as exc:
            err(mline, f"metric {metric.id}: {exc}")
        metrics.append(metric)

    if errors:
        raise BriefbookErrors(errors)
    return Catalog(metrics=metrics, path=path)
