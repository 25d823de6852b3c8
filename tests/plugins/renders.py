"""Pytest plugin: renders of the example project, made once per test session.

Gives the session fixtures ``renderer`` (one long-lived ``Renderer`` of the example project,
so its corpus, catalog and WeasyPrint writer are loaded once), ``sheet_brief`` (the summary
sheet's brief file) and ``sheet_pdf`` (that brief rendered: the base of the editions tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from plugins.example import BRIEFS_DIR, example_project

if TYPE_CHECKING:
    from briefbook.render import Renderer


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    # imported here: briefbook.render loads WeasyPrint (about a second), which tests that do
    # not render never pay
    from briefbook.render import Renderer

    return Renderer(example_project())


@pytest.fixture(scope="session")
def sheet_brief() -> Path:
    return BRIEFS_DIR / "summary-sheet.yaml"


@pytest.fixture(scope="session")
def sheet_pdf(renderer: Renderer, sheet_brief: Path) -> bytes:
    return renderer.render(sheet_brief)
