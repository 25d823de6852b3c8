"""Linking draft entries into the metrics catalog (``briefbook metrics link``).

Takes: a project (or its corpus and catalog files), a metric id, draft references (``FILE#N``,
or ``FILE`` for its entries whose ``metric:`` is the id) and ``LinkOptions`` (``--new`` with
its label, topic and unit; the catalog file to add to; the catalog files to check against).
Gives: ``link_into_project(...)`` — the edit made and written atomically to the target
(``CORPUS/metrics/linked.yaml`` unless ``into``), as a ``LinkResult`` the CLI prints; and
``link(...)`` — the target's new text only (nothing written), as a ``Linked``, made only when
the whole catalog still loads with it. Every catalog field of each kept entry is kept. An
existing target is edited in place (``core.roundtrip``): the new entries are added at the end of
its ``metrics:`` or ``observations:`` list, and its comments, layout and other entries stay as
they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.fileio import write_atomic
from briefbook.core.roundtrip import append_to_list
from briefbook.core.safeyaml import read_text
from briefbook.corpus import load_project_corpus
from briefbook.metrics.catalog import (
    MAX_CATALOG_BYTES,
    Catalog,
    Metric,
    Observation,
    catalog_files,
    load_catalog,
)
from briefbook.metrics.draft import check_entry, draft_entries, observation
from briefbook.project import Project

#: The head of a catalog file written by ``briefbook metrics link``.
LINKED_HEADER = """\
# Catalog file written by `briefbook metrics link` (verified on every load like metrics.yaml).
# `metrics:` new metrics; `observations:` reports linked to metrics defined in other files.
"""


@dataclass(frozen=True)
class Linked:
    """What ``link`` made: the new text of the catalog file, the observations added (as
    written), and the metric as the whole catalog loads with them."""

    text: str
    observations: list[dict[str, Any]]
    metric: Metric
    #: Entries not added because the metric already has them (``FILE#N (at FILE:LINE)``).
    skipped: tuple[str, ...] = ()


def link(corpus: Any, files: Sequence[Path], target: Path, metric_id: str, refs: Sequence[str],
         *, new: bool = False, label: str | None = None, topic: str | None = None,
         unit: str | None = None, topics: Sequence[str] | None = None) -> Linked:
    """Draft entries (``refs``: ``FILE#N``, or ``FILE`` for its entries whose ``metric:`` is
    ``metric_id``) added to ``metric_id`` in the catalog file ``target`` — a new metric with
    ``new`` (label, topic and unit from the options, else from the first entry). Every entry
    is checked against the corpus first (``draft.check_entry``) and every catalog field it
    holds is kept (``draft.observation``); the text is returned only when the whole catalog —
    ``files`` with ``target``'s new text — still loads. Nothing is written here.

    An entry the metric already has (same kind, source, quote, value and qualifier, in any
    catalog file, or given twice) is not added again: it is listed in ``skipped``, and when
    every entry is, ``observations`` is empty and ``text`` is the target's text unchanged. One
    that differs from the linked one in period, progress, summary or unit is an error naming
    where the linked one is (edit it there).
    """
    files, current, known = _catalog_now(corpus, files, target, metric_id, new=new,
                                         topics=topics)
    picked, origins = _picked_entries(corpus, refs, metric_id)
    had = current.get(metric_id) if current is not None and metric_id in known else None
    picked, origins, skipped = _unlinked(picked, origins, metric_id,
                                         had.unit if had else None,
                                         had.observations if had else ())
    if not picked:
        if current is None or metric_id not in known:
            raise BriefbookError("no draft entries given", hint="name entries as FILE#N")
        text = read_text(target, "the catalog file") if target.exists() else ""
        return Linked(text, [], current.get(metric_id), tuple(skipped))

    obs = [observation(e) for e in picked]
    key, added = _additions(obs, picked, metric_id, current, new=new, label=label, topic=topic,
                            unit=unit)
    text = _with_additions(target, key, added)
    others = [f for f in files if f.resolve() != target.resolve()]
    try:                                    # the whole catalog with the new text, not written
        after = load_catalog(corpus, others + [target], topics=topics,
                             texts={target: text}).get(metric_id)
    except BriefbookErrors as exc:
        lines = _added_lines(text, new=new, count=len(obs))
        raise BriefbookErrors([_as_linked(e, target, lines, origins, metric_id)
                               for e in exc.errors]) from None
    return Linked(text, obs, after, tuple(skipped))


def _catalog_now(corpus: Any, files: Sequence[Path], target: Path, metric_id: str, *,
                 new: bool, topics: Sequence[str] | None,
                 ) -> tuple[list[Path], Catalog | None, set[str]]:
    """The catalog files (``target`` among them when it exists), the catalog they load as and
    its metric ids; an error when ``--new`` names a known metric or its absence an unknown one."""
    files = list(files)
    if target.exists() and target.resolve() not in [f.resolve() for f in files]:
        files.append(target)
    current = load_catalog(corpus, files, topics=topics) if files else None
    known = {m.id for m in current.metrics} if current else set()
    if metric_id in known and new:
        raise BriefbookError(f"metric {metric_id!r} already exists", hint="drop --new to add to it")
    if metric_id not in known and not new:
        if current is not None:
            current.get(metric_id)          # raises with a did-you-mean
        raise BriefbookError(f"unknown metric id {metric_id!r}", hint="add --new to create it")
    return files, current, known


def _picked_entries(corpus: Any, refs: Sequence[str], metric_id: str,
                    ) -> tuple[list[dict[str, Any]], list[str]]:
    """The draft entries ``refs`` name for ``metric_id``, each checked against the corpus, and
    the ``FILE#N`` of each."""
    picked: list[dict[str, Any]] = []
    origins: list[str] = []                 # FILE#N of each picked entry
    for ref in refs:
        _, pairs = draft_entries(ref)
        if "#" not in ref:
            pairs = [p for p in pairs if p[1].get("metric") == metric_id]
            if not pairs:
                raise BriefbookError(f"no entry of {ref} has `metric: {metric_id}`", where=ref,
                                     hint="set `metric:` on the entries to keep, "
                                          "or name them FILE#N")
        for where, entry in pairs:
            if entry.get("metric") not in (None, metric_id):
                raise BriefbookError(f"{where} is marked for metric {entry['metric']!r}, not "
                                     f"{metric_id!r}", where=where, hint="fix its `metric:`")
            check_entry(entry, corpus, where)
            picked.append(entry)
            origins.append(where)
    return picked, origins


