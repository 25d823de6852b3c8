"""Shared fixtures for the distribution tests: one base render, cached for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefbook import paths


@pytest.fixture(scope="session")
def sheet_brief() -> Path:
    return paths.BRIEFS_DIR / "summary-sheet.yaml"


@pytest.fixture(scope="session")
def renderer():
    from briefbook.render import Renderer

    return Renderer()


@pytest.fixture(scope="session")
def sheet_pdf(renderer, sheet_brief) -> bytes:
    return renderer.render(sheet_brief)
