"""A briefing project: the folder every command works in, handed to each stage as a value.

Takes: a folder with ``briefbook.yaml`` at its root (found by walking up from a brief's folder
or the current folder, or named with ``--project``).
Gives: a ``Project`` — where its corpus, briefs, stylesheet and caches are, its events and
topics, the defaults its briefs inherit. The stages read their inputs from it
(``corpus.load_project_corpus``, ``metrics.load_project_catalog``); this package imports no
stage. Bad project files end in one ``BriefbookError`` with file:line:column; a project
inside another project is refused.

Layout (as Quarto's ``_quarto.yml`` or mkdocs' ``mkdocs.yml``)::

    briefbook.yaml      title, defaults, events, topics, stylesheet
    corpus/             sources.yaml, raw/, corrections.yaml, ids.lock, metrics.yaml
    briefs/             *.yaml
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.project.config import Event, ProjectConfig
from briefbook.project.load import read_config

PROJECT_FILE = "briefbook.yaml"
MAX_PROJECT_BYTES = 1_000_000

__all__ = ["PROJECT_FILE", "Project", "find_project", "load_project"]


@dataclass(frozen=True)
class Project:
    """A project folder and its validated config."""

    root: Path
    config: ProjectConfig

    @property
    def config_path(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def catalog_path(self) -> Path:
        """The main catalog file (more may sit in ``corpus/metrics/*.yaml``)."""
        return self.corpus_dir / "metrics.yaml"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "briefbook"

    @property
    def stylesheet(self) -> Path | None:
        """The project's own CSS (checked: inside the project, no @import, no outside URLs)."""
        return self.root / self.config.stylesheet if self.config.stylesheet else None

    @cached_property
    def events(self) -> tuple[Event, ...]:
        return tuple(Event(id=e.id, name=e.name, date=e.date, short=e.short, kind=e.kind)
                     for e in self.config.events)

    @property
    def events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self.config.topics)

    def brief_defaults(self) -> dict[str, object]:
        """Front matter a brief inherits (its own fields win)."""
        return self.config.defaults.model_dump(mode="json", exclude_none=True)

    def briefs(self) -> list[Path]:
        return sorted(self.briefs_dir.glob("*.yaml"))


def load_project(root: Path) -> Project:
    """Read and validate ``root/briefbook.yaml``."""
    root = Path(root).resolve()
    if not (root / PROJECT_FILE).is_file():
        raise BriefbookError(f"no {PROJECT_FILE} here, so this is not a briefbook project",
                             where=str(root),
                             hint="run `briefbook init DIR` to start a project, or pass "
                                  "--project pointing at the folder that holds briefbook.yaml")
    project = Project(root=root, config=read_config(root / PROJECT_FILE))
    if project.stylesheet is not None:
        # imported here: the stylesheet checker (tinycss2, cssselect2, the font tables) costs
        # ~0.1 s at start-up, and only a project with its own stylesheet needs it
        from briefbook.project.stylesheet import check_stylesheet

        check_stylesheet(project.stylesheet, project.root,
                         where=str(project.config_path))
    return project


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``briefbook.yaml``."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def find_project(start: Path | None = None, override: Path | None = None) -> Project:
    """The project for a command: ``override`` (``--project``) if given, else found by walking
    up from ``start`` (a brief or a folder), else from the current folder — so a draft brief
    kept outside the project renders with the project the command is run in."""
    if override is not None:
        override = Path(override)
        if override.is_file() and override.name == PROJECT_FILE:
            override = override.parent
        if not override.is_dir():
            raise BriefbookError("--project names no folder", where=str(override),
                                 hint="pass the folder that holds briefbook.yaml")
        root = override.resolve()
    else:
        folders = [Path.cwd()]
        if start is not None:
            start = Path(start)
            folders.insert(0, start if start.is_dir() else start.parent)
        found = next((r for r in map(find_root, folders) if r is not None), None)
        if found is None:
            raise BriefbookError(
                f"no {PROJECT_FILE} in {' or '.join(str(f.resolve()) for f in folders)}"
                " or any folder above",
                hint="run the command inside a project, pass --project DIR, or start one "
                     "with `briefbook init DIR`")
        root = found
    outer = find_root(root.parent) if root.parent != root else None
    if outer is not None:
        raise BriefbookError(
            f"this project is inside another project ({outer / PROJECT_FILE})",
            where=str(root / PROJECT_FILE),
            hint="projects cannot nest: move one of them, or remove the inner briefbook.yaml")
    return load_project(root)
