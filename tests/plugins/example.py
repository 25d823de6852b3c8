"""Pytest plugin: the example project (the repository root: the Wuhan corpus) and throw-away
copies of it.

Gives: its folders (``REPO``, ``CORPUS_DIR``, ``BRIEFS_DIR``), ``example_project()``,
``copy_project(target)`` and ``project_with_stylesheet(target, css)``, and the fixtures
``example`` (the project, per session), ``corpus`` (its corpus, loaded once per session),
``project_copy`` and ``corpus_copy`` (a private copy of the project, or of its corpus folder,
that a test may change). Tests import the folders from here instead of from the package: where
a project lives is never the package's business.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from briefbook.corpus import Corpus, load_corpus
from briefbook.project import PROJECT_FILE, Project, load_project

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO / "corpus"
BRIEFS_DIR = REPO / "briefs"


@cache
def example_project() -> Project:
    return load_project(REPO)


def copy_project(target: Path, *, briefs: bool = True) -> Project:
    """A private copy of the example project (config, corpus, and optionally briefs)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / PROJECT_FILE, target / PROJECT_FILE)
    shutil.copytree(CORPUS_DIR, target / "corpus")
    if briefs:
        shutil.copytree(BRIEFS_DIR, target / "briefs")
    return load_project(target)


@pytest.fixture(scope="session")
def example() -> Project:
    return example_project()


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A private copy of the example project that a test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The corpus folder of a private copy of the example project, which a test may change."""
    return copy_project(tmp_path / "project", briefs=False).corpus_dir


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The example corpus, loaded once per session (tests only read it)."""
    return load_corpus(CORPUS_DIR)


def project_with_stylesheet(target: Path, css: str) -> Path:
    """A copy of the example project (in ``target``) whose ``styles/house.css`` is ``css``;
    returns its folder."""
    project = copy_project(target)
    (project.root / "styles").mkdir()
    (project.root / "styles" / "house.css").write_text(css, encoding="utf-8")
    config = project.config_path
    config.write_text(config.read_text(encoding="utf-8") + "stylesheet: styles/house.css\n",
                      encoding="utf-8")
    return project.root

