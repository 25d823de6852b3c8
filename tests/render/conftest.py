"""Fixtures for the render tests: every example brief rendered once per session (with the
session's ``renderer``, plugins/renders.py), on its own paper and, once each, on another
(``example_on_paper``), and a writer of brief files."""

import re
from pathlib import Path

import pytest

from plugins.example import BRIEFS_DIR

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))


@pytest.fixture(scope="session")
def example_pdfs(renderer) -> dict[str, bytes]:
    return {name: renderer.render(BRIEFS_DIR / f"{name}.yaml") for name in EXAMPLES}


@pytest.fixture(scope="session")
def example_on_paper(renderer, example_pdfs, tmp_path_factory):
    """``example_on_paper(name, paper) -> (brief path, PDF bytes)``: the example brief set on
    ``paper`` (its own file and PDF when that is its paper), each rendered once a session —
    the page and the spacing tests measure the same books."""
    from plugins.pdf_pages import on_paper

    folder = tmp_path_factory.mktemp("papers")
    made: dict[tuple[str, str], tuple[Path, bytes]] = {}

    def render(name: str, paper: str) -> tuple[Path, bytes]:
        source = BRIEFS_DIR / f"{name}.yaml"
        text = source.read_text(encoding="utf-8")
        own = re.search(r"(?m)^paper: *(\S+)", text)
        if paper == (own[1] if own else "A4"):
            return source, example_pdfs[name]
        if (name, paper) not in made:
            path = folder / f"{name}-{paper}.yaml"
            path.write_text(on_paper(text, paper), encoding="utf-8")
            made[name, paper] = path, renderer.render(path)
        return made[name, paper]

    return render


@pytest.fixture
def write_brief(tmp_path):
    """A writer of briefs: ``write_brief(text, name="brief.yaml")`` writes the text to a file in
    the test's folder and returns its path."""

    def write(text: str, name: str = "brief.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