def _with_additions(target: Path, key: str, added: list[dict[str, Any]]) -> str:
    """The target catalog file's text with ``added`` at the end of its ``key`` list: a new file
    is ``LINKED_HEADER`` and both lists; an existing one is edited in place
    (``core.roundtrip``), its comments, layout and entries as they were."""
    if not target.exists():
        doc: dict[str, Any] = {"metrics": [], "observations": []}
        doc[key] = added
        return LINKED_HEADER + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                                              width=100)
    text = read_text(target, "the catalog file", MAX_CATALOG_BYTES)
    return append_to_list(text, str(target), key, added, what="the catalog file")


def _additions(obs: list[dict[str, Any]], picked: list[dict[str, Any]], metric_id: str,
               current: Catalog | None, *, new: bool, label: str | None, topic: str | None,
               unit: str | None) -> tuple[str, list[dict[str, Any]]]:
    """What ``obs`` add to the catalog file: with ``new``, a metric for ``metrics:``; else
    reports of the known one for ``observations:``. A unit its metric implies is dropped from
    each observation (in ``obs`` too: they are returned as written)."""
    if new:
        first = picked[0]
        chosen_unit = unit if unit is not None else str(first.get("unit") or "")
        _drop_unit(obs, chosen_unit)
        return "metrics", [{"id": metric_id, "label": label or first.get("label") or metric_id,
                            "unit": chosen_unit, "topic": topic or first.get("topic"),
                            "observations": obs}]
    assert current is not None
    _drop_unit(obs, current.get(metric_id).unit)   # the metric's unit is implied
    return "observations", [{"metric": metric_id, **o} for o in obs]


def _drop_unit(obs: list[dict[str, Any]], implied: str) -> None:
    for o in obs:
        if o.get("unit") == implied:
            o.pop("unit")


#: What makes a linked observation the same one: a second link of it is skipped.
_SAME = ("kind", "source", "quote", "value", "qualifier")
#: What else a catalog observation says: a second link that differs here is an error.
_REST = ("period", "progress", "summary", "unit")


