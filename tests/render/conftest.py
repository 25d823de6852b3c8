"""Renders the example briefs once per test session with one long-lived Renderer."""

from pathlib import Path

import pytest

from briefbook.render import Renderer
from plugins.example import BRIEFS_DIR, example_project

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer(example_project())


@pytest.fixture(scope="session")
def example_pdfs(renderer) -> dict[str, bytes]:
    return {name: renderer.render(BRIEFS_DIR / f"{name}.yaml") for name in EXAMPLES}


@pytest.fixture
def brief_file(tmp_path):
    """Write a brief from text; returns its path."""

    def write(text: str, name: str = "brief.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
