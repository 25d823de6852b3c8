"""Managing a project's corpus where briefs and metrics are concerned: who cites an article,
``briefbook corpus remove`` that refuses while anyone does, and ``briefbook corpus rename``
that renames an article everywhere it is named by id.

Takes: a ``Project`` and an article id (and, to rename, the new one).
Gives: ``citations(project, article_id)`` — every place in ``briefs/*.yaml`` and the metrics
catalog files (``corpus/metrics.yaml``, ``corpus/metrics/*.yaml``) whose value is the
article's id or one of its section or paragraph ids, as ``Citation`` (file, line, the YAML path
— list items named by their ``id:`` where they have one, as in
``metrics[bus-routes].observations[0].source`` — and the id);
and ``remove_uncited(project, article_id)``, which raises a ``BriefbookError`` naming each
citation (nothing changed) or removes the article through ``corpus.remove``. The files are read
as YAML, not as briefs or catalogs, so a brief that does not validate still counts; a file that
is not YAML at all stops the removal (it cannot be told not to cite the article).

``rename_article(project, old, new)`` renames the article and its ids in the corpus
(``corpus.rename``: sources.yaml, ids.lock, corrections.yaml, the raw files named after it),
the catalog (``metrics.rename``) and the briefs (``brief.rename``): every new text is made
first and proved — the corpus built from it against the renamed lock, the catalog loaded,
each renamed brief checked — and only then written, all or nothing
(``core.filegroup.commit``); with ``dry_run`` nothing is written. It gives a ``Renamed``: what
changed, and the lines that still name the old id in text or comments (left as written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefbook.brief.rename import brief_renames, check_renamed_brief
from briefbook.core.errors import BriefbookError, shown
from briefbook.core.filegroup import Move, Rewrite, commit
from briefbook.core.safeyaml import load_yaml_file, read_text
from briefbook.corpus import Corpus, load_project_corpus
from briefbook.corpus.remove import Removed, check_known, owns, remove_article
from briefbook.corpus.rename import mentions, plan_rename, renamed_corpus
from briefbook.metrics.catalog import Catalog, catalog_files, load_catalog
from briefbook.metrics.rename import catalog_renames, check_renamed_catalog
from briefbook.project import Project

#: Citations a refusal lists before saying how many more there are.
MAX_LISTED = 50


@dataclass(frozen=True)
class Citation:
    """One value citing the article: ``file:line``, where in the YAML (``sections[2].quotes[0]``)
    and the id it gives."""

    file: Path
    line: int
    path: str
    cited: str

    def shown(self, root: Path) -> str:
        try:
            name = self.file.relative_to(root)
        except ValueError:
            name = self.file
        return f"{name}:{self.line}: {self.path or '(top)'} = {shown(self.cited)}"


def _scalars(node: yaml.Node, path: str) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """Every scalar value under ``node`` with its YAML path (mapping keys are not values)."""
    if isinstance(node, yaml.ScalarNode):
        yield path, node
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            yield from _scalars(child, f"{path}[{_item_id(child) or i}]")
    elif isinstance(node, yaml.MappingNode):
        for key, child in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            yield from _scalars(child, f"{path}.{name}" if path else str(name))


def _item_id(node: yaml.Node) -> str | None:
    """A list item's ``id:`` (a metric's), which names it better than its index."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (isinstance(key, yaml.ScalarNode) and key.value == "id"
                    and isinstance(value, yaml.ScalarNode) and value.value):
                return str(value.value)
    return None


def cited_in(file: Path, article_id: str) -> list[Citation]:
    """The values of ``file`` (YAML) that are the article's id or one of its ids."""
    _, root = load_yaml_file(file, "a file that may cite the article")
    if root is None:
        return []
    return [Citation(file, node.start_mark.line + 1, path, str(node.value))
            for path, node in _scalars(root, "")
            if isinstance(node.value, str) and owns(article_id, node.value.strip())]


def citations(project: Project, article_id: str) -> list[Citation]:
    """Every citation of the article in the project's briefs, then its catalog files."""
    files = [*project.briefs(), *catalog_files(project.corpus_dir)]
    return [c for f in files for c in cited_in(f, article_id)]


