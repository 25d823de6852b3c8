"""The suite's shared fixtures: the plugins in tests/plugins (the example project and its
renders, pdf.js, page-image baselines) and a temporary folder per test module."""

from pathlib import Path

import pytest

pytest_plugins = ["plugins.visual", "plugins.example", "plugins.renders", "plugins.pdfjs",
                  "plugins.suggestions", "plugins.report_pdfs"]


@pytest.fixture(scope="module")
def module_folder(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary folder shared by the tests of one module (named after it)."""
    return tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
