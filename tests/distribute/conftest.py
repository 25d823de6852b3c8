"""Shared fixtures for the distribution tests: one base render, cached for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.example import BRIEFS_DIR, example_project


@pytest.fixture(scope="session")
def sheet_brief() -> Path:
    return BRIEFS_DIR / "summary-sheet.yaml"


@pytest.fixture(scope="session")
def renderer():
    from briefbook.render import Renderer

    return Renderer(example_project())


@pytest.fixture(scope="session")
def sheet_pdf(renderer, sheet_brief) -> bytes:
    return renderer.render(sheet_brief)
