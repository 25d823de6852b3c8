"""Fixtures for corpus tests: the real seed corpus, and throw-away copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.example import CORPUS_DIR, copy_project


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The corpus folder of a private copy of the example project, which a test may change."""
    return copy_project(tmp_path / "project", briefs=False).corpus_dir
