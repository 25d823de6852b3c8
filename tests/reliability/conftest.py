"""Fixtures for the reliability tests: one long-lived Renderer, throw-away corpus copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefbook.render import Renderer
from plugins.example import copy_project, example_project


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer(example_project())


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The corpus folder of a private copy of the example project, which a test may change."""
    return copy_project(tmp_path / "project", briefs=False).corpus_dir