def remove_uncited(project: Project, article_id: str) -> Removed:
    """Remove the article unless a brief or a metric cites it (then: an error naming each
    citation, nothing changed)."""
    check_known(project.corpus_dir, article_id)
    found = citations(project, article_id)
    if found:
        listed = "\n    ".join(c.shown(project.root) for c in found[:MAX_LISTED])
        more = f"\n    … {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
        files = len({c.file for c in found})
        raise BriefbookError(
            f"{shown(article_id)} is cited {len(found)} time(s) in {files} file(s); nothing was "
            f"removed:\n    {listed}{more}", where="corpus remove",
            hint="remove or replace these citations first, then run `briefbook corpus remove` "
                 "again")
    return remove_article(project.corpus_dir, article_id)



# --------------------------------------------------------------------------- rename

#: Lines still naming the old id that a rename lists (then how many more there are).
MAX_MENTIONS = 20


@dataclass(frozen=True)
class Renamed:
    """What ``rename_article`` changed (with ``dry_run``: would change)."""

    old: str
    new: str
    title: str
    rewrites: tuple[Rewrite, ...]      # each file edited, how many values changed in it
    moves: tuple[Move, ...]            # files renamed
    kept_names: tuple[str, ...]        # the article's files not named after it (kept)
    mentions: tuple[tuple[Path, int], ...]   # file, line still naming the old id as text
    notes: tuple[str, ...]             # what could not be verified, and why
    dry_run: bool


def rename_article(project: Project, old: str, new: str, *, dry_run: bool = False) -> Renamed:
    """Rename article ``old`` to ``new`` everywhere its ids are (see the module docstring)."""
    corpus_dir = project.corpus_dir
    check_known(corpus_dir, old)
    before = load_project_corpus(project)   # the corpus must load as it is
    plan = plan_rename(corpus_dir, old, new)
    files = catalog_files(corpus_dir)
    catalog = catalog_renames(files, old, new)
    briefs = brief_renames(project.briefs(), old, new)
    after = renamed_corpus(corpus_dir, plan)
    notes = _prove(project, before, after, files, catalog, briefs)
    rewrites = (*plan.rewrites, *catalog, *briefs)
    if not dry_run:
        commit(rewrites, plan.moves)
    new_texts = {r.path: r.new for r in rewrites}
    named = [(f, line) for f in [*(r.path for r in plan.rewrites), *files, *project.briefs()]
             for line in mentions(new_texts.get(f) or _text(f), old)]
    return Renamed(old=old, new=new, title=before.article(old).title, rewrites=rewrites,
                   moves=plan.moves, kept_names=plan.kept_names,
                   mentions=tuple(dict.fromkeys(named)), notes=tuple(notes), dry_run=dry_run)


def _text(path: Path) -> str:
    return read_text(path, "a file that may name the article") if path.is_file() else ""


def _prove(project: Project, before: Corpus, after: Corpus, files: list[Path],
           catalog: list[Rewrite], briefs: list[Rewrite]) -> list[str]:
    """Load the renamed catalog and check each renamed brief (raises when the rename would
    break one that was whole); the notes on what could not be verified."""
    renamed, note = check_renamed_catalog(before, after, files, catalog, project.topics)
    if note is not None:
        return [note] + ([f"{len(briefs)} brief(s) had their quotes renamed but were not "
                          "checked (the catalog does not load)"] if briefs else [])
    notes = []
    for rewrite in briefs:
        said = check_renamed_brief(
            rewrite, after=_check_args(project, after, renamed),
            before=lambda: _check_args(project, before, load_catalog(before, files,
                                                                       topics=project.topics)
                                       if files else None))
        if said is not None:
            notes.append(said)
    return notes


def _check_args(project: Project, corpus: Corpus, catalog: Catalog | None) -> dict[str, Any]:
    """What ``check_brief`` is given for a brief of ``project`` (as ``render.Renderer.check``
    gives it, without the work budget: a rename does not change it)."""
    metrics = catalog.metrics if catalog is not None else []
    published = {a.id: a.published for a in corpus.articles}
    published.update({m.id: min(o.published or dt.date.min for o in m.observations)
                      for m in metrics})
    return {"corpus_ids": set(corpus.ids()), "metric_ids": {m.id for m in metrics},
            "published": published, "defaults": project.brief_defaults(),
            "metric_topics": {m.id: m.topic for m in metrics}}
