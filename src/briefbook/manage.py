"""Managing a project's corpus where briefs and metrics are concerned: who cites an article, and
``briefbook corpus remove`` that refuses while anyone does.

Takes: a ``Project`` and an article id.
Gives: ``citations(project, article_id)`` — every place in ``briefs/*.yaml`` and the metrics
catalog files (``corpus/metrics.yaml``, ``corpus/metrics/*.yaml``) whose value is the
article's id or one of its section or paragraph ids, as ``Citation`` (file, line, the YAML path
— list items named by their ``id:`` where they have one, as in
``metrics[bus-routes].observations[0].source`` — and the id);
and ``remove_uncited(project, article_id)``, which raises a ``BriefbookError`` naming each
citation (nothing changed) or removes the article through ``corpus.remove``. The files are read
as YAML, not as briefs or catalogs, so a brief that does not validate still counts; a file that
is not YAML at all stops the removal (it cannot be told not to cite the article).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefbook.core.errors import BriefbookError, shown
from briefbook.core.safeyaml import load_yaml_file
from briefbook.corpus.remove import Removed, check_known, owns, remove_article
from briefbook.metrics.catalog import catalog_files
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

