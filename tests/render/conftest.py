"""Fixtures for the render tests: every example brief rendered once per session (with the
session's ``renderer``, plugins/renders.py), and a writer of brief files."""

from pathlib import Path

import pytest

from plugins.example import BRIEFS_DIR

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))


@pytest.fixture(scope="session")
def example_pdfs(renderer) -> dict[str, bytes]:
    return {name: renderer.render(BRIEFS_DIR / f"{name}.yaml") for name in EXAMPLES}


@pytest.fixture
def write_brief(tmp_path):
    """A writer of briefs: ``write_brief(text, name="brief.yaml")`` writes the text to a file in
    the test's folder and returns its path."""

    def write(text: str, name: str = "brief.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