def _unlinked(picked: list[dict[str, Any]], origins: list[str], metric_id: str,
              metric_unit: str | None, existing: Sequence[Observation]
              ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The draft entries of ``picked`` that ``metric_id`` does not have yet (in ``existing``
    or earlier in ``picked``), their origins, and a line for each one skipped. An entry that
    matches a linked observation in ``_SAME`` but not in ``_REST`` is an error."""
    def same(o: dict[str, Any] | Observation) -> tuple[Any, ...]:
        get = o.get if isinstance(o, dict) else lambda k: getattr(o, k)
        # numbers compare as numbers (10 == 10.0); anything else a draft may hold, as text
        return tuple(v if v is None or isinstance(v, (int, float, str)) else repr(v)
                     for v in (get(k) for k in _SAME))

    def rest(o: dict[str, Any] | Observation) -> dict[str, Any]:
        if isinstance(o, Observation):
            return {k: getattr(o, k) for k in _REST}
        out = {k: o.get(k) for k in _REST}
        out["unit"] = out["unit"] or metric_unit or ""
        return out

    seen: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    for old in existing:
        seen.setdefault(same(old), (f"{old.file}:{old.line}" if old.file else "the catalog",
                                    rest(old)))
    keep: list[dict[str, Any]] = []
    kept_origins: list[str] = []
    skipped: list[str] = []
    for entry, where in zip(picked, origins, strict=True):
        obs = observation(entry)
        key = same(obs)
        if key in seen:
            at, fields = seen[key]
            differ = [k for k in _REST if rest(obs)[k] != fields[k]]
            if differ:
                k = differ[0]
                raise BriefbookError(
                    f"{metric_id} already has this observation (at {at}) with {k} "
                    f"{fields[k]!r}, not {rest(obs)[k]!r}; nothing written", where=where,
                    hint=f"to change it, edit it at {at}; to add it as it is, delete that one "
                         "first")
            skipped.append(f"{where} (given twice)" if at == where
                           else f"{where} (already at {at})")
            continue
        seen[key] = (where, rest(obs))
        keep.append(entry)
        kept_origins.append(where)
    return keep, kept_origins, skipped


def _added_lines(text: str, *, new: bool, count: int) -> list[int]:
    """The 1-based lines of the ``count`` observations ``link`` appended to ``text`` (under the
    last metric when ``new``, else the last of ``observations:``)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    top = {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
    items: list[yaml.Node] = []
    if new and isinstance(top.get("metrics"), yaml.SequenceNode) and top["metrics"].value:
        last = top["metrics"].value[-1]
        fields = {k.value: v for k, v in last.value} if isinstance(last, yaml.MappingNode) else {}
        obs = fields.get("observations")
        items = obs.value if isinstance(obs, yaml.SequenceNode) else []
    elif not new and isinstance(top.get("observations"), yaml.SequenceNode):
        items = top["observations"].value
    return [n.start_mark.line + 1 for n in items[-count:]] if count else []


def _as_linked(error: BriefbookError, target: Path, lines: list[int], origins: list[str],
               metric_id: str) -> BriefbookError:
    """A problem of the catalog as ``link`` would write it, named by the user's files: the draft
    entry (FILE#N) it comes from and the catalog file, never the unwritten text's lines."""
    prefix, where = f"{target}:", error.where or ""
    if not where.startswith(prefix):
        return error                        # in another catalog file: its lines are real
    line = where[len(prefix):]
    entry = origins[lines.index(int(line))] if line.isdigit() and int(line) in lines else None
    if entry is not None:
        return BriefbookError(f"{error.message} — linking {entry} to {metric_id} in {target} "
                              "(nothing written)", where=entry, hint=error.hint)
    return BriefbookError(f"{error.message} — linking to {metric_id} in {target} "
                          f"({', '.join(origins)}; nothing written)", where=str(target),
                          hint=error.hint)


# --------------------------------------------------------------------------- the stage


@dataclass(frozen=True)
class LinkOptions:
    """How ``link_into_project`` links: ``new`` creates the metric (``label``, ``topic`` and
    ``unit`` override the first entry's guesses); ``into`` is the catalog file to add to
    (default ``linked_path(project)``); ``catalog`` the files to check against (default the
    corpus folder's ``catalog.catalog_files``)."""

    new: bool = False
    label: str | None = None
    topic: str | None = None
    unit: str | None = None
    into: Path | None = None
    catalog: tuple[Path, ...] = ()


@dataclass(frozen=True)
class LinkResult:
    """What ``link_into_project`` did: the catalog file, the observations added (none: the
    file was left unchanged), the entries skipped (``FILE#N (…)``) and the metric as the
    whole catalog now loads."""

    target: Path
    added: int
    skipped: tuple[str, ...]
    metric: Metric

    @property
    def written(self) -> bool:
        return self.added > 0


def linked_path(project: Project) -> Path:
    """The catalog file ``metrics link`` adds to by default: ``CORPUS/metrics/linked.yaml``."""
    return project.corpus_dir / "metrics" / "linked.yaml"


def link_into_project(project: Project, metric_id: str, refs: Sequence[str],
                      options: LinkOptions = LinkOptions()) -> LinkResult:
    """``link`` on the project's corpus and catalog, the new text written atomically to the
    target — only when something was added (else the file is untouched)."""
    target = options.into or linked_path(project)
    files = list(options.catalog) or catalog_files(project.corpus_dir)
    linked = link(load_project_corpus(project), files, target, metric_id, refs,
                  new=options.new, label=options.label, topic=options.topic,
                  unit=options.unit, topics=project.topics)
    if linked.observations:
        write_atomic(target, linked.text.encode("utf-8"))
    return LinkResult(target, len(linked.observations), linked.skipped, linked.metric)
