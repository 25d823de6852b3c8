"""Fixtures for the reliability tests: one long-lived Renderer, throw-away corpus copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefbook.paths import CORPUS_DIR
from briefbook.render import Renderer


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target
