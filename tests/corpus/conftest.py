"""Fixtures for corpus tests: the real seed corpus, and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefbook.paths import CORPUS_DIR


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus folder that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target

